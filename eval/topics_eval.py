"""Evaluate the topic rules of monitors.toml against hand-labelled real articles.

Usage (from the repo root)::

    .venv/bin/python eval/topics_eval.py [--corpus DIR] [--labels FILE] [--config FILE]

Each line of the labels file is ``{"path": "articles/...", "topics": [...], "note": "..."}`` with
``path`` relative to the corpus directory.  Prints per-topic precision, recall and F1, the mean
matching time per article, and lists every false positive and false negative with the rule that
fired (or the best score reached).  Exits 2 when the corpus or labels are missing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitors.articles import load_article  # noqa: E402
from monitors.errors import NewswatchError  # noqa: E402
from monitors.topics import TopicRule, match_topics, parse_topics  # noqa: E402


def load_rules(config: Path) -> list[TopicRule]:
    with config.open("rb") as f:
        data = tomllib.load(f)
    return parse_topics(data.get("topics", {}), str(config))


def load_labels(path: Path) -> list[dict[str, object]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise SystemExit(f"{path}:{n}: not JSON: {e}") from e
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus",
                    help="corpus directory holding articles/ (default: ../shared/corpus)")
    ap.add_argument("--labels", type=Path, default=REPO / "eval" / "topics_labels.jsonl")
    ap.add_argument("--config", type=Path, default=REPO / "monitors.toml")
    ap.add_argument("--no-gold", action="store_true",
                    help="skip the corpus's own gold labels (corpus/labels/*.jsonl)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show evidence for errors")
    args = ap.parse_args(argv)

    if not (args.corpus / "articles").is_dir():
        print(f"error: corpus not found: {args.corpus}/articles does not exist "
              "(pass --corpus DIR)", file=sys.stderr)
        return 2
    if not args.labels.is_file():
        print(f"error: labels file not found: {args.labels}", file=sys.stderr)
        return 2
    try:
        rules = load_rules(args.config)
    except (OSError, tomllib.TOMLDecodeError, NewswatchError) as e:
        print(f"error: cannot load rules: {e}", file=sys.stderr)
        return 2
    ok = evaluate("labels " + str(args.labels), load_labels(args.labels), args.corpus, rules,
                  verbose=args.verbose)
    gold_files = sorted((args.corpus / "labels").glob("*.jsonl"))
    if gold_files and not args.no_gold:
        gold: list[dict[str, object]] = []
        for f in gold_files:
            gold.extend(load_labels(f))
        print()
        ok = evaluate(f"gold {args.corpus / 'labels'}/*.jsonl", gold, args.corpus, rules,
                      verbose=args.verbose) and ok
    return 0 if ok else 1


def evaluate(name: str, labels: list[dict[str, object]], corpus: Path, rules: list[TopicRule],
             *, verbose: bool = False) -> bool:
    """Print P/R/F1 per topic and the errors; False when an article could not be loaded."""
    topics = [r.name for r in rules]
    tp = dict.fromkeys(topics, 0)
    fp = dict.fromkeys(topics, 0)
    fn = dict.fromkeys(topics, 0)
    errors: list[str] = []
    elapsed = 0.0
    missing = 0
    for row in labels:
        rel = str(row["path"])
        gold = set(row.get("topics", []))  # type: ignore[arg-type]
        path = corpus / rel
        if not path.is_file():
            missing += 1
            errors.append(f"MISSING  {rel}")
            continue
        try:
            doc = load_article(path)
        except NewswatchError as e:
            missing += 1
            errors.append(f"LOADERR  {rel}: {e}")
            continue
        t0 = time.process_time()
        matches = match_topics(doc.title, doc.text, rules)
        elapsed += time.process_time() - t0
        got = {m.topic: m for m in matches}
        note = row.get("note", row.get("notes", ""))
        note = str(note)[:160]
        for topic in topics:
            if topic in gold and topic in got:
                tp[topic] += 1
            elif topic in got:
                fp[topic] += 1
                m = got[topic]
                errors.append(f"FP {topic:14} {rel}\n    title: {doc.title[:100]}\n"
                              f"    label note: {note}\n    rule: {m.rule}"
                              + (f"\n    terms: {', '.join(m.terms)}" if verbose else "")
                              + ("".join(f"\n    > {s[:200]}" for s in m.sentences)
                                 if verbose else ""))
            elif topic in gold:
                fn[topic] += 1
                errors.append(f"FN {topic:14} {rel}\n    title: {doc.title[:100]}\n"
                              f"    label note: {note}")

    n = len(labels) - missing
    print(f"== {name}: {n} articles")
    print(f"{'topic':16} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for topic in topics:
        p = tp[topic] / (tp[topic] + fp[topic]) if tp[topic] + fp[topic] else 1.0
        r = tp[topic] / (tp[topic] + fn[topic]) if tp[topic] + fn[topic] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{topic:16} {p:6.3f} {r:6.3f} {f1:6.3f}  {tp[topic]:3} {fp[topic]:3} {fn[topic]:3}")
    if n:
        print(f"match_topics: {1000 * elapsed / n:.2f} CPU ms/article")
    if errors:
        print(f"{len(errors)} errors:")
        for e in errors:
            print(e)
    return missing == 0


if __name__ == "__main__":
    raise SystemExit(main())
