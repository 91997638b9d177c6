"""Build a :class:`Digest` from the store's rows: pure, no I/O.

What goes at the top is what is *new*: a figure whose fact (value, unit, subject) no earlier digest
reported, and a quote whose words and speaker no earlier digest showed.  The same fact carried by
several outlets is one item "reported by N sources"; the same story carried by several outlets is
one line with "also reported by ...".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TypeVar

from monitors.nlp.actors import display_name, named_before
from monitors.nlp.highlights import (
    beneficiaries,
    figure_topic,
    forwardable_speaker,
    is_statement,
    unit_kind,
)
from monitors.store.rows import FeedHealth, FigureChangeRow, FigureRow, QuoteRow, WindowArticle
from reports.items import (
    Digest,
    FeedProblem,
    FigureChange,
    FigureItem,
    Limits,
    QuoteItem,
    Source,
    Story,
    TopicSection,
    cut_snippet,
    format_value,
)
from reports.merge import (
    figure_hedge,
    figure_signature,
    group_rows,
    merge_same_facts,
    no_hedge,
    quote_signature,
)

__all__ = [  # the digest's items are re-exported: renderers and tests import them from here
    "Digest",
    "FeedProblem",
    "FigureChange",
    "FigureItem",
    "Limits",
    "QuoteItem",
    "Source",
    "Story",
    "TopicSection",
    "build_digest",
    "cut_per_topic",
    "cut_snippet",
    "email_view",
    "format_value",
    "merge_same_facts",
]

Item = TypeVar("Item", FigureItem, QuoteItem)
DEFAULT_LIMITS = Limits()

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


def build_digest(
    *,
    title: str,
    digest_date: str,
    window_start: datetime,
    window_end: datetime,
    topics: Sequence[str],
    articles: Sequence[WindowArticle],
    figures: Sequence[FigureRow],
    quotes: Sequence[QuoteRow],
    reported_figures: set[str],
    reported_quotes: set[str],
    feed_health: Sequence[FeedHealth],
    limits: Limits = DEFAULT_LIMITS,
    figure_changes: Sequence[FigureChangeRow] = (),
) -> Digest:
    """Group the window's rows into the digest's sections.  Rows are the store's typed rows
    (:mod:`monitors.store.rows`: Store.window_articles / window_figures / window_quotes /
    feed_health / window_figure_changes).

    Every new fact that is highlighted is in ``new_figures`` / ``new_quotes`` and in the
    ledger; the archive page renders them all, the e-mail the top ones (:func:`email_view`)."""
    topics = tuple(topics)
    article_topics: dict[str, list[str]] = {}
    for a in articles:
        article_topics.setdefault(a.id, []).append(a.topic)
    fig_groups = merge_same_facts(
        group_rows(figures, lambda r: r.fact_key),
        figure_signature,
        lambda r: r.subject,
        figure_hedge,
        beneficiaries(),
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
    q_groups = merge_same_facts(
        group_rows(quotes, lambda r: r.quote_key), quote_signature, lambda r: r.speaker, no_hedge
    )
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
        _section(t, [a for a in articles if a.topic == t], limits.max_stories_per_topic)
        for t in topics
    )
    failing = tuple(
        FeedProblem(
            h.name or h.url,
            h.url,
            h.last_error or "unknown error",
            int(h.failures or 0),
            h.last_ok_at,
        )
        for h in feed_health
        if h.last_status == "error"
    )
    changed = tuple(
        FigureChange(
            c.old_text,
            c.new_text,
            c.subject,
            Source(c.feed_name or "", c.url, c.article_title or ""),
        )
        for c in figure_changes
    )
    quiet = tuple(h.name or h.url for h in feed_health if h.last_status != "error" and h.quiet)
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
            "articles": len({a.id for a in articles}),
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


def cut_per_topic(items: Sequence[Item], n: int) -> tuple[Item, ...]:
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


def _sources(rows: Sequence[FigureRow | QuoteRow | WindowArticle]) -> tuple[Source, ...]:
    """One source per outlet (feed), first seen first."""
    seen: dict[str, Source] = {}
    for r in rows:
        name = r.feed_name or r.feed or ""
        if name not in seen:
            title = r.title if isinstance(r, WindowArticle) else r.article_title
            seen[name] = Source(name, r.url, title or "")
    return tuple(seen.values())


def _first_published(rows: Sequence[FigureRow] | Sequence[QuoteRow]) -> datetime | None:
    dates = [r.published_at or r.first_seen_at for r in rows]
    dates = [d for d in dates if d is not None]
    return min(dates) if dates else None


def _figure_item(
    keys: tuple[str, ...],
    rows: Sequence[FigureRow],
    topics: Sequence[str],
    article_topics: dict[str, list[str]],
) -> FigureItem | None:
    """The group as one highlighted figure, shown from its first row whose own sentence is
    about a topic; None when no row's sentence is (the figure stays in its story)."""
    for r in rows:
        topic = figure_topic(
            sentence=r.sentence or "",
            text=r.text,
            unit=r.unit,
            span_start=r.span_start,
            topics=topics,
            article_topics=article_topics.get(r.article, ()),
        )
        if topic is not None:
            break
    else:
        return None
    subject = _shown_subject(rows)
    return FigureItem(
        keys[0],
        keys,
        r.text,
        r.value,
        r.low,
        r.high,
        r.unit,
        r.of,
        r.qualifier,
        bool(r.approx),
        subject,
        r.sentence or "",
        _sources([r, *[x for x in rows if x is not r]]),
        topic,
        _first_published(rows),
        r.span_start,
        bool(r.question),
    )


