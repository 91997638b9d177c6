"""Three replayed days: a figure on day 1 and day 3, a new one on day 2 — NEW exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import flows  # noqa: F401
from flows.demo.feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
DAY1 = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)

pytestmark = pytest.mark.slow


def new_figures(html: str) -> list[str]:
    """The figure texts a digest marks NEW in its figure table (the value right after each
    NEW badge; the "Ledger changes" section's NEW badges, before a linked value, are rows
    new to a ledger, not facts)."""
    out = []
    for chunk in html.split('<span class="new">NEW</span>')[1:]:
        if not chunk.lstrip().startswith('<span class="val">'):
            continue
        start = chunk.index('<span class="val">') + len('<span class="val">')
        out.append(chunk[start : chunk.index("</span>", start)])
    return out


def test_new_exactly_once_per_fact(data_dir: Path, tmp_path: Path) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db, out = str(tmp_path / "l.duckdb"), str(tmp_path / "out")
    marked: list[list[str]] = []
    with FeedServer(data_dir / "ledger") as srv:
        feeds = [{"name": "Ledger Wire", "url": srv.url("feeds/wire.rss")}]
        for day in range(3):
            now = DAY1 + timedelta(days=day)
            srv.now = now
            poll_feeds(config=CONFIG, db=db, now=now, feeds=feeds)
            r = daily_digest(config=CONFIG, db=db, now=now, out=out)
            marked.append(new_figures(Path(r["html"]).read_text(encoding="utf-8")))
    assert "3.5% of GDP" in marked[0]
    assert "€7bn" in marked[1] and "3.5% of GDP" not in marked[1]
    assert "3.5% of GDP" not in marked[2]
    con = duckdb.connect(db, read_only=True)
    per_fact = con.execute(
        "SELECT key, count(*) FROM digest_facts WHERE kind = 'figure' GROUP BY key"
    ).fetchall()
    in_day3 = con.execute("""SELECT count(*) FROM figures f JOIN articles a ON a.id = f.article
                             WHERE f.text = '3.5% of GDP' AND a.url LIKE '%/25/%'""").fetchone()
    con.close()
    assert per_fact and all(n == 1 for _, n in per_fact)
    assert in_day3[0] >= 1  # the day-3 article did carry the fact; it was simply not new
