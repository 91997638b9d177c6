"""The ledgers' query (issue 17): every stored figure a ledger may hold, with its article's URL,
title, outlet, date and story cluster.

Only SQL: which figures go in which ledger row is decided in :mod:`monitors.decide.ledgers`.
A figure may go in a ledger when its article is kept, it has a subject, it is not a reporter's
question, and it is a share of GDP or an amount of money (an ISO 4217 code).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from monitors.store.digests import ARTICLE_CONTEXT
from monitors.store.rows import FigureRow, rows_from


def ledger_figures(
    con: Any, since: datetime | None = None, until: datetime | None = None
) -> list[FigureRow]:
    """The candidate figures (see the module docstring) reported at or after ``since`` and
    before ``until`` (the article's publication time, else when the figure was first seen),
    oldest first."""
    select = ", ".join(
        f"{ARTICLE_CONTEXT[f.name]} AS {f.name}" if f.name in ARTICLE_CONTEXT else f"x.{f.name}"
        for f in fields(FigureRow)
    )
    return rows_from(
        FigureRow,
        con.execute(
            f"""
        SELECT {select}
        FROM figures x JOIN articles a ON a.id = x.article
        LEFT JOIN feeds f ON f.url = a.feed
        WHERE a.kept AND x.subject IS NOT NULL AND NOT coalesce(x.question, FALSE)
          AND x.value IS NOT NULL
          AND (x.unit = 'percent_gdp' OR regexp_full_match(x.unit, '[A-Z]{{3}}'))
          AND (CAST(? AS TIMESTAMPTZ) IS NULL OR coalesce(a.published_at, x.first_seen_at) >= ?)
          AND (CAST(? AS TIMESTAMPTZ) IS NULL OR coalesce(a.published_at, x.first_seen_at) < ?)
        ORDER BY coalesce(a.published_at, x.first_seen_at), x.first_seen_at, x.article, x.idx""",
            [since, since, until, until],
        ),
    )
