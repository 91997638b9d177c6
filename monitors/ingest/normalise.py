"""Turn a feed :class:`Entry` into an :class:`Article`: canonical URL, stable id, plain text.

Pure: the fetch time is a parameter.  The article's text is the longer of the entry's content and
summary, converted from HTML; an entry with no link is identified by its feed and GUID.
"""

from __future__ import annotations

from datetime import datetime

from monitors.decide.keys import content_hash
from monitors.ingest.text import fragment_to_text
from monitors.ingest.urls import article_id, canonical_url
from monitors.model import Article, Entry


def normalise_entry(entry: Entry, fetched_at: datetime) -> Article | None:
    """The article an entry describes, or None when it has neither link, GUID nor text."""
    title = fragment_to_text(entry.title).replace("\n\n", " ")
    content = fragment_to_text(entry.content_html)
    summary = fragment_to_text(entry.summary_html)
    text = content if len(content) >= len(summary) else summary
    if not (entry.link or entry.guid or title or text):
        return None
    url = _usable_url(entry.link) or _usable_url(entry.guid)
    if url:
        canonical = canonical_url(url)
        key = canonical
    else:
        canonical = entry.link or entry.guid or ""
        key = f"{entry.feed_url}#{entry.guid or title}"
    return Article(
        id=article_id(key),
        url=canonical,
        feed_url=entry.feed_url,
        title=title,
        text=text,
        published_at=entry.published_at,
        fetched_at=fetched_at,
        content_hash=content_hash(title, text),
        guid=entry.guid,
    )


def _usable_url(value: str | None) -> str | None:
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None
