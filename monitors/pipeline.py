"""The CPU-bound middle of a poll, as pure functions: read feeds, analyse articles.

    read_feed        one fetch result -> a FeedOutcome and the Articles it carried
    read_feeds       the same over many feeds, on all cores when there are many
    analyse_articles Articles -> Processed (topics, figures, quotes), on all cores when many
    read_chunk, analyse_chunk, page_chunk
                     the chunks monitors.stream hands to worker processes: plain values in,
                     compact results out (an article's analysis, not the article again)

This module imports only the parsing and extraction modules (no httpx, no duckdb), so the worker
processes of monitors.parallel start quickly.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import NamedTuple, Protocol

from monitors.errors import FeedError
from monitors.ingest.fulltext import page_body, with_page_text
from monitors.ingest.normalise import normalise_entry
from monitors.ingest.parse import parse_feed
from monitors.model import Article, FeedConfig, FeedOutcome, Processed
from monitors.nlp.extract import Extraction, analyse
from monitors.nlp.topics import TopicRule
from monitors.parallel import map_chunked


class _Fetched(Protocol):
    """What reading needs of a ``monitors.ingest.fetch.FetchResult`` (not imported: httpx)."""

    url: str
    status: str
    body: bytes
    headers: dict[str, str]
    error: str | None


class FeedBody(NamedTuple):
    """What a worker needs of a fetched feed (a FetchResult less its validators and timing;
    a plain tuple, so unpickling it does not import httpx)."""

    url: str
    status: str
    body: bytes
    headers: dict[str, str]
    error: str | None


def read_feed(
    feed: FeedConfig, result: _Fetched, now: datetime
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
        return FeedOutcome(
            feed.url, feed.name, "error", error=str(e).removeprefix(f"{feed.url}: ")
        ), []
    articles = [a for a in (normalise_entry(e, now) for e in parsed.entries) if a is not None]
    warning = f"accepted despite: {parsed.warning}" if parsed.warning else None
    return FeedOutcome(
        feed.url,
        feed.name,
        "new",
        items=len(parsed.entries),
        error=warning,
        title=parsed.title or None,
        ttl_minutes=parsed.ttl_minutes,
    ), articles


def analyse_articles(articles: Sequence[Article], rules: Sequence[TopicRule]) -> list[Processed]:
    """Match topics, and extract figures and quotes from the kept articles (on all cores when
    there are many)."""
    return map_chunked(partial(_analyse_chunk, rules=tuple(rules)), articles)


def read_feeds(
    feeds: Sequence[FeedConfig], results: Sequence[_Fetched], now: datetime
) -> list[tuple[FeedOutcome, list[Article]]]:
    """read_feed over many feeds, on all cores when there are many."""
    return map_chunked(
        partial(_read_chunk, now=now), list(zip(feeds, results, strict=True)), min_items=32
    )


def _analyse_chunk(articles: Sequence[Article], rules: tuple[TopicRule, ...]) -> list[Processed]:
    out = []
    for article in articles:
        ex = analyse(article.title, article.text, rules)
        out.append(Processed(article, ex.topics, ex.figures, ex.quotes))
    return out


def _read_chunk(
    pairs: Sequence[tuple[FeedConfig, _Fetched]], now: datetime
) -> list[tuple[FeedOutcome, list[Article]]]:
    return [read_feed(feed, result, now) for feed, result in pairs]


def with_pages(pairs: Sequence[tuple[Article, bytes]]) -> list[Article]:
    """Each article with its fetched page's main text (trafilatura), on all cores when many."""
    return map_chunked(_pages_chunk, pairs, min_items=16)


def _pages_chunk(pairs: Sequence[tuple[Article, bytes]]) -> list[Article]:
    return [with_page_text(article, body) for article, body in pairs]


def read_chunk(
    pairs: Sequence[tuple[FeedConfig, FeedBody]], now: datetime
) -> list[tuple[FeedOutcome, list[Article]]]:
    """read_feed over a chunk of feeds (a worker's job)."""
    return [read_feed(feed, body, now) for feed, body in pairs]


class RulesRef(NamedTuple):
    """Topic rules as a worker receives them: pickled once by the sender, unpickled once per
    worker (unpickling the rules costs ~20 ms: paid per chunk, it was a third of the poll's
    CPU time)."""

    key: str
    blob: bytes


_RULES: dict[str, tuple[TopicRule, ...]] = {}


def rules_ref(rules: Sequence[TopicRule]) -> RulesRef:
    blob = pickle.dumps(tuple(rules), protocol=pickle.HIGHEST_PROTOCOL)
    return RulesRef(hashlib.sha256(blob).hexdigest(), blob)


def _rules_of(ref: RulesRef) -> tuple[TopicRule, ...]:
    rules = _RULES.get(ref.key)
    if rules is None:
        rules = _RULES[ref.key] = pickle.loads(ref.blob)
    return rules


def analyse_chunk(items: Sequence[tuple[str, str]], ref: RulesRef) -> list[Extraction]:
    """The analysis of each (title, text): topics, and figures and quotes when kept."""
    rules = _rules_of(ref)
    return [analyse(title, text, rules) for title, text in items]


def page_chunk(
    items: Sequence[tuple[str, str, bytes]], ref: RulesRef
) -> list[tuple[str | None, Extraction]]:
    """For each (title, summary, page): the page's text when it replaces the summary (else
    None), and the analysis of the text the article ends up with."""
    rules = _rules_of(ref)
    out = []
    for title, summary, page in items:
        body = page_body(page, summary)
        out.append((body, analyse(title, summary if body is None else body, rules)))
    return out


def warm_up() -> None:
    """Nothing: a new worker that runs it has imported the parsing and analysis modules."""
