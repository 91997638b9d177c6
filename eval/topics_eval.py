"""Evaluate the topic rules of monitors.toml against hand-labelled real articles and feed items.

Usage (from the repo root)::

    .venv/bin/python eval/topics_eval.py [--corpus DIR] [--labels FILE] [--feed-labels FILE]
                                         [--config FILE] [--no-gold] [-v]

Each line of the article labels file is ``{"path": "articles/...", "topics": [...], "note": ...}``
with ``path`` relative to the corpus directory.  Each line of the feed-item labels file is
``{"file": "feeds/.../x_entries.json", "index": i, "title_sha1": ..., "topics": [...],
"note": ...}``: entry ``i`` of a JSON list of parsed feed entries (``title`` +
``description``), matched on the title and the description's text, the way a feed item is;
``title_sha1`` (SHA-1 of the title) detects a corpus that changed under the labels.  Prints
per-topic precision, recall and F1 for each set, the mean matching time, and lists every false
positive and false negative with the rule that fired.  Exits 2 when the corpus or labels are
missing, 1 when an item cannot be loaded.

As a module: :func:`evaluate_sets` returns a :class:`SetResult` per set (``articles``,
``feed`` and ``gold``, the corpus's own labels) with a :class:`TopicScore` per topic;
:func:`check_floors` compares them with ``eval/relevance_floors.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from monitors.errors import NewswatchError  # noqa: E402
from monitors.ingest.articles import load_article  # noqa: E402
from monitors.ingest.text import fragment_to_text  # noqa: E402
from monitors.nlp.topics import TopicRule, match_topics, parse_topics  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_LABELS = REPO / "eval" / "topics_labels.jsonl"
DEFAULT_FEED_LABELS = REPO / "eval" / "topics_feed_labels.jsonl"
DEFAULT_LABELS3 = REPO / "eval" / "topics_labels3_train.jsonl"
# issue 16's blind portion: labelled independently, never used to tune; scored once per round
DEFAULT_BLIND = REPO / "eval" / "topics_labels3_blind.jsonl"
# round 2's blind portion (after the passage cues were tuned on labels3): scored once
DEFAULT_BLIND2 = REPO / "eval" / "topics_labels4_blind.jsonl"
_WH_KINDS = {
    "remarks": "transcript",
    "speeches-remarks": "transcript",
    "press-briefings": "briefing",
    "fact-sheets": "fact sheet",
    "statements-releases": "statement",
    "briefings-statements": "statement",
}
_ROUNDUP_WORDS = ("roundup", "round-up", "market talk", "morning report", "newsletter", "live")
DEFAULT_CONFIG = REPO / "monitors.toml"
FLOORS_FILE = REPO / "eval" / "relevance_floors.json"


@dataclass
class TopicScore:
    """Counts for one topic on one labelled set; P and R are 1.0 when undefined (no cases)."""

    topic: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class SetResult:
    """The outcome of matching one labelled set."""

    name: str
    items: int = 0
    missing: int = 0
    cpu_seconds: float = 0.0
    scores: dict[str, TopicScore] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    by_kind: dict[str, dict[str, TopicScore]] = field(default_factory=dict)

    @property
    def ms_per_item(self) -> float:
        return 1000 * self.cpu_seconds / self.items if self.items else 0.0

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        return {topic: s.as_dict() for topic, s in self.scores.items()}


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
            raise ValueError(f"{path}:{n}: not JSON: {e}") from e
        rows.append(row)
    return rows


def load_gold(corpus: Path) -> list[dict[str, object]]:
    """The corpus's own relevance labels (``corpus/labels/*.jsonl``); empty when absent."""
    gold: list[dict[str, object]] = []
    for f in sorted((corpus / "labels").glob("*.jsonl")):
        gold.extend(load_labels(f))
    return gold


def _load_item(
    row: dict[str, object], corpus: Path, entries: dict[Path, list[dict[str, Any]]]
) -> tuple[str, str, str]:
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
        raise ValueError(
            f"entry {index} changed: title SHA-1 is {sha}, labelled {row['title_sha1']}"
        )
    text = fragment_to_text(str(entry.get("description") or ""))
    return f"{row['file']}#{index}", title, text


