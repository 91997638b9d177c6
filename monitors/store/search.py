"""Full-text search over the archive: an inverted index kept in the store, ranked with BM25.

DuckDB's ``fts`` extension is not usable here: it is downloaded from the extension server (not
reachable), and the PyPI packages that carry it (``duckdb-extension-fts`` up to 1.5.5,
``duckdb-ext-fts`` up to 1.4.4) are built for older DuckDB versions than the 2.0.1 this project
locks, which refuses to load them.  So the index is two plain tables, written in SQL:

    search_docs(doc, article, kind, idx, len)   one row a searchable unit: a kept article
                                                (title + text), a quote (its sentence and
                                                speaker), a figure (its sentence)
    search_postings(term, doc, tf)              one row a (term, document) pair

Terms are runs of letters and digits, lower-cased (``regexp_extract_all`` with
``[\\p{L}\\p{N}]+``), minus a short stop list; no stemming.  A query is tokenised by the same
SQL, so the index and the query always agree.  The score is Okapi BM25 (k1 = 1.2, b = 0.75, the
``fts`` defaults), with the document count, lengths and document frequencies of each kind.

Consistency: :func:`reindex_articles` runs inside the transaction that writes a batch of
articles (:meth:`Store.apply_upsert`), so the index holds exactly the committed articles, quotes
and figures; a poll interrupted mid-way rolls back the batch and its index rows together.  The
migration that adds the tables indexes whatever the store already holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from monitors.store.rows import SearchRow


class Connection(Protocol):
    """A DuckDB connection (only :mod:`monitors.store.db` and the migrations import duckdb)."""

    def execute(self, query: str, parameters: object = ...) -> Any: ...


K1 = 1.2
B = 0.75
KINDS = ("article", "quote", "figure")
TOKEN_RE = r"[\p{L}\p{N}]+"
STOPWORDS = [
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "but",
    "by",
    "for",
    "from",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "in",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "s",
    "she",
    "that",
    "the",
    "their",
    "they",
    "this",
    "to",
    "was",
    "were",
    "will",
    "with",
    "we",
    "you",
]

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS search_doc_seq;
CREATE TABLE IF NOT EXISTS search_docs (
    doc BIGINT PRIMARY KEY,
    article VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    len INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS search_postings (
    term VARCHAR NOT NULL,
    doc BIGINT NOT NULL,
    tf INTEGER NOT NULL
);
"""

# the searchable text of each kind, for the articles in the temp table search_batch
_SOURCES = """
SELECT a.id AS article, 'article' AS kind, -1 AS idx,
       coalesce(a.title, '') || ' ' || coalesce(a.text, '') AS body
FROM articles a JOIN search_batch b ON b.id = a.id WHERE a.kept
UNION ALL
SELECT q.article, 'quote', q.idx,
       coalesce(q.sentence, q.text) || ' ' || coalesce(q.speaker, '')
FROM quotes q JOIN search_batch b ON b.id = q.article
JOIN articles a ON a.id = q.article WHERE a.kept
UNION ALL
SELECT f.article, 'figure', f.idx, coalesce(f.sentence, f.text)
FROM figures f JOIN search_batch b ON b.id = f.article
JOIN articles a ON a.id = f.article WHERE a.kept
"""


# PostgreSQL has neither regexp_extract_all nor \p{..}: its [[:alnum:]] is Unicode letters
# and digits in a UTF-8 database whose ctype is not C (docs/scale.md creates it so)
PG_TOKEN_RE = "[[:alnum:]]+"


def _terms_sql(body: str, dialect: str = "duckdb") -> str:
    if dialect == "postgres":
        return (
            f"ARRAY(SELECT r.m[1] FROM regexp_matches(lower({body}), '{PG_TOKEN_RE}', 'g') "
            f"AS r(m) WHERE r.m[1] <> ALL($stop))"
        )
    return (
        f"list_filter(regexp_extract_all(lower({body}), '{TOKEN_RE}'), "
        f"lambda t: NOT list_contains($stop, t))"
    )


def _dialect(con: Connection) -> str:
    return getattr(con, "dialect", "duckdb")


def _index_batch(con: Connection) -> None:
    """(Re)index the articles listed in the temp table ``search_batch``: drop their documents
    and postings, then tokenise their current rows."""
    con.execute(
        "DELETE FROM search_postings WHERE doc IN (SELECT d.doc FROM search_docs d "
        "JOIN search_batch b ON b.id = d.article)"
    )
    con.execute("DELETE FROM search_docs WHERE article IN (SELECT id FROM search_batch)")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE search_new AS
        SELECT nextval('search_doc_seq') AS doc, article, kind, idx,
               {_terms_sql("body", _dialect(con))} AS terms
        FROM ({_SOURCES}) s""",
        {"stop": STOPWORDS},
    )
    con.execute(
        "INSERT INTO search_docs SELECT doc, article, kind, idx, len(terms) FROM search_new"
    )
    con.execute("""
        INSERT INTO search_postings
        SELECT term, doc, count(*)::INTEGER AS tf
        FROM (SELECT doc, unnest(terms) AS term FROM search_new) s
        GROUP BY term, doc ORDER BY term""")
    con.execute("DROP TABLE search_new")


def reindex_articles(con: Connection, ids: Sequence[str]) -> None:
    """Bring the index of these articles (and their quotes and figures) up to date; call it
    in the transaction that wrote them."""
    if not ids:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE search_batch (id VARCHAR)")
    con.execute("INSERT INTO search_batch SELECT unnest(?::VARCHAR[])", [list(ids)])
    _index_batch(con)
    con.execute("DROP TABLE search_batch")


def build_index(con: Connection) -> None:
    """The migration: create the index tables and index every stored article."""
    con.execute(SCHEMA)
    con.execute("CREATE OR REPLACE TEMP TABLE search_batch AS SELECT id FROM articles")
    _index_batch(con)
    con.execute("DROP TABLE search_batch")


def query_terms(con: Connection, query: str) -> list[str]:
    """The query's distinct terms, tokenised exactly as the index is (in order of use)."""
    row = con.execute(
        f"SELECT {_terms_sql('$q', _dialect(con))}", {"q": query, "stop": STOPWORDS}
    ).fetchone()
    terms = list(dict.fromkeys(row[0])) if row else []
    return sorted(terms, key=query.lower().find)


