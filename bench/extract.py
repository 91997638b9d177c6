#!/usr/bin/env python3
"""Average extraction time per article over every article in ../shared/corpus/articles.

Loads each file once (not timed), then times topic matching + figure + quote extraction
(`monitors.nlp.extract.analyse(..., always_extract=True)`, what `newswatch extract` runs) on one
core, and prints the mean, median, p95 and max, with the time of each stage; then clusters the
whole corpus as one window and prints topics + dedupe per article (issue 6: <= 5 ms). Usage:

    .venv/bin/python bench/extract.py [--corpus DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitors.errors import ArticleLoadError  # noqa: E402
from monitors.ingest.articles import load_article  # noqa: E402
from monitors.nlp.dedupe import DedupeDoc, cluster_documents  # noqa: E402
from monitors.nlp.figures import extract_figures  # noqa: E402
from monitors.nlp.quotes import extract_quotes  # noqa: E402
from monitors.nlp.topics import match_topics, parse_topics  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3, help="passes over the corpus (best is kept)")
    args = ap.parse_args()
    folder = args.corpus / "articles"
    if not folder.is_dir():
        print(f"no corpus at {folder}", file=sys.stderr)
        return 2
    rules = parse_topics(
        tomllib.loads((ROOT / "monitors.toml").read_text())["topics"], "monitors.toml"
    )
    docs = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name.endswith((".md", ".html", ".gz")):
            with contextlib.suppress(ArticleLoadError):  # unreadable files are not timed
                docs.append(load_article(p))
    stages: dict[str, float] = {}
    best_total = None
    for _ in range(args.repeat):
        per_doc, t_top, t_fig, t_quo = [], 0.0, 0.0, 0.0
        for d in docs:
            text = d.full_text
            t0 = time.perf_counter()
            match_topics(d.title, d.text, rules)
            t1 = time.perf_counter()
            extract_figures(text)
            t2 = time.perf_counter()
            extract_quotes(text)
            t3 = time.perf_counter()
            per_doc.append(t3 - t0)
            t_top, t_fig, t_quo = t_top + t1 - t0, t_fig + t2 - t1, t_quo + t3 - t2
        if best_total is None or sum(per_doc) < sum(best_total):
            best_total = per_doc
            stages = {"topics": t_top, "figures": t_fig, "quotes": t_quo}
    ms = sorted(x * 1000 for x in best_total)
    n = len(ms)
    print(f"articles: {n} ({sum(len(d.full_text) for d in docs) / n / 1000:.1f} kB mean)")
    print(
        f"per article: mean {statistics.fmean(ms):.2f} ms, median {statistics.median(ms):.2f}"
        f" ms, p95 {ms[int(n * 0.95)]:.2f} ms, max {ms[-1]:.2f} ms  (target: mean <= 20 ms)"
    )
    for name, total in stages.items():
        print(f"  {name:<8} {total / n * 1000:.2f} ms/article")
    dedupe = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        cluster_documents([DedupeDoc(str(i), d.title, d.text) for i, d in enumerate(docs)])
        dedupe.append(time.perf_counter() - t0)
    clustering = min(dedupe) / n * 1000
    print(f"  {'dedupe':<8} {clustering:.2f} ms/article (clustering all of them in one window)")
    print(
        f"topics + dedupe: {stages['topics'] / n * 1000 + clustering:.2f} ms/article "
        f"(target <= 5 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
