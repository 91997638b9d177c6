"""The demo's sample site (issue 15): every item the sample feeds link has a page, so the
demo's full-text fetches never fail, and a page made from an item says no more than the item
did, so the analysis (and the answer key) is unchanged."""

from __future__ import annotations

import html
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from flows.demo.feedserver import PLACEHOLDER, FeedServer
from monitors.ingest.fulltext import wants_full_text, with_page_text
from monitors.ingest.normalise import normalise_entry
from monitors.ingest.parse import parse_feed

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def item_links() -> list[str]:
    """Every item link on the placeholder host in the sample feeds (channel links excluded)."""
    links = []
    for f in sorted((SAMPLES / "feeds").glob("*.xml")):
        for e in parse_feed(f.name, f.read_bytes()).entries:
            assert e.link and e.link.startswith(PLACEHOLDER), e.link
            links.append(e.link)
    return links


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, "", b""


def test_every_linked_item_has_a_page_even_when_asked_for_all_at_once() -> None:
    links = item_links()
    assert len(links) == 39  # samples/README.md: 39 items
    with FeedServer(SAMPLES) as srv:  # a fresh server: the first requests race each other
        urls = [srv.url("articles/" + link[len(PLACEHOLDER) :]) for link in links]
        with ThreadPoolExecutor(16) as pool:
            got = list(pool.map(get, urls))
        missing = srv.url("articles/danube/2026/11/23/no-such-story")
        assert get(missing)[0] == 404  # only linked items have pages
    bad = [u for u, (status, ctype, body) in zip(urls, got, strict=True) if status != 200]
    assert bad == []
    assert all(ctype.startswith("text/html") and body for _, ctype, body in got)


def test_a_made_up_page_adds_nothing_and_the_full_pages_still_do() -> None:
    with FeedServer(SAMPLES) as srv:
        check_pages(srv)


def check_pages(srv: FeedServer) -> None:
    wanted = 0
    for f in sorted((SAMPLES / "feeds").glob("*.xml")):
        outlet = parse_feed(f.name, f.read_bytes())
        for e in outlet.entries:
            article = normalise_entry(e, NOW)
            assert article is not None
            path = "articles/" + e.link[len(PLACEHOLDER) :]
            page, _ = srv.resolve("/" + path)
            assert page is not None
            static = (SAMPLES / path).with_suffix(".html").is_file()
            if not static:
                assert outlet.title.encode() in page  # an outlet's page, not a bare fragment
                assert with_page_text(article, page) is article, path  # no text added
            else:
                assert page == (SAMPLES / path).with_suffix(".html").read_bytes()
                assert len(with_page_text(article, page).text) > len(article.text) + 300
            wanted += wants_full_text(article)
    assert wanted >= 20  # the demo does fetch many pages: each one must exist


def test_pages_hold_only_the_sample_text() -> None:
    """A made-up page's text is its item's: sentences from the feed, nothing else but the
    outlet's name and the demo's footer."""
    raw = "".join(f.read_text(encoding="utf-8") for f in (SAMPLES / "feeds").glob("*.xml"))
    feeds = " ".join(html.unescape(html.unescape(raw)).split())
    with FeedServer(SAMPLES) as srv:
        pages = srv.item_pages()
    for path, page in pages.items():
        text = re.sub(r"<[^>]+>", "\n", page.decode())
        for line in (" ".join(html.unescape(x).split()) for x in text.splitlines()):
            if line and line != "A sample page served by the newswatch demo.":
                assert line.split(" | ")[0] in feeds or line in feeds, (path, line)
