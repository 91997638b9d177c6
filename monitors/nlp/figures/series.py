"""Units given by neighbouring figures: a percent chained to a percent of GDP is of GDP too, and
an amount with no currency takes the currency of the series it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitors.model import Figure
from monitors.nlp.figures.hedges import QUAL_ALT
from monitors.nlp.figures.lexical import words_alt
from monitors.nlp.figures.money import BARE_MONEY
from monitors.nlp.lexicon import table

_CONTEXT = table("figures_context")


def _alt(name: str) -> str:
    return words_alt(_CONTEXT[name])


# The words that chain figures of one series in a sentence: "1.8% of GDP, up from 1.5% in 2021
# and 1.7% in 2022"; "$3.1 trillion in 2025, up from 2.9 trillion in 2024".
_RX_CHAIN_NOISE = re.compile(
    rf"\b{_alt('chain_year_before')}\s+(?:{_alt('chain_year_kinds')}\s+)?(?:year\s+)?"
    r"(?:FY)?\d{4}(?:/\d{2,4})?\b|\(\s*\d{4}\s*\)"
    rf"|\b{_alt('chain_year_ago_one')}\s+year\s+{_alt('chain_year_ago')}\b"
    rf"|\b{_alt('chain_year_which')}\s+year\b|[,;]",
    re.I,
)
_RX_CHAIN = re.compile(rf"\s*{_alt('chain_words')}\s*", re.I)
_MONEY_UNITS_EXCLUDED = frozenset({"percent", "percent_gdp", "pp", "count", BARE_MONEY})


def _chained(text: str, a: Figure, b: Figure) -> bool:
    """Whether figures ``a`` then ``b`` are one series in one sentence ("X, up from Y")."""
    if a.sentence != b.sentence or b.start - a.end > 60:
        return False
    gap = _RX_CHAIN_NOISE.sub(" ", text[a.end : b.start])
    return bool(_RX_CHAIN.fullmatch(gap))


def resolve_by_context(text: str, figures: list[Figure]) -> list[Figure]:
    """A percent chained to a percent of GDP is of GDP too; an amount with no currency takes
    the currency of the amount it is chained to, else the single currency of the amounts
    around it (``€15 billion ... 40 billion more is needed``), else it is dropped."""
    if not figures:
        return figures
    figs = list(figures)
    for order in (range(1, len(figs)), range(len(figs) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step > 0 else i + 1
            cur, other = figs[i], figs[j]
            a, b = (other, cur) if j < i else (cur, other)
            if (
                cur.unit == "percent"
                and other.unit == "percent_gdp"
                and _chained(text, a, b)
                and not _RX_OF_OTHER.match(text, cur.end)
            ):
                figs[i] = replace(cur, unit="percent_gdp")
            elif (
                cur.unit == BARE_MONEY
                and other.unit not in _MONEY_UNITS_EXCLUDED
                and _chained(text, a, b)
            ):
                figs[i] = replace(cur, unit=other.unit)
    for i in range(1, len(figs)):  # one series, one subject: "to 4% of GDP from 2%"
        a, b = figs[i - 1], figs[i]
        if a.unit == b.unit and a.subject != b.subject and _chained(text, a, b):
            figs[i] = replace(b, subject=a.subject)
    out = []
    for f in figs:
        if f.unit == BARE_MONEY:
            if not (_RX_BARE_MONEY_OK.match(f.text) and _RX_MONEY_CUE.search(f.sentence)):
                continue
            near = {
                g.unit
                for g in figs
                if g.unit not in _MONEY_UNITS_EXCLUDED
                and abs(g.start - f.start) <= _CURRENCY_WINDOW
            }
            n_near = sum(
                1 for g in figs if g.unit in near and abs(g.start - f.start) <= _CURRENCY_WINDOW
            )
            if len(near) != 1 or n_near < 2:
                continue
            f = replace(f, unit=near.pop())
        out.append(f)
    return out


_CURRENCY_WINDOW = 1500
# A percent "of" something else is a share of that, not of GDP ("30% of exports").
_RX_OF_OTHER = re.compile(r"\s+of\s+(?!GDP|gross|economic)", re.I)
# The amounts that may take the surrounding currency: digits with billion/trillion, in a
# sentence about money ("40 billion more is needed for air defence").
_RX_BARE_MONEY_OK = re.compile(rf"(?:{QUAL_ALT}\s+)?\d[\d.,]*\s*(?:billion|trillion|bn|tn)\b", re.I)
_RX_MONEY_CUE = re.compile(rf"\b{_alt('money_cue')}\b", re.I)
