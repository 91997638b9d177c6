"""The DuckDB store: idempotent upserts and the article and feed queries (the digest ledger's
queries are in :mod:`monitors.store.digests`, the schema's named migrations in
:mod:`monitors.store.migrations`, the typed rows every query returns in
:mod:`monitors.store.rows`).

With its migrations and :mod:`monitors.store.memory`, the only module that imports duckdb. A
``postgresql://`` location opens the same schema on a PostgreSQL server instead, written by
several workers at once (:mod:`monitors.store.postgres`, docs/scale.md). One
:class:`Store` wraps one connection; each batch of articles is written in one transaction, so a
crash leaves either the whole batch or none of it. The store decides nothing: what a batch or a
poll changes is decided by :mod:`monitors.decide.articles` and :mod:`monitors.decide.health`
from the state the store reads, and the store writes the plan they return.
Articles are keyed by a hash of their canonical URL, so polling the same feeds twice stores
nothing twice; an article whose text changed is updated in place and its figures, quotes and
topics replaced.

Schema (see README "Store schema"; open the file with the DuckDB CLI to explore it):

    schema_migrations(name, applied_at)
    feeds(url, name, title, etag, last_modified, last_polled_at, last_ok_at, failures,
          next_poll_at, last_error, last_status, items)
    articles(id, url, guid, feed, title, published_at, fetched_at, updated_at, text,
             content_hash, cluster_id, kept, source_hash)
    article_topics(article, topic, score, rule, terms, evidence)
    figures(article, idx, text, value, low, high, unit, of, qualifier, approx, subject,
            sentence, fact_key, first_seen_at)
    quotes(article, idx, text, speaker, role, sentence, quote_key, first_seen_at, speaker_p,
           best_speaker)                    speaker_p: the ranker's probability
    digests(id, digest_date, window_start, window_end, status, created_at, sent_at,
            recipients, html, text, message_id, html_path, text_path)
    digest_facts(digest, kind, key)         the ledger: which fact each digest reported
    figure_changes(article, changed_at, old_text, new_text, unit, subject)
                                            an updated article's figure that changed
    runs(id, flow, started_at, finished_at, status, counts)
    search_docs(doc, article, kind, idx, len), search_postings(term, doc, tf)
                                            the search index (monitors/store/search.py)
    alerts(rule, fact, kind, event_id, article, raised_at)
                                            the alerts raised (monitors/store/alerts.py)
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from monitors.decide.articles import fact_writes, plan_upsert, sort_batch
from monitors.decide.health import health_rows
from monitors.errors import StoreError, StoreRefused
from monitors.model import FeedOutcome, Processed
from monitors.store.digests import FILE_SUCCESS, MAIL_SUCCESS, DigestQueries
from monitors.store.files import check_file, foreign_store
from monitors.store.memory import limit_memory, unbounded_on_oom
from monitors.store.migrations import MIGRATIONS
from monitors.store.postgres import PgConnection, is_postgres_url, redact
from monitors.store.rows import (
    FeedHealth,
    FeedState,
    FeedUpdate,
    FigureWrite,
    QuoteWrite,
    RecentArticle,
    StoredArticle,
    StoredFigure,
    UpsertCounts,
    UpsertPlan,
    columns_of,
    rows_from,
)
from monitors.store.runs import RunLog
from monitors.store.search import reindex_articles

__all__ = ["FILE_SUCCESS", "MAIL_SUCCESS", "MIGRATIONS", "FeedState", "Store", "UpsertCounts"]

DEFAULT_LOCK_WAIT = 30.0  # seconds a second process waits for the writer to finish
ARTICLE_COLUMNS = (
    "id",
    "url",
    "guid",
    "feed",
    "title",
    "published_at",
    "fetched_at",
    "updated_at",
    "text",
    "content_hash",
    "cluster_id",
    "kept",
    "source_hash",
)
FIGURE_COLUMNS = (
    "article",
    "idx",
    "text",
    "value",
    "low",
    "high",
    "unit",
    "of",
    "qualifier",
    "approx",
    "subject",
    "sentence",
    "fact_key",
    "first_seen_at",
    "span_start",
    "question",
)
QUOTE_COLUMNS = (
    "article",
    "idx",
    "text",
    "speaker",
    "role",
    "sentence",
    "quote_key",
    "first_seen_at",
    "speaker_p",
    "best_speaker",
)
CHANGE_COLUMNS = ("article", "changed_at", "old_text", "new_text", "unit", "subject")
log = logging.getLogger(__name__)


class Store(DigestQueries, RunLog):
    """One DuckDB file (or ``:memory:``) holding everything newswatch knows."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        lock_wait: float | None = None,
        create: bool = True,
        make_dirs: bool = True,
        memory_limit: str | None = None,
    ) -> None:
        """Open (creating and migrating) the store. When another process holds the file,
        wait up to ``lock_wait`` seconds (default: $NEWSWATCH_LOCK_WAIT, else 30) for it, then
        fail with a StoreError that says so.

        A missing file is created only when ``create`` (never when ``read_only``), and its
        directory only when ``make_dirs``; otherwise, and for a file that is not a newswatch
        store, :class:`StoreRefused` is raised and nothing is touched.

        ``memory_limit`` (a DuckDB size, "96MB") caps DuckDB's memory once the migrations (which
        index a whole store) have run: see :mod:`monitors.store.memory`."""
        self.path = str(path)
        if is_postgres_url(self.path):
            self._open_postgres(read_only)
            return
        if self.path != ":memory:":
            check_file(Path(self.path), read_only=read_only, create=create, make_dirs=make_dirs)
        if lock_wait is None:
            lock_wait = float(os.environ.get("NEWSWATCH_LOCK_WAIT", DEFAULT_LOCK_WAIT))
        deadline = time.monotonic() + lock_wait
        while True:
            try:
                self.con = duckdb.connect(self.path, read_only=read_only)
                break
            except duckdb.IOException as e:
                msg = str(e)
                if "lock" not in msg.lower():
                    raise StoreError(f"{self.path}: cannot open the DuckDB file: {msg}") from e
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{self.path}: the store is in use by another newswatch process "
                        f"(DuckDB allows one writer); waited {lock_wait:.0f} s, giving up. "
                        f"Nothing was changed; run again when the other run has finished."
                    ) from e
                if not getattr(self, "_told", False):
                    log.warning(
                        "store %s is in use by another process; waiting up to %.0f s",
                        self.path,
                        lock_wait,
                    )
                    self._told = True
                time.sleep(0.5)
            except duckdb.Error as e:
                raise StoreRefused(f"{self.path}: not a usable DuckDB file: {e}") from e
        self.con.execute("SET TimeZone = 'UTC'")
        self.dialect = "duckdb"
        self._types: dict[str, dict[str, str]] = {}  # table -> column -> type, for _insert_many
        if not read_only:
            self.migrate()
        elif self.path != ":memory:":
            self._check_schema()
        self.memory_limit = memory_limit
        if memory_limit:
            limit_memory(self.con, self.path, memory_limit)

    def _open_postgres(self, read_only: bool) -> None:
        """A PostgreSQL store (``postgresql://user@host/db``): several writers at once, see
        :mod:`monitors.store.postgres`.  No file checks and no DuckDB memory limit apply."""
        self.dialect = "postgres"
        self.memory_limit = None
        self._types = {}
        try:
            self.con = PgConnection(self.path)
        except Exception as e:  # psycopg.OperationalError: refused, no such database, auth
            raise StoreError(
                f"{redact(self.path)}: cannot connect to the PostgreSQL store: {e}".strip()
            ) from e
        if not read_only:
            self.migrate()
        else:
            self._check_schema()

    # -- lifecycle ---------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction: committed when the block ends, rolled back when anything (an error,
        Ctrl-C) leaves it early, so the store is never left half-written."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> list[str]:
        """Apply the named migrations not yet applied, each in its own transaction."""
        tables = {
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if tables and "schema_migrations" not in tables:
            self.con.close()
            raise foreign_store(self.path, tables)
        with self._transaction():  # (on PostgreSQL under the write lock: workers start at once)
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)"
            )
        done = {r[0] for r in self.con.execute("SELECT name FROM schema_migrations").fetchall()}
        applied = []
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._transaction():
                if self.con.execute(  # another process applied it while this one waited
                    "SELECT 1 FROM schema_migrations WHERE name = ?", [name]
                ).fetchone():
                    continue
                if callable(sql):
                    sql(self.con)
                else:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
            applied.append(name)
            log.info("store %s: applied migration %s", self.path, name)
        return applied

    def _check_schema(self) -> None:
        """Read-only: refuse a DuckDB file newswatch did not create, or one whose schema is
        older than this code (a read-only connection cannot migrate it)."""
        tables = {
            r[0]
            for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        if "schema_migrations" not in tables:
            self.con.close()
            raise foreign_store(self.path, tables)
        done = set(self.applied_migrations())
        pending = [name for name, _ in MIGRATIONS if name not in done]
        if pending:
            self.con.close()
            raise StoreRefused(
                f"{self.path}: the store's schema is older than this newswatch (missing "
                f"{pending[0]}); run `newswatch poll` once to upgrade it"
            )

    def applied_migrations(self) -> list[str]:
        return [
            r[0]
            for r in self.con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
        ]

    # -- feeds -------------------------------------------------------------------------
    def feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        urls = list(urls)
        if not urls:
            return {}
        cur = self.con.execute(
            f"SELECT {columns_of(FeedState)} FROM feeds WHERE list_contains(?, url)", [urls]
        )
        return {r.url: r for r in rows_from(FeedState, cur)}

    def record_feed_outcomes(
        self,
        outcomes: Sequence[FeedOutcome],
        now: datetime,
        validators: dict[str, tuple[str | None, str | None]],
        next_poll: dict[str, datetime],
    ) -> None:
        """Update each feed's health row after a poll whose validators and next poll times
        are known (:func:`monitors.decide.schedule.health_rows` decides the rows)."""
        states = self.feed_states(o.url for o in outcomes)
        self.apply_feed_updates(health_rows(outcomes, states, now, validators, next_poll))

    def apply_feed_updates(self, updates: Sequence[FeedUpdate]) -> None:
        """Write decided feed health rows (multi-row upserts, one transaction)."""
        columns = columns_of(FeedUpdate)
        assign = ", ".join(f"{c} = excluded.{c}" for c in columns.split(", ") if c != "url")
        rows = [astuple(u) for u in updates]
        with self._transaction():
            for i in range(0, len(rows), 250):
                part = rows[i : i + 250]
                values = ", ".join(["(" + ", ".join(["?"] * len(rows[0])) + ")"] * len(part))
                self.con.execute(
                    f"INSERT INTO feeds ({columns}) VALUES {values} "
                    f"ON CONFLICT (url) DO UPDATE SET {assign}",
                    [v for row in part for v in row],
                )

    @unbounded_on_oom
    def feed_health(self, quiet_days: int = 3) -> list[FeedHealth]:
        """Feed rows; ``quiet`` marks a feed that answers but has brought no new article for
        ``quiet_days`` (a coverage gap: a moved or frozen feed)."""
        cur = self.con.execute(f"""
            SELECT f.url, f.name, f.title, f.last_status, f.last_polled_at, f.last_ok_at,
                   f.failures, f.last_error, f.next_poll_at, f.items,
                   (f.last_polled_at - coalesce(a.last_article, TIMESTAMPTZ '1970-01-01')
                    > INTERVAL {int(quiet_days)} DAY) AS quiet
            FROM feeds f
            LEFT JOIN (SELECT feed, max(fetched_at) AS last_article FROM articles
                       GROUP BY feed) a ON a.feed = f.url
            ORDER BY f.failures DESC, f.name""")
        return rows_from(FeedHealth, cur)

    # -- articles ----------------------------------------------------------------------
    def existing_hashes(self, ids: Sequence[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self.con.execute(
            "SELECT id, coalesce(source_hash, content_hash) FROM articles "
            "WHERE list_contains(?, id)",
            [list(ids)],
        ).fetchall()
        return dict(rows)

    @unbounded_on_oom
    def upsert_articles(self, batch: Sequence[Processed], now: datetime) -> UpsertCounts:
        """Store a batch in one transaction: read what the decision needs, let
        :mod:`monitors.decide.articles` decide, write its plan.  Returns what changed.  Out of
        ``memory_limit``, it is rolled back and run once more without it."""
        with self._transaction():  # the reads too: no other writer between them and the plan
            sort = sort_batch(batch, self.existing_hashes([p.article.id for p in batch]))
            figures, quotes = fact_writes(sort.changed)
            plan = plan_upsert(
                sort,
                figures,
                quotes,
                first_figures=self._first_seen_many(
                    "figures", "fact_key", {f.key for f in figures}
                ),
                first_quotes=self._first_seen_many("quotes", "quote_key", {q.key for q in quotes}),
                old_figures=self.stored_figures([p.article.id for p in sort.updated]),
                now=now,
            )
            self._write_plan(plan, now)
        return plan.counts

    def stored_figures(self, article_ids: Sequence[str]) -> list[StoredFigure]:
        """The stored figures of these articles, in article and position order."""
        if not article_ids:
            return []
        return rows_from(
            StoredFigure,
            self.con.execute(
                f"SELECT {columns_of(StoredFigure)} FROM figures "
                "WHERE list_contains(?, article) ORDER BY article, idx",
                [list(article_ids)],
            ),
        )

    def apply_upsert(self, plan: UpsertPlan, now: datetime) -> None:
        """Write a batch's plan in one transaction (multi-row inserts: a poll of thousands of
        articles costs a few statements, not thousands); an updated article's topics, figures
        and quotes are replaced."""
        with self._transaction():
            self._write_plan(plan, now)

    def _write_plan(self, plan: UpsertPlan, now: datetime) -> None:
        self._insert_many("articles", ARTICLE_COLUMNS, [_article_row(p, now) for p in plan.new])
        for p in plan.updated:
            a = p.article
            self.con.execute(
                """
                UPDATE articles SET title = ?, published_at = ?, updated_at = ?,
                    text = ?, content_hash = ?, kept = ?, source_hash = ?
                WHERE id = ?""",
                [
                    a.title,
                    a.published_at,
                    now,
                    a.text,
                    a.content_hash,
                    p.kept,
                    a.feed_hash,
                    a.id,
                ],
            )
        if plan.updated:
            ids = [p.article.id for p in plan.updated]
            for table in ("article_topics", "figures", "quotes"):
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article)", [ids])
        self._insert_many("figure_changes", CHANGE_COLUMNS, [astuple(c) for c in plan.changes])
        self._insert_many(
            "article_topics",
            ("article", "topic", "score", "rule", "terms", "evidence"),
            [
                (
                    p.article.id,
                    t.topic,
                    t.score,
                    t.rule,
                    json.dumps(list(t.terms)),
                    json.dumps(list(t.sentences)),
                )
                for p in plan.changed
                for t in p.topics
            ],
        )
        self._insert_many("figures", FIGURE_COLUMNS, [_figure_row(w) for w in plan.figures])
        self._insert_many("quotes", QUOTE_COLUMNS, [_quote_row(w) for w in plan.quotes])
        reindex_articles(self.con, [p.article.id for p in plan.changed])  # same transaction

    def _first_seen_many(self, table: str, column: str, keys: set[str]) -> dict[str, datetime]:
        if not keys:
            return {}
        rows = self.con.execute(
            f"SELECT {column}, min(first_seen_at) FROM {table} "
            f"WHERE list_contains(?, {column}) GROUP BY 1",
            [sorted(keys)],
        ).fetchall()
        return {k: t for k, t in rows}

    def _insert_many(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], chunk: int = 1000
    ) -> None:
        """INSERT rows a column at a time: each column's values as one list parameter, cast to
        the column's type and unnested (``INSERT ... SELECT unnest(?::T[]), ...``).  A batch of
        10,000 articles takes ~0.2 s so, against ~2 s as multi-row VALUES (whose thousands of
        parameters DuckDB binds one by one) and far more with executemany (a statement per
        row)."""
        if not rows:
            return
        types = self._column_types(table)
        select = ", ".join(f"unnest(?::{types[c]}[])" for c in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select}"
        for i in range(0, len(rows), chunk):
            self.con.execute(sql, [list(col) for col in zip(*rows[i : i + chunk], strict=True)])

    def _column_types(self, table: str) -> dict[str, str]:
        types = self._types.get(table)
        if types is None:
            source = (
                "duckdb_columns()" if self.dialect == "duckdb" else "information_schema.columns"
            )
            types = self._types[table] = dict(
                self.con.execute(
                    f"SELECT column_name, data_type FROM {source} WHERE table_name = ?", [table]
                ).fetchall()
            )
        return types

    def all_articles(self) -> list[StoredArticle]:
        """Every stored article with the topics it is kept for (for `newswatch topics test`)."""
        return rows_from(
            StoredArticle,
            self.con.execute("""
            SELECT a.id, a.url, a.title, a.text, a.kept, a.fetched_at,
                   coalesce(list(t.topic) FILTER (WHERE t.topic IS NOT NULL), []) AS topics
            FROM articles a LEFT JOIN article_topics t ON t.article = a.id
            GROUP BY a.id, a.url, a.title, a.text, a.kept, a.fetched_at
            ORDER BY a.fetched_at, a.id"""),
        )

    def recent_articles(self, since: datetime, page: int = 2000) -> Iterator[RecentArticle]:
        """Kept articles fetched since ``since``, oldest first, read ``page`` rows at a time so
        that neither DuckDB nor the caller holds every text of the window at once."""
        after: tuple[datetime, str] | None = None
        while True:
            rows = self._recent_page(since, after, page)
            yield from rows
            if len(rows) < page:
                return
            after = (rows[-1].fetched_at, rows[-1].id)

    @unbounded_on_oom
    def _recent_page(
        self, since: datetime, after: tuple[datetime, str] | None, page: int
    ) -> list[RecentArticle]:
        where, args = "kept AND fetched_at >= ?", [since]
        if after is not None:
            where += " AND (fetched_at > ? OR (fetched_at = ? AND id > ?))"
            args += [after[0], after[0], after[1]]
        return rows_from(
            RecentArticle,
            self.con.execute(
                f"SELECT {columns_of(RecentArticle)} FROM articles WHERE {where} "
                "ORDER BY fetched_at, id LIMIT ?",
                [*args, page],
            ),
        )

    @unbounded_on_oom
    def set_clusters(self, mapping: dict[str, str]) -> None:
        """Set ``cluster_id`` of many articles in one transaction (through a temporary table:
        one UPDATE statement, not one per article)."""
        if not mapping:
            return
        self.con.execute(
            "CREATE TEMP TABLE IF NOT EXISTS new_clusters (id VARCHAR PRIMARY KEY, cluster VARCHAR)"
        )
        with self._transaction():
            self.con.execute("DELETE FROM new_clusters")
            self._insert_many("new_clusters", ("id", "cluster"), list(mapping.items()))
            self.con.execute(
                "UPDATE articles SET cluster_id = c.cluster FROM new_clusters c "
                "WHERE articles.id = c.id"
            )
            self.con.execute("DELETE FROM new_clusters")

    # -- generic -----------------------------------------------------------------------
    def count(self, table: str) -> int:
        if table not in {
            "feeds",
            "articles",
            "article_topics",
            "figures",
            "quotes",
            "digests",
            "digest_facts",
            "runs",
        }:
            raise ValueError(f"unknown table {table!r}")
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0


def _article_row(p: Processed, now: datetime) -> tuple:
    a = p.article
    return (a.id, a.url, a.guid, a.feed_url, a.title, a.published_at, now, now, a.text,
            a.content_hash, a.id, p.kept, a.feed_hash)  # fmt: skip


def _figure_row(w: FigureWrite) -> tuple:
    f = w.figure
    return (w.article, w.idx, f.text, f.value, f.low, f.high, f.unit, f.of, f.qualifier,
            f.approx, f.subject, f.sentence, w.key, w.first_seen_at, f.span_in_sentence,
            f.question)  # fmt: skip


def _quote_row(w: QuoteWrite) -> tuple:
    q = w.quote
    return (
        w.article,
        w.idx,
        q.text,
        q.speaker,
        q.role,
        q.sentence,
        w.key,
        w.first_seen_at,
        q.speaker_p,
        q.best_speaker,
    )
