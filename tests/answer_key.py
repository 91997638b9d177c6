"""The sample feeds' answer key (samples/README.md) as data, and a check of a digest page
against one day of it: the same new figures (printed forms and subject) and the same new
quotes (words and speaker), each once, nothing else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from eval.digest_audit import shown_items
from monitors.nlp.actors import canonical_subject

README = Path(__file__).resolve().parent.parent / "samples" / "README.md"


def _rows(block: str) -> list[list[str]]:
    out = []
    for line in block.splitlines():
        if line.startswith("|") and not re.match(r"\|\s*-", line):
            out.append([c.strip() for c in line.strip().strip("|").split("|")])
    return out[1:]  # without the header


def demo_key(readme: Path = README) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """{"2026-11-23": {"figures": [{"printed", "subject"}], "quotes": [{"text", "speaker"}]}}"""
    text = readme.read_text(encoding="utf-8")
    days = {}
    for m in re.finditer(r"^## Day \d: \w+ (\d{4}-\d\d-\d\d)\n(.*?)(?=^## )", text, re.M | re.S):
        body = m.group(2)
        figs = re.search(r"^### New figures \(\d+\).*?\n(.*?)(?=^### )", body, re.M | re.S)
        quotes = re.search(r"^### New quotes \(\d+\)\n(.*?)(?=^### )", body, re.M | re.S)
        days[m.group(1)] = {
            "figures": [
                {
                    "printed": re.findall(r"`([^`]+)` \(", r[4]),
                    "subject": None if r[3] == "–" else r[3],
                }
                for r in _rows(figs.group(1))
            ]
            if figs
            else [],
            "quotes": [{"text": r[0], "speaker": r[1]} for r in _rows(quotes.group(1))]
            if quotes
            else [],
        }
    return days


def _words(t: str) -> str:
    return " ".join(re.findall(r"\w+", t.lower()))


def _same_subject(shown: str | None, key: str | None) -> bool:
    if key is None or shown is None:
        return key is None and shown is None
    want = canonical_subject(re.sub(r"\s*\(.*\)$", "", key))
    got = canonical_subject(shown)
    return got == want or got.lower() in _words(key).split()


def check_day(
    page: str, key: dict[str, list[dict[str, Any]]], withheld: frozenset[str] = frozenset()
) -> list[str]:
    """What differs between a digest page and the day's key (empty: they match exactly).
    ``withheld``: quote texts whose speaker the ranker withheld (below its threshold); such a
    key quote is not highlighted (no forwardable speaker) and its absence is not counted here:
    the caller lists them, an abstention being a miss, not an error a reader would forward."""
    problems = []
    items = shown_items(page)
    figs = [i for i in items if i["kind"] == "figure"]
    quotes = [i for i in items if i["kind"] == "quote"]
    left = list(key["figures"])
    for f in figs:
        hit = next((k for k in left if f["text"] in k["printed"]), None)
        if hit is None:
            problems.append(f"figure {f['text']!r} is not a new figure of the key")
            continue
        left.remove(hit)
        if not _same_subject(f["subject"], hit["subject"]):
            problems.append(
                f"figure {f['text']!r}: subject {f['subject']!r}, key {hit['subject']!r}"
            )
    problems += [f"key figure {k['printed']} not shown" for k in left]
    qleft = list(key["quotes"])
    for q in quotes:
        hit = next((k for k in qleft if _words(k["text"]) == _words(q["text"])), None)
        if hit is None:
            problems.append(f"quote {q['text'][:50]!r} is not a new quote of the key")
            continue
        qleft.remove(hit)
        if _words(q["speaker"] or "") != _words(hit["speaker"]):
            problems.append(
                f"quote {q['text'][:40]!r}: speaker {q['speaker']!r}, key {hit['speaker']!r}"
            )
    gone = {_words(t) for t in withheld}
    problems += [
        f"key quote {k['text'][:50]!r} not shown" for k in qleft if _words(k["text"]) not in gone
    ]
    return problems
