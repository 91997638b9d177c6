"""The daily-digest flow on a real store (issue 17): two digests in a row, the second's "Ledger
changes" holds what moved since the first's end, its charts are written beside the archive page
and sent inline in the e-mail (a real SMTP sink on loopback), and the reported-facts ledger
(``digest_facts``) holds exactly the facts the page shows as new."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

import flows  # noqa: F401
from flows.demo.smtpsink import SmtpSink
from tests.factories import T0
from tests.test_flows import CONFIG
from tests.test_ledgers import write_ledger_store

pytestmark = pytest.mark.slow


def test_two_digests_the_second_shows_what_moved_since_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.digest import daily_digest

    db = write_ledger_store(tmp_path / "store.duckdb")
    out = tmp_path / "digests"
    with SmtpSink() as sink:
        for k, v in sink.env().items():
            monkeypatch.setenv(k, v)
        for_ = dict(config=CONFIG, db=str(db), out=str(out))
        first = daily_digest(**for_, now=T0 + timedelta(days=1, hours=12))
        second = daily_digest(**for_, now=T0 + timedelta(days=3, hours=12))
        assert first["delivery"] == second["delivery"] == "sent"
        assert len(sink.received) == 2
        mail = sink.received[1].message

    page = Path(second["html"]).read_text()
    section = page[page.index('id="ledger-changes"') : page.index('id="charts"')]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    # since the first digest's end (day 1.5): Germany 2.1 -> 2.4, its €90bn, Canada's $50m,
    # the EU's running total; not the EU's €7bn again (a copy, the same fact), nor NATO's target
    assert "Germany share of GDP 2.1% of GDP → 2.4% of GDP (planned 2027)" in text
    assert "Germany amount NEW EUR 90 bn" in text
    assert "Canada aid NEW USD 50 m (humanitarian)" in text
    assert "EU aid NEW EUR 140 bn" in text
    assert "EUR 7 bn" not in text and "NATO" not in text
    for url in ("de-confirm", "de-actual", "ca-energy", "eu-running-total"):
        assert f'href="https://news.test/{url}"' in section, url
    first_page = Path(first["html"]).read_text()
    assert "NATO share of GDP NEW 3.5% of GDP (target 2035)" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", first_page)
    )

    # charts: files beside the page, named in its <img> tags
    stem = Path(second["html"]).stem
    srcs = re.findall(r'<img class="chart" src="([^"]+)"', page)
    assert srcs == [f"{stem}-chart-{n}.png" for n in ("nato-spending", "ukraine-aid", "gdp")]
    for src in srcs:
        assert (Path(second["html"]).parent / src).read_bytes().startswith(b"\x89PNG")

    # the e-mail: the section, and each chart inline under the Content-ID its <img> names
    html = mail.get_body(("html",)).get_content()
    assert "Ledger changes" in html and 'href="https://news.test/ca-energy"' in html
    cids = re.findall(r'src="cid:([^"]+)"', html)
    assert cids == [f"chart-{n}@newswatch" for n in ("nato-spending", "ukraine-aid", "gdp")]
    images = [p for p in mail.walk() if p.get_content_type() == "image/png"]
    assert [p["Content-ID"] for p in images] == [f"<{c}>" for c in cids]
    for src, img in zip(srcs, images, strict=True):  # the same bytes as the archive's files
        assert img.get_payload(decode=True) == (Path(second["html"]).parent / src).read_bytes()
    assert "LEDGER CHANGES" in mail.get_body(("plain",)).get_content()

    # the reported-facts ledger: exactly the "What's new" facts the page shows
    shown = {k for keys in re.findall(r'data-key="([^"]*)"', page) for k in keys.split()}
    con = duckdb.connect(str(db), read_only=True)
    try:
        recorded = {
            r[0]
            for r in con.execute(
                "SELECT f.key FROM digest_facts f JOIN digests d ON d.id = f.digest "
                "WHERE d.html_path = ?",
                [second["html"]],
            ).fetchall()
        }
    finally:
        con.close()
    assert recorded == shown and recorded
