"""Alerts (issue 17): which newly stored facts match the ``[[alerts]]`` rules of monitors.toml.

Pure: the rules come from :func:`monitors.config.parse_config`, the facts from
:mod:`monitors.store.alerts` (plain :class:`FigureRow` / :class:`QuoteRow` values), the spending
ledger from :func:`monitors.decide.ledgers.spending_ledger`, and the keys already alerted from
the store's ``alerts`` table.  :func:`match_alerts` returns one :class:`Alert` per (rule, fact)
not yet alerted, first reported first; the poll flow raises each as a Prefect event
(``flows/alerts.py``).  Rule kinds:

* ``figure``: a figure of a unit (an ISO 4217 code, ``money`` for any currency, ``percent_gdp``,
  ``percent``, ``pp``, ``count``) at or above ``min``, optionally about a topic (the digest's
  :func:`~monitors.nlp.highlights.figure_topic`) and by one of ``subjects``;
* ``gdp-change``: an ally's latest share of GDP in the spending ledger changed (the ledger row
  has a previous value), the latest report being new;
* ``quote``: a quote by a watched speaker (a name or one of its aliases, as whole words of the
  stored speaker).

A fact is identified by its ledger key (:mod:`monitors.decide.keys`): a figure by its
``fact_key``, a quote by its ``quote_key``, a GDP change by the fact key of the new share.  The
event id is derived from the rule and the fact, so raising an alert again yields the same id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from monitors.decide.keys import normalise_subject
from monitors.decide.ledgers import Cell, SpendingRow
from monitors.nlp.highlights import figure_topic, unit_kind
from monitors.store.rows import FigureRow, QuoteRow

FIGURE = "figure"
GDP_CHANGE = "gdp-change"
QUOTE = "quote"
KINDS = (FIGURE, GDP_CHANGE, QUOTE)
EVENT_PREFIX = "newswatch.alert."
ANY_CURRENCY = "money"
UNITS = ("money", "percent_gdp", "percent", "pp", "count")  # and any ISO 4217 code
# the namespace of the alert event ids: uuid5(namespace, "<rule>|<fact key>")
EVENT_NAMESPACE = uuid.UUID("6c1f0f44-7a0e-5b8e-9c53-2f6d3b1e0a17")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Speaker:
    """A watched speaker: the name, and other names the articles give them."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class AlertRule:
    """One ``[[alerts]]`` table, validated.  Fields a kind does not use stay empty."""

    name: str
    kind: str  # figure | gdp-change | quote
    unit: str | None = None  # figure
    min: float | None = None  # figure
    topic: str | None = None  # figure, quote
    subjects: tuple[str, ...] = ()  # figure: canonical subject names; empty = any
    allies: tuple[str, ...] = ()  # gdp-change: spending-ledger rows; empty = every ally
    speakers: tuple[Speaker, ...] = ()  # quote

    @property
    def event(self) -> str:
        return EVENT_PREFIX + self.kind


@dataclass(frozen=True)
class Alert:
    """One alert to raise: the rule, the fact it is about, and what the event carries."""

    rule: str
    kind: str
    fact: str  # the fact's ledger key
    article: str
    name: str  # a short label of the fact ("$2.5 billion (Germany)")
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def event(self) -> str:
        return EVENT_PREFIX + self.kind

    @property
    def resource_id(self) -> str:
        """Stable per fact: ``newswatch.figure.<fact_key>`` / ``newswatch.quote.<quote_key>``."""
        return f"newswatch.{QUOTE if self.kind == QUOTE else FIGURE}.{self.fact}"

    @property
    def event_id(self) -> uuid.UUID:
        return event_id(self.rule, self.fact)


def event_id(rule: str, fact: str) -> uuid.UUID:
    """The deterministic id of the event for ``rule`` and ``fact``."""
    return uuid.uuid5(EVENT_NAMESPACE, f"{rule}|{fact}")


def words(text: str | None) -> tuple[str, ...]:
    return tuple(_WORD.findall((text or "").casefold()))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def speaker_matches(speaker: str | None, watched: Speaker) -> bool:
    """Whether the stored ``speaker`` is ``watched``: the name or an alias, case and
    punctuation folded, appears as whole words of it ("Defense Secretary Pete Hegseth" is
    "Pete Hegseth"; "Hegseth" alone only when it is an alias)."""
    said = words(speaker)
    return any(_contains(said, words(n)) for n in (watched.name, *watched.aliases))


def unit_matches(rule_unit: str | None, unit: str | None) -> bool:
    if not rule_unit or not unit:
        return False
    if rule_unit == ANY_CURRENCY:
        return unit_kind(unit) == "money"
    return unit == rule_unit


def short(text: str, limit: int = 60) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _reported(row: FigureRow | QuoteRow) -> datetime:
    return row.published_at or row.first_seen_at


def _first_first(rows: Iterable[Any]) -> list[Any]:
    """First seen first; in one article a body sentence before the headline (it says more)."""
    return sorted(
        rows,
        key=lambda r: (
            r.first_seen_at,
            _reported(r),
            r.article,
            bool(r.sentence) and r.sentence == r.article_title,
            r.idx,
        ),
    )


def _source(row: FigureRow | QuoteRow) -> dict[str, Any]:
    return {
        "url": row.url,
        "title": row.article_title,
        "source": row.feed_name,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "article": row.article,
    }


