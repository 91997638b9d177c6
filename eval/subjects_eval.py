#!/usr/bin/env python3
"""Figure subjects and highlight relevance over *every* labelled figure, not only the ones a
digest shows: runs ``extract_figures`` on each labelled article (``eval/digest_*_labels.jsonl``),
pairs predicted and labelled figures by span, and scores

  subject   right (the labelled actor or an accepted alternative; none where none is labelled),
            wrong (a subject where the label has another, or none), missing (none shown where
            the label has one);
  topic     of the figures the digest would highlight (``figure_topic`` not None), the share
            labelled on topic (precision), and of the labelled on-topic figures, the share
            highlighted (recall).

usage: python eval/subjects_eval.py LABELS.jsonl [--corpus DIR] [--json] [--show N]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.digest_audit import default_corpus, load_labels, subject_verdict  # noqa: E402
from monitors.nlp.figures import extract_figures  # noqa: E402
from monitors.nlp.highlights import figure_topic  # noqa: E402

TOPICS = ("nato-spending", "ukraine-aid")


def score(labels: list[dict]) -> tuple[dict, list[dict]]:
    rows = []
    for lab in labels:
        text = lab["text"]
        preds = extract_figures(text)
        for g in lab["figures"]:
            p = next((f for f in preds if f.start < g["end"] and g["start"] < f.end), None)
            if p is None:
                continue
            topic = figure_topic(
                sentence=p.sentence,
                text=p.text,
                unit=p.unit,
                span_start=p.span_in_sentence,
                topics=TOPICS,
                article_topics=lab.get("topics", []),
            )
            rows.append(
                {
                    "path": lab["path"],
                    "text": p.text,
                    "subject": p.subject,
                    "gold_subject": g.get("subject"),
                    "alt": g.get("subject_alt", []),
                    "verdict": subject_verdict(p.subject, g),
                    "topic": topic,
                    "gold_topic": g.get("topic"),
                    "sentence": p.sentence,
                }
            )
    v = Counter(r["verdict"] for r in rows)
    shown = [r for r in rows if r["topic"]]
    gold_on = [r for r in rows if r["gold_topic"]]
    summary = {
        "articles": len(labels),
        "figures_labelled": sum(len(x["figures"]) for x in labels),
        "figures_matched": len(rows),
        "subject_right": round(v["right"] / len(rows), 4) if rows else None,
        "subject_wrong": v["wrong"],
        "subject_missing": v["missing"],
        "subject_precision": round(v["right"] / (v["right"] + v["wrong"]), 4)
        if v["right"] + v["wrong"]
        else None,
        "highlighted": len(shown),
        "highlight_on_topic": round(sum(1 for r in shown if r["gold_topic"]) / len(shown), 4)
        if shown
        else None,
        "highlight_recall": round(sum(1 for r in gold_on if r["topic"]) / len(gold_on), 4)
        if gold_on
        else None,
        "highlighted_subject_right": round(
            sum(1 for r in shown if r["verdict"] == "right") / len(shown), 4
        )
        if shown
        else None,
    }
    return summary, rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--json", action="store_true")
    ap.add_argument(
        "--show", type=int, default=0, metavar="N", help="print N examples of each error kind"
    )
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"subjects eval: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    if not args.labels.is_file():
        print(f"subjects eval: {args.labels}: no such label file", file=sys.stderr)
        return 2
    summary, rows = score(load_labels(args.labels, args.corpus))
    print(json.dumps(summary, indent=None if args.json else 1))
    if args.show:
        for kind in ("wrong", "missing"):
            for r in [r for r in rows if r["verdict"] == kind][: args.show]:
                print(
                    f"{kind}: {r['text']!r} got={r['subject']!r} gold={r['gold_subject']!r} "
                    f"alt={r['alt']} | {r['sentence'][:160]!r}"
                )
        for r in [r for r in rows if r["topic"] and not r["gold_topic"]][: args.show]:
            print(f"off-topic highlight: {r['text']!r} ({r['topic']}) | {r['sentence'][:160]!r}")
        for r in [r for r in rows if r["gold_topic"] and not r["topic"]][: args.show]:
            print(f"missed: {r['text']!r} ({r['gold_topic']}) | {r['sentence'][:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
