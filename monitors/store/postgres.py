"""The store on a PostgreSQL server: a connection that speaks the store's SQL (issue 19).

The store's queries are written for DuckDB, whose SQL is PostgreSQL's with a few extensions.
:class:`PgConnection` wraps a psycopg connection behind the DuckDB connection's two methods the
store uses (``execute`` and ``executemany``, whose result is read with ``fetchone`` /
``fetchall``) and rewrites each statement once (cached) through :data:`REWRITES`, a table of
the DuckDB spellings the store uses and their PostgreSQL forms.  A query the table cannot
express (the search index's tokeniser) has its own PostgreSQL text in its module, chosen by
``con.dialect``.

Several workers write one PostgreSQL store at once.  Each write transaction first takes one
transaction-scoped advisory lock (:data:`WRITE_LOCK`), so writes are serialised exactly as
DuckDB's single writer serialises them (a batch reads the hashes and first-seen times it
decides on and writes its plan with no other batch in between: fact keys, first-seen times and
the digest ledger stay what one writer would have made), while fetching, parsing and analysis
— nearly all of a poll's time — run in parallel.  Migrations take the same lock.

Only this module imports psycopg.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

WRITE_LOCK = 0x6E657773  # "news": the advisory lock every write transaction takes

# (pattern, replacement) applied in order to every statement; the store's SQL never puts a
# "?" or "%" inside a string literal except where a rule below handles it
REWRITES: tuple[tuple[str, str], ...] = (
    (r"%", "%%"),  # psycopg's placeholders start with %; a literal % is doubled
    (r"list_contains\(\?, ([\w.]+)\)", r"\1 = ANY(?)"),
    (r"list_contains\(\$(\w+), (\w+)\)", r"\2 = ANY($\1)"),
    (r"\bDOUBLE\b(?! PRECISION)", "DOUBLE PRECISION"),
    (r"INTERVAL (\d+) DAY", r"(\1 * INTERVAL '1 day')"),
    (r"regexp_full_match\(([\w.]+), '([^']*)'\)", r"(\1 ~ '^(\2)$')"),
    (r"INSERT OR IGNORE INTO ((?:.|\n)*)$", r"INSERT INTO \1 ON CONFLICT DO NOTHING"),
    (r"table_schema = 'main'", "table_schema = current_schema()"),
    (r"\blen\((\w+)\)", r"cardinality(\1)"),
    (r"\blist\(", "array_agg("),
    (r", \[\]\)", ", '{}')"),
    (r"\$(\w+)", r"%(\1)s"),  # DuckDB's named parameters
    (r"\?", "%s"),
)


REPLACE_TEMP = re.compile(r"\s*CREATE OR REPLACE TEMP TABLE (\w+)")


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """``sql`` (the store's DuckDB spelling) as PostgreSQL runs it."""
    for pattern, repl in REWRITES:
        sql = re.sub(pattern, repl, sql)
    return sql


def is_postgres_url(path: str) -> bool:
    return path.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL with its password hidden (for logs and errors)."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


class PgConnection:
    """A psycopg connection with the DuckDB connection's ``execute`` / ``executemany``."""

    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.adapt import Loader

        class Text(Loader):  # json and numeric arrive as DuckDB gives them: str and float
            def load(self, data: Any) -> str:
                return bytes(data).decode()

        class Float(Loader):
            def load(self, data: Any) -> float:
                return float(bytes(data).decode())

        self.errors = psycopg.errors
        self._con = psycopg.connect(url, autocommit=True)  # BEGIN / COMMIT come from the store
        for name in ("json", "jsonb"):
            self._con.adapters.register_loader(name, Text)
        self._con.adapters.register_loader("numeric", Float)
        self._con.execute("SET TimeZone = 'UTC'")

    def execute(self, sql: str, parameters: object = None) -> Any:
        if sql.strip().upper() in ("BEGIN TRANSACTION", "BEGIN"):
            cur = self._con.execute("BEGIN")
            self._con.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            return cur
        replaced = REPLACE_TEMP.match(sql)
        if replaced:  # CREATE OR REPLACE TEMP TABLE t: PostgreSQL drops t first
            self._con.execute(f"DROP TABLE IF EXISTS {replaced.group(1)}")
            sql = "CREATE TEMP TABLE" + sql[replaced.end(0) - len(replaced.group(1)) - 1 :]
        return self._con.execute(translate(sql), parameters or None)  # type: ignore[arg-type]

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._con.cursor() as cur:
            cur.executemany(translate(sql), rows)  # psycopg pipelines the rows

    def close(self) -> None:
        self._con.close()
