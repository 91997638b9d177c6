"""Full text for summary-only feed items: which to fetch, and how to merge the page's text.

Fetching is done by :func:`monitors.ingest.fetch.fetch_pages` (polite: at most two requests at
once per host, SSRF-checked); this module only decides, and extracts the article body with
trafilatura.
Only items that are truncated *and* look possibly on-topic from their headline and summary are
fetched, so a poll does not download every page of every feed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitors.decide.keys import content_hash
from monitors.ingest.text import html_to_text
from monitors.model import Article

TRUNCATED_CHARS = 600
_MAYBE_ON_TOPIC = re.compile(
    r"\b(nato|defen[cs]e|military|milit\w*|armed forces|rearm\w*|weapons?|arms|"
    r"ukrain\w*|kyiv|kiev|zelensk\w*|alliance|allies|pentagon|ammunition|air[- ]defen[cs]e)\b",
    re.I,
)


def wants_full_text(article: Article) -> bool:
    """True for a summary-only item with an http(s) link that may be on topic."""
    if len(article.text) >= TRUNCATED_CHARS:
        return False
    if not article.url.startswith(("http://", "https://")):
        return False
    return bool(_MAYBE_ON_TOPIC.search(f"{article.title} {article.text}"))


def page_body(page: bytes, summary: str) -> str | None:
    """The page's main text (trafilatura), when it is longer than ``summary``; else None."""
    from monitors.ingest.articles import decode_bytes

    _, body = html_to_text(decode_bytes(page), with_title=False)
    return body if len(body) > len(summary) else None


def with_body(article: Article, body: str) -> Article:
    """The article with ``body`` (a page's text) for its text; the feed's hash is kept as the
    source hash, so a later poll of the same summary is "unchanged"."""
    return replace(
        article,
        text=body,
        content_hash=content_hash(article.title, body),
        source_hash=article.feed_hash,
    )


def with_page_text(article: Article, page: bytes) -> Article:
    """The article with the page's main text, when that is longer than the summary."""
    body = page_body(page, article.text)
    return article if body is None else with_body(article, body)
