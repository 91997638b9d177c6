"""Parse feed bytes with feedparser into :class:`Entry` values.

The only module that imports feedparser; its dicts never leave this file.  feedparser is given
bytes and the response headers, never a URL, so it never touches the network.

Bozo policy: a document feedparser flags as ill-formed ("bozo") is accepted when it still yielded
entries (real feeds are often slightly broken); it is refused, with feedparser's reason, when it
yielded none.  A body that is empty, HTML, or JSON is refused with a reason that says so.
"""

from __future__ import annotations

import calendar
import html
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser

from monitors.errors import FeedError
from monitors.model import Entry

TITLE_MAX = 80  # characters of a channel title kept as a feed's name
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ParsedFeed:
    url: str
    title: str
    entries: tuple[Entry, ...]
    ttl_minutes: int | None = None
    warning: str | None = None  # bozo reason when the feed was accepted anyway


def parse_feed(url: str, body: bytes, headers: dict[str, str] | None = None) -> ParsedFeed:
    """Parse one feed document. Raises FeedError naming the feed when it is not a usable feed."""
    if not body.strip():
        raise FeedError(f"{url}: empty body, not a feed")
    head = body[:512].lstrip().lower()
    if head.startswith((b"{", b"[")):
        raise FeedError(f"{url}: body is JSON, not an RSS/Atom feed")
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    hdrs.pop("content-encoding", None)  # httpx already decoded the body
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=hdrs)
    except Exception as e:  # feedparser should not raise; a bug in it must not stop the run
        raise FeedError(f"{url}: feed parser failed: {type(e).__name__}: {e}") from e
    entries = tuple(_entry(url, e) for e in parsed.entries)
    version = parsed.get("version") or ""
    if not entries:
        if head.startswith((b"<!doctype html", b"<html")) or (not version and b"<html" in head):
            raise FeedError(f"{url}: body is an HTML page, not an RSS/Atom feed")
        if parsed.bozo:
            reason = parsed.get("bozo_exception")
            raise FeedError(f"{url}: not a well-formed feed: {_reason(reason)}")
        if not version:
            raise FeedError(f"{url}: not an RSS/Atom feed")
    feed = parsed.get("feed", {})
    ttl = feed.get("ttl")
    return ParsedFeed(
        url=url,
        title=clean_title(str(feed.get("title") or "")),
        entries=entries,
        ttl_minutes=int(ttl) if isinstance(ttl, str) and ttl.strip().isdigit() else None,
        warning=_reason(parsed.get("bozo_exception")) if parsed.bozo else None,
    )


def clean_title(raw: str, limit: int = TITLE_MAX) -> str:
    """A channel title fit to name a feed: tags dropped, entities decoded (a doubly escaped
    ``&amp;amp;`` too), control and format characters removed, whitespace collapsed, and cut
    at ``limit`` characters on a word boundary with an ellipsis.  Escaping is the renderer's
    job: this returns plain text."""
    text = raw
    for _ in range(2):  # feedparser decodes once; feeds that escape twice are common
        text = html.unescape(_TAG.sub(" ", text))
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def _reason(exc: object) -> str:
    if exc is None:
        return "unknown error"
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _entry(feed_url: str, e: dict) -> Entry:
    content = ""
    for c in e.get("content") or []:
        value = c.get("value") or ""
        if len(value) > len(content):
            content = value
    summary = e.get("summary") or e.get("description") or ""
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = e.get(key)
        if t:
            try:
                published = datetime.fromtimestamp(calendar.timegm(t), tz=UTC)
            except (OverflowError, ValueError, OSError):
                published = None
            if published is not None:
                break
    link = e.get("link") or None
    return Entry(
        feed_url=feed_url,
        guid=(e.get("id") or None),
        link=link,
        title=str(e.get("title") or ""),
        summary_html=str(summary),
        content_html=str(content),
        published_at=published,
        author=(e.get("author") or None),
    )
