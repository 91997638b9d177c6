"""Build a :class:`Digest` from the store's rows: pure, no I/O.

What goes at the top is what is *new*: a figure whose fact (value, unit, subject) no earlier digest
reported, and a quote whose words and speaker no earlier digest showed.  The same fact carried by
several outlets is one item "reported by N sources"; the same story carried by several outlets is
one line with "also reported by ...".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from monitors.decide.keys import quote_words
from monitors.nlp.actors import display_name, named_before
from monitors.nlp.highlights import (
    beneficiaries,
    figure_topic,
    forwardable_speaker,
    is_statement,
    unit_kind,
)

# Importance within a topic: shares of GDP, then money, then the rest; then size; then sources.
KIND_RANK = {"percent_gdp": 0, "money": 1, "pp": 2, "percent": 3, "count": 4}
# Rough US-dollar worth of one unit, only to order amounts in different currencies by size
# ("$3 billion" before "€12.8 million"); never shown, never used to add amounts up.
USD_WORTH = {
    "USD": 1.0,
    "EUR": 1.1,
    "GBP": 1.3,
    "CHF": 1.1,
    "CAD": 0.73,
    "AUD": 0.66,
    "JPY": 0.0067,
    "CNY": 0.14,
    "UAH": 0.024,
    "PLN": 0.25,
    "SEK": 0.095,
    "NOK": 0.093,
    "DKK": 0.15,
    "RUB": 0.011,
    "INR": 0.012,
    "KRW": 0.00073,
    "CZK": 0.044,
    "HUF": 0.0028,
    "RON": 0.22,
    "TRY": 0.03,
}


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


def build_digest(
    *,
    title: str,
    digest_date: str,
    window_start: datetime,
    window_end: datetime,
    topics: Sequence[str],
    articles: Sequence[dict[str, Any]],
    figures: Sequence[dict[str, Any]],
    quotes: Sequence[dict[str, Any]],
    reported_figures: set[str],
    reported_quotes: set[str],
    feed_health: Sequence[dict[str, Any]],
    limits: Limits = Limits(),
    figure_changes: Sequence[dict[str, Any]] = (),
) -> Digest:
    """Group the window's rows into the digest's sections. Rows are dicts as the store returns
    them (see Store.window_articles / window_figures / window_quotes / feed_health).

    Every new fact that is highlighted is in ``new_figures`` / ``new_quotes`` and in the
    ledger; the archive page renders them all, the e-mail the top ones (:func:`email_view`)."""
    topics = tuple(topics)
    article_topics: dict[str, list[str]] = {}
    for a in articles:
        article_topics.setdefault(a["id"], []).append(a["topic"])
    fig_groups = merge_same_facts(
        _group(figures, "fact_key"), _figure_signature, "subject", beneficiaries()
    )
    fresh_figs = [
        (keys, rows) for keys, rows in fig_groups if not reported_figures.intersection(keys)
    ]
    new_figs = [
        f
        for f in (_figure_item(keys, rows, topics, article_topics) for keys, rows in fresh_figs)
        if f is not None
    ]
    new_figs.sort(key=lambda f: _figure_rank(f, topics))
    q_groups = merge_same_facts(_group(quotes, "quote_key"), _quote_signature, "speaker")
    fresh_quotes = [
        (keys, rows) for keys, rows in q_groups if not reported_quotes.intersection(keys)
    ]
    new_quotes = [
        q
        for q in (_quote_item(keys, rows, topics, article_topics) for keys, rows in fresh_quotes)
        if q is not None
    ]
    new_quotes.sort(key=lambda q: _quote_rank(q, topics))
    sections = tuple(
        _section(t, [a for a in articles if a["topic"] == t], limits.max_stories_per_topic)
        for t in topics
    )
    failing = tuple(
        FeedProblem(
            h.get("name") or h["url"],
            h["url"],
            h.get("last_error") or "unknown error",
            int(h.get("failures") or 0),
            h.get("last_ok_at"),
        )
        for h in feed_health
        if h.get("last_status") == "error"
    )
    changed = tuple(
        FigureChange(
            c["old_text"],
            c["new_text"],
            c.get("subject"),
            Source(c.get("feed_name") or "", c["url"], c.get("article_title") or ""),
        )
        for c in figure_changes
    )
    quiet = tuple(
        h.get("name") or h["url"]
        for h in feed_health
        if h.get("last_status") != "error" and h.get("quiet")
    )
    ledger = [("figure", k) for f in new_figs for k in f.keys] + [
        ("quote", k) for q in new_quotes for k in q.keys
    ]
    return Digest(
        title=title,
        date=digest_date,
        window_start=window_start,
        window_end=window_end,
        new_figures=tuple(new_figs),
        new_quotes=tuple(new_quotes),
        sections=sections,
        failing_feeds=failing,
        changed_figures=changed,
        quiet_feeds=quiet,
        repeated_figures=len(fig_groups) - len(fresh_figs),
        repeated_quotes=len(q_groups) - len(fresh_quotes),
        counts={
            "articles": len({a["id"] for a in articles}),
            "figures": len(fig_groups),
            "quotes": len(q_groups),
        },
        ledger=tuple(ledger),
        topics=topics,
        not_highlighted=(len(fresh_figs) - len(new_figs)) + (len(fresh_quotes) - len(new_quotes)),
    )


def email_view(d: Digest, limits: Limits) -> Digest:
    """The digest as the e-mail shows it: the top ``limits`` items of each topic, the rest
    counted in ``more_figures`` / ``more_quotes`` (they are in the archive page)."""
    figs = cut_per_topic(d.new_figures, limits.max_new_figures)
    quotes = cut_per_topic(d.new_quotes, limits.max_new_quotes)
    return replace(
        d,
        new_figures=figs,
        new_quotes=quotes,
        more_figures=d.more_figures + len(d.new_figures) - len(figs),
        more_quotes=d.more_quotes + len(d.new_quotes) - len(quotes),
    )


def cut_per_topic(items: Sequence[Any], n: int) -> tuple[Any, ...]:
    """The first ``n`` items of each topic, order kept."""
    seen: dict[str, int] = {}
    out = []
    for i in items:
        seen[i.topic] = seen.get(i.topic, 0) + 1
        if seen[i.topic] <= n:
            out.append(i)
    return tuple(out)


def _topic_index(topic: str, topics: Sequence[str]) -> int:
    return topics.index(topic) if topic in topics else len(topics)


def _figure_rank(f: FigureItem, topics: Sequence[str]) -> tuple:
    kind = unit_kind(f.unit)
    size = f.high * USD_WORTH.get(f.unit, 1.0) if kind == "money" else f.high
    return (_topic_index(f.topic, topics), KIND_RANK.get(kind, 5), -size, -len(f.sources), f.key)


def _quote_rank(q: QuoteItem, topics: Sequence[str]) -> tuple:
    when = q.published_at.timestamp() if q.published_at else 0.0
    return (_topic_index(q.topic, topics), q.speaker is None, -len(q.sources), -when, q.key)


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


def _figure_signature(r: dict[str, Any]) -> tuple:
    return (r["unit"], r["value"], r["low"], r["high"], r["of"])


def _quote_signature(r: dict[str, Any]) -> tuple:
    return (quote_words(r["text"]),)


def merge_same_facts(
    groups: dict[str, list[dict[str, Any]]],
    signature: Any,
    who: str,
    weak: frozenset[str] = frozenset(),
) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Merge ledger groups that are one fact told differently.

    Groups with the same signature (a figure's value and unit; a quote's words) are one fact when
    they come from the same article or the same story cluster (a headline restating the body,
    with a different subject), or when one has no subject/speaker and exactly one other group
    with that signature has one (an outlet that did not say whose figure or quote it was).
    Groups about different named subjects stay apart: a false merge would hide a fact.  A
    ``weak`` subject (a topic's beneficiary: every aid package is "for Ukraine") names no
    package, so for this rule it counts as no subject."""
    keys = list(groups)
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    buckets: dict[tuple, list[str]] = {}
    for k in keys:
        buckets.setdefault(signature(groups[k][0]), []).append(k)
    for members in buckets.values():
        if len(members) < 2:
            continue
        places = {
            k: {r["article"] for r in groups[k]}
            | {r.get("cluster_id") for r in groups[k] if r.get("cluster_id")}
            for k in members
        }
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if places[a] & places[b]:
                    parent[find(b)] = find(a)
        # an unattributed copy joins the one named fact told the same way (same hedge)
        for _, same in _by_hedge(members, groups):
            named = [
                k
                for k in same
                if any(r.get(who) and display_name(r[who]) not in weak for r in groups[k])
            ]
            if not named:  # no donor named anywhere: the one beneficiary-only copy leads
                named = [k for k in same if any(r.get(who) for r in groups[k])]
            if len({find(k) for k in named}) == 1:
                for k in same:
                    parent[find(k)] = find(named[0])
    merged: dict[str, list[str]] = {}
    for k in keys:
        merged.setdefault(find(k), []).append(k)
    return [(tuple(ks), [r for k in ks for r in groups[k]]) for ks in merged.values()]


