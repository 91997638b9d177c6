"""The ledgers (issue 17): defence spending by ally, aid to Ukraine by donor, built from stored
figure rows.

Pure: the rows come from :func:`monitors.store.ledgers.ledger_figures`, the rows' names and the
kind words from ``monitors/nlp/data/ledgers.toml``.  What a row may hold:

* a figure's subject must canonicalise (``actors.toml``) to a row of the table; a figure with no
  subject, or a subject the table has no row for ("Air Shield Coalition", "Ukraine"), is left
  out, never guessed;
* its sentence must be about the ledger's topic as the digest's highlights decide it
  (:func:`monitors.nlp.highlights.figure_topic`: ``nato-spending`` for spending,
  ``ukraine-aid`` for aid);
* it must not be a demand made of others (:func:`demanded`: "he wants them to be spending 5
  percent of their GDP", "Trump's demand to lift the NATO target to 5%"): a demand is neither
  the demander's own figure nor the others' report, and its subject is doubtful, so it is left
  out (the Feb 2025 wire-copy audit, ``eval/ledger_audit.md``);
* *spending*: the latest share of GDP and the latest defence money figure, each with the
  previous value of the same measure when a later report changed it;
* *aid*: every distinct reported amount (one per fact: the same "$1.5bn" in three outlets is one
  entry, first reported first), with its kind; a total only when the sources allow it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from monitors.nlp.actors import canonical_actor
from monitors.nlp.highlights import figure_topic, unit_kind
from monitors.nlp.lexicon import data_path, table
from monitors.store.rows import FigureRow

TABLE = data_path("ledgers")
SPENDING_TOPIC = "nato-spending"
AID_TOPIC = "ukraine-aid"
ALLIANCE = "NATO"
GDP = "percent_gdp"
WINDOW_WORDS = 10  # words before a figure that decide its kind before the whole sentence does
_WORD = re.compile(r"[\w’'-]+")
_YEAR = re.compile(
    r"\b(?:by|in|for|until|through|before)\s+(20\d\d)\b|\b(20\d\d)(?:\s+|-)budget\b", re.I
)
_RELATIVE_YEAR = {"this year": 0, "next year": 1, "last year": -1}


@dataclass(frozen=True)
class Cell:
    """One reported figure, with where it was reported (each ledger cell links to it)."""

    text: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    qualifier: str | None
    approx: bool
    kind: str | None  # spending: actual/planned/target; aid: military/financial/...
    year: int | None  # the year the figure is for, when its sentence says
    date: date
    source: str | None
    url: str
    title: str | None
    sentence: str | None
    fact_key: str
    article: str
    cluster: str | None


@dataclass(frozen=True)
class SpendingRow:
    name: str
    gdp: Cell | None
    gdp_previous: Cell | None
    amount: Cell | None
    amount_previous: Cell | None


@dataclass(frozen=True)
class AidEntry:
    cell: Cell  # the first report of this amount
    reports: int  # articles that reported it
    cumulative: bool  # the sentence gives a running total, not a package


@dataclass(frozen=True)
class AidRow:
    donor: str
    entries: tuple[AidEntry, ...]
    totals: dict[str, float]  # currency -> total, only where the sources allow one
    no_total: dict[str, str]  # currency -> why no total is given


def _rx(words: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])", re.I)


@cache
def _table() -> dict:
    data = table("ledgers")
    for part in ("spending", "aid"):
        for name in data[part]["rows"]:
            if canonical_actor(name) != name:
                raise ValueError(f"{TABLE}: {part}.rows: {name!r} is not an actor of actors.toml")
    return data


@cache
def _patterns(part: str, kinds: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((k, _rx(_table()[part][k])) for k in kinds)


def spending_names() -> tuple[str, ...]:
    """The spending ledger's rows: the alliance and its 32 members."""
    return tuple(_table()["spending"]["rows"])


def aid_names() -> tuple[str, ...]:
    """The aid ledger's possible donors."""
    return tuple(_table()["aid"]["rows"])


def _before(row: FigureRow) -> str:
    """The words of the figure's sentence just before it (its own clause, mostly)."""
    s = row.sentence or ""
    start = (
        row.span_start if row.span_start is not None and row.span_start >= 0 else s.find(row.text)
    )
    if start < 0:
        return s
    words = list(_WORD.finditer(s, 0, start))[-WINDOW_WORDS:]
    return s[words[0].start() : start] if words else ""


