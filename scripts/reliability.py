#!/usr/bin/env python3
"""Reliability harness: kill -9, concurrent runs, memory and load, with figures.

    python scripts/reliability.py [--quick] [--kills N] [--feeds N] [--load-feeds N] [--seed S]

What it does (each case runs the real ``newswatch`` CLI as a subprocess, ``python -m flows.cli``):

* **kill -9 during poll** -- a local feed farm (``--feeds`` feeds generated from
  tests/data/feeds/mini.* and samples/feeds, each with its own links and GUIDs, served by
  flows.demo.feedserver.FeedServer on 127.0.0.1) is polled; the process group is SIGKILLed after a
  random delay (half uniformly over a clean run's duration, half inside the write phase: after
  the "analysed N articles" log line).  After each kill the store must open, and the integrity
  checks (:func:`integrity`) must find nothing.  Kills come in rounds on one store (each kill
  continues from what the previous left); a round ends with an unkilled re-run whose rows must
  equal a clean single run's (rows lost = clean rows missing, extra = rows the clean run lacks).
* **kill -9 during the digest** -- SMTP pointed at flows.demo.smtpsink.SmtpSink (in this process);
  one store, a sequence of digest windows (``--now`` one day apart); each window is killed at
  random points (uniform, or just after the "sending digest" log line, between send and mark),
  then re-run until it exits 0.  Duplicate e-mails = windows whose messages carry more than one
  distinct Message-ID; identical re-sends (same Message-ID, by design after a crash between send
  and mark) are counted separately.  Every window must end 'sent' in the store.
* **concurrent runs** -- two polls, and a poll and a digest, started together on one DuckDB
  file: with NEWSWATCH_LOCK_WAIT=60 the second waits and both succeed; with
  NEWSWATCH_LOCK_WAIT=1 the second exits 1 with "in use by another newswatch process".  No raw
  "Could not set lock" traceback, no corruption.
* **memory** -- a 50 MB feed (with and without Content-Length) and a gzip bomb (~1.1 MB that
  inflates to ~1.15 GB), from tests/faultserver.py, each polled via the CLI; peak RSS of the
  child (VmHWM sampled from /proc) against a one-small-feed baseline.
* **load** (skipped with --quick) -- a ``--load-feeds`` (10,000) feed poll against the farm:
  every feed in the feeds table and the summary, peak RSS.

The Prefect API: one temporary Prefect server (prefect's SubprocessASGIServer, a throw-away
PREFECT_HOME) is started here and handed to every child as PREFECT_API_URL, so a run costs
its own work rather than a server start each; the kills hit newswatch, not the API.

Results are printed as a table and written into docs/reliability.md between the
``<!-- reliability:begin -->`` and ``<!-- reliability:end -->`` markers (``--no-doc`` skips).
Exit status 0 when every case met its bar, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from reliability_cases import (
    LOCK_MESSAGE,
    concurrent,
    digest_kills,
    load,
    memory,
    poll_kills,
)
from reliability_harness import ROOT, Case, child_env, feed_farm, poll_args, prefect_api, start

# the names tests/test_reliability.py uses, from the modules that hold them
__all__ = [
    "LOCK_MESSAGE",
    "Case",
    "child_env",
    "concurrent",
    "digest_kills",
    "feed_farm",
    "main",
    "memory",
    "poll_args",
    "poll_kills",
    "prefect_api",
    "start",
]

DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"

# -- report ---------------------------------------------------------------------------------


def table(cases: list[Case]) -> str:
    head = (
        "| case | tried | crashes | rows lost | duplicate emails | peak RSS (MB) | ok |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    body = "".join(
        f"| {c.name} | {c.tried} | {c.crashes} | {c.rows_lost} | {c.duplicate_emails} | "
        f"{c.peak_rss_mb if c.peak_rss_mb is not None else '-'} | "
        f"{'yes' if c.ok else '**no**'} |\n"
        for c in cases
    )
    notes = "".join(f"- **{c.name}**: " + "; ".join(c.notes) + "\n" for c in cases if c.notes)
    return head + body + "\n" + notes


def write_doc(text: str, header: str) -> None:
    block = f"{BEGIN}\n{header}\n\n{text}{END}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Reliability\n\n{BEGIN}\n{END}\n"
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc += "\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="fewer kills (8 each), a 50-feed farm, no 10,000-feed load run",
    )
    ap.add_argument(
        "--kills", type=int, help="kills for the poll and for the digest (default 24, quick 8)"
    )
    ap.add_argument("--feeds", type=int, help="feeds in the farm (default 200, quick 50)")
    ap.add_argument("--load-feeds", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument(
        "--only",
        help="comma-separated steps to run: poll,digest,concurrency,memory,load (default: all)",
    )
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/reliability.md")
    args = ap.parse_args(argv)
    kills = args.kills or (8 if args.quick else 24)
    n_feeds = args.feeds or (50 if args.quick else 200)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="newswatch-reliability-"))
    started = time.monotonic()
    cases: list[Case] = []
    try:
        with (
            prefect_api(work / "prefect-home") as api,
            feed_farm(work / "farm", n_feeds) as listing,
        ):
            print(f"work dir {work}; seed {args.seed}; Prefect API {api}", flush=True)
            steps = [
                ("poll kills", lambda: [poll_kills(api, listing, work / "poll", kills, rng)]),
                (
                    "digest kills",
                    lambda: [
                        digest_kills(
                            api, work / "poll" / "clean.duckdb", work / "digest", kills, rng
                        )
                    ],
                ),
                (
                    "concurrency",
                    lambda: concurrent(api, listing, work / "conc", work / "poll" / "clean.duckdb"),
                ),
                ("memory", lambda: memory(api, work / "mem", listing)),
            ]
            if not args.quick:
                steps.append(("load", lambda: load(api, work / "load", args.load_feeds)))
            wanted = set(args.only.split(",")) if args.only else None
            for name, step in steps:
                if wanted and name.split()[0] not in wanted:
                    continue
                t0 = time.monotonic()
                got = step()
                cases.extend(got)
                for c in got:
                    print(
                        f"  {c.name}: tried {c.tried}, crashes {c.crashes}, rows lost "
                        f"{c.rows_lost}, duplicate emails {c.duplicate_emails}, peak "
                        f"{c.peak_rss_mb} MB, {'ok' if c.ok else 'FAILED'}",
                        flush=True,
                    )
                print(f"{name}: {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = table(cases)
    print()
    print(text)
    header = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python scripts/reliability.py"
        f"{' --quick' if args.quick else ''}` (seed {args.seed}, {kills} kills each, "
        f"{n_feeds}-feed farm) in {time.monotonic() - started:.0f} s on {os.cpu_count()} "
        f"CPUs."
    )
    if not args.no_doc:
        write_doc(text, header)
    return 0 if all(c.ok for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
