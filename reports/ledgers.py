"""The ledgers as text, CSV and JSON (``newswatch ledger``; issue 17).

Plain data in (:mod:`monitors.decide.ledgers`' rows), strings out.  Every cell carries its
source: the outlet, the article's URL and the sentence the figure was read from.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict

from monitors.decide.ledgers import AidRow, Cell, SpendingRow

CELL_FIELDS = ("text", "value", "low", "high", "unit", "kind", "year", "date", "source", "url")
SPENDING_CSV = ["name"] + [
    f"{m}_{f}"
    for m in ("gdp", "amount")
    for f in (*CELL_FIELDS, "sentence", "previous_value", "previous_date", "previous_url")
]
AID_CSV = ["donor", *CELL_FIELDS, "sentence", "reports", "cumulative", "total", "no_total"]


def cell_dict(c: Cell | None) -> dict | None:
    """A cell as JSON: the figure, its kind and year, and its source (outlet, URL, sentence)."""
    if c is None:
        return None
    d = asdict(c)
    d["date"] = c.date.isoformat()
    for internal in ("fact_key", "article", "cluster", "approx"):
        d.pop(internal)
    return d


def spending_data(rows: Sequence[SpendingRow]) -> dict:
    """The spending ledger as JSON-ready data: every ally, null where nothing is reported."""
    return {
        "ledger": "spending",
        "rows": [
            {
                "name": r.name,
                "gdp": cell_dict(r.gdp),
                "gdp_previous": cell_dict(r.gdp_previous),
                "amount": cell_dict(r.amount),
                "amount_previous": cell_dict(r.amount_previous),
            }
            for r in rows
        ],
    }


def aid_data(rows: Sequence[AidRow]) -> dict:
    """The aid ledger as JSON-ready data: the donors with reported amounts."""
    return {
        "ledger": "aid",
        "rows": [
            {
                "donor": r.donor,
                "entries": [
                    cell_dict(e.cell) | {"reports": e.reports, "cumulative": e.cumulative}
                    for e in r.entries
                ],
                "totals": r.totals,
                "no_total": r.no_total,
            }
            for r in rows
        ],
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _cells(prefix: str, c: Cell | None, prev: Cell | None) -> dict:
    d = cell_dict(c) or {}
    out = {f"{prefix}_{f}": d.get(f) for f in (*CELL_FIELDS, "sentence")}
    out[f"{prefix}_previous_value"] = prev.value if prev else None
    out[f"{prefix}_previous_date"] = prev.date.isoformat() if prev else None
    out[f"{prefix}_previous_url"] = prev.url if prev else None
    return out


def _csv(header: Sequence[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(header), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if v is None else v for k, v in r.items()})
    return buf.getvalue()


def spending_csv(rows: Sequence[SpendingRow]) -> str:
    """One line per ally (all 33, empty cells where nothing is reported)."""
    return _csv(
        SPENDING_CSV,
        [
            {"name": r.name}
            | _cells("gdp", r.gdp, r.gdp_previous)
            | _cells("amount", r.amount, r.amount_previous)
            for r in rows
        ],
    )


def aid_csv(rows: Sequence[AidRow]) -> str:
    """One line per reported amount; ``total`` is the donor's total in that currency when the
    sources allow one (the same on each of its lines), else ``no_total`` says why."""
    out = []
    for r in rows:
        for e in r.entries:
            d = cell_dict(e.cell) or {}
            cur = e.cell.unit
            out.append(
                {"donor": r.donor}
                | {f: d.get(f) for f in (*CELL_FIELDS, "sentence")}
                | {"reports": e.reports, "cumulative": e.cumulative}
                | {"total": r.totals.get(cur), "no_total": r.no_total.get(cur)}
            )
    return _csv(AID_CSV, out)


def amount(value: float | None, unit: str) -> str:
    """'EUR 7 bn', 'USD 300 m'."""
    if value is None:
        return unit
    for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{unit} {value / size:,.3g} {word}"
    return f"{unit} {value:,.0f}"


def _share(c: Cell) -> str:
    lo, hi = c.low, c.high
    ranged = lo is not None and hi is not None and lo != hi
    s = f"{lo:g}–{hi:g}%" if ranged else f"{c.value:g}%"
    return (">" + s if c.qualifier == "more_than" else s) + " of GDP"


def _what(c: Cell) -> str:
    return " ".join(str(x) for x in (c.kind, c.year) if x) or "reported"


def cell_value(c: Cell) -> str:
    """A ledger cell's figure for a reader: '2.4% of GDP', '>3% of GDP', 'EUR 90 bn'."""
    return _share(c) if c.unit == "percent_gdp" else amount(c.value, c.unit)


def cell_what(c: Cell) -> str:
    """What the cell is, when its sentence says: 'planned 2027', 'target 2035', 'military'."""
    return " ".join(str(x) for x in (c.kind, c.year) if x)


def _source_lines(c: Cell, indent: str) -> list[str]:
    sentence = (c.sentence or "").strip()
    if len(sentence) > 160:
        sentence = sentence[:157] + "…"
    return [f"{indent}{c.url}", f"{indent}“{sentence}”"]


def _line(label: str, figure: str, what: str, c: Cell) -> str:
    return f"  {label:<14}{figure:<24}{what:<16}{c.date.isoformat()}  {c.source or '-'}"


def spending_text(rows: Sequence[SpendingRow]) -> str:
    """A block per ally with a report; a closing line names the allies with none."""
    out: list[str] = []
    for r in rows:
        if not (r.gdp or r.amount):
            continue
        out.append(r.name)
        for label, c, prev, fmt in (
            ("share of GDP", r.gdp, r.gdp_previous, _share),
            ("amount", r.amount, r.amount_previous, lambda c: amount(c.value, c.unit)),
        ):
            if c is None:
                continue
            out.append(_line(label, fmt(c), _what(c) if label != "amount" else "", c))
            out += _source_lines(c, " " * 16)
            if prev is not None:
                out.append(_line("  previously", fmt(prev), _what(prev), prev))
                out += _source_lines(prev, " " * 16)
    none = [r.name for r in rows if not (r.gdp or r.amount)]
    if not out:
        out.append("no spending figures with an ally as subject in the store")
    if none:
        out.append(f"\nno report ({len(none)}): {', '.join(none)}")
    return "\n".join(out)


def aid_text(rows: Sequence[AidRow]) -> str:
    """A block per donor: each reported amount with its kind, date and source; then totals."""
    out: list[str] = []
    for r in rows:
        out.append(r.donor)
        for e in r.entries:
            c = e.cell
            kind = c.kind or "-"
            seen = f" ({e.reports} reports)" if e.reports > 1 else ""
            run = " running total" if e.cumulative else ""
            out.append(
                f"  {amount(c.value, c.unit):<16}{kind + run:<16}{c.date.isoformat()}  "
                f"{c.source or '-'}{seen}"
            )
            out += _source_lines(c, " " * 4)
        for cur, total in sorted(r.totals.items()):
            n = sum(1 for e in r.entries if e.cell.unit == cur)
            out.append(f"  total {amount(total, cur)} ({n} reported amount{'s' * (n != 1)})")
        for cur, why in sorted(r.no_total.items()):
            out.append(f"  no {cur} total: {why}")
    return "\n".join(out) if out else "no aid amounts with a known donor as subject in the store"
