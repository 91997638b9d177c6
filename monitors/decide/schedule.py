"""The poll pipeline's decisions, as pure functions over plain data.

``flows/poll.py`` wires these together with the fetcher and the store:

    plan_requests    which feeds to ask for, with their ETag / Last-Modified
    (monitors.pipeline reads feeds and analyses articles)
    next_poll_at     when to ask again (the feed's TTL, or capped exponential backoff on failure)
    feed_updates     each polled feed's new health row: validators kept or replaced, failures
                     counted, the next poll time

(``next_poll_at`` and ``feed_updates`` live in :mod:`monitors.decide.health`, which imports no
HTTP client, so the store can use them; they are re-exported here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitors.decide.health import (
    BASE_INTERVAL,
    MAX_BACKOFF,
    MAX_RETRY_AFTER,
    feed_updates,
    health_rows,
    next_poll_at,
)
from monitors.model import FeedConfig, FetchRequest
from monitors.store.rows import FeedState

__all__ = [
    "BASE_INTERVAL",
    "MAX_BACKOFF",
    "MAX_RETRY_AFTER",
    "due_feeds",
    "feed_updates",
    "health_rows",
    "next_poll_at",
    "plan_requests",
]


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
