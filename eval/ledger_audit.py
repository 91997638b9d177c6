#!/usr/bin/env python3
"""Ledger audit: replay corpus articles as feeds through the real ``poll`` flow, then print the
spending and aid ledgers row by row, each with its source article's corpus path, for a manual
audit (issue 17: "every ledger row's latest value, date and source right").

By default every article under ``<corpus>/articles/zhigehe-bulwark/`` (the Feb 2025 copy:
tradingview's Dow Jones and Reuters wire stories, morningstar, thehill, businessstandard, ...)
is replayed: one RSS feed per outlet directory, named after it, each item at its article's own
date (:mod:`eval.feed_replay`), polled into a fresh DuckDB store as of the day after the last
article.  The ledgers are then built exactly as ``newswatch ledger`` builds them
(:func:`monitors.store.ledgers.ledger_figures`, :mod:`monitors.decide.ledgers`).

Each audited row is one ledger cell: a member's latest share of GDP, its latest defence amount,
or one aid entry of a donor.  ``--candidates`` also prints, under each row, every other stored
figure of that subject and measure, oldest first (what the ledger chose the latest from).

``--rows FILE`` writes the rows as JSON lines with their sentences: corpus text, so keep that
file outside the repository (e.g. under /tmp).  The verdicts of the Feb 2025 audit are in
``eval/ledger_audit_feb2025.jsonl`` (no article text) and summarised in ``eval/ledger_audit.md``.

usage: python eval/ledger_audit.py [--corpus DIR] [--under REL] [--paths FILE] [--rows FILE]
                                   [--candidates] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.feed_replay import PLACEHOLDER, FeedItem, poll_replay, write_feed  # noqa: E402
from monitors.decide.ledgers import (  # noqa: E402
    AidRow,
    Cell,
    SpendingRow,
    aid_ledger,
    aid_names,
    spending_kind,
    spending_names,
)
from monitors.ingest.articles import load_article  # noqa: E402
from monitors.nlp.actors import canonical_actor  # noqa: E402
from monitors.nlp.highlights import unit_kind  # noqa: E402
from monitors.store.rows import FigureRow  # noqa: E402

UNDER = "articles/zhigehe-bulwark"


def default_corpus() -> Path:
    return ROOT.parent / "shared" / "corpus"


def article_time(published: str | None) -> datetime | None:
    """An article's ``date`` front matter ("2025-02-14 12:19:00") as UTC."""
    if not published:
        return None
    try:
        t = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def corpus_items(corpus: Path, paths: list[str]) -> dict[str, list[FeedItem]]:
    """The articles (corpus-relative paths) as feed items, by outlet (the directory they are
    in); an article without a date is skipped (a feed item needs one to be ordered)."""
    by_outlet: dict[str, list[FeedItem]] = defaultdict(list)
    for rel in sorted(paths):
        doc = load_article(corpus / rel)
        when = article_time(doc.published)
        if when is None:
            print(f"ledger audit: {rel}: no date; skipped", file=sys.stderr)
            continue
        by_outlet[Path(rel).parent.name].append(FeedItem(rel, doc.title, doc.text, when))
    return by_outlet


@dataclass(frozen=True)
class Replayed:
    spending: list[SpendingRow]
    aid: list[AidRow]
    figures: list[FigureRow]  # every ledger candidate, oldest first
    paths: dict[str, str]  # stored article URL -> corpus path


def replay(corpus: Path, paths: list[str], work: Path) -> Replayed:
    """Poll the articles into ``work/ledger.duckdb`` with the real flow; build the ledgers."""
    from monitors.decide.ledgers import spending_ledger
    from monitors.store.db import Store
    from monitors.store.ledgers import ledger_figures

    by_outlet = corpus_items(corpus, paths)
    links: dict[str, str] = {}
    for outlet, items in by_outlet.items():
        links |= write_feed(work, outlet, items, title=outlet)
    now = max(i.when for items in by_outlet.values() for i in items) + timedelta(days=1)
    db = work / "ledger.duckdb"
    served = poll_replay(work, db, {o: o for o in by_outlet}, now)
    with Store(str(db), read_only=True) as store:
        rows = ledger_figures(store.con)
    stored = {r.url: links.get(r.url.replace(served, PLACEHOLDER), r.url) for r in rows}
    return Replayed(spending_ledger(rows), aid_ledger(rows), rows, stored)


