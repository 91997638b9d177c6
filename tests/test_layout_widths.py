"""The archive page and the e-mail hold their columns at 375, 600 and 1,000 px with 80-character
feed names and long URLs (issue 15), measured in headless Chromium by
``scripts/screenshot_digest --measure``: no element reaches past the viewport, the page does
not scroll sideways, and every column keeps a usable width."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from monitors.store.rows import FeedHealth
from reports.digest import Digest, build_digest
from reports.email import inline_css
from reports.render import render_email_html, render_html
from tests.factories import T0, art_row, fig_row, quote_row

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_digest"
WIDTHS = (375, 600, 1000)
FIGS = "table.figs tr.fact > td"
CELLS = "td.cell"
# 80 characters each: words, and one unbreakable run (a URL used as a name)
WORDY = "The Extraordinarily Long-Named International Defence and Security Review Weekly!"
SOLID = "https://feeds.examplenewsorganisation.org/rss/defenceandsecurityreviewweekly.xml"
LONG_URL = "https://feeds.examplenewsorganisation.org/rss/" + "defencereview" * 8 + ".xml"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
        reason="chromium is not installed (apt-get install chromium)",
    ),
]


def digest(name: str) -> Digest:
    assert len(name) == 80
    sentence = (
        "Ministers said the alliance would lift spending to {t} by the end of the decade, "
        "officials told reporters after the meeting in Brussels."
    )
    figs = [
        replace(
            fig_row(f"k{i}", LONG_URL, f"{LONG_URL}?item={i}", f"{i}.5% of GDP", value=i + 0.5),
            feed_name=name,
            sentence=sentence.format(t=f"{i}.5% of GDP"),
        )
        for i in range(1, 4)
    ]
    quotes = [replace(quote_row("q1", LONG_URL, f"{LONG_URL}?q"), feed_name=name)]
    arts = [
        replace(art_row(f"a{i}", LONG_URL, f"c{i}"), feed_name=name, url=f"{LONG_URL}?item={i}")
        for i in range(1, 4)
    ]
    health = [
        FeedHealth(LONG_URL, name, name, "error", T0, None, 3, "HTTP 503", None, None, False),
        FeedHealth(LONG_URL + "2", name, name, "ok", T0, T0, 0, None, None, 4, True),
    ]
    return build_digest(
        title="Daily digest",
        digest_date="2026-11-23",
        window_start=T0 - timedelta(days=1),
        window_end=T0,
        topics=["nato-spending", "ukraine-aid"],
        articles=arts,
        figures=figs,
        quotes=quotes,
        reported_figures=set(),
        reported_quotes=set(),
        feed_health=health,
    )


def measure(page: Path) -> list[dict]:
    widths = ",".join(map(str, WIDTHS))
    args = ["--measure", "--widths", widths, "--columns", FIGS, "--columns", CELLS]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(page), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["width"] for r in rows] == list(WIDTHS)
    return rows


def assert_within_viewport(rows: list[dict], what: str) -> None:
    for r in rows:
        assert r["viewport"] == r["width"], what
        assert r["n_overflowing"] == 0, (what, r["width"], r["overflowing"][:3])
        assert r["scroll_width"] <= r["width"], (what, r["width"], r["scroll_width"])


def test_the_measurement_sees_an_element_wider_than_the_viewport(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(f"<!doctype html><body><table><tr><td>{SOLID * 4}</td></tr></table>")
    rows = measure(page)
    assert all(r["n_overflowing"] > 0 and r["scroll_width"] > r["width"] for r in rows[:2])


@pytest.mark.parametrize("name", [WORDY, SOLID], ids=["words", "unbreakable"])
def test_the_archive_page_holds_its_columns(tmp_path: Path, name: str) -> None:
    page = tmp_path / "archive.html"
    page.write_text(render_html(digest(name)), encoding="utf-8")
    rows = measure(page)
    assert_within_viewport(rows, "archive")
    phone, *wider = rows
    cols = phone["columns"][FIGS]
    assert sorted(cols) == ["0", "1", "2", "3"]
    assert min(cols.values()) >= 300  # a phone stacks the four columns, each full width
    for r in wider:
        fig, context, about, source = (r["columns"][FIGS][k] for k in "0123")
        assert context >= 0.35 * r["width"] or context >= 220, r  # the sentence stays readable
        assert fig >= 100 and about >= 60 and source >= 100, r


@pytest.mark.parametrize("name", [WORDY, SOLID], ids=["words", "unbreakable"])
def test_the_email_holds_its_columns(tmp_path: Path, name: str) -> None:
    page = tmp_path / "email.html"
    archive = "https://digests.example.org/" + "x" * 120 + ".html"
    page.write_text(inline_css(render_email_html(digest(name), archive_url=archive)), "utf-8")
    rows = measure(page)
    assert_within_viewport(rows, "e-mail")
    for r in rows:  # one column of cells, as wide as the card (640 px at most)
        assert r["columns"][CELLS]["0"] >= min(r["width"], 640) - 4, r
