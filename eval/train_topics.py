"""Train the learned topic scorer (monitors/nlp/topics/model.py) beside the rules.

Usage (from the repo root; ``python3.11 tasks.py train`` runs it)::

    .venv/bin/python eval/train_topics.py [--corpus DIR] [--cv] [--out FILE]

Trains on every labelled article and feed item (``eval/topics_labels.jsonl``,
``eval/topics_feed_labels.jsonl``, ``eval/topics_labels3_train.jsonl``).  Grouped 5-fold
cross-validation by outlet (``quote_sets.outlet_of``; a feed item's outlet is its feed file),
one outlet shuffle (seed 0): each item's out-of-fold probability, an isotonic
calibration fitted on them, and per topic the lowest calibrated probability at which *rules OR
model* keeps a pooled out-of-fold precision of at least :data:`TARGET`.  Prints P/R per topic per
set and per document kind, rules alone and combined, and writes the model file (byte-identical
for the same labels and corpus) unless ``--cv``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval"))

import topics_eval as te  # noqa: E402
from quote_sets import outlet_of  # noqa: E402

from monitors.nlp.topics import match_topics  # noqa: E402
from monitors.nlp.topics.model import MODEL_FILE, features, model_from_json  # noqa: E402

MODEL_PATH = REPO / "monitors" / "nlp" / "data" / MODEL_FILE
SETS = {
    "articles": te.DEFAULT_LABELS,
    "feed": te.DEFAULT_FEED_LABELS,
    "labels3": te.DEFAULT_LABELS3,
}
TARGET = 0.92
FOLDS = 5
SEEDS = (0,)
C = 4.0
MIN_DF = 2
DIGITS = 6


@dataclass
class Item:
    set: str
    key: str
    title: str
    text: str
    gold: set[str]
    kind: str
    outlet: str
    rules: set[str] = field(default_factory=set)
    feats: set[str] = field(default_factory=set)
    oof: dict[str, list[float]] = field(default_factory=dict)


def load_items(corpus: Path) -> list[Item]:
    rules = te.load_rules(te.DEFAULT_CONFIG)
    items = []
    for name, path in SETS.items():
        entries: dict[Path, list[dict[str, Any]]] = {}
        for row in te.load_labels(path):
            key, title, text = te._load_item(row, corpus, entries)
            outlet = str(row["file"]).rsplit("/", 1)[-1] if "file" in row else outlet_of(key)
            it = Item(
                name,
                key,
                title,
                text,
                set(row.get("topics", [])),  # type: ignore[arg-type]
                te.doc_kind(row, title),
                outlet,
            )
            it.rules = {m.topic for m in match_topics(title, text, rules)}
            it.feats = features(title, text)
            items.append(it)
    return items


def vocabulary(items: list[Item]) -> list[str]:
    df: dict[str, int] = {}
    for it in items:
        for f in it.feats:
            df[f] = df.get(f, 0) + 1
    return sorted(f for f, n in df.items() if n >= MIN_DF)


def matrix(items: list[Item], vocab: list[str]) -> Any:
    from scipy.sparse import csr_matrix

    index = {f: j for j, f in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for i, it in enumerate(items):
        v = 1.0 / max(1, len(it.feats)) ** 0.5
        for f in it.feats:
            j = index.get(f)
            if j is not None:
                rows.append(i)
                cols.append(j)
                vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(items), len(vocab)))


def fit(items: list[Item], topic: str) -> tuple[Any, list[str]]:
    from sklearn.linear_model import LogisticRegression

    vocab = vocabulary(items)
    y = [int(topic in it.gold) for it in items]
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    return model.fit(matrix(items, vocab), y), vocab


def out_of_fold(items: list[Item], topics: list[str]) -> None:
    from sklearn.model_selection import GroupKFold

    outlets = sorted({it.outlet for it in items})
    groups = [outlets.index(it.outlet) for it in items]
    for seed in SEEDS:
        splitter = GroupKFold(FOLDS, shuffle=True, random_state=seed)
        for train, test in splitter.split(items, groups=groups):
            tr = [items[i] for i in train]
            te_items = [items[i] for i in test]
            for topic in topics:
                model, vocab = fit(tr, topic)
                probs = model.predict_proba(matrix(te_items, vocab))[:, 1]
                for it, p in zip(te_items, probs, strict=True):
                    it.oof.setdefault(topic, []).append(float(p))


def calibration(pairs: list[tuple[float, int]]) -> tuple[list[float], list[float]]:
    from sklearn.isotonic import IsotonicRegression

    xs = [p for p, _ in pairs]
    ys = [y for _, y in pairs]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(xs, ys)
    return [float(v) for v in iso.X_thresholds_], [float(v) for v in iso.y_thresholds_]


def choose_threshold(rows: list[tuple[float, bool, bool]]) -> float:
    """The lowest p at which the items the model adds to the rules (rules drop, p >= t) are
    right >= TARGET of the time, counted down from the top; rows are (calibrated p, rules keep,
    gold).  1.01 when no t does (the model adds nothing)."""
    tp = fp = 0
    best = 1.01
    for p, _r, g in sorted((x for x in rows if not x[1]), key=lambda x: -x[0]):
        tp += g
        fp += not g
        if tp / (tp + fp) >= TARGET and tp >= 2:
            best = p
    return best


def tally(items: list[Item], topic: str, keep: list[bool]) -> dict[str, int]:
    c = {"tp": 0, "fp": 0, "fn": 0}
    for it, k in zip(items, keep, strict=True):
        g = topic in it.gold
        c["tp" if k and g else "fp" if k else "fn" if g else "tn"] = (
            c.get("tp" if k and g else "fp" if k else "fn" if g else "tn", 0) + 1
        )
    return c


def _pr(c: dict[str, int]) -> str:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return f"P {p:.3f} R {r:.3f} ({c['tp']}/{c['fp']}/{c['fn']})"


def report(items: list[Item], topic: str, cal: tuple, t: float) -> list[str]:
    """Lines of P/R before (rules) and after (rules OR model, out of fold, first seed)."""
    from monitors.nlp.topics.model import TopicModel

    tm = TopicModel(topic, {}, 0.0, tuple(cal[0]), tuple(cal[1]), t)
    lines = [
        f"== {topic}: threshold {t:.3f} (calibrated, pooled out-of-fold precision >= {TARGET})"
    ]
    for label, key in (("set", "set"), ("kind", "kind")):
        for val in sorted({getattr(it, key) for it in items}):
            sub = [it for it in items if getattr(it, key) == val]
            before = tally(sub, topic, [topic in it.rules for it in sub])
            after = tally(
                sub,
                topic,
                [topic in it.rules or tm.calibrated(it.oof[topic][0]) >= t for it in sub],
            )
            lines.append(f"  {label} {val:11} rules {_pr(before)}  ->  rules+model {_pr(after)}")
    return lines


def export(items: list[Item], topic: str, cal: tuple, t: float) -> dict[str, Any]:
    model, vocab = fit(items, topic)
    weights = {
        f: round(float(w), DIGITS)
        for f, w in zip(vocab, model.coef_[0], strict=True)
        if abs(w) >= 1e-4
    }
    data = {
        "weights": dict(sorted(weights.items())),
        "intercept": round(float(model.intercept_[0]), DIGITS),
        "calibration": {
            "x": [round(v, DIGITS) for v in cal[0]],
            "y": [round(v, DIGITS) for v in cal[1]],
        },
        "threshold": round(t, DIGITS),
    }
    probe = model_from_json({"topics": {topic: data}})[topic]
    x = matrix(items[:300], vocab)
    theirs = model.predict_proba(x)[:, 1].tolist()
    mine = [probe.raw(it.feats, len(it.feats)) for it in items[:300]]
    if max(abs(a - b) for a, b in zip(mine, theirs, strict=True)) > 1e-3:
        raise SystemExit(f"{topic}: the exported model does not reproduce scikit-learn's scores")
    return data


def train(items: list[Item], topics: list[str]) -> tuple[list[str], str]:
    out_of_fold(items, topics)
    lines: list[str] = []
    exported: dict[str, Any] = {}
    for topic in topics:
        pairs = [(p, int(topic in it.gold)) for it in items for p in it.oof[topic]]
        cal = calibration(pairs)
        from monitors.nlp.topics.model import TopicModel

        tm = TopicModel(topic, {}, 0.0, tuple(cal[0]), tuple(cal[1]), 0.0)
        rows = [
            (tm.calibrated(p), topic in it.rules, topic in it.gold)
            for it in items
            for p in it.oof[topic]
        ]
        t = choose_threshold(rows)
        lines += report(items, topic, cal, t)
        exported[topic] = export(items, topic, cal, t)
    data = {
        "format": 1,
        "about": "topic scorer of monitors/nlp/topics/model.py; written by eval/train_topics.py "
        "(python3.11 tasks.py train)",
        "trained_on": [str(p.relative_to(REPO)) for p in SETS.values()],
        "items": len(items),
        "topics": exported,
    }
    return lines, json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=te.DEFAULT_CORPUS)
    ap.add_argument("--cv", action="store_true", help="print the CV table; write nothing")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    items = load_items(args.corpus)
    topics = [r.name for r in te.load_rules(te.DEFAULT_CONFIG)]
    lines, text = train(items, topics)
    print(f"{len(items)} items, {len({it.outlet for it in items})} outlets")
    print("\n".join(lines))
    if not args.cv:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
