"""What a digest is made of: its items, stories and sections (frozen dataclasses), and how a
figure is shown (its snippet and its value).  Built by :func:`reports.digest.build_digest`,
read by the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from monitors.decide.ledger_changes import LedgerMove
from monitors.decide.ledgers import AidRow, SpendingRow

LEDGER_CHANGES_SHOWN = 8  # lines of "Ledger changes"; the rest are counted ("… and N more")


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    title: str


@dataclass(frozen=True)
class FigureItem:
    key: str
    keys: tuple[str, ...]
    text: str
    value: float
    low: float
    high: float
    unit: str
    of: float | None
    qualifier: str | None
    approx: bool
    subject: str | None
    sentence: str
    sources: tuple[Source, ...]
    topic: str = ""
    published_at: datetime | None = None
    span_start: int | None = None  # where ``text`` starts in ``sentence``
    question: bool = False  # stated in a reporter's question, not as a fact

    @property
    def first(self) -> Source:
        return self.sources[0]

    @property
    def snippet(self) -> tuple[str, str, str]:
        """The sentence cut around the figure: (before, figure, after)."""
        return cut_snippet(self.sentence, self.text, self.span_start)


@dataclass(frozen=True)
class QuoteItem:
    key: str
    keys: tuple[str, ...]
    text: str
    speaker: str | None
    role: str | None
    sentence: str
    sources: tuple[Source, ...]
    topic: str = ""
    published_at: datetime | None = None

    @property
    def first(self) -> Source:
        return self.sources[0]


@dataclass(frozen=True)
class Story:
    cluster: str
    title: str
    url: str
    feed_name: str
    published_at: datetime | None
    also: tuple[Source, ...]
    rule: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class TopicSection:
    topic: str
    stories: tuple[Story, ...]
    more: int = 0


@dataclass(frozen=True)
class FigureChange:
    """An updated article now states a different figure than before."""

    old_text: str
    new_text: str
    subject: str | None
    source: Source


@dataclass(frozen=True)
class FeedProblem:
    name: str
    url: str
    error: str
    failures: int
    last_ok_at: datetime | None


@dataclass(frozen=True)
class Digest:
    title: str
    date: str
    window_start: datetime
    window_end: datetime
    new_figures: tuple[FigureItem, ...]
    new_quotes: tuple[QuoteItem, ...]
    sections: tuple[TopicSection, ...]
    failing_feeds: tuple[FeedProblem, ...]
    changed_figures: tuple[FigureChange, ...] = ()
    quiet_feeds: tuple[str, ...] = ()
    more_figures: int = 0
    more_quotes: int = 0
    repeated_figures: int = 0
    repeated_quotes: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    # the (kind, key) facts this digest reports, so later digests know they are not new: every
    # item of new_figures / new_quotes, all of which the archive page shows
    ledger: tuple[tuple[str, str], ...] = ()
    topics: tuple[str, ...] = ()
    # new facts left out of the highlights: figures whose sentence is about no topic, quotes
    # that are fragments; not ledgered, so a later on-topic report of the fact is still new
    not_highlighted: int = 0
    # issue 17: what moved in the ledgers since the previous digest, and the ledgers as of this
    # digest's end (the archive page's full tables).  Not facts of ``ledger`` above: showing
    # them marks nothing as reported.
    ledger_changes: tuple[LedgerMove, ...] = ()
    ledger_spending: tuple[SpendingRow, ...] = ()
    ledger_aid: tuple[AidRow, ...] = ()

    @property
    def ledger_changes_shown(self) -> tuple[LedgerMove, ...]:
        return self.ledger_changes[:LEDGER_CHANGES_SHOWN]

    @property
    def ledger_changes_more(self) -> int:
        return max(0, len(self.ledger_changes) - LEDGER_CHANGES_SHOWN)

    def by_topic(self) -> list[tuple[str, tuple[FigureItem, ...], tuple[QuoteItem, ...]]]:
        """The highlights grouped by topic, in the configured order (topics with none left
        out)."""
        order = list(self.topics) + sorted(
            {i.topic for i in (*self.new_figures, *self.new_quotes)} - set(self.topics)
        )
        out = []
        for t in order:
            figs = tuple(f for f in self.new_figures if f.topic == t)
            quotes = tuple(q for q in self.new_quotes if q.topic == t)
            if figs or quotes:
                out.append((t, figs, quotes))
        return out

    @property
    def empty(self) -> bool:
        return not (
            self.new_figures
            or self.new_quotes
            or self.changed_figures
            or any(s.stories for s in self.sections)
        )


@dataclass(frozen=True)
class Limits:
    """How much the e-mail shows (per topic); the archive page always shows every new fact."""

    max_new_figures: int = 25
    max_new_quotes: int = 15
    max_stories_per_topic: int = 40


def cut_snippet(
    sentence: str, text: str, span_start: int | None, width: int = 220
) -> tuple[str, str, str]:
    """The sentence cut to about ``width`` characters *around the figure* (never from the
    sentence start only), at word boundaries, with '…' where it was cut: (before, figure,
    after).  A figure not found in its sentence gives ('', text, '')."""
    start = (
        span_start
        if span_start is not None and sentence[span_start : span_start + len(text)] == text
        else sentence.find(text)
    )
    if start < 0:
        return "", text, ""
    end = start + len(text)
    room = max(0, width - len(text))
    left = min(start, max(room * 2 // 5, room - (len(sentence) - end)))
    right = room - left
    before, after = sentence[:start], sentence[end:]
    if len(before) > left:
        cut = before[len(before) - left :]
        cut = cut[cut.find(" ") + 1 :] if " " in cut else cut
        before = "…" + cut
    if len(after) > right:
        cut = after[:right]
        cut = cut[: cut.rfind(" ")] if " " in cut else cut
        after = cut + "…"
    return before, text, after


def format_value(f: FigureItem) -> str:
    """A reader's rendering of a figure's normalised value: '3.5 % of GDP', 'USD 1.5 bn'."""

    def num(x: float) -> str:
        for scale, word in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
            if abs(x) >= scale:
                return f"{x / scale:,.3g}{word}"
        return f"{x:,.6g}"

    qual = {
        "more_than": "> ",
        "at_least": "≥ ",
        "less_than": "< ",
        "up_to": "≤ ",
        "about": "~ ",
    }.get(f.qualifier or "", "")
    rng = num(f.low) if f.low == f.high else f"{num(f.low)}–{num(f.high)}"
    approx = "~" if f.approx and not qual else ""
    if f.unit == "percent":
        out = f"{rng} %"
    elif f.unit == "percent_gdp":
        out = f"{rng} % of GDP"
    elif f.unit == "pp":
        out = f"{rng} pp"
    elif f.unit == "count":
        out = rng + (f" of {num(f.of)}" if f.of else "")
    else:
        out = f"{f.unit} {rng}"
    return f"{qual}{approx}{out}"
