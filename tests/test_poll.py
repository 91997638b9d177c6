"""Poll decisions: scheduling, backoff, Retry-After, TTL (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitors.decide.schedule import (
    BASE_INTERVAL,
    MAX_BACKOFF,
    MAX_RETRY_AFTER,
    due_feeds,
    next_poll_at,
)
from monitors.ingest.fetch import FetchResult, parse_retry_after
from monitors.model import FeedConfig
from monitors.pipeline import read_feed
from monitors.store.db import FeedState

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_success_waits_the_base_interval_or_the_feeds_ttl_or_max_age() -> None:
    assert next_poll_at(NOW, 0, True) == NOW + BASE_INTERVAL
    assert next_poll_at(NOW, 0, True, ttl_minutes=120) == NOW + timedelta(minutes=120)
    assert next_poll_at(NOW, 0, True, max_age=3 * 3600) == NOW + timedelta(hours=3)
    assert next_poll_at(NOW, 0, True, ttl_minutes=60 * 24 * 7) == NOW + MAX_BACKOFF


def test_failures_back_off_exponentially_but_never_give_up() -> None:
    waits = [next_poll_at(NOW, n, False) - NOW for n in range(12)]
    assert waits[0] == BASE_INTERVAL and waits[1] == 2 * BASE_INTERVAL
    assert waits == sorted(waits) and max(waits) == MAX_BACKOFF


def test_retry_after_is_honoured_and_capped() -> None:
    assert next_poll_at(NOW, 0, False, retry_after=7200) == NOW + timedelta(hours=2)
    assert next_poll_at(NOW, 0, False, retry_after=10**7) == NOW + MAX_RETRY_AFTER
    assert parse_retry_after("120") == 120.0
    later = NOW + timedelta(minutes=5)
    http_date = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(http_date, now=NOW) == 300.0
    assert parse_retry_after("soon") is None
    r = FetchResult(
        "u", "error", headers={"retry-after": "60", "cache-control": "public, max-age=900"}
    )
    assert (r.retry_after, r.max_age) == (60.0, 900.0)


def test_due_feeds_skips_feeds_that_must_wait() -> None:
    a, b, c = (FeedConfig(n, f"https://{n}.test/f") for n in "abc")
    states = {
        a.url: FeedState(a.url, None, None, 3, NOW + timedelta(hours=1)),
        b.url: FeedState(b.url, None, None, 0, NOW - timedelta(minutes=1)),
    }
    due, later = due_feeds([a, b, c], states, NOW)
    assert due == [b, c] and later == [a]


def test_read_feed_reports_ttl_and_reasons(data_dir) -> None:
    feed = FeedConfig("Mini", "https://mini.test/rss")
    body = (data_dir / "feeds" / "mini.rss").read_bytes()
    outcome, articles = read_feed(feed, FetchResult(feed.url, "ok", body=body), NOW)
    assert outcome.status == "new" and outcome.items == len(articles) == 4
    html = (data_dir / "feeds" / "not_a_feed.html").read_bytes()
    outcome, articles = read_feed(feed, FetchResult(feed.url, "ok", body=html), NOW)
    assert outcome.status == "error" and "HTML page" in outcome.error and articles == []
    outcome, _ = read_feed(feed, FetchResult(feed.url, "ok", body=b""), NOW)
    assert "empty body" in outcome.error
