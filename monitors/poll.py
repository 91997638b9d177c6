"""The poll pipeline's decisions, as pure functions over plain data.

``flows/poll.py`` wires these together with the fetcher and the store:

    plan_requests    which feeds to ask for, with their ETag / Last-Modified
    read_feed        one fetch result -> a FeedOutcome and the Articles it carried
    (full text)      summary-only items that may be on topic get their page (monitors.fulltext)
    analyse_articles Articles -> Processed (topics, figures, quotes)
    next_poll_at     when to ask again (the feed's TTL, or capped exponential backoff on failure)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from monitors.errors import FeedError
from monitors.extract import analyse
from monitors.fetch import FetchRequest, FetchResult
from monitors.model import Article, FeedConfig, FeedOutcome, Processed
from monitors.normalise import normalise_entry
from monitors.parse import parse_feed
from monitors.store import FeedState
from monitors.topics import TopicRule

BASE_INTERVAL = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=12)
MAX_RETRY_AFTER = timedelta(hours=24)


def plan_requests(feeds: Sequence[FeedConfig], states: dict[str, FeedState]
                  ) -> list[FetchRequest]:
    """One conditional request per feed, with the validators the last good poll returned."""
    out = []
    for f in feeds:
        s = states.get(f.url)
        out.append(FetchRequest(f.url, s.etag if s else None, s.last_modified if s else None))
    return out


def read_feed(feed: FeedConfig, result: FetchResult, now: datetime
              ) -> tuple[FeedOutcome, list[Article]]:
    """Parse and normalise one feed's response. A broken feed is an outcome, not an
    exception: the reason names the feed."""
    if result.status == "not_modified":
        return FeedOutcome(feed.url, feed.name, "not_modified"), []
    if result.status == "error":
        return FeedOutcome(feed.url, feed.name, "error", error=result.error), []
    try:
        parsed = parse_feed(feed.url, result.body, result.headers)
    except FeedError as e:
        return FeedOutcome(feed.url, feed.name, "error", error=str(e).removeprefix(
            f"{feed.url}: ")), []
    articles = [a for a in (normalise_entry(e, now) for e in parsed.entries) if a is not None]
    warning = f"accepted despite: {parsed.warning}" if parsed.warning else None
    return FeedOutcome(feed.url, feed.name, "new", items=len(parsed.entries), error=warning,
                       title=parsed.title or None, ttl_minutes=parsed.ttl_minutes), articles


def analyse_articles(articles: Sequence[Article], rules: Sequence[TopicRule]) -> list[Processed]:
    """Match topics, and extract figures and quotes from the kept articles."""
    out = []
    for article in articles:
        ex = analyse(article.title, article.text, rules)
        out.append(Processed(article, ex.topics, ex.figures, ex.quotes))
    return out


def due_feeds(feeds: Sequence[FeedConfig], states: dict[str, FeedState], now: datetime
              ) -> tuple[list[FeedConfig], list[FeedConfig]]:
    """Split feeds into those due for a poll and those whose next poll time is later (backing
    off after failures, or honouring Retry-After, Cache-Control or <ttl>)."""
    due, later = [], []
    for f in feeds:
        s = states.get(f.url)
        (later if s and s.next_poll_at and s.next_poll_at > now else due).append(f)
    return due, later


def next_poll_at(now: datetime, failures_before: int, ok: bool, *, ttl_minutes: int | None = None,
                 max_age: float | None = None, retry_after: float | None = None) -> datetime:
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
