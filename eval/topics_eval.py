"""Evaluate the topic rules of monitors.toml against hand-labelled real articles and feed items.

Usage (from the repo root)::

    .venv/bin/python eval/topics_eval.py [--corpus DIR] [--labels FILE] [--feed-labels FILE]
                                         [--config FILE]

Each line of the article labels file is ``{"path": "articles/...", "topics": [...], "note": ...}``
with ``path`` relative to the corpus directory.  Each line of the feed-item labels file is
``{"file": "feeds/.../x_entries.json", "index": i, "title_sha1": ..., "topics": [...],
"note": ...}``: entry ``i`` of a JSON list of parsed feed entries (``title`` +
``description``), matched on the title and the description's text, the way a feed item is;
``title_sha1`` (SHA-1 of the title) detects a corpus that changed under the labels.  Prints
per-topic precision, recall and F1 for each set, the mean matching time, and lists every false
positive and false negative with the rule that fired.  Exits 2 when the corpus or labels are
missing, 1 when an item cannot be loaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitors.articles import load_article  # noqa: E402
from monitors.errors import NewswatchError  # noqa: E402
from monitors.text import fragment_to_text  # noqa: E402
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
    ap.add_argument("--feed-labels", type=Path, default=REPO / "eval" / "topics_feed_labels.jsonl",
                    help="labelled feed entries (skipped when the file does not exist)")
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
    if args.feed_labels.is_file():
        print()
        ok = evaluate("feed items " + str(args.feed_labels), load_labels(args.feed_labels),
                      args.corpus, rules, verbose=args.verbose) and ok
    gold_files = sorted((args.corpus / "labels").glob("*.jsonl"))
    if gold_files and not args.no_gold:
        gold: list[dict[str, object]] = []
        for f in gold_files:
            gold.extend(load_labels(f))
        print()
        ok = evaluate(f"gold {args.corpus / 'labels'}/*.jsonl", gold, args.corpus, rules,
                      verbose=args.verbose) and ok
    return 0 if ok else 1


class _Item:
    def __init__(self, title: str, text: str) -> None:
        self.title = title
        self.text = text


def _load_item(row: dict[str, object], corpus: Path,
               entries: dict[Path, list[dict[str, Any]]]) -> tuple[str, str, str]:
    """(label key, title, text) of a labelled article (``path``) or feed entry (``file``)."""
    if "path" in row:
        rel = str(row["path"])
        path = corpus / rel
        if not path.is_file():
            raise ValueError("file not found")
        doc = load_article(path)
        return rel, doc.title, doc.text
    path = corpus / str(row["file"])
    if path not in entries:
        entries[path] = json.loads(path.read_text(encoding="utf-8"))
    index = row["index"]
    if not isinstance(index, int):
        raise ValueError(f"index must be an integer, got {index!r}")
    entry = entries[path][index]
    title = str(entry.get("title") or "").strip()
    sha = hashlib.sha1(title.encode("utf-8")).hexdigest()
    if row.get("title_sha1") and sha != row["title_sha1"]:
        raise ValueError(f"entry {index} changed: title SHA-1 is {sha}, labelled "
                         f"{row['title_sha1']}")
    text = fragment_to_text(str(entry.get("description") or ""))
    return f"{row['file']}#{index}", title, text


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
    entries: dict[Path, list[dict[str, Any]]] = {}
    for row in labels:
        gold = set(row.get("topics", []))  # type: ignore[arg-type]
        try:
            rel, title, text = _load_item(row, corpus, entries)
        except (OSError, ValueError, KeyError, IndexError, NewswatchError) as e:
            missing += 1
            errors.append(f"LOADERR  {row.get('path') or row.get('file')}: {e}")
            continue
        doc = _Item(title, text)
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
    print(f"== {name}: {n} items")
    print(f"{'topic':16} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for topic in topics:
        p = tp[topic] / (tp[topic] + fp[topic]) if tp[topic] + fp[topic] else 1.0
        r = tp[topic] / (tp[topic] + fn[topic]) if tp[topic] + fn[topic] else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{topic:16} {p:6.3f} {r:6.3f} {f1:6.3f}  {tp[topic]:3} {fp[topic]:3} {fn[topic]:3}")
    if n:
        print(f"match_topics: {1000 * elapsed / n:.2f} CPU ms/item")
    if errors:
        print(f"{len(errors)} errors:")
        for e in errors:
            print(e)
    return missing == 0


if __name__ == "__main__":
    raise SystemExit(main())