def figure_fits(
    rule: AlertRule, row: FigureRow, article_topics: Mapping[str, Sequence[str]]
) -> bool:
    """Whether a stored figure matches a ``figure`` rule (a reporter's question never does)."""
    if row.question or row.value is None or not unit_matches(rule.unit, row.unit):
        return False
    if rule.min is not None and row.value < rule.min:
        return False
    if rule.subjects and normalise_subject(row.subject) not in {
        normalise_subject(s) for s in rule.subjects
    }:
        return False
    if rule.topic is None:
        return True
    return (
        figure_topic(
            sentence=row.sentence or "",
            text=row.text,
            unit=row.unit or "",
            span_start=row.span_start,
            topics=(rule.topic,),
            article_topics=tuple(article_topics.get(row.article, ())),
        )
        == rule.topic
    )


def _alert(
    rule: AlertRule, kind: str, fact: str, article: str, name: str, /, **fields: Any
) -> Alert:
    """One alert; its payload is the rule, the kind, ``fields`` and the fact key."""
    payload = {"rule": rule.name, "kind": kind, **fields, "fact_key": fact}
    return Alert(rule=rule.name, kind=kind, fact=fact, article=article, name=name, payload=payload)


def _figure_alert(rule: AlertRule, row: FigureRow) -> Alert:
    label = f"{row.text} ({row.subject})" if row.subject else row.text
    return _alert(
        rule,
        FIGURE,
        row.fact_key,
        row.article,
        label,
        text=row.text,
        value=row.value,
        unit=row.unit,
        subject=row.subject,
        sentence=row.sentence,
        **_source(row),
    )


def _quote_alert(rule: AlertRule, row: QuoteRow, watched: Speaker) -> Alert:
    return _alert(
        rule,
        QUOTE,
        row.quote_key,
        row.article,
        f"{row.speaker}: “{short(row.text)}”",
        text=row.text,
        speaker=row.speaker,
        watched=watched.name,
        role=row.role,
        sentence=row.sentence,
        **_source(row),
    )


def _cell_fields(c: Cell) -> dict[str, Any]:
    """A ledger cell's value; ``measure`` is actual/planned/target (``kind`` is the alert's)."""
    return {"text": c.text, "value": c.value, "measure": c.kind, "year": c.year}


def _gdp_alert(rule: AlertRule, row: SpendingRow) -> Alert:
    new, old = row.gdp, row.gdp_previous
    assert new is not None and old is not None
    previous = {
        **_cell_fields(old),
        "date": old.date.isoformat(),
        "url": old.url,
        "title": old.title,
    }
    return _alert(
        rule,
        GDP_CHANGE,
        new.fact_key,
        new.article,
        f"{row.name}: {old.text} → {new.text}",
        ally=row.name,
        **_cell_fields(new),
        unit=new.unit,
        previous=previous,
        sentence=new.sentence,
        url=new.url,
        title=new.title,
        source=new.source,
        published_at=new.date.isoformat(),
        article=new.article,
    )


def needs_ledger(rules: Sequence[AlertRule], figures: Sequence[FigureRow]) -> bool:
    """Whether the spending ledger must be built: a gdp-change rule, and a new share of GDP."""
    return any(r.kind == GDP_CHANGE for r in rules) and any(
        f.unit == "percent_gdp" for f in figures
    )


def match_alerts(
    rules: Sequence[AlertRule],
    figures: Sequence[FigureRow],
    quotes: Sequence[QuoteRow],
    *,
    spending: Sequence[SpendingRow] = (),
    article_topics: Mapping[str, Sequence[str]] | None = None,
    alerted: Iterable[tuple[str, str]] = (),
) -> list[Alert]:
    """The alerts the new ``figures`` and ``quotes`` raise: one per (rule, fact) not in
    ``alerted``, the first report of the fact standing for it, rules in config order.

    ``figures`` and ``quotes`` are the candidates (facts first seen recently); ``spending`` the
    spending ledger over every stored report (a gdp-change alerts when an ally's latest share
    is one of the candidates and differs from its previous value); ``article_topics`` the
    topics each article is kept for (a rule's ``topic``)."""
    topics = article_topics or {}
    done = set(alerted)
    out: list[Alert] = []
    ordered_figures = _first_first(figures)
    ordered_quotes = _first_first(quotes)
    new_keys = {f.fact_key for f in figures}
    for rule in rules:
        if rule.kind == FIGURE:
            found = [
                _figure_alert(rule, r) for r in ordered_figures if figure_fits(rule, r, topics)
            ]
        elif rule.kind == QUOTE:
            found = list(_quote_alerts(rule, ordered_quotes, topics))
        else:
            found = [
                _gdp_alert(rule, s)
                for s in spending
                if (not rule.allies or s.name in rule.allies)
                and s.gdp is not None
                and s.gdp_previous is not None
                and s.gdp.fact_key in new_keys
            ]
        for alert in found:
            if (alert.rule, alert.fact) not in done:
                done.add((alert.rule, alert.fact))
                out.append(alert)
    return out


def _quote_alerts(
    rule: AlertRule, quotes: Sequence[QuoteRow], topics: Mapping[str, Sequence[str]]
) -> Iterable[Alert]:
    for row in quotes:
        if rule.topic is not None and rule.topic not in topics.get(row.article, ()):
            continue
        watched = next((s for s in rule.speakers if speaker_matches(row.speaker, s)), None)
        if watched is not None:
            yield _quote_alert(rule, row, watched)
