"""A polled feed's health, decided on plain data: when to poll it next, and its new health row
(validators, failures, last error), from its outcome, its HTTP response and its stored state.

No HTTP client and no store are imported: the store applies these rows, the poll flow reads
its responses through the small :class:`Response` protocol.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from monitors.model import FeedOutcome
from monitors.store.rows import FeedState, FeedUpdate

BASE_INTERVAL = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=12)
MAX_RETRY_AFTER = timedelta(hours=24)


class Response(Protocol):
    """What the decisions need of a ``monitors.ingest.fetch.FetchResult``."""

    @property
    def url(self) -> str: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def max_age(self) -> float | None: ...
    @property
    def retry_after(self) -> float | None: ...


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


def feed_updates(
    outcomes: Sequence[FeedOutcome],
    results: Sequence[Response],
    states: Mapping[str, FeedState],
    now: datetime,
) -> list[FeedUpdate]:
    """Each polled feed's health row after this poll, from its outcome, its HTTP response and
    its stored state: validators only from a feed that parsed (a broken body must not come
    back as "304, fine"), the next poll from its TTL / Cache-Control / Retry-After and its
    run of failures."""
    parsed_ok = {o.url for o in outcomes if o.status == "new"}
    validators = {r.url: (r.etag, r.last_modified) for r in results if r.url in parsed_ok}
    by_url = {r.url: r for r in results}
    nxt = {
        o.url: next_poll_at(
            now,
            states[o.url].failures if o.url in states else 0,
            o.status != "error",
            ttl_minutes=o.ttl_minutes,
            max_age=by_url[o.url].max_age,
            retry_after=by_url[o.url].retry_after,
        )
        for o in outcomes
    }
    return health_rows(outcomes, states, now, validators, nxt)


def feed_name(given: str, url: str, title: str | None) -> str:
    """The name a feed is shown by: the name the config or feed list gives it; when it gives
    none (the name is the URL), the channel title once the feed has been fetched; else the
    URL."""
    if given and given != url:
        return given
    return title or url


def health_rows(
    outcomes: Sequence[FeedOutcome],
    states: Mapping[str, FeedState],
    now: datetime,
    validators: Mapping[str, tuple[str | None, str | None]],
    next_poll: Mapping[str, datetime],
) -> list[FeedUpdate]:
    """The health rows for outcomes whose validators and next poll times are known: one row
    per feed (the last outcome when one is listed twice).  Validators change only when the
    feed parsed; a 304 keeps them and its last error; an error keeps them and counts one more
    consecutive failure; the title, last success and item count keep their stored values
    when this poll brought none.  A feed with no name of its own is named by its title
    (:func:`feed_name`)."""
    by_url = {o.url: o for o in outcomes}
    out = []
    for o in by_url.values():
        s = states.get(o.url)
        ok = o.status != "error"
        if o.status == "new":
            etag, last_mod = validators.get(o.url, (None, None))
        else:
            etag, last_mod = (s.etag, s.last_modified) if s else (None, None)
        keep_error = o.status == "not_modified" and s is not None
        title = o.title if o.title is not None else (s.title if s else None)
        out.append(
            FeedUpdate(
                url=o.url,
                name=feed_name(o.name, o.url, title),
                title=title,
                etag=etag,
                last_modified=last_mod,
                last_polled_at=now,
                last_ok_at=now if ok else (s.last_ok_at if s else None),
                failures=0 if ok else (s.failures if s else 0) + 1,
                next_poll_at=next_poll.get(o.url),
                last_error=s.last_error if keep_error and s else o.error,
                last_status=o.status,
                items=o.items if o.status == "new" else (s.items if s else None),
            )
        )
    return out
