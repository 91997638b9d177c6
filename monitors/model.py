"""Plain data shared by every stage: frozen dataclasses, no I/O.

Feeds become :class:`Entry` values at the parsing boundary, entries become
:class:`Article` values after normalisation, and the extractors turn an
article's text into :class:`Figure` and :class:`Quote` values.  Nothing from
feedparser, httpx or duckdb leaks past the module that converts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedConfig:
    """One feed to poll, as the config lists it."""

    name: str
    url: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One item of a parsed feed, before normalisation."""

    feed_url: str
    guid: str | None
    link: str | None
    title: str
    summary_html: str
    content_html: str
    published_at: datetime | None
    author: str | None = None


@dataclass(frozen=True)
class Article:
    """A normalised article: canonical URL, plain text split into paragraphs."""

    id: str
    url: str
    feed_url: str
    title: str
    text: str
    published_at: datetime | None
    fetched_at: datetime
    content_hash: str
    guid: str | None = None
    # hash of the item as the feed delivered it; differs from content_hash when the full page
    # replaced a summary. Change detection compares this, so a re-poll of the summary is
    # "unchanged" rather than an update that would overwrite the full text.
    source_hash: str = ""

    @property
    def feed_hash(self) -> str:
        return self.source_hash or self.content_hash


@dataclass(frozen=True)
class Figure:
    """A number stated in the text, normalised as shared/EXTRACTION.md says."""

    text: str
    value: float
    low: float
    high: float
    unit: str
    of: float | None = None
    qualifier: str | None = None
    approx: bool = False
    subject: str | None = None
    sentence: str = ""
    start: int = -1
    end: int = -1
    sentence_start: int = -1  # offset of ``sentence`` in the text, -1 when unknown
    question: bool = False  # stated in a reporter's question ("Q  ..." in a transcript)

    @property
    def span_in_sentence(self) -> int | None:
        """Where the figure starts inside its sentence (for a snippet cut around it)."""
        if self.sentence_start < 0 or self.start < self.sentence_start:
            return None
        off = self.start - self.sentence_start
        return off if self.sentence[off : off + len(self.text)] == self.text else None


@dataclass(frozen=True)
class Quote:
    """A direct quotation with its speaker, when the article says who."""

    text: str
    speaker: str | None
    role: str | None
    sentence: str = ""
    start: int = -1
    end: int = -1
    # the speaker ranker's calibrated probability that its best candidate said it (None: no
    # model, or no candidate), and that candidate: ``speaker`` is None when the ranker withheld
    # it (below the threshold), but the store keeps both for ``extract --explain`` and review
    speaker_p: float | None = None
    best_speaker: str | None = None


@dataclass(frozen=True)
class TopicMatch:
    """Why an article was kept for a topic: the rule, terms and sentences."""

    topic: str
    score: float
    rule: str
    terms: tuple[str, ...] = ()
    sentences: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Processed:
    """An article with everything the pipeline learned about it, ready to store."""

    article: Article
    topics: tuple[TopicMatch, ...] = ()
    figures: tuple[Figure, ...] = ()
    quotes: tuple[Quote, ...] = ()

    @property
    def kept(self) -> bool:
        return bool(self.topics)


@dataclass(frozen=True)
class FeedOutcome:
    """How one feed's poll ended: ``new`` (items parsed), ``not_modified`` or ``error``."""

    url: str
    name: str
    status: str
    items: int = 0
    error: str | None = None  # for "error": why; for "new": a parser warning, if any
    title: str | None = None
    ttl_minutes: int | None = None  # the feed's <ttl>, when it declares one


@dataclass(frozen=True)
class FetchRequest:
    """One conditional GET: the feed's URL and the validators its last good poll returned."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