def cell_row(ledger: str, subject: str, measure: str, c: Cell, paths: dict[str, str]) -> dict:
    return {
        "ledger": ledger,
        "subject": subject,
        "measure": measure,
        "text": c.text,
        "value": c.value,
        "unit": c.unit,
        "kind": c.kind,
        "year": c.year,
        "date": c.date.isoformat(),
        "source": c.source,
        "path": paths.get(c.url, c.url),
        "sentence": c.sentence,
    }


def audit_rows(r: Replayed) -> list[dict[str, Any]]:
    """Every ledger cell to audit, spending (table order: gdp, amount) then aid."""
    out = []
    for row in r.spending:
        for measure, c, prev in (
            ("gdp", row.gdp, row.gdp_previous),
            ("amount", row.amount, row.amount_previous),
        ):
            if c is None:
                continue
            d = cell_row("spending", row.name, measure, c, r.paths)
            d["previous"] = cell_row("spending", row.name, measure, prev, r.paths) if prev else None
            out.append(d)
    for aid in r.aid:
        for e in aid.entries:
            d = cell_row("aid", aid.donor, "aid", e.cell, r.paths)
            d |= {"reports": e.reports, "cumulative": e.cumulative}
            d["total"] = aid.totals.get(e.cell.unit)
            out.append(d)
    return out


def candidates(r: Replayed, row: dict[str, Any]) -> list[FigureRow]:
    """The stored figures of the row's subject and measure (before the topic test)."""
    names = spending_names() if row["ledger"] == "spending" else aid_names()
    out = []
    for f in r.figures:
        if canonical_actor(f.subject) != row["subject"] or row["subject"] not in names:
            continue
        is_gdp = f.unit == "percent_gdp"
        money = unit_kind(f.unit or "") == "money"
        if (row["measure"] == "gdp" and is_gdp) or (row["measure"] != "gdp" and money):
            out.append(f)
    return out


def describe(row: dict[str, Any]) -> str:
    what = f"{row['text']!r} = {row['value']:g} {row['unit']}" if row["value"] is not None else ""
    extra = " ".join(
        f"{k}={row[k]}" for k in ("kind", "year", "reports", "cumulative", "total") if row.get(k)
    )
    return (
        f"{row['ledger']:8} {row['subject']:<16} {row['measure']:6} {what} {extra}\n"
        f"         {row['date']} {row['source']} {row['path']}\n"
        f"         {row['sentence']}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=default_corpus())
    ap.add_argument("--under", default=UNDER, help=f"articles to replay (default {UNDER})")
    ap.add_argument("--paths", type=Path, help="replay only these corpus paths (one a line)")
    ap.add_argument("--rows", type=Path, help="write the audited rows as JSON lines here")
    ap.add_argument("--candidates", action="store_true", help="print each row's candidates")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="replay into DIR and keep it")
    args = ap.parse_args(argv)
    if not (args.corpus / args.under).is_dir():
        print(f"ledger audit: no {args.under} in {args.corpus}; nothing to replay", file=sys.stderr)
        return 2
    if args.paths:
        paths = [p.strip() for p in args.paths.read_text().splitlines() if p.strip()]
    else:
        top = args.corpus / args.under
        paths = [str(p.relative_to(args.corpus)) for p in top.rglob("*") if p.is_file()]
    with tempfile.TemporaryDirectory(prefix="newswatch-ledger-audit-") as tmp:
        work = args.keep or Path(tmp)
        if args.keep:
            work.mkdir(parents=True, exist_ok=True)
            for old in work.glob("ledger.duckdb*"):
                old.unlink()
        replayed = replay(args.corpus, paths, work)
    rows = audit_rows(replayed)
    print(f"ledger audit: {len(paths)} articles replayed, {len(rows)} ledger rows")
    for n, row in enumerate(rows, 1):
        print(f"[{n}] {describe(row)}")
        if row.get("previous"):
            p = row["previous"]
            print(f"         previous: {p['text']!r} {p['date']} {p['path']}")
        if args.candidates:
            for f in candidates(replayed, row):
                kind = spending_kind(f, row["subject"]) if f.unit == "percent_gdp" else ""
                when = (f.published_at or f.first_seen_at).date()
                path = replayed.paths.get(f.url, f.url)
                print(f"           cand {when} {f.text!r} {kind or ''} {path} #{f.idx}")
    if args.rows:
        args.rows.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
