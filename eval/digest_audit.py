#!/usr/bin/env python3
"""Digest audit: replay labelled articles as one feed through the real ``poll`` and ``digest``
flows, then score every item the digest shows against the labels.

The articles (``eval/digest_*_labels.jsonl``: offsets into the shared corpus, no text stored
here) are served as one RSS feed on 127.0.0.1 by :class:`flows.demo.feedserver.FeedServer`, polled
into a fresh DuckDB store and digested once.  The archive page is then read as a reader sees
it, item by item (``tr.fact`` / ``blockquote.fact``), and each shown item is judged:

  figure   value and unit right, subject right (the labelled actor or an accepted alternative;
           a shown subject where the sentence names none is wrong, no subject where it names one
           is *missing*: not a wrong statement, but not right either), on topic (labelled with a
           topic), not a reporter's question shown as fact, the figure visible in its snippet;
  quote    a labelled quotation, with the right speaker (the labelled surname in the shown
           speaker, as shared/tools/score_extract.py), a statement rather than a fragment;
  both     not the same labelled fact as an item shown above it.

It prints *digest item precision* (items with no error / items shown), the subject and on-topic
rates of the figures, and a table of error kinds with examples (``--show``).

With ``--floors`` the numbers are checked against ``eval/digest_floors.json`` (keyed by the
label file's stem): exit 1 when one falls below its floor.  Floors exist only for the blind set
and sit at its measured values; sets a tuning round has studied are compared with
``eval/tuned_reference.json`` and only reported.  Raising a floor is a commit, lowering one must
be explained in it.

usage: python eval/digest_audit.py LABELS.jsonl [--corpus DIR] [--json] [--show N] [--floors]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval import feed_replay  # noqa: E402
from eval.feed_replay import PLACEHOLDER, FeedItem, poll_replay  # noqa: E402
from monitors.ingest.articles import load_article  # noqa: E402
from monitors.nlp.actors import canonical_subject  # noqa: E402

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
FLOORS = ROOT / "eval" / "digest_floors.json"
TUNED = ROOT / "eval" / "tuned_reference.json"  # studied sets: reported, never failing
# numbers where lower is better: their floor is a ceiling
CEILINGS = {"facts_shown_twice", "figure_subject_wrong"}
QM = "\"'“”‘’«»„‚`"


def default_corpus() -> Path:
    return ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Item:
    """One labelled text: an article file, or one entry of a captured feed."""

    title: str
    text: str

    @property
    def full_text(self) -> str:
        return f"{self.title}\n\n{self.text}" if self.title else self.text


def load_item(corpus: Path, path: str) -> Item:
    """``articles/...`` is an article file (``load_article``); ``feeds/<file>#<n>`` is the n-th
    entry of a captured feed, as newswatch's own parser and normaliser read it."""
    if "#" not in path:
        doc = load_article(corpus / path)
        return Item(doc.title, doc.text)
    from monitors.ingest.normalise import normalise_entry
    from monitors.ingest.parse import parse_feed

    file, _, n = path.partition("#")
    feed = parse_feed(f"file:///{file}", (corpus / file).read_bytes())
    article = normalise_entry(feed.entries[int(n)], NOW)
    if article is None:
        raise SystemExit(f"{path}: the feed entry has no usable text")
    return Item(article.title, article.text)


