"""The poll pipeline's decisions, as pure functions over plain data.

``flows/poll.py`` wires these together with the fetcher and the store:

    plan_requests    which feeds to ask for, with their ETag / Last-Modified
    (monitors.pipeline reads feeds and analyses articles)
    next_poll_at     when to ask again (the feed's TTL, or capped exponential backoff on failure)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from monitors.ingest.fetch import FetchRequest
from monitors.model import FeedConfig
from monitors.store.db import FeedState

BASE_INTERVAL = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=12)
MAX_RETRY_AFTER = timedelta(hours=24)


def plan_requests(feeds: Sequence[FeedConfig], states: dict[str, FeedState]) -> list[FetchRequest]:
    """One conditional request per feed, with the validators the last good poll returned."""
    out = []
    for f in feeds:
        s = states.get(f.url)
        out.append(FetchRequest(f.url, s.etag if s else None, s.last_modified if s else None))
    return out


def due_feeds(
    feeds: Sequence[FeedConfig], states: dict[str, FeedState], now: datetime
) -> tuple[list[FeedConfig], list[FeedConfig]]:
    """Split feeds into those due for a poll and those whose next poll time is later (backing
    off after failures, or honouring Retry-After, Cache-Control or <ttl>)."""
    due, later = [], []
    for f in feeds:
        s = states.get(f.url)
        (later if s and s.next_poll_at and s.next_poll_at > now else due).append(f)
    return due, later


def next_poll_at(
    now: datetime,
    failures_before: int,
    ok: bool,
    *,
    ttl_minutes: int | None = None,
    max_age: float | None = None,
    retry_after: float | None = None,
) -> datetime:
    """When to poll a feed next.

    After success: the base interval, or longer when the feed's <ttl> or Cache-Control max-age
    asks for it (capped at MAX_BACKOFF).  After the n-th consecutive failure: base * 2**(n-1),
    capped at MAX_BACKOFF, and never sooner than the server's Retry-After (capped at
    MAX_RETRY_AFTER).  A feed is never given up on: the longest wait is bounded.
    """
    if ok:
        interval = BASE_INTERVAL
        if ttl_minutes:
            interval = max(interval, timedelta(minutes=ttl_minutes))
        if max_age:
            interval = max(interval, timedelta(seconds=max_age))
        return now + min(interval, MAX_BACKOFF)
    wait = min(BASE_INTERVAL * (2 ** min(failures_before, 10)), MAX_BACKOFF)
    if retry_after:
        wait = max(wait, min(timedelta(seconds=retry_after), MAX_RETRY_AFTER))
    return now + wait
