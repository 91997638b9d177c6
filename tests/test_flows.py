"""Real flows (Prefect's ephemeral API) against a real local HTTP server and a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import flows  # noqa: F401
from flows.feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)

pytestmark = pytest.mark.slow


@pytest.fixture
def server(data_dir: Path):
    with FeedServer(data_dir, NOW) as srv:
        yield srv


def feeds(srv: FeedServer) -> list[dict[str, str]]:
    return [
        {"name": "Mini Wire", "url": srv.url("feeds/mini.rss")},
        {"name": "Mini Atom", "url": srv.url("feeds/mini.atom")},
        {"name": "Broken Feed", "url": srv.url("feeds/broken.xml")},
        {"name": "Not A Feed", "url": srv.url("feeds/not_a_feed.html")},
        {"name": "Gone Feed", "url": srv.url("feeds/missing.xml")},
    ]


def table_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "article_topics", "figures", "quotes")}
    finally:
        con.close()


def test_poll_twice_stores_nothing_twice_and_digest_lists_everything(
        server: FeedServer, tmp_path: Path) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    first = poll_feeds(config=CONFIG, db=str(db), now=NOW, feeds=feeds(server))
    # broken.xml is truncated, but feedparser recovers its first item: kept, with a warning
    assert first["feeds"] == 5 and first["failed"] == 2
    assert first["kept_new"] >= 2 and first["figures_new"] >= 1 and first["quotes_new"] >= 1
    after_first = table_counts(db)

    too_soon = poll_feeds(config=CONFIG, db=str(db), now=NOW + timedelta(minutes=10),
                          feeds=feeds(server))
    assert too_soon["skipped"] == 5 and too_soon["not_modified"] == 0
    requests_before = len(server.requests)
    second = poll_feeds(config=CONFIG, db=str(db), now=NOW + timedelta(hours=2),
                        feeds=feeds(server))
    assert second["skipped"] == 0
    # the three feeds that parsed answer 304; the two broken ones are asked again in full and
    # still fail (a broken body's ETag is never stored, so it cannot come back as "fine")
    assert second["articles_new"] == 0 and second["not_modified"] == 3
    assert second["failed"] == 2
    assert table_counts(db) == after_first
    assert len(server.requests) - requests_before == 5  # one conditional request per feed

    out = tmp_path / "digests"
    result = daily_digest(config=CONFIG, db=str(db), now=NOW + timedelta(hours=1), out=str(out))
    html = Path(result["html"]).read_text(encoding="utf-8")
    text = Path(result["text"]).read_text(encoding="utf-8")
    assert Path(result["html"]).name == "2026-11-23.html"
    assert result["new_figures"] >= 1 and result["new_quotes"] >= 1
    for name in ("Not A Feed", "Gone Feed"):
        assert name in html and name in text
    assert "HTTP 404" in html and "not an RSS/Atom feed" in html
    con = duckdb.connect(str(db), read_only=True)
    status, error = con.execute("SELECT last_status, last_error FROM feeds WHERE name = ?",
                                ["Broken Feed"]).fetchone()
    con.close()
    assert status == "not_modified" and "accepted despite" in error  # the warning is kept
    assert "NEW" in html


def test_a_second_digest_does_not_repeat_facts(server: FeedServer, tmp_path: Path) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    poll_feeds(config=CONFIG, db=str(db), now=NOW, feeds=feeds(server)[:2])
    one = daily_digest(config=CONFIG, db=str(db), now=NOW, out=str(tmp_path))
    again = daily_digest(config=CONFIG, db=str(db), now=NOW, out=str(tmp_path))
    assert again["new_figures"] == one["new_figures"] >= 1  # same window re-rendered
    later = daily_digest(config=CONFIG, db=str(db), now=NOW + timedelta(days=1),
                         out=str(tmp_path))
    assert later["new_figures"] == 0 and later["new_quotes"] == 0
    assert Path(later["html"]).name == "2026-11-24.html"
