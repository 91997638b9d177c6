"""The ``daily-digest`` flow: select the window -> build -> render -> write -> record.

The window runs from the end of the last successful digest to ``now`` (24 hours for the first),
so a manual run, a retry or a missed day never skips or repeats items.  Re-running a digest for
the same ``now`` re-renders the same window instead of producing an empty one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.common import resolve_config, resolve_now
from monitors.config import Config
from monitors.store import Store
from reports.archive import write_digest
from reports.digest import Digest, Limits, build_digest
from reports.render import render_html, render_text

FIRST_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Window:
    id: str
    start: datetime
    end: datetime
    date: str


@task(name="select-window", cache_policy=NO_CACHE)
def window_task(store: Store, cfg: Config, now: datetime) -> Window:
    existing = [d for d in store.digests() if d["window_end"] == now]
    if existing:
        start = existing[0]["window_start"]
    else:
        start = store.last_digest_end(now) or now - FIRST_WINDOW
    day = now.astimezone(ZoneInfo(cfg.digest.timezone)).date().isoformat()
    wid = hashlib.sha256(now.isoformat().encode()).hexdigest()[:16]
    return Window(wid, start, now, day)


@task(name="build-digest", cache_policy=NO_CACHE)
def build_task(store: Store, cfg: Config, w: Window) -> Digest:
    return build_digest(
        title=cfg.digest.title,
        digest_date=w.date,
        window_start=w.start,
        window_end=w.end,
        topics=[t.name for t in cfg.topics],
        articles=store.window_articles(w.start, w.end),
        figures=store.window_figures(w.start, w.end),
        quotes=store.window_quotes(w.start, w.end),
        reported_figures=store.reported_keys("figure", w.start),
        reported_quotes=store.reported_keys("quote", w.start),
        feed_health=store.feed_health(),
        limits=Limits(cfg.digest.max_new_figures, cfg.digest.max_new_quotes,
                      cfg.digest.max_stories_per_topic),
    )


@task(name="render-and-write", cache_policy=NO_CACHE)
def write_task(store: Store, digest: Digest, cfg: Config, w: Window, out_dir: str,
               now: datetime) -> tuple[Path, Path]:
    html = render_html(digest, cfg.digest.timezone)
    text = render_text(digest, cfg.digest.timezone)
    stem = archive_stem(store, w)
    html_path, text_path = write_digest(out_dir, stem, html, text)
    store.record_digest(digest_id=w.id, digest_date=w.date, window_start=w.start,
                        window_end=w.end, status="written", now=now, html=html, text=text,
                        html_path=str(html_path), text_path=str(text_path),
                        recipients=cfg.digest.recipients, facts=digest.ledger)
    return html_path, text_path


def archive_stem(store: Store, w: Window) -> str:
    """``<date>`` for the day's first digest; a later one the same day gets ``<date>-HHMM``."""
    taken = [d for d in store.digests() if d["digest_date"] == w.date and d["id"] != w.id]
    mine = [d for d in store.digests() if d["id"] == w.id]
    if mine and mine[0]["html_path"]:
        return Path(mine[0]["html_path"]).stem
    if not taken:
        return w.date
    return f"{w.date}-{w.end.strftime('%H%M')}"


@flow(name="daily-digest")
def daily_digest(
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    out: str | None = None,
) -> dict:
    """Build the digest of everything kept since the last digest, and write it as HTML + text."""
    logger = get_run_logger()
    cfg = resolve_config(config)
    when = resolve_now(now)
    out_dir = out or cfg.digest.out_dir
    with Store(db or cfg.store_path) as store:
        w = window_task(store, cfg, when)
        digest = build_task(store, cfg, w)
        html_path, text_path = write_task(store, digest, cfg, w, out_dir, when)
    logger.info("digest %s: %d new figures, %d new quotes, %d stories, %d failing feeds -> %s",
                w.date, len(digest.new_figures) + digest.more_figures,
                len(digest.new_quotes) + digest.more_quotes,
                sum(len(s.stories) + s.more for s in digest.sections),
                len(digest.failing_feeds), html_path)
    return {"date": w.date, "html": str(html_path), "text": str(text_path),
            "new_figures": len(digest.new_figures) + digest.more_figures,
            "new_quotes": len(digest.new_quotes) + digest.more_quotes,
            "failing_feeds": [p.name for p in digest.failing_feeds]}


@flow(name="newswatch-run")
def run_all(
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    out: str | None = None,
    feeds: list[dict[str, str]] | None = None,
    force: bool = False,
) -> dict:
    """Poll, then build the digest."""
    from flows.poll import poll_feeds

    poll = poll_feeds(config=config, db=db, now=now, feeds=feeds, force=force)
    digest = daily_digest(config=config, db=db, now=now, out=out)
    return {"poll": poll, "digest": digest}
