"""The digest ledger's queries: the window's articles and facts, the facts earlier digests
reported, and each digest's delivery state.

A mixin of :class:`monitors.store.db.Store` (which holds the connection and the transaction);
split out so the store's article writing and the digest's reading are each one file.  Every
query returns the typed rows of :mod:`monitors.store.rows`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from monitors.store.rows import (
    DigestRow,
    FigureChangeRow,
    FigureRow,
    QuoteRow,
    WindowArticle,
    columns_of,
    rows_from,
)

# Digest statuses: written (files only; no e-mail configured) · sending (message recorded,
# handed to SMTP) · sent · failed (delivery failed; the next digest covers its window) ·
# empty (nothing new and the config says not to e-mail). With e-mail, only sent and empty
# digests end a window; without, written ones do too.
FILE_SUCCESS = ("written", "sent", "empty")
MAIL_SUCCESS = ("sent", "empty")

# the columns a fact row takes from its article and feed rather than from its own table
ARTICLE_CONTEXT = {
    "url": "a.url",
    "article_title": "a.title",
    "feed": "a.feed",
    "feed_name": "coalesce(f.name, a.feed)",
    "published_at": "a.published_at",
    "cluster_id": "a.cluster_id",
}
# a digest listing leaves out the recorded message, which only a re-send reads
LISTED = ", ".join(f.name for f in fields(DigestRow) if f.name not in ("message_id", "eml"))


class DigestQueries:
    """The digest side of the store (see the module docstring)."""

    con: Any  # the open DuckDB connection (set by Store)

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # Store's

    def last_digest_end(
        self, before: datetime, statuses: Sequence[str] = FILE_SUCCESS
    ) -> datetime | None:
        row = self.con.execute(
            "SELECT max(window_end) FROM digests WHERE list_contains(?, status) "
            "AND window_end <= ?",
            [list(statuses), before],
        ).fetchone()
        return row[0] if row else None

    def window_articles(self, start: datetime, end: datetime) -> list[WindowArticle]:
        return rows_from(
            WindowArticle,
            self.con.execute(
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
            ),
        )

    def window_figures(self, start: datetime, end: datetime) -> list[FigureRow]:
        return self._window_facts("figures", FigureRow, start, end)

    def window_quotes(self, start: datetime, end: datetime) -> list[QuoteRow]:
        return self._window_facts("quotes", QuoteRow, start, end)

    def _window_facts(self, table: str, cls: type, start: datetime, end: datetime) -> list:
        """The figures or quotes of the articles kept and changed in (start, end], first seen
        first, with their article's URL, title, outlet, date and story cluster."""
        if table not in ("figures", "quotes"):
            raise ValueError(f"not a fact table: {table}")
        select = ", ".join(
            f"{ARTICLE_CONTEXT[f.name]} AS {f.name}" if f.name in ARTICLE_CONTEXT else f"x.{f.name}"
            for f in fields(cls)
        )
        return rows_from(
            cls,
            self.con.execute(
                f"""
            SELECT {select}
            FROM {table} x JOIN articles a ON a.id = x.article
            LEFT JOIN feeds f ON f.url = a.feed
            WHERE a.kept AND a.updated_at > ? AND a.updated_at <= ?
            ORDER BY x.first_seen_at, a.published_at, x.article, x.idx""",
                [start, end],
            ),
        )

    def window_figure_changes(self, start: datetime, end: datetime) -> list[FigureChangeRow]:
        return rows_from(
            FigureChangeRow,
            self.con.execute(
                """
            SELECT c.article, c.changed_at, c.old_text, c.new_text, c.unit, c.subject,
                   a.url, a.title AS article_title, coalesce(f.name, a.feed) AS feed_name
            FROM figure_changes c JOIN articles a ON a.id = c.article
            LEFT JOIN feeds f ON f.url = a.feed
            WHERE a.kept AND c.changed_at > ? AND c.changed_at <= ?
            ORDER BY c.changed_at""",
                [start, end],
            ),
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

    def digest(self, digest_id: str) -> DigestRow | None:
        rows = rows_from(
            DigestRow,
            self.con.execute(
                f"SELECT {columns_of(DigestRow)} FROM digests WHERE id = ?", [digest_id]
            ),
        )
        return rows[0] if rows else None

    def digests_with_status(self, status: str) -> list[DigestRow]:
        return rows_from(
            DigestRow,
            self.con.execute(
                f"SELECT {columns_of(DigestRow)} FROM digests WHERE status = ? ORDER BY window_end",
                [status],
            ),
        )

    def digests(self) -> list[DigestRow]:
        return rows_from(
            DigestRow, self.con.execute(f"SELECT {LISTED} FROM digests ORDER BY window_end")
        )

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

    def daily_counts(self, since: datetime, until: datetime) -> list[tuple[date, int, int]]:
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