def spending_kind(row: FigureRow, subject: str) -> str | None:
    """actual / planned / target, when the words before the figure (else its sentence) say."""
    order = ("target", "planned", "actual") if subject == ALLIANCE else ("planned", "actual")
    order += () if subject == ALLIANCE else ("target",)
    pats = _patterns("spending", order)
    for text in (_before(row), row.sentence or ""):
        for kind, rx in pats:
            if rx.search(text):
                return kind
    return None


def figure_year(sentence: str | None, reported: date, kind: str | None) -> int | None:
    """The year a figure is for ("by 2035", "a 2027 budget", "next year"): a target or plan looks
    ahead, so a past year ("agreed in 2014") is not its year."""
    s = sentence or ""
    years = [int(m.group(1) or m.group(2)) for m in _YEAR.finditer(s)]
    low = s.lower()
    years += [reported.year + d for phrase, d in _RELATIVE_YEAR.items() if phrase in low]
    if kind in ("planned", "target"):
        years = [y for y in years if y >= reported.year]
    elif kind == "actual":
        years = [y for y in years if y <= reported.year]
    return years[0] if years else None


def demanded(row: FigureRow) -> bool:
    """Whether the words just before the figure make it a demand of others ("he wants them to
    be spending 5 percent", "Trump's demand to lift the target to 5%", "urged allies to give
    $1bn") rather than a report of the subject's own spending, plan, target or pledge."""
    return bool(_demand_re().search(_before(row)))


@cache
def _demand_re() -> re.Pattern[str]:
    """The ``[demand]`` words of the table as one pattern (see ledgers.toml)."""
    d = _table()["demand"]
    asking = (
        rf"(?:{'|'.join(d['asking'])})\s+(?!(?:{'|'.join(d['own'])})\b)"
        r"[\w’'-]+(?:\s+(?!to\b)[\w’'-]+){0,2}\s+to"
    )
    return _rx([*d["verbs"], asking])


def aid_kind(sentence: str | None) -> str | None:
    """military / financial / humanitarian when the sentence says one; "mixed" for several."""
    found = [k for k, rx in _patterns("aid", AID_KINDS) if rx.search(sentence or "")]
    return found[0] if len(found) == 1 else ("mixed" if found else None)


AID_KINDS = ("military", "financial", "humanitarian")


def _reported(row: FigureRow) -> datetime:
    return row.published_at or row.first_seen_at


def _cell(row: FigureRow, kind: str | None, year: int | None) -> Cell:
    return Cell(
        text=row.text,
        value=row.value,
        low=row.low,
        high=row.high,
        unit=row.unit or "",
        qualifier=row.qualifier,
        approx=bool(row.approx),
        kind=kind,
        year=year,
        date=_reported(row).date(),
        source=row.feed_name,
        url=row.url,
        title=row.article_title,
        sentence=row.sentence,
        fact_key=row.fact_key,
        article=row.article,
        cluster=row.cluster_id,
    )


def _order(row: FigureRow) -> tuple:
    """Latest last: by report date, then first sighting; in one article a body sentence after
    its headline, and the first figure of the body first."""
    headline = bool(row.sentence) and row.sentence == row.article_title
    return (_reported(row), row.first_seen_at, row.article, not headline, -row.idx)


def _fits(row: FigureRow, topic: str) -> bool:
    if row.question or row.value is None or not row.sentence or not row.unit:
        return False
    if demanded(row):
        return False
    return (
        figure_topic(
            sentence=row.sentence,
            text=row.text,
            unit=row.unit,
            span_start=row.span_start,
            topics=(topic,),
            article_topics=(topic,),
        )
        == topic
    )


def _subject(row: FigureRow, names: Iterable[str]) -> str | None:
    """The row's ledger name, or None when the subject is missing or not a row (left out)."""
    name = canonical_actor(row.subject)
    return name if name in names else None


