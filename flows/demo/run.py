"""``newswatch demo``: the whole pipeline, offline, on the bundled sample feeds.

Serves ``samples/`` on 127.0.0.1 with :class:`FeedServer`, then for each sample day polls the
feeds as they stood at the end of that day and writes that day's digest, into a fresh demo store.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from flows.common import REPO_ROOT, default_config_path, parse_now
from flows.demo.feedserver import FeedServer, item_time
from flows.local_runs import local_run_settings
from monitors.errors import ConfigError
from monitors.wording import plural

if TYPE_CHECKING:
    from flows.demo.smtpsink import SmtpSink

SAMPLES = REPO_ROOT / "samples"
DAY_END_UTC = time(21, 0)


def sample_days(root: Path = SAMPLES) -> list[date]:
    """The distinct days on which the sample feeds publish items."""
    days: set[date] = set()
    for f in sorted((root / "feeds").glob("*.xml")):
        text = f.read_text(encoding="utf-8")
        for m in re.finditer(r"<(item|entry)\b.*?</\1>", text, re.S):
            t = item_time(m.group(0))
            if t is not None:
                days.add(t.astimezone(UTC).date())
    return sorted(days)


def sample_feeds(server: FeedServer, root: Path = SAMPLES) -> list[dict[str, str]]:
    feeds = []
    for f in sorted((root / "feeds").glob("*.xml")):
        m = re.search(r"<title[^>]*>(.*?)</title>", f.read_text(encoding="utf-8"), re.S)
        name = m.group(1).strip() if m else f.stem
        feeds.append({"name": name, "url": server.url(f"feeds/{f.name}")})
    return feeds


MARKER = ".demo"  # beside a store the demo made: ``<db>.demo``; only such a store is replaced


def check_demo_store(db: str | Path) -> None:
    """The demo recreates its store on every run, so it deletes ``db`` first: refuse unless the
    file is absent, in the demo's own folder (``data/demo/``), or a store an earlier demo made
    (its marker file beside it), so a mistyped ``--db`` never wipes a real archive."""
    path = Path(db)
    own = path.resolve().is_relative_to((REPO_ROOT / "data" / "demo").resolve())
    if path.exists() and not own and not Path(str(path) + MARKER).exists():
        raise ConfigError(
            f"{path}: exists and was not made by the demo, which would replace it; "
            "pass another --db (the demo's default is data/demo/newswatch.duckdb)"
        )


def run_demo(out: str, db: str, until: str | None = None, smtp_sink: bool = False) -> int:
    """Replay the sample days; with ``smtp_sink`` also e-mail each digest to a local SMTP
    server and save the message it received as ``<date>.eml`` beside the HTML."""
    check_demo_store(db)
    if not smtp_sink:
        return _replay(out, db, until, None)
    from flows.demo.smtpsink import SmtpSink

    with SmtpSink() as sink:
        saved = {k: os.environ.get(k) for k in sink.env()}
        os.environ.update(sink.env("demo-reader@example.org"))
        try:
            return _replay(out, db, until, sink)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v


def _replay(out: str, db: str, until: str | None, sink: SmtpSink | None) -> int:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db_path = Path(db)
    check_demo_store(db_path)
    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)  # a fresh demo store each time
    db_path.parent.mkdir(parents=True, exist_ok=True)
    Path(str(db_path) + MARKER).write_text("made by newswatch demo; replaced on each run\n")
    days = sample_days()
    if until:
        last = parse_now(until).date()
        days = [d for d in days if d <= last]
    if not days:
        print("newswatch demo: no sample days to replay")
        return 1
    config = str(default_config_path())
    written = []
    with FeedServer(SAMPLES) as server, local_run_settings():
        feeds = sample_feeds(server)
        print(
            f"demo: serving {len(feeds)} sample feeds on {server.base_url}; "
            f"replaying {plural(len(days), 'day')} into {db_path}"
        )
        for day in days:
            now = datetime.combine(day, DAY_END_UTC, UTC)
            server.now = now
            print(f"\n=== {day.isoformat()} ===")
            s = poll_feeds(config=config, db=str(db_path), now=now, feeds=feeds, allow_private=True)
            print(
                f"poll: {plural(s['articles_new'], 'new article')} ({s['kept_new']} kept), "
                f"{plural(s['figures_new'], 'new figure')}, "
                f"{plural(s['quotes_new'], 'new quote')}, "
                f"{plural(s['failed'], 'feed')} failed"
            )
            before = len(sink.received) if sink else 0
            r = daily_digest(config=config, db=str(db_path), now=now, out=out)
            print(
                f"digest: {plural(r['new_figures'], 'new figure')}, "
                f"{plural(r['new_quotes'], 'new quote')}"
            )
            written.append(r["html"])
            if sink is not None:
                for got in sink.received[before:]:
                    eml = Path(r["html"]).with_suffix(".eml")
                    eml.write_bytes(got.data)
                    print(
                        f"e-mail: {len(got.data):,} bytes received by the SMTP sink on "
                        f"port {sink.port}, saved as {eml}"
                    )
                    written.append(str(eml))
    print("\nDigests written:")
    for path in written:
        print(f"  {Path(path).resolve()}")
    return 0
