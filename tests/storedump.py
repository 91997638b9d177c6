"""Every stored row of the tables a poll and a digest write, in key order, from a DuckDB file or
a PostgreSQL database alike: two stores that hold the same dump hold the same facts."""

from __future__ import annotations

from monitors.store.db import Store

TABLES = {
    "articles": "id",
    "article_topics": "article, topic",
    "figures": "article, idx",
    "quotes": "article, idx",
    "figure_changes": "article, changed_at, old_text",
    "feeds": "url",
    "digest_facts": "digest, kind, key",
}


def dump(db: str, tables: dict[str, str] = TABLES) -> dict[str, list[tuple]]:
    """``tables`` (name: ORDER BY key) of the store at ``db`` (a path or a postgresql:// URL);
    floats rounded to 9 places (the two engines print the last digit differently)."""
    with Store(db) as store:
        return {
            t: [
                tuple(round(v, 9) if isinstance(v, float) else v for v in row)
                for row in store.con.execute(f"SELECT * FROM {t} ORDER BY {key}").fetchall()
            ]
            for t, key in tables.items()
        }
