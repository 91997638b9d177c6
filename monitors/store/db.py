"""The DuckDB store: idempotent upserts and every query (the schema's named migrations are in
:mod:`monitors.store.migrations`).

With its migrations, the only module that imports duckdb.  One :class:`Store` wraps one
connection; each batch of articles is written in one transaction, so a crash leaves either the
whole batch or none of it.
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
    quotes(article, idx, text, speaker, role, sentence, quote_key, first_seen_at)
    digests(id, digest_date, window_start, window_end, status, created_at, sent_at,
            recipients, html, text, message_id, html_path, text_path)
    digest_facts(digest, kind, key)         the ledger: which fact each digest reported
    figure_changes(article, changed_at, old_text, new_text, unit, subject)
                                            an updated article's figure that changed
    runs(id, flow, started_at, finished_at, status, counts)
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from monitors.decide.keys import figure_key, quote_key
from monitors.errors import StoreError
from monitors.model import FeedOutcome, Processed
from monitors.store.migrations import MIGRATIONS

# Digest statuses: written (files only; no e-mail configured) · sending (message recorded,
# handed to SMTP) · sent · failed (delivery failed; the next digest covers its window) ·
# empty (nothing new and the config says not to e-mail). With e-mail, only sent and empty
# digests end a window; without, written ones do too.
FILE_SUCCESS = ("written", "sent", "empty")
MAIL_SUCCESS = ("sent", "empty")

DUCKDB_MAGIC = b"DUCK"
DEFAULT_LOCK_WAIT = 30.0  # seconds a second process waits for the writer to finish
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: str | None
    last_modified: str | None
    failures: int
    next_poll_at: datetime | None


@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_new: int = 0
    figures_new: int = 0
    quotes_new: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


class Store:
    """One DuckDB file (or ``:memory:``) holding everything newswatch knows."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        lock_wait: float | None = None,
    ) -> None:
        """Open (creating and migrating) the store. When another process holds the file,
        wait up to ``lock_wait`` seconds (default: $NEWSWATCH_LOCK_WAIT, else 30) for it, then
        fail with a StoreError that says so."""
        self.path = str(path)
        if self.path != ":memory:":
            _check_file(Path(self.path), read_only)
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
                raise StoreError(f"{self.path}: not a usable DuckDB file: {e}") from e
        self.con.execute("SET TimeZone = 'UTC'")
        if not read_only:
            self.migrate()

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
            raise StoreError(
                f"{self.path}: a DuckDB file that newswatch did not create "
                f"(tables: {', '.join(sorted(tables)[:5])}); refusing to touch it"
            )
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
                if callable(sql):
                    sql(self.con)
                else:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
            applied.append(name)
            log.info("store %s: applied migration %s", self.path, name)
        return applied

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
        rows = self.con.execute(
            "SELECT url, etag, last_modified, failures, next_poll_at FROM feeds "
            "WHERE list_contains(?, url)",
            [urls],
        ).fetchall()
        return {r[0]: FeedState(*r) for r in rows}

    def record_feed_outcomes(
        self,
        outcomes: Sequence[FeedOutcome],
        now: datetime,
        validators: dict[str, tuple[str | None, str | None]],
        next_poll: dict[str, datetime],
    ) -> None:
        """Update each feed's health row after a poll (multi-row upserts, one transaction).
        Validators change only when the feed parsed ("new"); a 304 keeps them, an error
        keeps them and counts one more consecutive failure."""
        by_url = {o.url: o for o in outcomes}  # one row per feed, even if listed twice
        rows = []
        for o in by_url.values():
            etag, last_mod = validators.get(o.url, (None, None))
            ok = o.status != "error"
            rows.append(
                (
                    o.url,
                    o.name,
                    o.title,
                    etag,
                    last_mod,
                    now,
                    now if ok else None,
                    0 if ok else 1,
                    next_poll.get(o.url),
                    o.error,
                    o.status,
                    o.items if o.status == "new" else None,
                )
            )
        with self._transaction():
            for i in range(0, len(rows), 250):
                part = rows[i : i + 250]
                values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(part))
                self.con.execute(
                    f"""
                    INSERT INTO feeds (url, name, title, etag, last_modified, last_polled_at,
                                       last_ok_at, failures, next_poll_at, last_error,
                                       last_status, items)
                    VALUES {values}
                    ON CONFLICT (url) DO UPDATE SET
                        name = excluded.name,
                        title = coalesce(excluded.title, feeds.title),
                        etag = CASE WHEN excluded.last_status = 'new' THEN excluded.etag
                                    ELSE feeds.etag END,
                        last_modified = CASE WHEN excluded.last_status = 'new'
                                             THEN excluded.last_modified
                                             ELSE feeds.last_modified END,
                        last_polled_at = excluded.last_polled_at,
                        last_ok_at = coalesce(excluded.last_ok_at, feeds.last_ok_at),
                        failures = CASE WHEN excluded.last_status = 'error'
                                        THEN feeds.failures + 1 ELSE 0 END,
                        next_poll_at = excluded.next_poll_at,
                        last_error = CASE WHEN excluded.last_status = 'not_modified'
                                          THEN feeds.last_error ELSE excluded.last_error END,
                        last_status = excluded.last_status,
                        items = coalesce(excluded.items, feeds.items)
                """,
                    [v for row in part for v in row],
                )

    def feed_health(self, quiet_days: int = 3) -> list[dict[str, Any]]:
        """Feed rows; ``quiet`` marks a feed that answers but has brought no new article for
        ``quiet_days`` (a coverage gap: a moved or frozen feed)."""
        return self._dicts(f"""
            SELECT f.url, f.name, f.title, f.last_status, f.last_polled_at, f.last_ok_at,
                   f.failures, f.last_error, f.next_poll_at, f.items,
                   (f.last_polled_at - coalesce(a.last_article, TIMESTAMPTZ '1970-01-01')
                    > INTERVAL {int(quiet_days)} DAY) AS quiet
            FROM feeds f
            LEFT JOIN (SELECT feed, max(fetched_at) AS last_article FROM articles
                       GROUP BY feed) a ON a.feed = f.url
            ORDER BY f.failures DESC, f.name""")

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

    def upsert_articles(self, batch: Sequence[Processed], now: datetime) -> UpsertCounts:
        """Store a batch in one transaction. New and changed articles are written (children
        replaced); unchanged ones are left alone. Rows are written in bulk (multi-row
        inserts), so a poll of thousands of articles costs a few statements, not thousands.
        Returns what changed."""
        existing = self.existing_hashes([p.article.id for p in batch])
        seen: set[str] = set()
        new_items: list[Processed] = []
        updated_items: list[Processed] = []
        unchanged = 0
        for p in batch:
            a = p.article
            if a.id in seen:
                continue  # the same article twice in one batch (two feeds carry it)
            seen.add(a.id)
            old_hash = existing.get(a.id)
            if old_hash == a.feed_hash:
                unchanged += 1
            elif old_hash is None:
                new_items.append(p)
            else:
                updated_items.append(p)
        changed = new_items + updated_items
        fig_rows = [
            (p.article.id, i, f, figure_key(f))
            for p in changed
            if p.kept
            for i, f in enumerate(p.figures)
        ]
        quote_rows = [
            (p.article.id, i, q, quote_key(q))
            for p in changed
            if p.kept
            for i, q in enumerate(p.quotes)
        ]
        # first sightings, read before an updated article's old rows are replaced, so a fact
        # keeps the time it was first seen across updates
        first_fig = self._first_seen_many("figures", "fact_key", {k for *_, k in fig_rows})
        changes = self._figure_changes(updated_items, now)
        first_quote = self._first_seen_many("quotes", "quote_key", {k for *_, k in quote_rows})
        with self._transaction():
            self._insert_many(
                "articles",
                (
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
                ),
                [
                    (
                        p.article.id,
                        p.article.url,
                        p.article.guid,
                        p.article.feed_url,
                        p.article.title,
                        p.article.published_at,
                        now,
                        now,
                        p.article.text,
                        p.article.content_hash,
                        p.article.id,
                        p.kept,
                        p.article.feed_hash,
                    )
                    for p in new_items
                ],
            )
            for p in updated_items:
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
            if updated_items:
                ids = [p.article.id for p in updated_items]
                for table in ("article_topics", "figures", "quotes"):
                    self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, article)", [ids])
            self._insert_many(
                "figure_changes",
                ("article", "changed_at", "old_text", "new_text", "unit", "subject"),
                changes,
            )
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
                    for p in changed
                    for t in p.topics
                ],
            )
            self._insert_many(
                "figures",
                (
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
                ),
                [
                    (
                        aid,
                        i,
                        f.text,
                        f.value,
                        f.low,
                        f.high,
                        f.unit,
                        f.of,
                        f.qualifier,
                        f.approx,
                        f.subject,
                        f.sentence,
                        k,
                        first_fig.get(k) or now,
                        f.span_in_sentence,
                        f.question,
                    )
                    for aid, i, f, k in fig_rows
                ],
            )
            self._insert_many(
                "quotes",
                (
                    "article",
                    "idx",
                    "text",
                    "speaker",
                    "role",
                    "sentence",
                    "quote_key",
                    "first_seen_at",
                ),
                [
                    (aid, i, q.text, q.speaker, q.role, q.sentence, k, first_quote.get(k) or now)
                    for aid, i, q, k in quote_rows
                ],
            )
        return UpsertCounts(
            new=len(new_items),
            updated=len(updated_items),
            unchanged=unchanged,
            kept_new=sum(p.kept for p in new_items),
            figures_new=len({k for *_, k in fig_rows} - set(first_fig)),
            quotes_new=len({k for *_, k in quote_rows} - set(first_quote)),
        )

    def _figure_changes(self, updated: Sequence[Processed], now: datetime) -> list[tuple]:
        """For articles that changed: each figure that disappeared paired with the new figure of
        the same unit (and subject) that took its place — "now $2bn (was $1.5bn)"."""
        if not updated:
            return []
        old_rows = self.con.execute(
            "SELECT article, text, fact_key, unit, subject FROM figures "
            "WHERE list_contains(?, article) ORDER BY article, idx",
            [[p.article.id for p in updated]],
        ).fetchall()
        old_by_article: dict[str, list[tuple]] = {}
        for r in old_rows:
            old_by_article.setdefault(r[0], []).append(r)
        out = []
        for p in updated:
            old = old_by_article.get(p.article.id, [])
            new = [(f, figure_key(f)) for f in p.figures] if p.kept else []
            new_keys = {k for _, k in new}
            old_keys = {r[2] for r in old}
            gone = [r for r in old if r[2] not in new_keys]
            came = [(f, k) for f, k in new if k not in old_keys]
            used: set[int] = set()
            for _, text, _, unit, subject in gone:
                for j, (f, _) in enumerate(came):
                    if j in used or f.unit != unit:
                        continue
                    if subject and f.subject and subject != f.subject:
                        continue
                    used.add(j)
                    out.append((p.article.id, now, text, f.text, unit, f.subject or subject))
                    break
        return out

    def window_figure_changes(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return self._dicts(
            """
            SELECT c.*, a.url, a.title AS article_title, coalesce(f.name, a.feed) AS feed_name
            FROM figure_changes c JOIN articles a ON a.id = c.article
            LEFT JOIN feeds f ON f.url = a.feed
            WHERE a.kept AND c.changed_at > ? AND c.changed_at <= ?
            ORDER BY c.changed_at""",
            [start, end],
        )

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
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], chunk: int = 250
    ) -> None:
        """INSERT rows with multi-row VALUES statements (DuckDB's executemany runs one
        statement per row)."""
        width = len(columns)
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        for i in range(0, len(rows), chunk):
            part = rows[i : i + chunk]
            values = ", ".join(["(" + ", ".join(["?"] * width) + ")"] * len(part))
            self.con.execute(head + values, [v for row in part for v in row])

    def all_articles(self) -> list[dict[str, Any]]:
        """Every stored article with the topics it is kept for (for `newswatch topics test`)."""
        return self._dicts("""
            SELECT a.id, a.url, a.title, a.text, a.kept, a.fetched_at,
                   coalesce(list(t.topic) FILTER (WHERE t.topic IS NOT NULL), []) AS topics
            FROM articles a LEFT JOIN article_topics t ON t.article = a.id
            GROUP BY ALL ORDER BY a.fetched_at, a.id""")

    def recent_articles(self, since: datetime) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT id, url, title, text, published_at, fetched_at, cluster_id "
            "FROM articles WHERE kept AND fetched_at >= ? ORDER BY fetched_at",
            [since],
        )

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
            self._insert_many("new_clusters", ("id", "cluster"), list(mapping.items()), chunk=1000)
            self.con.execute(
                "UPDATE articles SET cluster_id = c.cluster FROM new_clusters c "
                "WHERE articles.id = c.id"
            )
            self.con.execute("DELETE FROM new_clusters")

    # -- digest queries ----------------------------------------------------------------
    def last_digest_end(
        self, before: datetime, statuses: Sequence[str] = FILE_SUCCESS
    ) -> datetime | None:
        row = self.con.execute(
            "SELECT max(window_end) FROM digests WHERE list_contains(?, status) "
            "AND window_end <= ?",
            [list(statuses), before],
        ).fetchone()
        return row[0] if row else None

    def window_articles(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return self._dicts(
            """
            SELECT a.id, a.url, a.title, a.feed, coalesce(f.name, a.feed) AS feed_name,
                   a.published_at, a.fetched_at, a.updated_at, a.cluster_id,
                   t.topic, t.score, t.rule, t.terms, t.evidence
            FROM articles a
            JOIN article_topics t ON t.article = a.id
            LEFT JOIN feeds f ON f.url = a.feed
            WHERE a.kept AND a.updated_at > ? AND a.updated_at <= ?
            ORDER BY a.published_at DESC NULLS LAST, a.id""",
            [start, end],
        )

    def window_figures(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return self._window_facts("figures", start, end)

    def window_quotes(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        return self._window_facts("quotes", start, end)

    def _window_facts(self, table: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """The figures or quotes of the articles kept and changed in (start, end], first seen
        first, with their article's URL, title, outlet, date and story cluster."""
        if table not in ("figures", "quotes"):
            raise ValueError(f"not a fact table: {table}")
        return self._dicts(
            f"""
            SELECT x.*, a.url, a.title AS article_title, a.feed,
                   coalesce(f.name, a.feed) AS feed_name, a.published_at, a.cluster_id
            FROM {table} x JOIN articles a ON a.id = x.article
            LEFT JOIN feeds f ON f.url = a.feed
            WHERE a.kept AND a.updated_at > ? AND a.updated_at <= ?
            ORDER BY x.first_seen_at, a.published_at, x.article, x.idx""",
            [start, end],
        )

    def reported_keys(
        self, kind: str, before: datetime, statuses: Sequence[str] = FILE_SUCCESS
    ) -> set[str]:
        """Fact keys that successful digests ending at or before ``before`` reported."""
        rows = self.con.execute(
            """
            SELECT DISTINCT k.key FROM digest_facts k JOIN digests d ON d.id = k.digest
            WHERE k.kind = ? AND d.window_end <= ? AND list_contains(?, d.status)""",
            [kind, before, list(statuses)],
        ).fetchall()
        return {r[0] for r in rows}

    def digest(self, digest_id: str) -> dict[str, Any] | None:
        rows = self._dicts("SELECT * FROM digests WHERE id = ?", [digest_id])
        return rows[0] if rows else None

    def digests_with_status(self, status: str) -> list[dict[str, Any]]:
        return self._dicts("SELECT * FROM digests WHERE status = ? ORDER BY window_end", [status])

    def mark_sending(self, digest_id: str, message_id: str, eml: str) -> None:
        """Record the exact message before it is handed to SMTP: a re-send after a crash
        sends these bytes again, with the same Message-ID."""
        self.con.execute(
            "UPDATE digests SET status = 'sending', message_id = ?, eml = ?, "
            "attempts = coalesce(attempts, 0) + 1 WHERE id = ?",
            [message_id, eml, digest_id],
        )

    def mark_sent(self, digest_id: str, now: datetime) -> None:
        self.con.execute(
            "UPDATE digests SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
            [now, digest_id],
        )

    def mark_status(self, digest_id: str, status: str, error: str | None = None) -> None:
        self.con.execute(
            "UPDATE digests SET status = ?, last_error = ? WHERE id = ?", [status, error, digest_id]
        )

    def daily_counts(self, since: datetime, until: datetime) -> list[tuple[Any, int, int]]:
        """(day, articles kept, figures first seen) per UTC day in [since, until]."""
        rows = self.con.execute(
            """
            WITH a AS (SELECT CAST(fetched_at AS DATE) AS day, count(*) AS n FROM articles
                       WHERE kept AND fetched_at > ? AND fetched_at <= ? GROUP BY 1),
                 f AS (SELECT CAST(first_seen_at AS DATE) AS day, count(DISTINCT fact_key) AS n
                       FROM figures WHERE first_seen_at > ? AND first_seen_at <= ? GROUP BY 1)
            SELECT coalesce(a.day, f.day), coalesce(a.n, 0), coalesce(f.n, 0)
            FROM a FULL OUTER JOIN f ON a.day = f.day ORDER BY 1""",
            [since, until, since, until],
        ).fetchall()
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def record_digest(
        self,
        *,
        digest_id: str,
        digest_date: str,
        window_start: datetime,
        window_end: datetime,
        status: str,
        now: datetime,
        html: str,
        text: str,
        html_path: str | None,
        text_path: str | None,
        recipients: Sequence[str],
        facts: Iterable[tuple[str, str]],
    ) -> None:
        """Record a digest and the facts it reported, in one transaction.  A re-render of the
        same window updates the row (same id: not a second digest) and keeps its delivery
        state once it was handed to SMTP (sending, sent) or settled (empty)."""
        with self._transaction():
            self.con.execute(
                """
                INSERT INTO digests (id, digest_date, window_start, window_end, status,
                    created_at, recipients, html, text, html_path, text_path)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    html = excluded.html, text = excluded.text,
                    html_path = excluded.html_path, text_path = excluded.text_path,
                    status = CASE WHEN digests.status IN ('sending', 'sent', 'empty')
                                  THEN digests.status ELSE excluded.status END""",
                [
                    digest_id,
                    digest_date,
                    window_start,
                    window_end,
                    status,
                    now,
                    json.dumps(list(recipients)),
                    html,
                    text,
                    html_path,
                    text_path,
                ],
            )
            self.con.execute("DELETE FROM digest_facts WHERE digest = ?", [digest_id])
            rows = sorted(set(facts))
            if rows:
                self.con.executemany(
                    "INSERT INTO digest_facts VALUES (?, ?, ?)",
                    [[digest_id, k, v] for k, v in rows],
                )

    def digests(self) -> list[dict[str, Any]]:
        return self._dicts(
            "SELECT id, digest_date, window_start, window_end, status, "
            "created_at, sent_at, html_path, text_path FROM digests "
            "ORDER BY window_end"
        )

    # -- runs --------------------------------------------------------------------------
    def start_run(self, run_id: str, flow: str, now: datetime) -> None:
        self.con.execute(
            "INSERT INTO runs (id, flow, started_at, status) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [run_id, flow, now, "running"],
        )

    def close_interrupted_runs(self, flow: str, now: datetime) -> int:
        """Mark runs of ``flow`` still 'running' as 'interrupted' and say how many there were.

        Only one process writes the store at a time, so at the start of a run any run still
        'running' was killed before it finished."""
        n = self.con.execute(
            "SELECT count(*) FROM runs WHERE flow = ? AND status = 'running'", [flow]
        ).fetchone()[0]
        if n:
            self.con.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ? "
                "WHERE flow = ? AND status = 'running'",
                [now, flow],
            )
        return n

    def finish_run(self, run_id: str, now: datetime, status: str, counts: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
            [now, status, json.dumps(counts, default=str), run_id],
        )

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

    def _dicts(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _check_file(path: Path, read_only: bool) -> None:
    """Refuse a file that exists but is not a DuckDB database, so it is never overwritten."""
    if not path.exists():
        if read_only:
            raise StoreError(f"{path}: no such store; run `newswatch poll` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a DuckDB file")
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as e:
        raise StoreError(f"{path}: cannot read: {e.strerror or e}") from e
    if len(header) == 0:
        raise StoreError(f"{path}: empty file, not a DuckDB database; refusing to overwrite it")
    if header[8:12] != DUCKDB_MAGIC:
        raise StoreError(
            f"{path}: not a DuckDB database (foreign or corrupt file); refusing to overwrite it"
        )
