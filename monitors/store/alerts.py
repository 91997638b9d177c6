"""The alerts' queries (issue 17): the facts first seen recently, the topics of their
articles, and the ``alerts`` table of what was raised (one row per rule and fact).

Only SQL: which facts alert is decided in :mod:`monitors.decide.alerts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from monitors.store.digests import ARTICLE_CONTEXT
from monitors.store.rows import FigureRow, QuoteRow, rows_from


def _select(cls: type) -> str:
    return ", ".join(
        f"{ARTICLE_CONTEXT[f.name]} AS {f.name}" if f.name in ARTICLE_CONTEXT else f"x.{f.name}"
        for f in fields(cls)
    )


def recent_facts(con: Any, table: str, since: datetime) -> list[Any]:
    """The figures or quotes of kept articles whose fact was first seen at or after ``since``
    (a fact's first sighting carries over to later articles reporting it), with their
    article's URL, title, outlet and date; first seen first."""
    cls = {"figures": FigureRow, "quotes": QuoteRow}[table]
    return rows_from(
        cls,
        con.execute(
            f"""
        SELECT {_select(cls)}
        FROM {table} x JOIN articles a ON a.id = x.article
        LEFT JOIN feeds f ON f.url = a.feed
        WHERE a.kept AND x.first_seen_at >= ?
        ORDER BY x.first_seen_at, a.published_at, x.article, x.idx""",
            [since],
        ),
    )


def recent_figures(con: Any, since: datetime) -> list[FigureRow]:
    return recent_facts(con, "figures", since)


def recent_quotes(con: Any, since: datetime) -> list[QuoteRow]:
    return recent_facts(con, "quotes", since)


def article_topics(con: Any, articles: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The topics each of ``articles`` is kept for."""
    ids = sorted(set(articles))
    if not ids:
        return {}
    rows = con.execute(
        "SELECT article, list(topic ORDER BY topic) FROM article_topics "
        "WHERE list_contains(?, article) GROUP BY article",
        [ids],
    ).fetchall()
    return {a: tuple(t) for a, t in rows}


def alerted(con: Any, rules: Iterable[str]) -> set[tuple[str, str]]:
    """The (rule, fact) pairs already raised for these rules."""
    names = sorted(set(rules))
    if not names:
        return set()
    rows = con.execute(
        "SELECT rule, fact FROM alerts WHERE list_contains(?, rule)", [names]
    ).fetchall()
    return {(r, f) for r, f in rows}


def record_alerts(con: Any, alerts: Sequence[Any], now: datetime) -> int:
    """Record raised alerts (:class:`monitors.decide.alerts.Alert`) in one statement (all or
    none); a pair already recorded is left as it is.  Returns the rows written."""
    if not alerts:
        return 0
    rows = [[a.rule, a.fact, a.kind, str(a.event_id), a.article, now] for a in alerts]
    placeholders = ", ".join("(?, ?, ?, ?, ?, ?)" for _ in rows)
    con.execute(
        "INSERT INTO alerts (rule, fact, kind, event_id, article, raised_at) "
        f"VALUES {placeholders} ON CONFLICT DO NOTHING",
        [v for r in rows for v in r],
    )
    return len(rows)