def _latest_and_previous(
    cells: list[Cell], measure: Callable[[Cell], object]
) -> tuple[Cell | None, Cell | None]:
    """The latest cell, and the value its measure had before the latest report changed it.

    Walking back report by report (an article is one report) over the same measure: a report
    that also gives the latest value confirms it; the first report with one other value is the
    previous value; a report with several other values is ambiguous, and none is given."""
    if not cells:
        return None, None
    latest = cells[-1]
    key = measure(latest)
    by_article: dict[str, list[Cell]] = defaultdict(list)
    order: list[str] = []
    for c in cells:
        if measure(c) != key or c.article == latest.article:
            continue
        if c.article not in by_article:
            order.append(c.article)
        by_article[c.article].append(c)
    for art in reversed(order):
        values = {(c.low, c.high) for c in by_article[art]}
        if (latest.low, latest.high) in values:
            continue  # the same value: confirmed, not changed
        if len(values) > 1:
            return latest, None
        return latest, by_article[art][-1]
    return latest, None


def spending_ledger(rows: Iterable[FigureRow]) -> list[SpendingRow]:
    """One row per NATO member and the alliance (table order), latest share of GDP and latest
    defence money figure with their previous values."""
    names = spending_names()
    gdp: dict[str, list[Cell]] = defaultdict(list)
    money: dict[str, list[Cell]] = defaultdict(list)
    for row in sorted(rows, key=_order):
        name = _subject(row, names)
        if name is None or not _fits(row, SPENDING_TOPIC):
            continue
        if row.unit == GDP:
            kind = spending_kind(row, name)
            year = figure_year(row.sentence, _reported(row).date(), kind)
            gdp[name].append(_cell(row, kind, year))
        elif unit_kind(row.unit or "") == "money":
            year = figure_year(row.sentence, _reported(row).date(), "planned")
            money[name].append(_cell(row, None, year))
    out = []
    for name in names:
        g, gp = _latest_and_previous(gdp[name], lambda c: (c.kind, c.year))
        m, mp = _latest_and_previous(money[name], lambda c: c.unit)
        out.append(SpendingRow(name, g, gp, m, mp))
    return out


def aid_ledger(rows: Iterable[FigureRow]) -> list[AidRow]:
    """One row per donor with reported amounts (donors with none are not listed), each
    distinct amount once (by fact identity), first report first."""
    names = aid_names()
    cumulative = _rx(_table()["aid"]["cumulative"])
    facts: dict[str, dict[str, list[FigureRow]]] = defaultdict(dict)
    for row in sorted(rows, key=_order):
        if unit_kind(row.unit or "") != "money":
            continue
        name = _subject(row, names)
        if name is None or not _fits(row, AID_TOPIC):
            continue
        facts[name].setdefault(row.fact_key, []).append(row)
    out = []
    for name in names:
        if name not in facts:
            continue
        entries = []
        for reports in facts[name].values():
            first = min(reports, key=_order_first)
            body = [r for r in reports if r.sentence != r.article_title] or reports
            shown = min(body, key=_order_first)
            kind = next((k for r in body if (k := aid_kind(r.sentence))), None)
            cell = _cell(shown, kind, figure_year(shown.sentence, _reported(first).date(), None))
            entries.append(
                AidEntry(
                    cell=cell,
                    reports=len({r.article for r in reports}),
                    cumulative=any(cumulative.search(r.sentence or "") for r in reports),
                )
            )
        entries.sort(key=lambda e: (e.cell.date, e.cell.fact_key))
        totals, why = aid_totals(entries)
        out.append(AidRow(name, tuple(entries), totals, why))
    return out


def _order_first(row: FigureRow) -> tuple:
    return (_reported(row), row.first_seen_at, row.article, row.idx)


def aid_totals(entries: Sequence[AidEntry]) -> tuple[dict[str, float], dict[str, str]]:
    """Per currency, a total only where the sources allow it: exact amounts (no "about", "up
    to", range), none a running total, each from its own story (two amounts of one story may be
    a package and its part).  Otherwise no total, and the reason."""
    totals: dict[str, float] = {}
    why: dict[str, str] = {}
    by_currency: dict[str, list[AidEntry]] = defaultdict(list)
    for e in entries:
        by_currency[e.cell.unit].append(e)
    for cur, es in by_currency.items():
        cells = [e.cell for e in es]
        if any(e.cumulative for e in es):
            why[cur] = "a source gives a running total; amounts are not added"
        elif any(c.approx or c.qualifier or c.low != c.high for c in cells):
            why[cur] = "an amount is approximate or a range"
        elif len({c.cluster or c.article for c in cells}) < len(cells):
            why[cur] = "two amounts come from one story (a package and its part?)"
        else:
            totals[cur] = sum(c.value or 0.0 for c in cells)
    return totals, why