def doc_kind(row: dict[str, object], title: str = "") -> str:
    """The document kind of a labelled item: the label's ``kind`` when it has one, ``feed`` for
    a feed entry, else a guess from the White House section or the headline (for reports)."""
    if row.get("kind"):
        return str(row["kind"])
    if "file" in row:
        return "feed"
    parts = str(row.get("path", "")).split("/")
    if len(parts) > 2 and parts[1] == "brian14708-wh-briefings":
        return _WH_KINDS.get(parts[2], "statement")
    low = title.lower()
    if any(w in low for w in _ROUNDUP_WORDS):
        return "round-up"
    return "news"


def score_set(
    name: str,
    labels: list[dict[str, object]],
    corpus: Path,
    rules: list[TopicRule],
    *,
    verbose: bool = False,
) -> SetResult:
    """Match every labelled item and count TP/FP/FN per topic; errors are kept as text."""
    result = SetResult(name, scores={r.name: TopicScore(r.name) for r in rules})
    entries: dict[Path, list[dict[str, Any]]] = {}
    for row in labels:
        gold = set(row.get("topics", []))  # type: ignore[arg-type]
        try:
            rel, title, text = _load_item(row, corpus, entries)
        except (OSError, ValueError, KeyError, IndexError, NewswatchError) as e:
            result.missing += 1
            result.errors.append(f"LOADERR  {row.get('path') or row.get('file')}: {e}")
            continue
        result.items += 1
        t0 = time.process_time()
        matches = match_topics(title, text, rules)
        result.cpu_seconds += time.process_time() - t0
        got = {m.topic: m for m in matches}
        note = str(row.get("note", row.get("notes", "")))[:160]
        kind = result.by_kind.setdefault(
            doc_kind(row, title), {r.name: TopicScore(r.name) for r in rules}
        )
        for topic, k in kind.items():
            k.tp += topic in gold and topic in got
            k.fp += topic in got and topic not in gold
            k.fn += topic in gold and topic not in got
        for topic, s in result.scores.items():
            if topic in gold and topic in got:
                s.tp += 1
            elif topic in got:
                s.fp += 1
                m = got[topic]
                result.errors.append(
                    f"FP {topic:14} {rel}\n    title: {title[:100]}\n"
                    f"    label note: {note}\n    rule: {m.rule}"
                    + (f"\n    terms: {', '.join(m.terms)}" if verbose else "")
                    + ("".join(f"\n    > {x[:200]}" for x in m.sentences) if verbose else "")
                )
            elif topic in gold:
                s.fn += 1
                result.errors.append(
                    f"FN {topic:14} {rel}\n    title: {title[:100]}\n    label note: {note}"
                )
    return result


def evaluate_sets(
    corpus: Path = DEFAULT_CORPUS,
    *,
    labels: Path = DEFAULT_LABELS,
    feed_labels: Path | None = DEFAULT_FEED_LABELS,
    labels3: Path | None = DEFAULT_LABELS3,
    blind: Path | None = DEFAULT_BLIND,
    config: Path = DEFAULT_CONFIG,
    gold: bool = True,
    verbose: bool = False,
) -> dict[str, SetResult]:
    """Score the article labels (``articles``), the feed-item labels (``feed``, when the file
    exists) and the corpus's gold labels (``gold``, when present) with the rules of ``config``."""
    rules = load_rules(config)
    results = {
        "articles": score_set(
            f"labels {labels}", load_labels(labels), corpus, rules, verbose=verbose
        )
    }
    if feed_labels is not None and feed_labels.is_file():
        results["feed"] = score_set(
            f"feed items {feed_labels}", load_labels(feed_labels), corpus, rules, verbose=verbose
        )
    if labels3 is not None and labels3.is_file():
        results["labels3"] = score_set(
            f"independent labels {labels3}", load_labels(labels3), corpus, rules, verbose=verbose
        )
    if blind is not None and blind.is_file():
        results["blind"] = score_set(
            f"blind labels {blind}", load_labels(blind), corpus, rules, verbose=verbose
        )
        if DEFAULT_BLIND2.is_file() and blind == DEFAULT_BLIND:
            results["blind2"] = score_set(
                f"blind labels {DEFAULT_BLIND2}",
                load_labels(DEFAULT_BLIND2),
                corpus,
                rules,
                verbose=verbose,
            )
    if gold:
        gold_rows = load_gold(corpus)
        if gold_rows:
            results["gold"] = score_set(
                f"gold {corpus / 'labels'}/*.jsonl", gold_rows, corpus, rules, verbose=verbose
            )
    return results


