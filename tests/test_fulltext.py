"""Full-text fetching: which items, the SSRF guard, and that a re-polled summary changes nothing."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from monitors.config import PollSettings
from monitors.ingest.fetch import fetch_pages
from monitors.ingest.fulltext import wants_full_text, with_page_text
from monitors.ingest.netguard import address_is_public, check_url
from monitors.model import Processed
from monitors.store.db import Store
from tests.factories import T0, article

SETTINGS = PollSettings(timeout_seconds=5, max_concurrency=4, max_body_bytes=100_000)
PAGE = (
    "<html><head><title>t</title></head><body><article><h1>Allies pledge more</h1>"
    + "".join(
        f"<p>Paragraph {i} says NATO allies will raise defence budgets again "
        f"next year, officials said.</p>"
        for i in range(12)
    )
    + "</article></body></html>"
).encode()


@pytest.mark.parametrize(
    ("addr", "public"),
    [
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.9", False),
        ("172.16.5.5", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
    ],
)
def test_address_classes(addr: str, public: bool) -> None:
    assert address_is_public(addr) is public


def test_check_url_refuses_loopback_unless_allowed() -> None:
    refused = asyncio.run(check_url("http://127.0.0.1:8080/a", allow_private=False))
    assert refused and "non-public" in refused
    assert asyncio.run(check_url("http://127.0.0.1:8080/a", allow_private=True)) is None
    assert "scheme" in asyncio.run(check_url("file:///etc/passwd", allow_private=True))


def test_redirect_to_metadata_address_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "93.184.216.34" and request.url.path == "/story":
            return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest"})
        if request.url.path == "/ok":
            return httpx.Response(200, content=PAGE)
        return httpx.Response(200, content=b"secret")

    bad, good = fetch_pages(
        ["http://93.184.216.34/story", "http://93.184.216.34/ok"],
        SETTINGS,
        transport=httpx.MockTransport(handler),
    )
    assert bad.status == "error" and "169.254.169.254" in bad.error and bad.body == b""
    assert good.ok and good.body == PAGE


def test_only_short_possibly_on_topic_items_are_fetched() -> None:
    assert wants_full_text(article("a", "NATO ministers met on Monday.", title="Allies meet"))
    assert not wants_full_text(article("b", "The derby ended 2-0.", title="Football"))
    assert not wants_full_text(article("c", "NATO " + "x" * 700, title="Long enough"))


def test_page_text_replaces_summary_and_a_repoll_changes_nothing() -> None:
    summary = article("d", "NATO allies will raise defence budgets.", title="Allies pledge")
    full = with_page_text(summary, PAGE)
    assert len(full.text) > 500 and full.feed_hash == summary.content_hash
    with Store() as s:
        s.upsert_articles([Processed(full)], T0)
        again = s.upsert_articles([Processed(summary)], T0)
        assert (again.unchanged, again.updated) == (1, 0)
        text = s.con.execute("SELECT text FROM articles").fetchone()[0]
        assert text == full.text


@pytest.mark.corpus
def test_a_page_is_read_without_trafilaturas_metadata_pass_to_the_same_text(corpus) -> None:
    """page_body skips the metadata pass (its date parsing costs a third of the time and ~30 MB
    per worker); on real pages of the corpus the main text must not change."""
    import gzip

    from monitors.ingest.articles import decode_bytes
    from monitors.ingest.fulltext import page_body
    from monitors.ingest.text import html_to_text

    pages = sorted((corpus / "articles").rglob("*.html.gz"))[::5] + sorted(
        (corpus / "articles").rglob("*.html")
    )
    assert len(pages) >= 30, "too few HTML pages in the corpus to compare"
    for path in pages:
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if path.suffix == ".gz" else raw
        _, with_metadata = html_to_text(decode_bytes(raw))
        assert page_body(raw, "") == (with_metadata or None), path.name
