"""Percentage points and basis points (``0.5 percentage points``, ``28 bps``) and percents
(``5%``, ``two percent``, ``between 2.5% and 3%``, with an ``of GDP`` tail).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.hedges import QUAL_OPT, hedge_of
from monitors.nlp.figures.lexical import (
    GDP_TAIL,
    OR_MORE,
    PCT,
    PCT_WORD_NUM,
    SEP,
    Found,
    bad_after,
    looks_like_year,
)
from monitors.nlp.figures.numbers import (
    parse_number,
)
from monitors.nlp.figures.ranges import bare_change_range, not_a_range, range_ok

_RX_PP = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?P<n1>{PCT_WORD_NUM})(?:{SEP}(?P<n2>{PCT_WORD_NUM}))?"
    r"(?P<u>\s+(?:percentage|per\s?cent(?:age)?)[\s-]+points?\b|\s?(?:pps?|ppts?)\b"
    r"|(?P<bp>\s+basis[\s-]+points?\b|\s?bps?\b))",
    re.I,
)
_RX_PCT = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?P<n1>{PCT_WORD_NUM})"
    rf"(?:(?P<u1>{PCT})(?:{SEP}(?P<n2>{PCT_WORD_NUM})(?P<u2>{PCT}))?"
    rf"|(?P<sep2>\s*[-–]\s*|\s+to\s+|\s+and\s+)(?P<n2b>{PCT_WORD_NUM})(?P<u2b>{PCT}))"
    rf"{GDP_TAIL}{OR_MORE}",
    re.I,
)


def parse_pp(text: str, start: int) -> list[Found]:
    m = _RX_PP.match(text, start)
    if not m or bad_after(text, m.end()):
        return []
    div = 100.0 if m.group("bp") else 1.0
    v1 = parse_number(m.group("n1"))
    v2 = parse_number(m.group("n2")) if m.group("n2") else None
    if v1 is None or (
        v2 is not None
        and not range_ok(text, start, m)
        and not bare_change_range(text, start, m, v1, v2)
    ):
        return []
    if v1 <= 0 or (v2 is not None and not_a_range(m.group("sep"), v1, v2)):
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            m.end(),
            {
                "value": v1 / div,
                "low": v1 / div,
                "high": high / div,
                "unit": "pp",
                "qualifier": hedge_of(m),
            },
        )
    ]


def parse_pct(text: str, start: int) -> list[Found]:
    m = _RX_PCT.match(text, start)
    if not m:
        return []
    n2 = m.group("n2") or m.group("n2b")
    sep_group = "sep" if m.group("n2") else "sep2"
    v1 = parse_number(m.group("n1"))
    if v1 is None:
        return []
    if (
        looks_like_year(m.group("n1"))
        and m.group("u1")
        and m.group("u1")[:1].isspace()
        and m.group("u1").strip() == "%"
    ):
        return []  # a table header "2024 2023 % Change": a year, then a column name
    bare_first = not m.group("u1")  # "15 to 20 percent": the first number needs the second's unit
    if bare_first and looks_like_year(m.group("n1")):
        return []  # "in 2019 to 14.5 percent": a year, then the figure
    if n2 is not None and bare_first and (m.group("sep2") or "").strip().lower() == "and":
        if not m.group("btw"):
            return []
    elif n2 is not None and not bare_first and not range_ok(text, start, m, sep_group):
        if m.group("u1"):
            end = m.end("u1")
            return [
                (
                    start if not m.group("btw") else m.start("n1"),
                    end,
                    {
                        "value": v1,
                        "unit": "percent",
                        "qualifier": hedge_of(m) if not m.group("btw") else None,
                    },
                )
            ]
        return []
    v2 = parse_number(n2) if n2 is not None else None
    if v2 is not None and not_a_range(m.group(sep_group), v1, v2):
        if not m.group("u1") or m.group("btw"):
            return []  # "CAC 40 -0.4%": a name, then a signed change
        return [(start, m.end("u1"), {"value": v1, "unit": "percent", "qualifier": hedge_of(m)})]
    end = m.end()
    q = hedge_of(m)
    if m.group("more"):
        q = "at_least"
    if bad_after(text, end) and not m.group("gdp") and text[end : end + 1] != "-":
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            end,
            {
                "value": v1,
                "low": v1,
                "high": high,
                "unit": "percent_gdp" if m.group("gdp") else "percent",
                "qualifier": q,
            },
        )
    ]