def _shown_subject(rows: Sequence[FigureRow]) -> str | None:
    """The subject shown for a fact told by several rows: the one most rows give, a giver
    named before the figure ("The Air Shield Coalition ... has pledged $1.5bn") before a
    recipient after it ("$1.5 billion for Ukraine")."""
    votes: dict[str, list[int]] = {}
    for r in rows:
        if not r.subject:
            continue
        name = display_name(r.subject)
        pos = r.span_start
        if pos is None:
            pos = (r.sentence or "").find(r.text)
        before = named_before(r.sentence or "", name, pos)
        v = votes.setdefault(name, [0, 0])
        v[0] += int(before)
        v[1] += 1
    if not votes:
        return None
    return max(votes, key=lambda n: (votes[n][0], votes[n][1]))


def _quote_item(
    keys: tuple[str, ...],
    rows: Sequence[QuoteRow],
    topics: Sequence[str],
    article_topics: dict[str, list[str]],
) -> QuoteItem | None:
    """The group as one highlighted quote; None for a fragment or a quote no source
    attributes to someone a reader can name (it stays in its story: words without a speaker,
    or with "the source" for one, cannot be forwarded)."""
    r = next((x for x in rows if forwardable_speaker(x.speaker)), None)
    if r is None or not is_statement(r.text):
        return None
    role = next((x.role for x in rows if x.role), None)
    mine = [t for x in rows for t in article_topics.get(x.article, ())]
    topic = next((t for t in topics if t in mine), mine[0] if mine else "")
    return QuoteItem(
        keys[0],
        keys,
        r.text,
        r.speaker,
        role,
        r.sentence or "",
        _sources(rows),
        topic,
        _first_published(rows),
    )


def _section(topic: str, rows: Sequence[WindowArticle], limit: int) -> TopicSection:
    clusters: dict[str, list[WindowArticle]] = {}
    for r in rows:
        clusters.setdefault(r.cluster_id or r.id, []).append(r)
    stories = []
    for cid, members in clusters.items():
        head = members[0]
        also = _sources(
            [m for m in members[1:] if (m.feed_name or m.feed) != (head.feed_name or head.feed)]
        )
        terms = tuple(json.loads(head.terms or "[]")) if head.terms else ()
        stories.append(
            Story(
                cid,
                head.title or head.url,
                head.url,
                head.feed_name or head.feed or "",
                head.published_at,
                also,
                head.rule or "",
                terms,
            )
        )
    stories.sort(
        key=lambda s: (-len(s.also), -(s.published_at.timestamp() if s.published_at else 0))
    )
    return TopicSection(topic, tuple(stories[:limit]), max(0, len(stories) - limit))