def _by_hedge(
    members: list[str], groups: dict[str, list[dict[str, Any]]]
) -> list[tuple[tuple, list[str]]]:
    out: dict[tuple, list[str]] = {}
    for k in members:
        r = groups[k][0]
        out.setdefault((r.get("qualifier"), bool(r.get("approx"))), []).append(k)
    return list(out.items())


def _group(rows: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def _sources(rows: Sequence[dict[str, Any]]) -> tuple[Source, ...]:
    """One source per outlet (feed), first seen first."""
    seen: dict[str, Source] = {}
    for r in rows:
        name = r.get("feed_name") or r.get("feed") or ""
        if name not in seen:
            seen[name] = Source(name, r["url"], r.get("article_title") or "")
    return tuple(seen.values())


def _first_published(rows: Sequence[dict[str, Any]]) -> datetime | None:
    dates = [r.get("published_at") or r.get("first_seen_at") for r in rows]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _figure_item(
    keys: tuple[str, ...],
    rows: Sequence[dict[str, Any]],
    topics: Sequence[str],
    article_topics: dict[str, list[str]],
) -> FigureItem | None:
    """The group as one highlighted figure, shown from its first row whose own sentence is
    about a topic; None when no row's sentence is (the figure stays in its story)."""
    for r in rows:
        topic = figure_topic(
            sentence=r["sentence"] or "",
            text=r["text"],
            unit=r["unit"],
            span_start=r.get("span_start"),
            topics=topics,
            article_topics=article_topics.get(r["article"], ()),
        )
        if topic is not None:
            break
    else:
        return None
    subject = _shown_subject(rows)
    return FigureItem(
        keys[0],
        keys,
        r["text"],
        r["value"],
        r["low"],
        r["high"],
        r["unit"],
        r["of"],
        r["qualifier"],
        bool(r["approx"]),
        subject,
        r["sentence"] or "",
        _sources([r, *[x for x in rows if x is not r]]),
        topic,
        _first_published(rows),
        r.get("span_start"),
        bool(r.get("question")),
    )


def _shown_subject(rows: Sequence[dict[str, Any]]) -> str | None:
    """The subject shown for a fact told by several rows: the one most rows give, a giver
    named before the figure ("The Air Shield Coalition ... has pledged $1.5bn") before a
    recipient after it ("$1.5 billion for Ukraine")."""
    votes: dict[str, list[int]] = {}
    for r in rows:
        if not r.get("subject"):
            continue
        name = display_name(r["subject"])
        pos = r.get("span_start")
        if pos is None:
            pos = (r["sentence"] or "").find(r["text"])
        before = named_before(r["sentence"] or "", name, pos)
        v = votes.setdefault(name, [0, 0])
        v[0] += int(before)
        v[1] += 1
    if not votes:
        return None
    return max(votes, key=lambda n: (votes[n][0], votes[n][1]))


def _quote_item(
    keys: tuple[str, ...],
    rows: Sequence[dict[str, Any]],
    topics: Sequence[str],
    article_topics: dict[str, list[str]],
) -> QuoteItem | None:
    """The group as one highlighted quote; None for a fragment or a quote no source
    attributes to someone a reader can name (it stays in its story: words without a speaker,
    or with "the source" for one, cannot be forwarded)."""
    r = next((x for x in rows if forwardable_speaker(x.get("speaker"))), None)
    if r is None or not is_statement(r["text"]):
        return None
    role = next((x["role"] for x in rows if x.get("role")), None)
    mine = [t for x in rows for t in article_topics.get(x["article"], ())]
    topic = next((t for t in topics if t in mine), mine[0] if mine else "")
    return QuoteItem(
        keys[0],
        keys,
        r["text"],
        r["speaker"],
        role,
        r["sentence"] or "",
        _sources(rows),
        topic,
        _first_published(rows),
    )


def _section(topic: str, rows: Sequence[dict[str, Any]], limit: int) -> TopicSection:
    clusters: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        clusters.setdefault(r.get("cluster_id") or r["id"], []).append(r)
    stories = []
    for cid, members in clusters.items():
        head = members[0]
        also = _sources(
            [
                m | {"article_title": m["title"]}
                for m in members[1:]
                if (m.get("feed_name") or m.get("feed"))
                != (head.get("feed_name") or head.get("feed"))
            ]
        )
        terms = tuple(json.loads(head["terms"] or "[]")) if head.get("terms") else ()
        stories.append(
            Story(
                cid,
                head["title"] or head["url"],
                head["url"],
                head.get("feed_name") or head.get("feed") or "",
                head.get("published_at"),
                also,
                head.get("rule") or "",
                terms,
            )
        )
    stories.sort(
        key=lambda s: (-len(s.also), -(s.published_at.timestamp() if s.published_at else 0))
    )
    return TopicSection(topic, tuple(stories[:limit]), max(0, len(stories) - limit))


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
