"""``newswatch export``: the archive's tables written with DuckDB ``COPY`` as Parquet or CSV,
with a schema (column names, DuckDB types, meaning) that :mod:`reports.exportdoc` renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from monitors.store.search import Connection

FORMATS = ("parquet", "csv")
# table -> (what a row is, {column: meaning}); the columns exported, in this order
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "articles": (
        "one stored article (kept or not)",
        {
            "id": "hash of the canonical URL (the key)",
            "url": "canonical URL",
            "guid": "the feed entry's guid",
            "feed": "URL of the feed it came from",
            "feed_name": "the feed's name in the config",
            "title": "headline",
            "published_at": "publication time given by the feed (UTC)",
            "fetched_at": "first seen by newswatch (UTC)",
            "updated_at": "last change of its text (UTC)",
            "text": "plain text",
            "cluster_id": "the story it belongs to (copies share it)",
            "kept": "on topic: kept for at least one topic",
        },
    ),
    "article_topics": (
        "one topic an article is kept for",
        {
            "article": "articles.id",
            "topic": "topic name from the config",
            "score": "the rule's score",
            "rule": "the rule that matched",
            "terms": "JSON list of the matched terms",
            "evidence": "JSON list of the sentences that matched",
        },
    ),
    "figures": (
        "one figure (money, share of GDP, count) extracted from an article",
        {
            "article": "articles.id",
            "idx": "position in the article",
            "text": "the figure as written",
            "value": "its value in the unit (null for a range)",
            "low": "low end of a range",
            "high": "high end of a range",
            "unit": "unit, e.g. USD, EUR, % GDP",
            "of": "the total a share is of, when stated",
            "qualifier": "e.g. 'at least', 'up to'",
            "approx": "stated as approximate",
            "subject": "who spends or pledges it (folded through the actor table)",
            "sentence": "the sentence it was found in",
            "fact_key": "identity of the fact across articles",
            "first_seen_at": "when newswatch first saw this fact (UTC)",
            "question": "stated in a reporter's question",
        },
    ),
    "quotes": (
        "one attributed quote from an article",
        {
            "article": "articles.id",
            "idx": "position in the article",
            "text": "the quoted words",
            "speaker": "who said it (null when the attribution was too unsure)",
            "role": "the speaker's role, when stated",
            "sentence": "the sentence around the quote",
            "quote_key": "identity of the quote across articles",
            "first_seen_at": "when newswatch first saw this quote (UTC)",
            "speaker_p": "the speaker ranker's probability",
            "best_speaker": "the ranker's best candidate, even when withheld",
        },
    ),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str


@dataclass(frozen=True)
class Written:
    table: str
    path: Path
    rows: int
    row_is: str
    columns: tuple[Column, ...]


def _select(table: str, columns: list[str], since: bool) -> str:
    if table == "articles":
        cols = ", ".join("f.name AS feed_name" if c == "feed_name" else f"a.{c}" for c in columns)
        sql = f"SELECT {cols} FROM articles a LEFT JOIN feeds f ON f.url = a.feed"
        where = "coalesce(a.published_at, a.fetched_at) >= $since" if since else "TRUE"
        return f"{sql} WHERE {where} ORDER BY a.fetched_at, a.id"
    cols = ", ".join(f"x.{c}" for c in columns)
    order = "x.article, x.topic" if table == "article_topics" else "x.article, x.idx"
    sql = f"SELECT {cols} FROM {table} x"
    if since:
        sql += (
            " JOIN articles a ON a.id = x.article "
            "WHERE coalesce(a.published_at, a.fetched_at) >= $since"
        )
    return f"{sql} ORDER BY {order}"


def _options(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER"


def export_tables(
    con: Connection, out: Path, fmt: str, since: datetime | None = None
) -> list[Written]:
    """COPY each table (the rows of articles published, else first seen, since ``since``) to
    ``out/<table>.<fmt>``; returns what was written with each column's type."""
    options = _options(fmt)
    written = []
    for table, (row_is, meanings) in TABLES.items():
        select = _select(table, list(meanings), since is not None)
        params = {"since": since} if since is not None else {}
        path = out / f"{table}.{fmt}"
        types = con.execute(f"DESCRIBE {select}", params).fetchall()
        con.execute(f"COPY ({select}) TO '{_quoted(path)}' ({options})", params)
        rows = con.execute(f"SELECT count(*) FROM ({select})", params).fetchone()
        columns = tuple(Column(name, typ, meanings[name]) for name, typ, *_ in types)
        written.append(Written(table, path, int(rows[0]) if rows else 0, row_is, columns))
    return written


def export_rows(
    con: Connection,
    out: Path,
    fmt: str,
    table: str,
    row_is: str,
    columns: Mapping[str, tuple[str, str]],
    rows: Sequence[Mapping[str, object]],
) -> Written:
    """COPY rows computed outside SQL (the ledgers) to ``out/<table>.<fmt>`` with the given
    ``{column: (DuckDB type, meaning)}``, through a temporary table (a read-only store allows
    one: it lives in memory and goes with the connection)."""
    options = _options(fmt)
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    temp = f"export_{table}"
    ddl = ", ".join(f'"{name}" {typ}' for name, (typ, _) in columns.items())
    marks = ", ".join("?" * len(columns))
    path = out / f"{table}.{fmt}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {temp} ({ddl})")
    try:
        for r in rows:  # a ledger is small: tens to hundreds of rows
            con.execute(f"INSERT INTO {temp} VALUES ({marks})", [r[c] for c in columns])
        con.execute(f"COPY {temp} TO '{_quoted(path)}' ({options})")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {temp}")
    cols = tuple(Column(name, typ, meaning) for name, (typ, meaning) in columns.items())
    return Written(table, path, len(rows), row_is, cols)


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