def load_labels(path: Path, corpus: Path) -> list[dict[str, Any]]:
    """Labels with their article text, checked against the stored sha1."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        lab = json.loads(line)
        doc = load_item(corpus, lab["path"])
        text = doc.full_text
        if hashlib.sha1(text.encode()).hexdigest() != lab["sha1"]:
            raise SystemExit(f"{path}:{n}: {lab['path']}: the article text changed (sha1)")
        lab["doc"], lab["text"] = doc, text
        out.append(lab)
    return out


# -- the feed --------------------------------------------------------------------------------


def write_feed(root: Path, labels: list[dict[str, Any]]) -> dict[str, str]:
    """One RSS feed with one item per labelled article; returns item link -> corpus path."""
    items = [
        FeedItem(
            lab["path"], lab["doc"].title, lab["doc"].text, NOW - timedelta(hours=12, minutes=i)
        )
        for i, lab in enumerate(labels)
    ]
    return feed_replay.write_feed(root, "audit", items, title="Audit wire")


def replay(labels: list[dict[str, Any]], work: Path) -> tuple[str, dict[str, str]]:
    """Poll the feed and build the digest with the real flows into ``work``: (the archive
    page with links as the feed wrote them, item link -> corpus path)."""
    from flows.common import default_config_path
    from flows.digest import daily_digest

    links = write_feed(work, labels)
    db = work / "audit.duckdb"
    served = poll_replay(work, db, {"audit": "Audit wire"}, NOW)
    r = daily_digest(
        config=str(default_config_path()), db=str(db), now=NOW, out=str(work / "digests")
    )
    page = Path(r["html"]).read_text(encoding="utf-8")
    return page.replace(served, PLACEHOLDER), links


# -- reading the page ------------------------------------------------------------------------

_FIG_ROW = re.compile(r'<tr class="fact" data-kind="figure" data-key="([^"]*)">(.*?)</tr>', re.S)
_QUOTE = re.compile(
    r'<blockquote class="fact" data-kind="quote" data-key="([^"]*)">(.*?)'
    r"</blockquote>",
    re.S,
)
_TD = re.compile(r"<td>(.*?)</td>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def shown_items(page: str) -> list[dict[str, Any]]:
    """Every figure and quote the archive page shows, in page order, as a reader sees it."""
    items: list[tuple[int, dict[str, Any]]] = []
    for m in _FIG_ROW.finditer(page):
        cells = _TD.findall(m.group(2))
        val = re.search(r'<span class="val">(.*?)</span>', cells[0], re.S)
        mark = re.search(r"<mark>(.*?)</mark>", cells[1], re.S)
        href = re.search(r'href="([^"]*)"', cells[3])
        subject = _plain(re.sub(r'<span class="lbl">.*?</span>', "", cells[2]))
        items.append(
            (
                m.start(),
                {
                    "kind": "figure",
                    "keys": m.group(1).split(),
                    "text": _plain(val.group(1)),
                    "context": _plain(cells[1]),
                    "marked": _plain(mark.group(1)) if mark else "",
                    "question": "Reporter's question" in cells[1],
                    "subject": None if subject in ("—", "") else subject,
                    "url": html.unescape(href.group(1)) if href else "",
                },
            )
        )
    for m in _QUOTE.finditer(page):
        body = m.group(2)
        text = re.search(r"“(.*?)”<br>", body, re.S)
        speaker = re.search(r"<strong>(.*?)</strong>", body, re.S)
        href = re.search(r'href="([^"]*)"', body)
        items.append(
            (
                m.start(),
                {
                    "kind": "quote",
                    "keys": m.group(1).split(),
                    "text": html.unescape(text.group(1)).strip() if text else "",
                    "speaker": _plain(speaker.group(1)) if speaker else None,
                    "url": html.unescape(href.group(1)) if href else "",
                },
            )
        )
    return [i for _, i in sorted(items, key=lambda x: x[0])]


# -- judging ---------------------------------------------------------------------------------


def _fold(t: str) -> str:
    return re.sub(r"\s+", " ", t.strip().strip(QM).rstrip(",.;:—– ").strip(QM)).lower()


def _words(t: str) -> list[str]:
    return re.findall(r"\w+", t.lower())


def _surname(name: str | None) -> str:
    w = _words(name or "")
    return w[-1] if w else ""


def subject_verdict(shown: str | None, gold: dict[str, Any]) -> str:
    """'right', 'wrong' or 'missing'."""
    accepted = [s for s in [gold.get("subject"), *gold.get("subject_alt", [])] if s]
    if not shown:
        return "right" if not accepted else "missing"
    if not accepted:
        return "wrong"
    want = {canonical_subject(s) for s in accepted}
    got = canonical_subject(shown)
    if got in want:
        return "right"
    # a descriptive label naming the actor ("EU (defence loan scheme)") or the reverse
    return "right" if any(got in w.split() or w in got.split() for w in want) else "wrong"


def _gold_fact(g: dict[str, Any]) -> tuple:
    return (
        g["unit"],
        round(g["value"], 6),
        round(g["high"], 6),
        canonical_subject(g.get("subject")),
    )


def judge(
    items: list[dict[str, Any]], labels_by_url: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    seen_facts: set[tuple] = set()
    out = []
    for item in items:
        lab = labels_by_url.get(item["url"])
        errors: list[str] = []
        notes: dict[str, Any] = {}
        if lab is None:
            errors.append("unknown source")
        elif item["kind"] == "figure":
            errors += _judge_figure(item, lab, seen_facts, notes)
        else:
            errors += _judge_quote(item, lab, seen_facts, notes)
        out.append(item | {"errors": errors, "path": lab["path"] if lab else None} | notes)
    return out


def _judge_figure(
    item: dict[str, Any], lab: dict[str, Any], seen: set[tuple], notes: dict[str, Any]
) -> list[str]:
    text = lab["text"]
    cands = [g for g in lab["figures"] if _fold(text[g["start"] : g["end"]]) == _fold(item["text"])]
    if not cands:
        cands = [
            g
            for g in lab["figures"]
            if _fold(item["text"]) in _fold(text[g["start"] : g["end"]])
            or _fold(text[g["start"] : g["end"]]) in _fold(item["text"])
        ]
    if not cands:
        return ["not a figure"]
    # of several labelled spans with these words, the one whose sentence the snippet shows
    ctx = _fold(item["context"]).replace("…", "")
    g = max(
        cands,
        key=lambda c: len(
            set(_words(text[max(0, c["start"] - 150) : c["end"] + 150])) & set(_words(ctx))
        ),
    )
    errors = []
    value = item.get("value")
    if value is not None and not (
        abs(value - g["value"]) <= 1e-6 * max(1.0, abs(g["value"]))
        and item.get("unit") == g["unit"]
    ):
        errors.append("value or unit wrong")
    verdict = subject_verdict(item["subject"], g)
    notes["subject_verdict"] = verdict
    notes["gold_subject"] = g.get("subject")
    notes["gold_topic"] = g.get("topic")
    if verdict == "wrong":
        errors.append("subject wrong")
    if not g.get("topic"):
        errors.append("off topic")
    if g.get("question") and not item["question"]:
        errors.append("question shown as fact")
    if _fold(item["marked"]) != _fold(item["text"]):
        errors.append("figure not visible in snippet")
    fact = _gold_fact(g)
    if fact in seen:
        errors.append("fact shown twice")
    seen.add(fact)
    return errors


def _judge_quote(
    item: dict[str, Any], lab: dict[str, Any], seen: set[tuple], notes: dict[str, Any]
) -> list[str]:
    text = lab["text"]
    shown = set(_words(item["text"]))
    best, overlap = None, 0.0
    for g in lab["quotes"]:
        gw = set(_words(text[g["start"] : g["end"]]))
        if not gw or not shown:
            continue
        o = len(gw & shown) / max(len(gw), len(shown))
        if o > overlap:
            best, overlap = g, o
    if best is None or overlap < 0.6:
        return ["not a quote"]
    errors = []
    gold = best.get("speaker")
    notes["gold_speaker"] = gold
    if not gold:
        if item["speaker"]:
            errors.append("speaker wrong")
    elif not item["speaker"]:
        errors.append("speaker missing")
    elif _surname(gold) not in _words(item["speaker"]):
        errors.append("speaker wrong")
    if best.get("statement") is False:
        errors.append("fragment")
    fact = ("quote", best["start"], lab["path"])
    words = " ".join(_words(text[best["start"] : best["end"]]))
    if fact in seen or ("quote-words", words) in seen:
        errors.append("fact shown twice")
    seen.update({fact, ("quote-words", words)})
    return errors


def attach_values(items: list[dict[str, Any]], db: Path) -> None:
    """The shown figures' normalised value and unit, read from the store by fact key (the page
    shows them as prose: 'USD 1.5 bn')."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        for item in items:
            if item["kind"] != "figure":
                continue
            row = con.execute(
                "SELECT value, unit FROM figures WHERE fact_key = ? AND text = ? LIMIT 1",
                [item["keys"][0], item["text"]],
            ).fetchone()
            if row is None:
                row = con.execute(
                    "SELECT value, unit FROM figures WHERE list_contains(?, fact_key) LIMIT 1",
                    [item["keys"]],
                ).fetchone()
            if row:
                item["value"], item["unit"] = row
    finally:
        con.close()


