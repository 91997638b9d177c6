"""Counts with a scale word (``ten million rounds``, ``two dozen soldiers``), vague counts
(``tens of thousands of troops``) and ``X of Y`` (``23 of NATO's 32 members``).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.hedges import QUAL_OPT, hedge_of
from monitors.nlp.figures.labels import elided_measure, is_label_context
from monitors.nlp.figures.lexical import (
    CUR_WORD,
    NUMBER,
    NUMWORD,
    NUMWORD_SCALED,
    SCALE_COUNT,
    SCALE_NAMES,
    SCALE_WORD,
    SEP,
    TENS_WORDS,
    UNIT_WORDS,
    Found,
    bad_after,
    looks_like_year,
    next_word,
    words_alt,
)
from monitors.nlp.figures.money import BARE_MONEY, RX_UNIT_NOTE_BEFORE
from monitors.nlp.figures.nouns import EXCLUDED, currency_head, noun_phrase_end
from monitors.nlp.figures.numbers import (
    parse_number,
    word_number,
)
from monitors.nlp.figures.ranges import range_ok, scaled_amount, vague_value
from monitors.nlp.lexicon import table, word_set

_RX_XOFY = re.compile(
    rf"{QUAL_OPT}(?P<n1>{NUMBER})\s+(?:out\s+)?of\s+(?:(?:the|its|their|our|all)\s+)?"
    r"(?:(?:[A-Z][\w.&-]*\s+){0,2}[A-Z][\w.&-]*['’]s?\s+|remaining\s+)?"
    rf"(?P<n2>{NUMBER})(?![\w.,%-]*\d)(?![%\w-])",
    re.I,
)
_RX_COUNT_SCALE = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?:(?P<n1>{NUMBER})(?P<s1>{SCALE_COUNT}|(?P<m1>m)\b(?!['’]|-(?!\d)))"
    rf"|(?P<w1>{NUMWORD_SCALED})(?P<ws1>{SCALE_WORD}(?P<ah>\s+and\s+a\s+half\b)?"
    rf"(?!\s+(?:and\s+)?(?:{TENS_WORDS}|{UNIT_WORDS})\b)"
    rf"|(?P<h1>\s+hundred)\b(?![-'’])(?!\s+(?:and\s+)?(?:{SCALE_NAMES}|"
    rf"{TENS_WORDS}|{UNIT_WORDS})\b))"
    rf"|(?P<dz>(?:(?:{NUMWORD}|a)\s+)?dozen)\b)"
    rf"(?:{SEP}(?P<n2>{NUMBER})(?P<s2>{SCALE_COUNT}|(?<=\d)m\b(?!['’-])))?",
    re.I,
)
_RX_COUNT_VAGUE = re.compile(
    rf"{QUAL_OPT}(?P<v>(?:tens|hundreds)\s+of\s+(?:thousands|millions)"
    r"|(?:several|a\s+few|many)\s+(?:dozen|hundred|thousand|million)(?:\s+thousand)?"
    r"|(?:many\s+)?(?:dozens|hundreds|thousands|millions))\b(?P<of>\s+of)?",
    re.I,
)
_WORDS = table("figures_words")
_MONEY_NOUNS = word_set(_WORDS["money_nouns"])


def parse_xofy(text: str, start: int) -> list[Found]:
    m = _RX_XOFY.match(text, start)
    if not m:
        return []
    n1, n2 = m.group("n1"), m.group("n2")
    if looks_like_year(n2) or looks_like_year(n1) or is_label_context(text, m.start("n1")):
        return []
    v1, v2 = parse_number(n1), parse_number(n2)
    if v1 is None or v2 is None or v1 > v2:
        return []
    end = m.end()
    np_end = noun_phrase_end(text, end)
    if np_end == EXCLUDED:
        return []
    if np_end is not None:
        end = np_end
    return [(start, end, {"value": v1, "unit": "count", "of": v2, "qualifier": hedge_of(m)})]


def _range_span(
    start: int, end: int, m: re.Match[str], low: float, high: float, unit: str, div: float = 1.0
) -> list[Found]:
    return [
        (
            start,
            end,
            {
                "value": low / div,
                "low": low / div,
                "high": high / div,
                "unit": unit,
                "qualifier": hedge_of(m),
            },
        )
    ]


def _first_scaled(m: re.Match[str]) -> tuple[float | None, int, str]:
    """The first number with its scale word: (value, where its scale ends, the scale)."""
    if m.group("n1"):
        return scaled_amount(m.group("n1"), m.group("s1")), m.end("s1"), m.group("s1")
    ws1 = m.group("ws1")
    scale = ws1[: m.start("ah") - m.start("ws1")] if m.group("ah") else ws1
    v1 = scaled_amount(m.group("w1"), scale)
    if v1 is not None and m.group("ah"):  # "a million and a half shells"
        v1 += 0.5 * (scaled_amount("1", scale) or 0.0)
    return v1, m.end("ws1"), scale


def parse_count_scale(text: str, start: int) -> list[Found]:
    m = _RX_COUNT_SCALE.match(text, start)
    if not m:
        return []
    if m.group("dz"):
        return _dozen_count(text, start, m)
    if m.group("n1") and is_label_context(text, m.start("n1")):
        return []
    v1, s1_end, scale = _first_scaled(m)
    v2 = scaled_amount(m.group("n2"), m.group("s2"))
    if v1 is None:
        return []
    end = m.end()
    if v2 is not None and not range_ok(text, start, m):
        v2, end = None, s1_end
    if bad_after(text, end) or re.match(r"-[A-Za-z]", text[end : end + 2]):
        return []
    if scale == "K" and re.fullmatch(r"\d", m.group("n1") or ""):
        return []  # "4K TVs", "8K video": a display format, not four thousand things
    high = v2 if v2 is not None else v1
    if m.group("m1") or m.group("h1"):
        # "1.2m refugees", "two hundred soldiers": only with the counted noun ("100m sprint",
        # "300m tall" are lengths; "a hundred" alone is too vague to read)
        np_end = noun_phrase_end(text, end)
        if (
            np_end is None
            or np_end == EXCLUDED
            or next_word(text, end) in _MONEY_NOUNS
            or _RX_CUR_WORD_AHEAD.match(text, end)
        ):
            return []
        return _range_span(start, np_end, m, v1, high, "count")
    if next_word(text, end) in _MONEY_NOUNS:
        # "a 1.5 billion package": money whose currency only the context can give
        return _range_span(start, end, m, v1, high, BARE_MONEY)
    return _scaled_head(text, start, end, m, (v1, high), scale)


def _scaled_head(
    text: str, start: int, end: int, m: re.Match[str], values: tuple[float, float], scale: str
) -> list[Found]:
    """What a scaled number counts: the noun after it, a currency noun (money), or -- with no
    noun -- a measure (no figure) or, from a billion up, an amount whose currency is elsewhere."""
    v1, high = values
    np_end = noun_phrase_end(text, end)
    if np_end == EXCLUDED:
        return []
    if np_end is None:
        if scale.strip().lower() == "k":
            return []  # "4K"
        if (
            elided_measure(text, start)
            or RX_RATE_AFTER.match(text, end)
            or _RX_UNIT_ABBR_AFTER.match(text, end)
        ):
            return []  # "2.5 million b/d", "1.2 million DWT": a measure
        if v1 >= 1e9:  # "40 billion more is needed": an amount, not a count of things
            return _range_span(start, end, m, v1, high, BARE_MONEY)
        return _range_span(start, end, m, v1, high, "count")
    money = currency_head(text, end, np_end)
    if money:  # "40 million taxpayer dollars"
        return _range_span(start, np_end, m, v1, high, money[0], money[1])
    return _range_span(start, np_end, m, v1, high, "count")


_RX_CUR_WORD_AHEAD = re.compile(rf"\s+(?:[A-Z][a-z]+\s+)?(?:{CUR_WORD})", re.I)


# Unit abbreviations that follow an amount of a physical quantity.
_RX_UNIT_ABBR_AFTER = re.compile(
    rf"\s*(?:{words_alt(_WORDS['measure_rates'])}|{words_alt(_WORDS['measure_abbr'])}\b"
    rf"|(?-i:{words_alt(_WORDS['measure_abbr_cased'])})\b)",
    re.I,
)


def _dozen_count(text: str, start: int, m: re.Match[str]) -> list[Found]:
    """``a dozen``/``two dozen``/``dozen`` + a plural noun: 12 times the multiplier."""
    words = m.group("dz").lower().split()
    mult = word_number(" ".join(words[:-1])) if len(words) > 1 else 1.0
    np_end = noun_phrase_end(text, m.end("dz"))
    if np_end is None or np_end == EXCLUDED:
        return []
    s = start if m.group("q") else m.start("dz")
    value = (mult or 1.0) * 12
    return [(s, np_end, {"value": value, "unit": "count", "qualifier": hedge_of(m)})]


# Not "thousands more in fees" (money) nor "hundreds more than ..." (a comparison).
_RX_VAGUE_MORE = re.compile(r"\s+more\b(?!\s+(?:than|of|in)\b)(?![-'’])", re.I)


def parse_count_vague(text: str, start: int) -> list[Found]:
    m = _RX_COUNT_VAGUE.match(text, start)
    if not m or RX_UNIT_NOTE_BEFORE.search(text, max(0, start - 20), start):
        return []  # "(Expressed in thousands of US dollars)": the unit of a table
    v = m.group("v").lower()
    single = re.sub(r"^many\s+", "", v) in ("dozens", "hundreds", "thousands", "millions")
    if single and not m.group("of"):
        more = _RX_VAGUE_MORE.match(text, m.end("v"))
        if more:  # "and millions more who ...": the noun is the one before, left out
            np_end = noun_phrase_end(text, more.end())
            if np_end == EXCLUDED:
                return []
            return [
                (
                    start,
                    np_end or more.end(),
                    {
                        "value": vague_value(v),
                        "unit": "count",
                        "approx": True,
                        "qualifier": hedge_of(m),
                    },
                )
            ]
        return []
    if m.group("of") and RX_PLURAL_SCALE_AFTER.match(text, m.end()):
        return []  # "hundreds of billions" with no currency: an amount, not 100 things
    np_start = m.end() if m.group("of") else m.end("v")
    np_end = noun_phrase_end(text, np_start)
    if np_end == EXCLUDED:
        return []
    if np_end is None:
        if single or m.group("of"):
            return []
        end = m.end("v")
    else:
        end = np_end
    money = currency_head(text, np_start, end)
    if money:
        code, div = money  # "hundreds of dollars", "millions of taxpayer dollars"
        return [
            (
                start,
                end,
                {
                    "value": vague_value(v) / div,
                    "unit": code,
                    "approx": True,
                    "qualifier": hedge_of(m),
                },
            )
        ]
    return [
        (
            start,
            end,
            {"value": vague_value(v), "unit": "count", "approx": True, "qualifier": hedge_of(m)},
        )
    ]


RX_PLURAL_SCALE_AFTER = re.compile(rf"\s+(?:hundreds|{SCALE_NAMES}s|dozens)\b", re.I)
RX_RATE_AFTER = re.compile(
    rf"\s+{words_alt(_WORDS['rate_words'])}\s+{words_alt(_WORDS['rate_periods'])}\b", re.I
)