def check_floors(
    results: dict[str, dict[str, dict[str, float]]], floors: dict[str, Any]
) -> list[str]:
    """Every (set, topic, metric) below its floor, as a message; ``[]`` when all pass.

    ``results`` maps set -> topic -> {"precision": .., "recall": ..} (``SetResult.as_dict()``);
    ``floors`` has the same shape (keys starting with ``_`` are comments). A floored set or
    topic missing from ``results`` is a failure too.
    """
    failures = []
    for set_name, per_topic in floors.items():
        if set_name.startswith("_"):
            continue
        got_set = results.get(set_name)
        if got_set is None:
            failures.append(f"{set_name}: not evaluated")
            continue
        for topic, metrics in per_topic.items():
            if topic.startswith("_"):
                continue
            got = got_set.get(topic)
            if got is None:
                failures.append(f"{set_name}/{topic}: not evaluated")
                continue
            for metric, floor in metrics.items():
                value = got.get(metric)
                if value is None or value + 1e-9 < floor:
                    failures.append(f"{set_name}/{topic}: {metric} {value} below floor {floor}")
    return failures


def print_result(result: SetResult) -> None:
    print(f"== {result.name}: {result.items} items")
    print(f"{'topic':16} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn")
    for topic, s in result.scores.items():
        print(
            f"{topic:16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp:3} {s.fp:3} {s.fn:3}"
        )
    if len(result.by_kind) > 1:
        for kind, per in sorted(result.by_kind.items()):
            cells = "  ".join(
                f"{t} P {k.precision:.3f} R {k.recall:.3f} ({k.tp}/{k.fp}/{k.fn})"
                for t, k in per.items()
            )
            print(f"  by kind {kind:11} {cells}")
    if result.items:
        print(f"match_topics: {result.ms_per_item:.2f} CPU ms/item")
    if result.errors:
        print(f"{len(result.errors)} errors:")
        for e in result.errors:
            print(e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="corpus directory holding articles/ (default: ../shared/corpus)",
    )
    ap.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    ap.add_argument(
        "--feed-labels",
        type=Path,
        default=DEFAULT_FEED_LABELS,
        help="labelled feed entries (skipped when the file does not exist)",
    )
    ap.add_argument(
        "--labels3",
        type=Path,
        default=DEFAULT_LABELS3,
        help="independently labelled articles with document kinds (skipped when absent)",
    )
    ap.add_argument(
        "--blind",
        type=Path,
        default=DEFAULT_BLIND,
        help="the blind labels, scored once per round (skipped when not a file: pass "
        "--blind /dev/null while tuning so no blind number or error is shown; its floors "
        "are then skipped too)",
    )
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument(
        "--no-gold",
        action="store_true",
        help="skip the corpus's own gold labels (corpus/labels/*.jsonl)",
    )
    ap.add_argument(
        "--floors",
        type=Path,
        default=None,
        help="also check the numbers against this floors file "
        "(e.g. eval/relevance_floors.json); exit 1 below a floor",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="show evidence for errors")
    args = ap.parse_args(argv)

    if not (args.corpus / "articles").is_dir():
        print(
            f"error: corpus not found: {args.corpus}/articles does not exist (pass --corpus DIR)",
            file=sys.stderr,
        )
        return 2
    if not args.labels.is_file():
        print(f"error: labels file not found: {args.labels}", file=sys.stderr)
        return 2
    try:
        results = evaluate_sets(
            args.corpus,
            labels=args.labels,
            feed_labels=args.feed_labels,
            labels3=args.labels3,
            blind=args.blind,
            config=args.config,
            gold=not args.no_gold,
            verbose=args.verbose,
        )
    except (OSError, tomllib.TOMLDecodeError, NewswatchError) as e:
        print(f"error: cannot load rules: {e}", file=sys.stderr)
        return 2
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for i, result in enumerate(results.values()):
        if i:
            print()
        print_result(result)
    ok = all(r.missing == 0 for r in results.values())
    if args.floors:
        floors_file = json.loads(args.floors.read_text(encoding="utf-8"))
        floors = dict(floors_file.get("topics", floors_file))
        if "blind" not in results and not args.blind.is_file():
            floors.pop("blind", None)
            floors.pop("blind2", None)
            print(
                "\nfloors: the blind set was not scored (--blind is not a file); its floors skipped"
            )
        failures = check_floors({k: v.as_dict() for k, v in results.items()}, floors)
        print()
        print("floors: " + ("all met" if not failures else f"{len(failures)} below"))
        for f in failures:
            print("  " + f)
        ok = ok and not failures
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