def summarise(judged: list[dict[str, Any]]) -> dict[str, Any]:
    figs = [j for j in judged if j["kind"] == "figure"]
    quotes = [j for j in judged if j["kind"] == "quote"]
    errors = Counter(e for j in judged for e in j["errors"])
    ok = sum(1 for j in judged if not j["errors"])

    def rate(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    return {
        "items": len(judged),
        "figures": len(figs),
        "quotes": len(quotes),
        "digest_item_precision": rate(ok, len(judged)),
        "figure_precision": rate(sum(1 for j in figs if not j["errors"]), len(figs)),
        "quote_precision": rate(sum(1 for j in quotes if not j["errors"]), len(quotes)),
        "figure_subject_right": rate(
            sum(1 for j in figs if j.get("subject_verdict") == "right"),
            sum(1 for j in figs if "subject_verdict" in j),
        ),
        "figure_subject_wrong": sum(1 for j in figs if j.get("subject_verdict") == "wrong"),
        "figure_subject_missing": sum(1 for j in figs if j.get("subject_verdict") == "missing"),
        "figures_on_topic": rate(
            sum(1 for j in figs if j.get("gold_topic")), sum(1 for j in figs if "gold_topic" in j)
        ),
        "facts_shown_twice": errors.get("fact shown twice", 0),
        "errors": dict(errors.most_common()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument(
        "--show",
        type=int,
        default=5,
        metavar="N",
        help="examples to print per error kind (default 5)",
    )
    ap.add_argument(
        "--floors",
        action="store_true",
        help=f"fail (exit 1) below the floors in {FLOORS.relative_to(ROOT)}",
    )
    ap.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="replay into DIR and keep the store and digest there",
    )
    args = ap.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"digest audit: no corpus at {args.corpus}; nothing to replay", file=sys.stderr)
        return 2
    if not args.labels.is_file():
        print(f"digest audit: {args.labels}: no such label file", file=sys.stderr)
        return 2
    labels = load_labels(args.labels, args.corpus)
    with tempfile.TemporaryDirectory(prefix="newswatch-audit-") as tmp:
        work = args.keep or Path(tmp)
        if args.keep:
            work.mkdir(parents=True, exist_ok=True)
            for old in (work / "audit.duckdb", work / "audit.duckdb.wal"):
                old.unlink(missing_ok=True)
        page, links = replay(labels, work)
        by_path = {lab["path"]: lab for lab in labels}
        labels_by_url = {url: by_path[p] for url, p in links.items()}
        items = shown_items(page)
        attach_values(items, work / "audit.duckdb")
    judged = judge(items, labels_by_url)
    summary = summarise(judged) | {"articles": len(labels), "labels": str(args.labels)}
    failed = check_floors(summary, args.labels.stem) if args.floors else []
    notes = check_floors(summary, args.labels.stem, TUNED) if args.floors else []
    if args.json:
        print(json.dumps(summary, indent=1))
        return 1 if failed else 0
    print(f"digest audit of {args.labels.name}: {len(labels)} articles replayed as one feed")
    print(
        f"  items shown            {summary['items']} ({summary['figures']} figures, "
        f"{summary['quotes']} quotes)"
    )
    print(f"  digest item precision  {summary['digest_item_precision']}")
    print(f"  figure / quote prec.   {summary['figure_precision']} / {summary['quote_precision']}")
    print(
        f"  figure subject right   {summary['figure_subject_right']} (wrong "
        f"{summary['figure_subject_wrong']}, missing {summary['figure_subject_missing']})"
    )
    print(f"  figures on topic       {summary['figures_on_topic']}")
    print(f"  facts shown twice      {summary['facts_shown_twice']}")
    print("  errors:")
    for kind, n in summary["errors"].items():
        print(f"    {n:4d}  {kind}")
        for j in [j for j in judged if kind in j["errors"]][: args.show]:
            extra = (
                f"subject={j.get('subject')!r} gold={j.get('gold_subject')!r}"
                if j["kind"] == "figure"
                else f"speaker={j.get('speaker')!r} gold={j.get('gold_speaker')!r}"
            )
            print(f"          {j['kind']} {j['text'][:60]!r} {extra} ({j['path']})")
    for line in notes:
        print(f"note (tuned set, not a failure): {line}")
    for line in failed:
        print(f"BELOW FLOOR: {line}")
    return 1 if failed else 0


def check_floors(summary: dict[str, Any], name: str, path: Path = FLOORS) -> list[str]:
    """What falls below (or, for counts of errors, above) the floors pinned for ``name``."""
    floors = json.loads(path.read_text(encoding="utf-8")).get(name, {})
    out = []
    for key, floor in floors.items():
        got = summary.get(key)
        if got is None:
            out.append(f"{name}.{key}: not measured (floor {floor})")
        elif key in CEILINGS and got > floor:
            out.append(f"{name}.{key}: {got} > {floor}")
        elif key not in CEILINGS and got < floor:
            out.append(f"{name}.{key}: {got} < {floor}")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
