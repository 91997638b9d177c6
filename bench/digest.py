#!/usr/bin/env python3
"""Digest benchmark: build + render a big window, this checkout against a baseline revision.

A synthetic window of N articles (default 10,000) with N/5 figures and N/10 quotes, shaped as
the store returns them, is built into a digest, rendered as the archive page, and composed as
the e-mail; each step is timed (best of ``--repeat``) in a subprocess, once for this checkout
and once for ``--baseline`` (a git revision checked out into a temporary worktree), and the
ratios are printed.  The issue-12 bar: the whole digest in < 2 s, the e-mail < 100 KB.

usage: python bench/digest.py [--articles N] [--baseline REV] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys, time
from datetime import datetime, timedelta, UTC
sys.path.insert(0, ".")
from reports.digest import build_digest
from reports.render import render_html
from reports.letter import build_email
try:
    from reports.digest import Limits, email_view
except ImportError:
    email_view = None
n, repeat = int(sys.argv[1]), int(sys.argv[2])
T0 = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
def art(i):
    return {"id": f"a{i}", "url": f"https://n.test/{i}", "title": f"Story {i} on defence budgets",
            "feed": f"Outlet {i % 40}", "feed_name": f"Outlet {i % 40}", "published_at": T0,
            "fetched_at": T0, "updated_at": T0, "cluster_id": f"c{i}",
            "topic": "nato-spending" if i % 3 else "ukraine-aid", "score": 9.0, "rule": "r",
            "terms": '["nato"]', "evidence": "[]"}
def fig(i):
    text = f"${i + 1}bn"
    return {"fact_key": f"k{i}", "article": f"a{i * 5}", "idx": 0, "text": text,
            "value": (i + 1) * 1e9, "low": (i + 1) * 1e9, "high": (i + 1) * 1e9, "unit": "USD",
            "of": None, "qualifier": None, "approx": False, "subject": "Germany",
            "sentence": f"Germany will spend {text} on defence over the next decade, the "
                        "finance ministry said in a statement on Monday.",
            "url": f"https://n.test/{i * 5}", "article_title": "t", "feed": f"Outlet {i % 40}",
            "feed_name": f"Outlet {i % 40}", "cluster_id": f"c{i * 5}", "published_at": T0,
            "span_start": 19, "question": False}
def quote(i):
    return {"quote_key": f"q{i}", "article": f"a{i * 10}", "idx": 0,
            "text": f"We will spend what it takes to defend every ally, year {i}",
            "speaker": "Mark Rutte", "role": "NATO Secretary General", "sentence": "s",
            "url": f"https://n.test/{i * 10}", "article_title": "t", "feed": "A",
            "feed_name": "A", "cluster_id": f"c{i * 10}", "published_at": T0}
arts = [art(i) for i in range(n)]
figs = [fig(i) for i in range(n // 5)]
quotes = [quote(i) for i in range(n // 10)]
try:  # since issue 13 the store returns typed rows; older revisions read dicts
    from monitors.store.rows import FigureRow, QuoteRow, WindowArticle
    arts = [WindowArticle(**a) for a in arts]
    figs = [FigureRow(**({"first_seen_at": T0} | f)) for f in figs]
    quotes = [QuoteRow(**({"first_seen_at": T0} | q)) for q in quotes]
except ImportError:
    pass
best = {}
for _ in range(repeat):
    t = time.perf_counter()
    d = build_digest(title="W", digest_date="2026-11-23", window_start=T0 - timedelta(days=1),
                     window_end=T0, topics=["nato-spending", "ukraine-aid"], articles=arts,
                     figures=figs, quotes=quotes, reported_figures=set(),
                     reported_quotes=set(), feed_health=[])
    t1 = time.perf_counter()
    page = render_html(d)
    t2 = time.perf_counter()
    view = email_view(d, Limits()) if email_view else d
    msg = build_email(view, timezone="UTC", subject="s", sender="a@b.c",
                      recipients=("r@b.c",), message_id="<m@x>", date=T0, list_id="l <l.x>",
                      archive_url="https://n.test/d.html")
    t3 = time.perf_counter()
    for k, v in (("build", t1 - t), ("archive page", t2 - t1), ("e-mail", t3 - t2),
                 ("total", t3 - t)):
        best[k] = min(best.get(k, v), v)
print(json.dumps({"seconds": best, "page_kb": len(page) / 1024,
                  "email_kb": len(msg.as_bytes()) / 1024,
                  "figures_on_page": page.count('class="val"')}))
"""


def measure(tree: Path, n: int, repeat: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(n), str(repeat)],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument(
        "--baseline",
        default="ab4506d",
        help="git revision to compare with (default: before issue 12)",
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    now = measure(ROOT, args.articles, args.repeat)
    with tempfile.TemporaryDirectory(prefix="newswatch-bench-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_tree), args.baseline],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        try:
            base = measure(base_tree, args.articles, args.repeat)
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base_tree)],
                cwd=ROOT,
                check=False,
                capture_output=True,
            )
    print(
        f"digest of {args.articles:,} articles, {args.articles // 5:,} figures, "
        f"{args.articles // 10:,} quotes (best of {args.repeat})"
    )
    print(f"{'step':<14}{'this checkout':>15}{'baseline ' + args.baseline:>22}{'ratio':>8}")
    for k, v in now["seconds"].items():
        b = base["seconds"][k]
        print(f"{k:<14}{v:>13.3f} s{b:>20.3f} s{v / b:>8.2f}")
    print(
        f"{'page':<14}{now['page_kb']:>12.0f} KB{base['page_kb']:>19.0f} KB"
        f"{now['page_kb'] / base['page_kb']:>8.2f}"
    )
    print(
        f"{'e-mail':<14}{now['email_kb']:>12.0f} KB{base['email_kb']:>19.0f} KB"
        f"{now['email_kb'] / base['email_kb']:>8.2f}"
    )
    print(
        f"figures on the archive page: {now['figures_on_page']:,} (baseline "
        f"{base['figures_on_page']:,})"
    )
    ok = now["seconds"]["total"] < 2.0 and now["email_kb"] < 100
    print("bar (< 2 s, e-mail < 100 KB):", "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
