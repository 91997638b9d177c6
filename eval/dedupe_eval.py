"""Evaluate duplicate clustering on the hand-labelled gold.

usage: python eval/dedupe_eval.py [--corpus DIR] [--pred OUT.jsonl] [--floors FILE] [-v]

Loads every path of eval/dedupe_universe.txt from the corpus folder (load_article), clusters
them with monitors.nlp.dedupe.cluster_documents, writes the prediction lines {"path", "cluster"},
prints pairwise precision/recall against eval/dedupe_gold.jsonl (the metric of
shared/tools/score_dedupe.py, reimplemented identically) and how many of the
eval/dedupe_negatives.jsonl pairs (same event, different story) were wrongly merged.

As a module: :func:`evaluate` returns a :class:`DedupeResult`; :func:`check_floors` compares it
with the "dedupe" section of eval/relevance_floors.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from monitors.ingest.articles import load_article  # noqa: E402
from monitors.nlp.dedupe import DedupeDoc, cluster_documents  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_GOLD = HERE / "dedupe_gold.jsonl"
DEFAULT_UNIVERSE = HERE / "dedupe_universe.txt"
DEFAULT_NEGATIVES = HERE / "dedupe_negatives.jsonl"
FLOORS_FILE = HERE / "relevance_floors.json"


def _key(path: str) -> str:
    return path.split("corpus/", 1)[-1]


def _lines(path: str | Path) -> list[str]:
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


@dataclass
class DedupeResult:
    """Pairwise scores of one clustering run against the gold clusters."""

    docs: int
    seconds: float
    gold_pairs: int
    pred_pairs: int
    tp: int
    precision: float
    recall: float
    negatives: int
    merged_negatives: list[dict[str, Any]] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)
    false_pairs: list[tuple[str, str]] = field(default_factory=list)
    missed_pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ms_per_doc(self) -> float:
        return 1000 * self.seconds / self.docs if self.docs else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "negatives_merged": len(self.merged_negatives),
            "tp": self.tp,
            "gold_pairs": self.gold_pairs,
            "pred_pairs": self.pred_pairs,
        }


def evaluate(
    corpus: Path = DEFAULT_CORPUS,
    *,
    gold: Path = DEFAULT_GOLD,
    universe: Path = DEFAULT_UNIVERSE,
    negatives: Path = DEFAULT_NEGATIVES,
) -> DedupeResult:
    """Cluster the universe's articles and score them pairwise against the gold clusters."""
    universe_paths = _lines(universe)
    docs: list[DedupeDoc] = []
    for rel in universe_paths:
        art = load_article(corpus / rel)
        docs.append(DedupeDoc(rel, art.title, art.text, parse_published(art.published)))

    t0 = time.perf_counter()
    clusters = cluster_documents(docs)
    elapsed = time.perf_counter() - t0

    gold_sets = [{_key(p) for p in json.loads(ln)["cluster"]} for ln in _lines(gold)]
    pred: dict[str, set[str]] = {}
    for rel in universe_paths:
        pred.setdefault(str(clusters[rel]), set()).add(_key(rel))
    n_gold, n_pred, tp, precision, recall, gp, pp = pairwise(
        gold_sets, {_key(p) for p in universe_paths}, pred
    )
    neg_rows = [json.loads(ln) for ln in _lines(negatives)] if Path(negatives).is_file() else []
    merged = [n for n in neg_rows if clusters.get(n["pair"][0]) == clusters.get(n["pair"][1])]
    return DedupeResult(
        docs=len(docs),
        seconds=elapsed,
        gold_pairs=n_gold,
        pred_pairs=n_pred,
        tp=tp,
        precision=precision,
        recall=recall,
        negatives=len(neg_rows),
        merged_negatives=merged,
        clusters={rel: str(clusters[rel]) for rel in universe_paths},
        false_pairs=sorted(tuple(sorted(x)) for x in pp - gp),  # type: ignore[misc]
        missed_pairs=sorted(tuple(sorted(x)) for x in gp - pp),
    )  # type: ignore[misc]


DEFAULT_BLIND = Path(__file__).resolve().parent / "dedupe_blind_pairs.jsonl"


