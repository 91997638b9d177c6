"""Real flows (Prefect's ephemeral API) against a real local HTTP server and a real DuckDB file."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import flows  # noqa: F401
from flows.demo.feedserver import FeedServer

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
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "article_topics", "figures", "quotes")
        }
    finally:
        con.close()


def test_poll_twice_stores_nothing_twice_and_digest_lists_everything(
    server: FeedServer, tmp_path: Path
) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    first = poll_feeds(config=CONFIG, db=str(db), now=NOW, feeds=feeds(server))
    # broken.xml is truncated, but feedparser recovers its first item: kept, with a warning
    assert first["feeds"] == 5 and first["failed"] == 2
    assert first["kept_new"] >= 2 and first["figures_new"] >= 1 and first["quotes_new"] >= 1
    after_first = table_counts(db)

    too_soon = poll_feeds(
        config=CONFIG, db=str(db), now=NOW + timedelta(minutes=10), feeds=feeds(server)
    )
    assert too_soon["skipped"] == 5 and too_soon["not_modified"] == 0
    requests_before = len(server.requests)
    second = poll_feeds(
        config=CONFIG, db=str(db), now=NOW + timedelta(hours=2), feeds=feeds(server)
    )
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
    status, error = con.execute(
        "SELECT last_status, last_error FROM feeds WHERE name = ?", ["Broken Feed"]
    ).fetchone()
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
    later = daily_digest(config=CONFIG, db=str(db), now=NOW + timedelta(days=1), out=str(tmp_path))
    assert later["new_figures"] == 0 and later["new_quotes"] == 0
    assert Path(later["html"]).name == "2026-11-24.html"


def article_rows(db: Path) -> dict[str, tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT id, kept, content_hash, cluster_id FROM articles"
            ).fetchall()
        }
    finally:
        con.close()


def test_a_poll_in_batches_stores_what_one_batch_stores(server: FeedServer, tmp_path: Path) -> None:
    from flows.poll import poll_feeds

    small = tmp_path / "batches.toml"
    text = Path(CONFIG).read_text(encoding="utf-8")
    assert re.search(r"(?m)^batch_size = \d+", text)
    small.write_text(re.sub(r"(?m)^batch_size = \d+", "batch_size = 2", text), encoding="utf-8")
    one, many = tmp_path / "one.duckdb", tmp_path / "many.duckdb"
    whole = poll_feeds(config=CONFIG, db=str(one), now=NOW, feeds=feeds(server))
    batched = poll_feeds(config=str(small), db=str(many), now=NOW, feeds=feeds(server))
    assert batched == whole and whole["feeds"] == 5
    assert table_counts(many) == table_counts(one)
    assert article_rows(many) == article_rows(one)
    con = duckdb.connect(str(many), read_only=True)
    try:
        assert (
            con.execute("SELECT count(*) FROM feeds WHERE last_polled_at IS NOT NULL").fetchone()[0]
            == 5
        )
    finally:
        con.close()


def test_a_poll_after_an_interrupted_one_clusters_the_stories_again(
    data_dir: Path, tmp_path: Path
) -> None:
    from flows.poll import poll_feeds

    # a second outlet carrying copies of the same stories: the poll clusters each pair
    (tmp_path / "feeds").mkdir()
    mini = (data_dir / "feeds" / "mini.rss").read_text(encoding="utf-8")
    (tmp_path / "feeds" / "mini.rss").write_text(mini, encoding="utf-8")
    (tmp_path / "feeds" / "mirror.rss").write_text(
        mini.replace("newswatch.sample/mini/", "newswatch.sample/mirror/").replace(
            "mini-0", "mirror-0"
        ),
        encoding="utf-8",
    )
    db = tmp_path / "nw.duckdb"
    with FeedServer(tmp_path, NOW) as server:
        outlets = [{"name": n, "url": server.url(f"feeds/{n}.rss")} for n in ("mini", "mirror")]
        poll_feeds(config=CONFIG, db=str(db), now=NOW, feeds=outlets)
        clustered = article_rows(db)
        assert any(row[2] != aid for aid, row in clustered.items()), "no copies clustered"
        # what a kill between storing the last batch and clustering leaves behind
        con = duckdb.connect(str(db))
        con.execute("UPDATE articles SET cluster_id = id")
        con.execute(
            "INSERT INTO runs (id, flow, started_at, status) "
            "VALUES ('killed', 'poll-feeds', ?, 'running')",
            [NOW],
        )
        con.close()
        again = poll_feeds(config=CONFIG, db=str(db), now=NOW + timedelta(minutes=5), feeds=outlets)
    assert again["skipped"] == 2 and again["articles_new"] == 0  # nothing due, nothing new
    assert article_rows(db) == clustered
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert (
            con.execute("SELECT status FROM runs WHERE id = 'killed'").fetchone()[0]
            == "interrupted"
        )
    finally:
        con.close()
