from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from monitors.errors import StoreError
from monitors.store.db import MIGRATIONS, Store
from tests.factories import T0, fig, processed, quote


def test_migrations_are_named_and_applied_once(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        assert s.applied_migrations() == [name for name, _ in MIGRATIONS]
    with Store(db) as s:  # reopening applies nothing new
        assert s.migrate() == []


def test_upsert_is_idempotent() -> None:
    batch = [processed("a", figures=[fig()], quotes=[quote()]), processed("b", topic=None)]
    with Store() as s:
        first = s.upsert_articles(batch, T0)
        counts = {t: s.count(t) for t in ("articles", "figures", "quotes", "article_topics")}
        second = s.upsert_articles(batch, T0 + timedelta(hours=1))
        assert (first.new, first.kept_new, first.figures_new, first.quotes_new) == (2, 1, 1, 1)
        assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
        assert (
            {t: s.count(t) for t in counts}
            == counts
            == {"articles": 2, "figures": 1, "quotes": 1, "article_topics": 1}
        )


def test_same_article_twice_in_one_batch_is_stored_once() -> None:
    with Store() as s:
        s.upsert_articles([processed("a"), processed("a", feed="http://other/f.xml")], T0)
        assert s.count("articles") == 1


def test_updated_article_replaces_children_and_keeps_first_seen() -> None:
    with Store() as s:
        s.upsert_articles([processed("a", figures=[fig()], text="v1")], T0)
        later = T0 + timedelta(hours=3)
        c = s.upsert_articles(
            [processed("a", figures=[fig(), fig("$1.5bn", 1.5e9, "USD")], text="v2")], later
        )
        assert (c.new, c.updated) == (0, 1)
        rows = s.con.execute("SELECT text, first_seen_at FROM figures ORDER BY idx").fetchall()
        assert [r[0] for r in rows] == ["3.5% of GDP", "$1.5bn"]
        assert rows[0][1] == T0 and rows[1][1] == later  # the 3.5% fact was first seen at T0


def test_figures_share_a_fact_key_across_outlets() -> None:
    with Store() as s:
        s.upsert_articles(
            [processed("a", figures=[fig()]), processed("b", figures=[fig(subject="the NATO")])], T0
        )
        keys = s.con.execute("SELECT DISTINCT fact_key FROM figures").fetchall()
        assert len(keys) == 1


def test_crash_inside_a_batch_leaves_nothing_half_written(monkeypatch) -> None:
    with Store() as s:
        original = s._insert_many
        calls = []

        def flaky(table, columns, rows, chunk=250):
            calls.append(table)
            if table == "figures":  # the articles are in, the figures fail
                raise RuntimeError("disk on fire")
            return original(table, columns, rows, chunk)

        monkeypatch.setattr(s, "_insert_many", flaky)
        with pytest.raises(RuntimeError):
            s.upsert_articles([processed("a", figures=[fig()]), processed("b")], T0)
        assert "articles" in calls
        assert s.count("articles") == 0 and s.count("figures") == 0


def test_bulk_batch_counts_distinct_new_facts() -> None:
    with Store() as s:
        batch = [processed(f"n{i}", figures=[fig()], quotes=[quote()]) for i in range(600)]
        c = s.upsert_articles(batch, T0)
        assert (c.new, c.figures_new, c.quotes_new) == (600, 1, 1)
        assert s.count("figures") == 600 and s.count("articles") == 600


def test_foreign_and_corrupt_files_are_refused_and_untouched(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database" * 10)
    with pytest.raises(StoreError, match="not a DuckDB database"):
        Store(junk)
    assert junk.read_bytes() == b"this is not a database" * 10

    foreign = tmp_path / "foreign.duckdb"
    con = duckdb.connect(str(foreign))
    con.execute("CREATE TABLE invoices (n INTEGER)")
    con.close()
    with pytest.raises(StoreError, match="did not create"):
        Store(foreign)
    con = duckdb.connect(str(foreign))
    tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    assert tables == [("invoices",)]
    con.close()


def test_read_only_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_an_updated_article_that_changes_a_figure_records_the_change() -> None:
    from datetime import timedelta

    with Store() as s:
        s.upsert_articles(
            [processed("a", figures=[fig("$1.5bn", 1.5e9, "USD", "Norway"), fig()], text="v1")], T0
        )
        later = T0 + timedelta(hours=2)
        s.upsert_articles(
            [processed("a", figures=[fig("$2bn", 2e9, "USD", "Norway"), fig()], text="v2")], later
        )
        rows = s.window_figure_changes(T0, later)
        assert [(r.old_text, r.new_text, r.subject) for r in rows] == [("$1.5bn", "$2bn", "Norway")]
        assert s.window_figure_changes(later, later + timedelta(hours=1)) == []


def test_quiet_feed_is_flagged_as_a_coverage_gap() -> None:
    from datetime import timedelta

    from monitors.model import FeedOutcome

    with Store() as s:
        s.upsert_articles([processed("a")], T0)
        url = "http://feeds.test/a.xml"
        s.record_feed_outcomes([FeedOutcome(url, "A", "new", items=1)], T0, {}, {})
        assert s.feed_health()[0].quiet is False
        s.record_feed_outcomes(
            [FeedOutcome(url, "A", "not_modified")], T0 + timedelta(days=4), {}, {}
        )
        assert s.feed_health()[0].quiet is True


def test_a_locked_store_waits_then_fails_clearly(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time as _time

    db = tmp_path / "locked.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, time, sys; c = duckdb.connect(sys.argv[1]);"
                " print('held', flush=True); time.sleep(30)"
            ),
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = _time.monotonic()
        with pytest.raises(StoreError, match=r"in use by another newswatch process.*waited 1 s"):
            Store(db, lock_wait=1.0)
        assert 0.9 <= _time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with Store(db, lock_wait=5.0) as s:  # free again: opens, nothing lost
        assert s.applied_migrations()


def test_upgrading_rekeys_stored_facts_and_keeps_them_reported(tmp_path) -> None:
    """Migration 0007: fact keys fold subjects through the actor table; a store written before
    keeps every fact it reported as reported under the new key."""
    from monitors.decide.keys import fact_key

    db = tmp_path / "old.duckdb"
    with Store(db) as s:
        s.con.execute("""INSERT INTO articles (id, url, fetched_at, updated_at, content_hash)
                         VALUES ('a', 'https://n.test/a', now(), now(), 'h')""")
        s.con.execute("""INSERT INTO figures (article, idx, text, value, low, high, unit,
                         subject, fact_key, first_seen_at)
                         VALUES ('a', 0, '$1.5bn', 1.5e9, 1.5e9, 1.5e9, 'USD', 'Washington',
                                 'old-key', now())""")
        s.con.execute("""INSERT INTO digests (id, digest_date, window_start, window_end, status,
                         created_at) VALUES ('d1', '2026-11-23', now(), now(), 'sent', now())""")
        s.con.execute("INSERT INTO digest_facts VALUES ('d1', 'figure', 'old-key')")
        s.con.execute("DELETE FROM schema_migrations WHERE name = '0007_canonical_fact_keys'")
    with Store(db) as s:
        new = fact_key("USD", 1.5e9, 1.5e9, 1.5e9, None, "United States")
        assert s.con.execute("SELECT fact_key FROM figures").fetchone()[0] == new
        keys = {r[0] for r in s.con.execute("SELECT key FROM digest_facts").fetchall()}
        assert keys == {"old-key", new}
        assert "0007_canonical_fact_keys" in s.applied_migrations()


def test_recent_articles_are_read_page_by_page_without_gaps_or_repeats() -> None:
    with Store() as s:
        s.upsert_articles([processed(f"r{i}") for i in range(7)], T0)  # one fetched_at: ties
        s.upsert_articles([processed(f"q{i}") for i in range(3)], T0 + timedelta(hours=1))
        s.upsert_articles([processed("off", topic=None)], T0)  # not kept: not clustered
        paged = [a.id for a in s.recent_articles(T0 - timedelta(days=1), page=2)]
        whole = [a.id for a in s.recent_articles(T0 - timedelta(days=1), page=1000)]
        assert paged == whole
        assert len(set(paged)) == len(paged) == 10
        later = [a.id for a in s.recent_articles(T0 + timedelta(minutes=30), page=2)]
        assert len(later) == 3 and set(later) < set(paged)