def evaluate_blind(corpus: Path = DEFAULT_CORPUS, pairs: Path = DEFAULT_BLIND) -> dict[str, Any]:
    """Issue 16's blind pairs (``{"pair": [a, b], "label": "copy|same-event|unrelated"}``,
    labelled independently, never tuned on): the pairs' documents are clustered together, as
    one window, and each pair is merged or not.  ``precision``: merged pairs that are copies;
    ``recall``: copies merged; ``negatives_merged``: same-event pairs merged (unrelated pairs
    merged are counted in ``unrelated_merged``)."""
    rows = [json.loads(ln) for ln in _lines(pairs)]
    paths = sorted({p for r in rows for p in r["pair"]})
    docs = []
    for rel in paths:
        art = load_article(corpus / rel)
        docs.append(DedupeDoc(rel, art.title, art.text, parse_published(art.published)))
    clusters = cluster_documents(docs)
    merged = [r for r in rows if clusters[r["pair"][0]] == clusters[r["pair"][1]]]
    copies = [r for r in rows if r["label"] == "copy"]
    hit = [r for r in merged if r["label"] == "copy"]
    return {
        "pairs": len(rows),
        "copies": len(copies),
        "precision": len(hit) / len(merged) if merged else 1.0,
        "recall": len(hit) / len(copies) if copies else 1.0,
        "negatives_merged": sum(r["label"] == "same-event" for r in merged),
        "unrelated_merged": sum(r["label"] == "unrelated" for r in merged),
        "wrong": [r["pair"] for r in rows if (r in merged) != (r["label"] == "copy")],
    }


def check_floors(result: dict[str, float | int], floors: dict[str, Any]) -> list[str]:
    """Messages for every metric below its floor (``negatives_merged_max`` is a ceiling)."""
    failures = []
    for metric, floor in floors.items():
        if metric.startswith("_"):
            continue
        if metric.endswith("_max"):
            name = metric[: -len("_max")]
            value = result.get(name)
            if value is None or value > floor:
                failures.append(f"dedupe: {name} {value} above ceiling {floor}")
            continue
        value = result.get(metric)
        if value is None or value + 1e-9 < floor:
            failures.append(f"dedupe: {metric} {value} below floor {floor}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--gold", default=str(DEFAULT_GOLD))
    ap.add_argument("--universe", default=str(DEFAULT_UNIVERSE))
    ap.add_argument("--negatives", default=str(DEFAULT_NEGATIVES))
    ap.add_argument("--pred", default=None, help="write prediction lines here")
    ap.add_argument(
        "--floors",
        default=None,
        help="check against the 'dedupe' section of this floors file "
        "(e.g. eval/relevance_floors.json); exit 1 below a floor",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="list wrong pairs")
    args = ap.parse_args(argv)

    corpus = Path(args.corpus)
    if not (corpus / "articles").is_dir():
        print(
            f"error: corpus folder not found: {corpus} (expected {corpus}/articles/); "
            "pass --corpus DIR",
            file=sys.stderr,
        )
        return 2

    r = evaluate(
        corpus, gold=Path(args.gold), universe=Path(args.universe), negatives=Path(args.negatives)
    )
    if args.pred:
        with open(args.pred, "w", encoding="utf-8") as f:
            for rel, cluster in r.clusters.items():
                f.write(json.dumps({"path": rel, "cluster": cluster}) + "\n")
    print(f"docs={r.docs} clustered in {r.seconds:.2f}s ({r.ms_per_doc:.2f} ms/doc)")
    print(f"pairs gold={r.gold_pairs} pred={r.pred_pairs} tp={r.tp}")
    print(f"dedupe pairwise P={r.precision:.3f} R={r.recall:.3f}")
    print(f"negative pairs merged: {len(r.merged_negatives)}/{r.negatives}")
    for n in r.merged_negatives:
        print(f"  MERGED {n['pair'][0]} ~ {n['pair'][1]} ({n.get('note', '')})")
    if args.verbose:
        for p in r.false_pairs:
            print("  FP", *p)
        for p in r.missed_pairs:
            print("  FN", *p)
    blind = evaluate_blind(corpus) if DEFAULT_BLIND.is_file() else None
    if blind is not None:
        print(
            f"blind pairs ({blind['pairs']}, {blind['copies']} copies): P={blind['precision']:.3f} "
            f"R={blind['recall']:.3f}; same-event merged {blind['negatives_merged']}, "
            f"unrelated merged {blind['unrelated_merged']}"
        )
        if args.verbose:
            for a, b in blind["wrong"]:
                print("  BLIND WRONG", a, "~", b)
    if args.floors:
        all_floors = json.loads(Path(args.floors).read_text(encoding="utf-8"))
        floors = all_floors.get("dedupe", {})
        failures = check_floors(r.as_dict(), floors)
        if blind is not None and "dedupe_blind" in all_floors:
            failures += check_floors(blind, all_floors["dedupe_blind"])
        print("floors: " + ("all met" if not failures else f"{len(failures)} below"))
        for f in failures:
            print("  " + f)
        if failures:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
