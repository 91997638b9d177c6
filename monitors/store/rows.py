"""What the store's queries return and what its writers take: frozen dataclasses, no duckdb.

Each query selects its columns by name and builds its row class with those names as keywords
(:func:`rows_from`), so a column renamed in SQL fails at the query, never downstream as a
missing dict key.  ``monitors.decide`` and ``reports`` import these classes, never the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any, Protocol, TypeVar

from monitors.model import Figure, Processed, Quote

T = TypeVar("T")


class Cursor(Protocol):
    """What :func:`rows_from` needs of a DuckDB cursor (described by its result columns)."""

    description: Any

    def fetchall(self) -> list[Any]: ...


def rows_from(cls: type[T], cur: Cursor) -> list[T]:
    """The cursor's rows as ``cls`` instances, columns matched to fields by name."""
    cols = [d[0] for d in cur.description]
    return [cls(**dict(zip(cols, r, strict=True))) for r in cur.fetchall()]


def columns_of(cls: type) -> str:
    """The comma-separated field names of a row class (for a SELECT list)."""
    return ", ".join(f.name for f in fields(cls))


# -- feeds --------------------------------------------------------------------------------
@dataclass(frozen=True)
class FeedState:
    """A feed's stored state, as the poll decisions read it."""

    url: str
    etag: str | None
    last_modified: str | None
    failures: int
    next_poll_at: datetime | None
    title: str | None = None
    last_ok_at: datetime | None = None
    last_error: str | None = None
    items: int | None = None


@dataclass(frozen=True)
class FeedUpdate:
    """The whole health row of a feed after a poll, as decided (the store writes it as is)."""

    url: str
    name: str
    title: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime
    last_ok_at: datetime | None
    failures: int
    next_poll_at: datetime | None
    last_error: str | None
    last_status: str
    items: int | None


@dataclass(frozen=True)
class FeedHealth:
    """A feed's health for the digest and ``newswatch feeds``; ``quiet``: no new article for
    some days although the feed answers."""

    url: str
    name: str | None
    title: str | None
    last_status: str | None
    last_polled_at: datetime | None
    last_ok_at: datetime | None
    failures: int
    last_error: str | None
    next_poll_at: datetime | None
    items: int | None
    quiet: bool


# -- articles and facts -------------------------------------------------------------------
@dataclass(frozen=True)
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_new: int = 0
    figures_new: int = 0
    quotes_new: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class FigureWrite:
    """A figure row to insert: its article, position, ledger key and first sighting."""

    article: str
    idx: int
    figure: Figure
    key: str
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class QuoteWrite:
    article: str
    idx: int
    quote: Quote
    key: str
    first_seen_at: datetime | None = None


@dataclass(frozen=True)
class StoredFigure:
    """A figure as stored before an update (what a change is paired against)."""

    article: str
    text: str
    fact_key: str
    unit: str | None
    subject: str | None


@dataclass(frozen=True)
class FigureChangeWrite:
    article: str
    changed_at: datetime
    old_text: str
    new_text: str
    unit: str | None
    subject: str | None


@dataclass(frozen=True)
class UpsertPlan:
    """What one batch does to the store: rows to insert, articles to rewrite (their topics,
    figures and quotes replaced), figure changes to record, and the counts to report."""

    new: tuple[Processed, ...]
    updated: tuple[Processed, ...]
    figures: tuple[FigureWrite, ...]
    quotes: tuple[QuoteWrite, ...]
    changes: tuple[FigureChangeWrite, ...]
    counts: UpsertCounts

    @property
    def changed(self) -> tuple[Processed, ...]:
        return self.new + self.updated


@dataclass(frozen=True)
class StoredArticle:
    """An article with the topics it is kept for (``newswatch topics test``)."""

    id: str
    url: str
    title: str | None
    text: str | None
    kept: bool
    fetched_at: datetime
    topics: Sequence[str]


@dataclass(frozen=True)
class RecentArticle:
    """A kept article as story clustering reads it."""

    id: str
    url: str
    title: str | None
    text: str | None
    published_at: datetime | None
    fetched_at: datetime
    cluster_id: str | None


@dataclass(frozen=True)
class WindowArticle:
    """One (article, topic) pair of a digest window."""

    id: str
    url: str
    title: str | None
    feed: str | None
    feed_name: str | None
    published_at: datetime | None
    fetched_at: datetime
    updated_at: datetime
    cluster_id: str | None
    topic: str
    score: float | None
    rule: str | None
    terms: str | None  # JSON list
    evidence: str | None  # JSON list


@dataclass(frozen=True)
class FigureRow:
    """A stored figure with its article's URL, title, outlet, date and story cluster."""

    article: str
    idx: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    of: float | None
    qualifier: str | None
    approx: bool | None
    subject: str | None
    sentence: str | None
    fact_key: str
    first_seen_at: datetime
    span_start: int | None
    question: bool | None
    url: str
    article_title: str | None
    feed: str | None
    feed_name: str | None
    published_at: datetime | None
    cluster_id: str | None


@dataclass(frozen=True)
class QuoteRow:
    """A stored quote with its article's URL, title, outlet, date and story cluster."""

    article: str
    idx: int
    text: str
    speaker: str | None
    role: str | None
    sentence: str | None
    quote_key: str
    first_seen_at: datetime
    url: str
    article_title: str | None
    feed: str | None
    feed_name: str | None
    published_at: datetime | None
    cluster_id: str | None


@dataclass(frozen=True)
class FigureChangeRow:
    article: str
    changed_at: datetime
    old_text: str
    new_text: str
    unit: str | None
    subject: str | None
    url: str
    article_title: str | None
    feed_name: str | None


# -- digests ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DigestRow:
    """A recorded digest (without its rendered bodies)."""

    id: str
    digest_date: str
    window_start: datetime
    window_end: datetime
    status: str
    created_at: datetime
    sent_at: datetime | None
    html_path: str | None
    text_path: str | None
    message_id: str | None = None
    eml: str | None = None


@dataclass(frozen=True)
class SearchRow:
    """One ranked hit with what its printed block needs."""

    score: float
    kind: str
    article: str
    idx: int
    title: str | None
    url: str
    feed: str | None
    feed_name: str | None
    date: datetime | None
    text: str | None  # the article text, the quote's or figure's sentence
    quote: str | None  # the quoted words (quotes), the figure as written (figures)
    speaker: str | None
    topics: list[str]
