"""The ledgers as flat tables (issue 17): one row per ledger cell, for ``newswatch export``
(Parquet/CSV with a schema) and the Prefect table artifacts of the digest run.

Pure: the ledgers of :mod:`monitors.decide.ledgers` in, plain dicts out (JSON-ready: dates as
``date`` objects for the export, :func:`jsonable` for an artifact).  Every row carries its source:
the outlet, the article's URL and id, and the sentence the figure was read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from monitors.decide.ledgers import AidRow, Cell, SpendingRow

# column -> (DuckDB type, meaning), shared by both ledgers, in this order
_CELL: dict[str, tuple[str, str]] = {
    "text": ("VARCHAR", "the figure as written"),
    "value": ("DOUBLE", "its value in the unit"),
    "low": ("DOUBLE", "low end (equal to high unless a range)"),
    "high": ("DOUBLE", "high end"),
}
_SOURCE: dict[str, tuple[str, str]] = {
    "year": ("INTEGER", "the year the figure is for, when its sentence says"),
    "date": ("DATE", "reported: the article's publication date, else when first seen (UTC)"),
    "outlet": ("VARCHAR", "the feed's name in the config, else its URL"),
    "url": ("VARCHAR", "the source article's URL"),
    "title": ("VARCHAR", "the source article's headline"),
    "sentence": ("VARCHAR", "the sentence the figure was read from"),
    "article": ("VARCHAR", "articles.id of the source article"),
    "fact_key": ("VARCHAR", "figures.fact_key: identity of the fact across articles"),
}
_PREVIOUS: dict[str, tuple[str, str]] = {
    "previous_text": ("VARCHAR", "the value this measure had before the latest report changed it"),
    "previous_value": ("DOUBLE", "its value (null when unchanged or unclear)"),
    "previous_date": ("DATE", "when the previous value was reported"),
    "previous_outlet": ("VARCHAR", "the previous value's outlet"),
    "previous_url": ("VARCHAR", "the previous value's source article"),
    "previous_sentence": ("VARCHAR", "the previous value's sentence"),
}
SPENDING_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("VARCHAR", "the ally (a NATO member) or NATO itself"),
    "measure": ("VARCHAR", "share_of_gdp (latest share of GDP) or amount (latest defence budget)"),
    **_CELL,
    "unit": ("VARCHAR", "percent_gdp, or the ISO 4217 currency of an amount"),
    "kind": ("VARCHAR", "actual, planned or target, when the sentence says (shares of GDP)"),
    **_SOURCE,
    **_PREVIOUS,
}
AID_COLUMNS: dict[str, tuple[str, str]] = {
    "donor": ("VARCHAR", "the donor (a country, the EU, an institution)"),
    **_CELL,
    "currency": ("VARCHAR", "ISO 4217 currency"),
    "kind": ("VARCHAR", "military, financial, humanitarian or mixed, when the sentence says"),
    **_SOURCE,
    "reports": ("INTEGER", "articles that reported this amount (first report shown)"),
    "cumulative": ("BOOLEAN", "a source gives it as a running total, not a package"),
    "total": ("DOUBLE", "the donor's total in this currency, only where the sources allow one"),
    "no_total": ("VARCHAR", "why no total is given in this currency"),
}
# table -> (what a row is, columns)
LEDGER_TABLES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "spending": (
        "one ledger cell of an ally: its latest share of GDP or its latest defence amount, with "
        "the previous value when a later report changed it (allies with no report have no row)",
        SPENDING_COLUMNS,
    ),
    "aid": (
        "one distinct aid amount reported for a donor (the same fact in several outlets is one "
        "row, first report first)",
        AID_COLUMNS,
    ),
}


def _cell(c: Cell) -> dict:
    return {
        "text": c.text,
        "value": c.value,
        "low": c.low,
        "high": c.high,
        "year": c.year,
        "date": c.date,
        "outlet": c.source,
        "url": c.url,
        "title": c.title,
        "sentence": c.sentence,
        "article": c.article,
        "fact_key": c.fact_key,
    }


def _previous(p: Cell | None) -> dict:
    if p is None:
        return dict.fromkeys(_PREVIOUS)
    return {
        "previous_text": p.text,
        "previous_value": p.value,
        "previous_date": p.date,
        "previous_outlet": p.source,
        "previous_url": p.url,
        "previous_sentence": p.sentence,
    }


def spending_table(rows: Sequence[SpendingRow]) -> list[dict]:
    """A row per reported cell, allies in table order, share of GDP before amount; the keys are
    :data:`SPENDING_COLUMNS` in order."""
    out = []
    for r in rows:
        for measure, c, prev in (
            ("share_of_gdp", r.gdp, r.gdp_previous),
            ("amount", r.amount, r.amount_previous),
        ):
            if c is None:
                continue
            row = {"name": r.name, "measure": measure, "unit": c.unit, "kind": c.kind}
            row |= _cell(c) | _previous(prev)
            out.append({k: row[k] for k in SPENDING_COLUMNS})
    return out


def aid_table(rows: Sequence[AidRow]) -> list[dict]:
    """A row per reported amount, donors in table order; the keys are :data:`AID_COLUMNS`."""
    out = []
    for r in rows:
        for e in r.entries:
            c = e.cell
            row = {"donor": r.donor, "currency": c.unit, "kind": c.kind} | _cell(c)
            row |= {"reports": e.reports, "cumulative": e.cumulative}
            row |= {"total": r.totals.get(c.unit), "no_total": r.no_total.get(c.unit)}
            out.append({k: row[k] for k in AID_COLUMNS})
    return out


def jsonable(rows: Sequence[dict]) -> list[dict]:
    """The rows with dates as ISO strings (a Prefect table artifact is JSON)."""
    return [
        {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()} for row in rows
    ]
