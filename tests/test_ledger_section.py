"""The digest's "Ledger changes" section, full ledgers and charts as rendered (issue 17): the
archive page, the e-mail and the text, from the ledgers of a real store (tests/test_ledgers.py's
stories); the section links every line to its source and is left out when nothing moved."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from monitors.decide.ledger_changes import ledger_state
from monitors.store.db import Store
from monitors.store.ledgers import ledger_figures
from reports.charts import ChartImage, TopicDay, digest_charts
from reports.digest import Digest
from reports.email import message_id_for
from reports.items import LEDGER_CHANGES_SHOWN
from reports.letter import build_email
from reports.render import TOPIC_LABELS, render_email_html, render_html, render_text
from tests.factories import T0
from tests.test_digest import build
from tests.test_ledgers import write_ledger_store


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list:
    db = write_ledger_store(Path(tmp_path_factory.mktemp("section")) / "store.duckdb")
    with Store(db, read_only=True) as s:
        return ledger_figures(s.con)


def with_ledgers(rows: list, since_day: float, until_day: float) -> Digest:
    state = ledger_state(rows, T0 + timedelta(days=since_day), T0 + timedelta(days=until_day))
    return replace(
        build(),
        ledger_changes=state.moves,
        ledger_spending=state.spending,
        ledger_aid=state.aid,
    )


class Links(HTMLParser):
    """The hrefs inside each element of class ``move``, and every href and img of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.moves: list[list[str]] = []
        self.depth = 0
        self.hrefs: list[str] = []
        self.imgs: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "move" in (a.get("class") or "").split():
            self.moves.append([])
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br", "img")
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
            if self.depth:
                self.moves[-1].append(a["href"] or "")
        if tag == "img":
            self.imgs.append(a)

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1


def parsed(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def test_the_archive_page_lists_what_moved_each_line_linked_to_its_source(rows) -> None:
    d = with_ledgers(rows, 1.5, 3.5)
    html = render_html(d)
    assert html.count('id="ledger-changes"') == 1
    page = parsed(html)
    assert [links[0] for links in page.moves] == [
        "https://news.test/de-confirm",  # Germany's share: 2.1 -> 2.4
        "https://news.test/de-confirm",  # Germany's amount: new
        "https://news.test/ca-energy",
        "https://news.test/eu-running-total",
    ]
    assert "https://news.test/de-actual" in page.moves[0]  # the previous value's source
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Germany share of GDP 2.1% of GDP → 2.4% of GDP (planned 2027)" in text
    assert "officials confirmed.” — " in text and "26 Nov 2026" in text
    assert "Canada aid NEW USD 50 m (humanitarian)" in text
    # the full ledgers: every value cell a link to its source, allies without a report named
    ledgers = html[html.index('id="ledgers"') :]
    for url in ("de-confirm", "de-actual", "nato-target", "eu-proceeds", "ca-interceptors"):
        assert f'href="https://news.test/{url}"' in ledgers, url
    assert "No report (31): Belgium, Canada" in text and "total USD 350 m" in text
    assert "no EUR total: a source gives a running total" in text


def test_the_section_is_left_out_when_nothing_moved(rows) -> None:
    d = with_ledgers(rows, 3.5, 4.5)  # day 4 holds only doubtful subjects
    assert d.ledger_changes == ()
    for out in (render_html(d), render_email_html(d), render_text(d)):
        assert "Ledger changes" not in out and "LEDGER CHANGES" not in out
    assert 'id="ledgers"' in render_html(d)  # the full ledgers are still on the page
    assert "Ledger changes" not in render_html(build()) and 'id="ledgers"' not in render_html(
        build()
    )


def test_a_long_list_is_cut_and_counted(rows) -> None:
    d = with_ledgers(rows, 1.5, 3.5)
    many = replace(d, ledger_changes=d.ledger_changes * 3)  # 12 lines
    more = len(many.ledger_changes) - LEDGER_CHANGES_SHOWN
    html = render_html(many)
    assert len(parsed(html).moves) == LEDGER_CHANGES_SHOWN
    assert f"… and {more} more changes" in html
    email = render_email_html(many, archive_url="https://digests.test/2026-11-26.html")
    assert len(parsed(email).moves) == LEDGER_CHANGES_SHOWN
    assert f"… and {more} more changes in the" in email
    assert render_text(many).count("\n* ") >= LEDGER_CHANGES_SHOWN
    assert f"... and {more} more changes in the full digest" in render_text(many)


def test_the_text_names_sentence_date_and_url(rows) -> None:
    text = render_text(with_ledgers(rows, 1.5, 3.5))
    block = text[text.index("LEDGER CHANGES") :]
    assert "* Germany, share of GDP: 2.1% of GDP -> 2.4% of GDP (planned 2027)" in block
    assert '"Germany will spend 2.4% of GDP on defence next year, officials confirmed."' in block
    assert "26 Nov 2026: https://news.test/de-confirm" in block
    assert "previously: http://feeds.test/Wire.xml, 23 Nov 2026: https://news.test/de-actual" in (
        block
    )


def test_the_ledger_section_marks_no_fact_reported(rows) -> None:
    plain = build()
    d = with_ledgers(rows, 1.5, 3.5)
    assert d.ledger == plain.ledger == ()
    assert 'data-kind="figure"' not in render_html(d)  # the moves are not "What's new" facts


def charts(rows) -> list[ChartImage]:
    state = ledger_state(rows, T0, T0 + timedelta(days=5))
    counts = [TopicDay("nato-spending", T0.date(), 2, 1)]
    return digest_charts(
        ["nato-spending", "ukraine-aid"], counts, T0.date(), state.spending, TOPIC_LABELS
    )


def test_charts_on_the_archive_page_and_inline_in_the_email(rows) -> None:
    cs = charts(rows)
    assert [c.name for c in cs] == ["chart-nato-spending", "chart-ukraine-aid", "chart-gdp"]
    d = with_ledgers(rows, 1.5, 3.5)
    imgs = parsed(render_html(d, charts=cs, stem="2026-11-26")).imgs
    assert [i["src"] for i in imgs] == [f"2026-11-26-{c.name}.png" for c in cs]
    assert [i["alt"] for i in imgs] == [c.alt for c in cs]
    assert "Germany 2.4% 2027 (planned)" in cs[2].alt
    msg = build_email(
        d,
        timezone="UTC",
        subject="digest",
        sender="nw@localhost",
        recipients=("a@example.org",),
        message_id=message_id_for("w"),
        date=T0,
        list_id="l <l.x>",
        charts=cs,
    )
    related = msg.get_payload()[1]
    html = related.get_payload()[0].get_content()
    parts = related.get_payload()[1:]
    assert [p["Content-ID"] for p in parts] == [f"<{c.name}@newswatch>" for c in cs]
    assert [p.get_payload(decode=True) for p in parts] == [c.png for c in cs]
    srcs = [i["src"] for i in parsed(html).imgs]
    assert srcs == [f"cid:{c.name}@newswatch" for c in cs]
    assert all(i["alt"] for i in parsed(html).imgs)
    assert "Ledger changes" in html and 'href="https://news.test/ca-energy"' in html
