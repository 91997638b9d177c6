"""Build a :class:`Digest` from the store's rows: pure, no I/O.

What goes at the top is what is *new*: a figure whose fact (value, unit, subject) no earlier digest
reported, and a quote whose words and speaker no earlier digest showed.  The same fact carried by
several outlets is one item "reported by N sources"; the same story carried by several outlets is
one line with "also reported by ...".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitors.keys import quote_words

UNIT_RANK = {"percent_gdp": 0, "USD": 1, "EUR": 1, "GBP": 1, "pp": 3, "percent": 4, "count": 5}


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

    @property
    def first(self) -> Source:
        return self.sources[0]


@dataclass(frozen=True)
class QuoteItem:
    key: str
    keys: tuple[str, ...]
    text: str
    speaker: str | None
    role: str | None
    sentence: str
    sources: tuple[Source, ...]

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
    # the (kind, key) facts this digest reports, so later digests know they are not new
    ledger: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.new_figures or self.new_quotes or self.changed_figures
                    or any(s.stories for s in self.sections))


@dataclass(frozen=True)
class Limits:
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
    them (see Store.window_articles / window_figures / window_quotes / feed_health)."""
    fig_groups = merge_same_facts(_group(figures, "fact_key"), _figure_signature, "subject")
    new_figs = [_figure_item(keys, rows) for keys, rows in fig_groups
                if not reported_figures.intersection(keys)]
    new_figs.sort(key=lambda f: (-len(f.sources), UNIT_RANK.get(f.unit, 2), f.key))
    q_groups = merge_same_facts(_group(quotes, "quote_key"), _quote_signature, "speaker")
    new_quotes = [_quote_item(keys, rows) for keys, rows in q_groups
                  if not reported_quotes.intersection(keys)]
    new_quotes.sort(key=lambda q: (q.speaker is None, -len(q.sources), q.key))
    sections = tuple(_section(t, [a for a in articles if a["topic"] == t],
                              limits.max_stories_per_topic) for t in topics)
    failing = tuple(
        FeedProblem(h.get("name") or h["url"], h["url"], h.get("last_error") or "unknown error",
                    int(h.get("failures") or 0), h.get("last_ok_at"))
        for h in feed_health if h.get("last_status") == "error")
    changed = tuple(FigureChange(c["old_text"], c["new_text"], c.get("subject"),
                                 Source(c.get("feed_name") or "", c["url"],
                                        c.get("article_title") or ""))
                    for c in figure_changes)
    quiet = tuple(h.get("name") or h["url"] for h in feed_health
                  if h.get("last_status") != "error" and h.get("quiet"))
    ledger = ([("figure", k) for f in new_figs for k in f.keys]
              + [("quote", k) for q in new_quotes for k in q.keys])
    return Digest(
        title=title,
        date=digest_date,
        window_start=window_start,
        window_end=window_end,
        new_figures=tuple(new_figs[: limits.max_new_figures]),
        new_quotes=tuple(new_quotes[: limits.max_new_quotes]),
        sections=sections,
        failing_feeds=failing,
        changed_figures=changed,
        quiet_feeds=quiet,
        more_figures=max(0, len(new_figs) - limits.max_new_figures),
        more_quotes=max(0, len(new_quotes) - limits.max_new_quotes),
        repeated_figures=len(fig_groups) - len(new_figs),
        repeated_quotes=len(q_groups) - len(new_quotes),
        counts={"articles": len({a["id"] for a in articles}), "figures": len(fig_groups),
                "quotes": len(q_groups)},
        ledger=tuple(ledger),
    )


def _figure_signature(r: dict[str, Any]) -> tuple:
    return (r["unit"], r["value"], r["low"], r["high"], r["of"])


def _quote_signature(r: dict[str, Any]) -> tuple:
    return (quote_words(r["text"]),)


def merge_same_facts(groups: dict[str, list[dict[str, Any]]], signature: Any, who: str
                     ) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """Merge ledger groups that are one fact told differently.

    Groups with the same signature (a figure's value and unit; a quote's words) are one fact when
    they come from the same article or the same story cluster (a headline restating the body,
    with a different subject), or when one has no subject/speaker and exactly one other group
    with that signature has one (an outlet that did not say whose figure or quote it was).
    Groups about different named subjects stay apart: a false merge would hide a fact."""
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
        places = {k: {r["article"] for r in groups[k]} | {r.get("cluster_id") for r in groups[k]
                                                          if r.get("cluster_id")}
                  for k in members}
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if places[a] & places[b]:
                    parent[find(b)] = find(a)
        named = [k for k in members if any(r.get(who) for r in groups[k])]
        if len({find(k) for k in named}) == 1:
            for k in members:
                parent[find(k)] = find(named[0]) if named else find(k)
    merged: dict[str, list[str]] = {}
    for k in keys:
        merged.setdefault(find(k), []).append(k)
    return [(tuple(ks), [r for k in ks for r in groups[k]]) for ks in merged.values()]


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


def _figure_item(keys: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> FigureItem:
    r = rows[0]
    subject = next((x["subject"] for x in rows if x.get("subject")), None)
    return FigureItem(keys[0], keys, r["text"], r["value"], r["low"], r["high"], r["unit"], r["of"],
                      r["qualifier"], bool(r["approx"]), subject, r["sentence"] or "",
                      _sources(rows))


def _quote_item(keys: tuple[str, ...], rows: Sequence[dict[str, Any]]) -> QuoteItem:
    r = next((x for x in rows if x.get("speaker")), rows[0])
    role = next((x["role"] for x in rows if x.get("role")), None)
    return QuoteItem(keys[0], keys, r["text"], r["speaker"], role, r["sentence"] or "",
                     _sources(rows))


def _section(topic: str, rows: Sequence[dict[str, Any]], limit: int) -> TopicSection:
    clusters: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        clusters.setdefault(r.get("cluster_id") or r["id"], []).append(r)
    stories = []
    for cid, members in clusters.items():
        head = members[0]
        also = _sources([m | {"article_title": m["title"]} for m in members[1:]
                         if (m.get("feed_name") or m.get("feed")) !=
                         (head.get("feed_name") or head.get("feed"))])
        terms = tuple(json.loads(head["terms"] or "[]")) if head.get("terms") else ()
        stories.append(Story(cid, head["title"] or head["url"], head["url"],
                             head.get("feed_name") or head.get("feed") or "",
                             head.get("published_at"), also, head.get("rule") or "", terms))
    stories.sort(key=lambda s: (-len(s.also), -(s.published_at.timestamp()
                                                 if s.published_at else 0)))
    return TopicSection(topic, tuple(stories[:limit]), max(0, len(stories) - limit))


def format_value(f: FigureItem) -> str:
    """A reader's rendering of a figure's normalised value: '3.5 % of GDP', 'USD 1.5 bn'."""
    def num(x: float) -> str:
        for scale, word in ((1e12, " tn"), (1e9, " bn"), (1e6, " m")):
            if abs(x) >= scale:
                return f"{x / scale:,.3g}{word}"
        return f"{x:,.6g}"

    qual = {"more_than": "> ", "at_least": "≥ ", "less_than": "< ", "up_to": "≤ ",
            "about": "~ "}.get(f.qualifier or "", "")
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
