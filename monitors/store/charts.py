"""The digest charts' query (issue 17): per topic and UTC day, stories and new figures.

Only SQL; the drawing is :mod:`reports.charts`.  A *story* is a story cluster (else the article)
with a kept article of the topic fetched that day, counted on the day its first article of the
topic was fetched; a *new figure* is a fact (``fact_key``) first seen that day in a kept article
of the topic.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def topic_daily_counts(
    con: Any, since: datetime, until: datetime
) -> list[tuple[str, date, int, int]]:
    """(topic, day, stories, new figures) for the days in (``since``, ``until``], by topic and
    day; days with neither are not listed."""
    rows = con.execute(
        """
        WITH s AS (
            SELECT t.topic, coalesce(a.cluster_id, a.id) AS story, min(a.fetched_at) AS first_at
            FROM articles a JOIN article_topics t ON t.article = a.id
            WHERE a.kept GROUP BY 1, 2),
        sd AS (SELECT topic, CAST(first_at AS DATE) AS day, count(*) AS n FROM s
               WHERE first_at > ? AND first_at <= ? GROUP BY 1, 2),
        f AS (
            SELECT t.topic, x.fact_key, min(x.first_seen_at) AS first_at
            FROM figures x JOIN articles a ON a.id = x.article
            JOIN article_topics t ON t.article = a.id
            WHERE a.kept GROUP BY 1, 2),
        fd AS (SELECT topic, CAST(first_at AS DATE) AS day, count(*) AS n FROM f
               WHERE first_at > ? AND first_at <= ? GROUP BY 1, 2)
        SELECT coalesce(sd.topic, fd.topic), coalesce(sd.day, fd.day),
               coalesce(sd.n, 0), coalesce(fd.n, 0)
        FROM sd FULL OUTER JOIN fd ON sd.topic = fd.topic AND sd.day = fd.day
        ORDER BY 1, 2""",
        [since, until, since, until],
    ).fetchall()
    return [(str(r[0]), r[1], int(r[2]), int(r[3])) for r in rows]
