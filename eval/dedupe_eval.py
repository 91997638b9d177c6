"""Evaluate duplicate clustering on the hand-labelled gold.

usage: python eval/dedupe_eval.py [--corpus DIR] [--pred OUT.jsonl]

Loads every path of eval/dedupe_universe.txt from the corpus folder (load_article), clusters
them with monitors.dedupe.cluster_documents, writes the prediction lines {"path", "cluster"},
prints pairwise precision/recall against eval/dedupe_gold.jsonl (the metric of
shared/tools/score_dedupe.py, reimplemented identically) and how many of the
eval/dedupe_negatives.jsonl pairs (same event, different story) were wrongly merged.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from monitors.articles import load_article  # noqa: E402
from monitors.dedupe import DedupeDoc, cluster_documents  # noqa: E402


def _key(path: str) -> str:
    return path.split("corpus/", 1)[-1]


def _lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip()]


def parse_published(value: str | None) -> datetime | None:
    """Parse an article's ``published`` string (ISO 8601 or 'YYYY-MM-DD HH:MM:SS')."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def pairwise(gold: list[set[str]], universe: set[str], pred: dict[str, set[str]]) -> tuple:
    """Same computation as shared/tools/score_dedupe.py."""
    gp = {frozenset(p) for c in gold for p in combinations(sorted(c & universe), 2)}
    pp = {frozenset(p) for c in pred.values() for p in combinations(sorted(c & universe), 2)}
    tp = len(gp & pp)
    precision = tp / len(pp) if pp else 0.0
    recall = tp / len(gp) if gp else 0.0
    return len(gp), len(pp), tp, precision, recall, gp, pp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpus"))
    ap.add_argument("--gold", default=str(HERE / "dedupe_gold.jsonl"))
    ap.add_argument("--universe", default=str(HERE / "dedupe_universe.txt"))
    ap.add_argument("--negatives", default=str(HERE / "dedupe_negatives.jsonl"))
    ap.add_argument("--pred", default=None, help="write prediction lines here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list wrong pairs")
    args = ap.parse_args(argv)

    corpus = Path(args.corpus)
    if not (corpus / "articles").is_dir():
        print(f"error: corpus folder not found: {corpus} (expected {corpus}/articles/); "
              "pass --corpus DIR", file=sys.stderr)
        return 2

    universe_paths = _lines(args.universe)
    docs: list[DedupeDoc] = []
    for rel in universe_paths:
        art = load_article(corpus / rel)
        docs.append(DedupeDoc(rel, art.title, art.text, parse_published(art.published)))

    t0 = time.perf_counter()
    clusters = cluster_documents(docs)
    elapsed = time.perf_counter() - t0

    pred_lines = [{"path": rel, "cluster": clusters[rel]} for rel in universe_paths]
    if args.pred:
        with open(args.pred, "w", encoding="utf-8") as f:
            for line in pred_lines:
                f.write(json.dumps(line) + "\n")

    gold = [
        {_key(p) for p in json.loads(ln)["cluster"]}
        for ln in _lines(args.gold)
    ]
    universe = {_key(p) for p in universe_paths}
    pred: dict[str, set[str]] = {}
    for line in pred_lines:
        pred.setdefault(str(line["cluster"]), set()).add(_key(line["path"]))
    n_gold, n_pred, tp, precision, recall, gp, pp = pairwise(gold, universe, pred)
    print(f"docs={len(docs)} clustered in {elapsed:.2f}s")
    print(f"pairs gold={n_gold} pred={n_pred} tp={tp}")
    print(f"dedupe pairwise P={precision:.3f} R={recall:.3f}")

    negatives = [json.loads(ln) for ln in _lines(args.negatives)]
    merged = [n for n in negatives if clusters.get(n["pair"][0]) == clusters.get(n["pair"][1])]
    print(f"negative pairs merged: {len(merged)}/{len(negatives)}")
    for n in merged:
        print(f"  MERGED {n['pair'][0]} ~ {n['pair'][1]} ({n.get('note', '')})")
    if args.verbose:
        for p in sorted(tuple(sorted(x)) for x in pp - gp):
            print("  FP", *p)
        for p in sorted(tuple(sorted(x)) for x in gp - pp):
            print("  FN", *p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
