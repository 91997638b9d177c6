"""`newswatch search` on a synthetic store of 100,000 articles: ms per query for the BM25 index
(monitors/store/search.py) against a plain ILIKE scan of the same articles, built in this run.

    .venv/bin/python bench/search.py                  # 100,000 articles of 250 words
    .venv/bin/python bench/search.py --articles 20000 # a quicker run

The articles are random words drawn from a skewed 20,000-word vocabulary (a few common words,
a long tail) with real query words mixed in at known rates; each has one quote and one figure.
The store is a real one (Store with its migrations); the index is built by the same
``reindex_articles`` the poll's write transaction calls.  The target is < 200 ms per query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitors.store import search
from monitors.store.db import Store

QUERIES = ["hegseth europe", "ukraine aid package", "defence spending gdp", "patriot", "nato"]
REAL = ["defence", "spending", "europe", "ukraine", "aid", "package", "gdp", "hegseth", "patriot"]


def build(store: Store, n: int, words: int) -> None:
    con = store.con
    con.execute("""CREATE TEMP TABLE vocab AS
                   SELECT i, 'w' || i AS w FROM range(20000) t(i)""")
    # real words replace a few vocabulary slots, from common (low index) to rare
    for rank, w in zip((3, 40, 90, 200, 500, 900, 2000, 5000, 12000), REAL, strict=True):
        con.execute("UPDATE vocab SET w = ? WHERE i = ?", [w, rank])
    con.execute("CREATE TEMP TABLE vl AS SELECT list(w ORDER BY i) AS v FROM vocab")
    con.execute(f"""
        INSERT INTO articles (id, url, guid, feed, title, published_at, fetched_at, updated_at,
                              text, content_hash, cluster_id, kept, source_hash)
        SELECT 'a' || i, 'https://example.org/' || i, NULL, 'https://example.org/feed',
               'Title ' || i, TIMESTAMPTZ '2025-01-01' + to_minutes(i::BIGINT),
               TIMESTAMPTZ '2025-01-01' + to_minutes(i::BIGINT), now(),
               array_to_string(list_transform(range({words}),
                   lambda x: v[1 + floor(pow(random(), 4) * 20000)::INTEGER]), ' '),
               'h' || i, 'a' || i, TRUE, 'h' || i
        FROM range({n}) t(i), vl""")
    con.execute("""
        INSERT INTO quotes (article, idx, text, speaker, role, sentence, quote_key, first_seen_at)
        SELECT id, 0, split_part(text, ' ', 5) || ' ' || split_part(text, ' ', 9),
               CASE WHEN hash(id) % 7 = 0 THEN 'Pete Hegseth' ELSE 'Someone Else' END, NULL,
               array_to_string(list_slice(string_split(text, ' '), 1, 25), ' '), 'q' || id,
               fetched_at FROM articles""")
    con.execute("""
        INSERT INTO figures (article, idx, text, value, unit, sentence, fact_key, first_seen_at)
        SELECT id, 0, '2%', 2, '% GDP',
               array_to_string(list_slice(string_split(text, ' '), 30, 50), ' '), 'f' || id,
               fetched_at FROM articles""")


def timed(fn, repeat: int) -> float:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    return statistics.median(runs)


def ilike_scan(store: Store, terms: list[str]) -> int:
    cond = " OR ".join(["text ILIKE ?"] * len(terms))
    row = store.con.execute(
        f"SELECT count(*) FROM articles WHERE kept AND ({cond})", [f"%{t}%" for t in terms]
    ).fetchone()
    return int(row[0])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--words", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        build(store, args.articles, args.words)
        t1 = time.perf_counter()
        ids = [r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()]
        store.con.execute("BEGIN TRANSACTION")
        search.reindex_articles(store.con, ids)
        store.con.execute("COMMIT")
        t2 = time.perf_counter()
        docs = store.con.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        posts = store.con.execute("SELECT count(*) FROM search_postings").fetchone()[0]
        print(
            f"{args.articles:,} articles of {args.words} words: built in {t1 - t0:.1f} s, "
            f"indexed in {t2 - t1:.1f} s ({docs:,} documents, {posts:,} postings)"
        )
        print(f"{'query':<24} {'bm25 ms':>8} {'ilike ms':>9} {'ratio':>6}  hits/matches")
        worst = 0.0
        for q in QUERIES:
            terms = search.query_terms(store.con, q)
            flt = search.SearchFilter()
            ms = timed(lambda t=terms, f=flt: search.search(store.con, t, f, 10), args.repeat)
            base = timed(lambda t=terms: ilike_scan(store, t), args.repeat)
            hits = len(search.search(store.con, terms, flt, 10))
            worst = max(worst, ms)
            print(
                f"{q:<24} {ms:>8.1f} {base:>9.1f} {base / ms:>5.1f}x  "
                f"{hits}/{ilike_scan(store, terms):,}"
            )
        for label, flt in (
            ("--speaker hegseth", search.SearchFilter(kind="quote", speaker="hegseth")),
            ("--kind figure", search.SearchFilter(kind="figure")),
        ):
            terms = search.query_terms(store.con, "europe spending")
            ms = timed(lambda t=terms, f=flt: search.search(store.con, t, f, 10), args.repeat)
            worst = max(worst, ms)
            print(f"{'europe spending ' + label:<24} {ms:>8.1f}")
        store.close()
    print(f"slowest query {worst:.1f} ms (target < 200 ms): {'ok' if worst < 200 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