@dataclass(frozen=True)
class SearchFilter:
    """What narrows a search: document kind, quote speaker (a substring, any case), topic
    the article is kept for, and the earliest date (published, else first seen)."""

    kind: str | None = None
    speaker: str | None = None
    topic: str | None = None
    since: datetime | None = None


def _filters(f: SearchFilter) -> tuple[str, dict]:
    where, params = [], {}
    if f.kind:
        where.append("d.kind = $kind")
        params["kind"] = f.kind
    if f.speaker:
        where.append("d.kind = 'quote' AND q.speaker ILIKE $speaker")
        params["speaker"] = f"%{f.speaker}%"
    if f.topic:
        where.append("EXISTS (SELECT 1 FROM article_topics t WHERE t.article = d.article "
                     "AND t.topic = $topic)")  # fmt: skip
        params["topic"] = f.topic
    if f.since:
        where.append("coalesce(a.published_at, a.fetched_at) >= $since")
        params["since"] = f.since
    return (" AND ".join(where) or "TRUE"), params


def search(
    con: Connection, terms: Sequence[str], f: SearchFilter, limit: int = 10
) -> list[SearchRow]:
    """The ``limit`` best documents for ``terms`` by BM25 (any term may match; a document with
    more of the rarer terms ranks higher), narrowed by ``f``; ties by newer date."""
    if not terms:
        return []
    where, params = _filters(f)
    marks = ", ".join(f"$t{i}" for i in range(len(terms)))  # IN (...): the zonemaps prune
    params |= {f"t{i}": t for i, t in enumerate(terms)}
    only = "WHERE d.kind = $kind" if f.kind else ""
    cur = con.execute(
        f"""
        WITH p AS (
            SELECT p.term, p.doc, p.tf, d.kind, d.len
            FROM (SELECT * FROM search_postings WHERE term IN ({marks})) p
            JOIN search_docs d ON d.doc = p.doc {only}),
        stats AS (SELECT kind, count(*) AS n, avg(len) AS avgdl FROM search_docs GROUP BY kind),
        df AS (SELECT kind, term, count(*) AS df FROM p GROUP BY kind, term),
        scored AS (
            SELECT p.doc, sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
                   * p.tf * ({K1} + 1) / (p.tf + {K1} * (1 - {B} + {B} * p.len / s.avgdl)))
                   AS score
            FROM p JOIN stats s USING (kind) JOIN df USING (kind, term)
            GROUP BY p.doc),
        top AS (
            SELECT s.score, d.kind, d.article, d.idx,
                   coalesce(a.published_at, a.fetched_at) AS date
            FROM scored s JOIN search_docs d ON d.doc = s.doc
            JOIN articles a ON a.id = d.article
            LEFT JOIN quotes q ON d.kind = 'quote' AND q.article = d.article AND q.idx = d.idx
            WHERE {where}
            ORDER BY s.score DESC, date DESC NULLS LAST, d.article, d.kind, d.idx
            LIMIT $limit)
        SELECT d.score, d.kind, d.article, d.idx, a.title, a.url, a.feed, fd.name, d.date,
               CASE d.kind WHEN 'article' THEN a.text
                           WHEN 'quote' THEN coalesce(q.sentence, q.text)
                           ELSE coalesce(fg.sentence, fg.text) END,
               CASE d.kind WHEN 'quote' THEN q.text WHEN 'figure' THEN fg.text END,
               q.speaker,
               coalesce((SELECT list(t.topic ORDER BY t.topic) FROM article_topics t
                         WHERE t.article = d.article), [])
        FROM top d JOIN articles a ON a.id = d.article
        LEFT JOIN feeds fd ON fd.url = a.feed
        LEFT JOIN quotes q ON d.kind = 'quote' AND q.article = d.article AND q.idx = d.idx
        LEFT JOIN figures fg ON d.kind = 'figure' AND fg.article = d.article AND fg.idx = d.idx
        ORDER BY d.score DESC, d.date DESC NULLS LAST, d.article, d.kind, d.idx""",
        {"limit": int(limit)} | params,
    )
    return [SearchRow(*r) for r in cur.fetchall()]


def index_counts(con: Connection) -> tuple[int, int]:
    """(kept articles, indexed articles): equal when the index is consistent with the store."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles WHERE kept), "
        "(SELECT count(*) FROM search_docs WHERE kind = 'article')"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
