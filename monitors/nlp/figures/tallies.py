"""Counts in plain digits: a number and its plural noun (``12,000 troops``), ``4,000-plus``, a part
of a group (``25 of its drones``), compounds (``the 450-seat parliament``), and the tallies
that leave out their noun (votes, casualties, a thousands-grouped number after a change).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.counts import RX_PLURAL_SCALE_AFTER, RX_RATE_AFTER
from monitors.nlp.figures.hedges import QUAL_OPT, hedge_of
from monitors.nlp.figures.labels import elided_measure, is_label_context, is_proportion_base
from monitors.nlp.figures.lexical import (
    CUR_WORD,
    NUMBER,
    SCALE_NAMES,
    SEP,
    Found,
    bad_after,
    looks_like_year,
    prev_word,
    words_alt,
)
from monitors.nlp.figures.nouns import EXCLUDED, NP_STOP, currency_head, noun_phrase_end
from monitors.nlp.figures.numbers import (
    parse_number,
)
from monitors.nlp.figures.ranges import is_suspended, not_a_range, range_ok
from monitors.nlp.lexicon import table, word_set

_WORDS = table("figures_words")
_CONTEXT = table("figures_context")


def _alt(name: str) -> str:
    return words_alt(_CONTEXT[name])


_RX_COUNT_DIGITS = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?P<n1>{NUMBER})(?:{SEP}(?P<n2>{NUMBER}))?(?=\s)", re.I
)


# "4,000-plus drones", "50+ countries": more than the number, with its counted noun.
_RX_COUNT_PLUS = re.compile(rf"(?P<n1>{NUMBER})(?:-plus\b|\+)(?=[ \t])", re.I)


_RX_SCALE_OR_CURRENCY_AHEAD = re.compile(
    rf"\s+(?:(?:hundred|{SCALE_NAMES}|dozen)s?\b|(?:[A-Z][a-z]+\s+)?"
    rf"(?:{CUR_WORD}))",
    re.I,
)


def _plus_count(text: str, start: int) -> list[Found]:
    m = _RX_COUNT_PLUS.match(text, start)
    if not m or looks_like_year(m.group("n1")) or is_label_context(text, start):
        return []
    if _RX_SCALE_OR_CURRENCY_AHEAD.match(text, m.end()):
        return []  # "10-plus billion dollars": an amount whose scale we would misread
    np_end = noun_phrase_end(text, m.end())
    v = parse_number(m.group("n1"))
    if np_end is None or np_end == EXCLUDED or v is None:
        return []
    return [(start, np_end, {"value": v, "unit": "count", "qualifier": "more_than"})]


def parse_count_digits(text: str, start: int) -> list[Found]:
    if is_proportion_base(text, start):
        return []
    plus = _plus_count(text, start)
    if plus:
        return plus
    m = _RX_COUNT_DIGITS.match(text, start)
    if not m:
        return (
            _compound_count(text, start) or _bare_count(text, start) or _casualty_count(text, start)
        )
    n1 = m.group("n1")
    if looks_like_year(n1) or "." in n1 or is_label_context(text, m.start("n1")):
        return []
    v1 = parse_number(n1)
    v2 = parse_number(m.group("n2")) if m.group("n2") else None
    if v1 is not None and v2 is not None and is_suspended(m.group("sep")) and "," not in n1:
        k = m.group("n2").count(",")  # "25- to 50,000": the first number is 25,000
        if k and v1 * 1000**k <= v2:
            v1 *= 1000**k
    end = m.end()
    if v2 is not None and (not range_ok(text, start, m) or looks_like_year(m.group("n2"))):
        return _bare_count(text, start)  # "rose by 12,000 to 231,000": two figures
    if v1 is not None and v2 is not None and not_a_range(m.group("sep"), v1, v2):
        return []
    if v1 is None or bad_after(text, end):
        return []
    if RX_PLURAL_SCALE_AFTER.match(text, end):
        return []  # "21 millions of people": a misprinted scale, its value unreadable
    np_end = noun_phrase_end(text, end)
    if np_end is None and v2 is None:
        return (
            _partitive_count(text, start, end, v1, hedge_of(m))
            or _bare_count(text, start)
            or _vote_count(text, start)
            or _casualty_count(text, start)
        )
    if np_end is None or np_end == EXCLUDED or _table_row_label(text, start, end):
        return []
    high = v2 if v2 is not None else v1
    money = currency_head(text, end, np_end)
    if money:  # "300 taxpayer dollars"
        return [
            (
                start,
                np_end,
                {
                    "value": v1 / money[1],
                    "low": v1 / money[1],
                    "high": high / money[1],
                    "unit": money[0],
                    "qualifier": hedge_of(m),
                },
            )
        ]
    return [
        (
            start,
            np_end,
            {"value": v1, "low": v1, "high": high, "unit": "count", "qualifier": hedge_of(m)},
        )
    ]


# A part of a group named after "of" and a determiner: "25 of its drones", "10 of Acme's
# largest plants", "300 of those bills" (the whole is not stated; "23 of 32 members" is X of Y).
_RX_PARTITIVE = re.compile(
    r"\s+of\s+(?:(?:the|its|their|his|her|our|these|those)\s+)?(?:[A-Z][\w.&-]*['’]s\s+)?"
    r"(?=[A-Za-z])"
)


def _partitive_count(text: str, start: int, end: int, v: float, q: str | None) -> list[Found]:
    m = _RX_PARTITIVE.match(text, end)
    if not m or m.group(0).strip().lower() == "of":
        return []  # "30 of them" has no noun; "25 of drones" is no English
    np_end = noun_phrase_end(text, m.end() - 1)
    if np_end is None or np_end == EXCLUDED or "\n" in text[end:np_end]:
        return []
    return [(start, np_end, {"value": v, "unit": "count", "qualifier": q})]


# A flattened financial table ("Goodwill 4,210 4,180 Other assets", "-- -- 250,000
# Repayments on notes"): after another cell on its line, a number is the last cell of a
# row and the capitalised words after it are the next row's label, not a counted noun.
_RX_CELL_BEFORE = re.compile(r"(?:[(\s]\$?\d[\d,.]*\)?|\s--?)[ \t]+$")
_RX_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")


def _table_row_label(text: str, start: int, end: int) -> bool:
    return bool(
        _RX_CAPITAL_AFTER.match(text, end)
        and _RX_CELL_BEFORE.search(text, max(0, start - 20), start)
    )


# A thousands-grouped number with no noun after it, reached by a change or a measure
# ("claims fell to 205,000.", "troop numbers rise by 150,000,"): a count.  Not in sentences
# about index levels, points or prices, where such a number is a level.
_RX_COUNT_BARE = re.compile(
    rf"{QUAL_OPT}(?P<n1>\d{{1,3}}(?:,\d{{3}})+)(?![\d,]*\d|\.\d)(?=[\s.,;:)]|$)", re.I
)
_BARE_COUNT_BEFORE = word_set(_WORDS["bare_count_before"])
_RX_LEVEL_CONTEXT = re.compile(rf"\b{_alt('level_context')}\b", re.I)


def _bare_count(text: str, start: int) -> list[Found]:
    m = _RX_COUNT_BARE.match(text, start)
    if not m or prev_word(text, start) not in _BARE_COUNT_BEFORE or elided_measure(text, start):
        return []
    if RX_RATE_AFTER.match(text, m.end()):
        return []  # "losses rose to 900 per day": a rate with its noun left out
    nxt = re.match(r"\s*([A-Za-z][\w-]*)", text[m.end() : m.end() + 30])
    if nxt and nxt.group(1).lower() not in NP_STOP:
        return []  # a unit or a word we cannot read ("1,500 m", "60,000 bpd", "3,200 ringgit")
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", m.end())
    line = text[ls : le if le >= 0 else len(text)]
    if _RX_LEVEL_CONTEXT.search(line) or re.search(r"[$€£¥%]", line):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": hedge_of(m)})]


# Vote tallies leave out the noun: "401 votes in favour and 284 against".
_RX_VOTE_TALLY = re.compile(
    rf"{QUAL_OPT}(?P<n1>\d{{1,3}}(?:,\d{{3}})*)(?=\s+{_alt('vote_tally_after')}\b)", re.I
)
_RX_VOTE_CONTEXT = re.compile(rf"\b{_alt('vote_context')}\b", re.I)


def _vote_count(text: str, start: int) -> list[Found]:
    m = _RX_VOTE_TALLY.match(text, start)
    if not m or looks_like_year(m.group("n1")):
        return []
    if not _RX_VOTE_CONTEXT.search(text, max(0, start - 150), min(len(text), m.end() + 80)):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": hedge_of(m)})]


# Casualty counts leave out "people": "a strike killing 27", "killed 14 and wounded 60",
# "at least 40 were wounded".  The number stands alone (no noun, unit or hyphen after it).
_RX_CASUALTY_NUMBER = re.compile(
    rf"{QUAL_OPT}(?P<n1>\d{{1,3}}(?:,\d{{3}})*)(?![\d,]*\d|\.\d)(?=[,;:)]|\.(?!\d)|\s|$)", re.I
)
_RX_CASUALTY_VERB_BEFORE = re.compile(rf"\b{_alt('casualty_verbs')}\s+$", re.I)
_RX_CASUALTY_AFTER = re.compile(
    rf"\s+(?:{_alt('casualty_auxiliaries')}\s+(?:\w+\s+)?)?{_alt('casualty_after')}\b", re.I
)
_RX_CASUALTY_END = re.compile(rf"(?:[,;:.)]|\s*$|\s*\n|\s+(?:{_alt('casualty_end')}|—|–)\b)", re.I)


def _casualty_count(text: str, start: int) -> list[Found]:
    m = _RX_CASUALTY_NUMBER.match(text, start)
    if not m or looks_like_year(m.group("n1")) or is_label_context(text, m.start("n1")):
        return []
    before = _RX_CASUALTY_VERB_BEFORE.search(text, max(0, start - 20), start)
    if before and _RX_CASUALTY_END.match(text, m.end()):
        pass
    elif not _RX_CASUALTY_AFTER.match(text, m.end()):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": hedge_of(m)})]


# A count written as a compound adjective: "the 450-seat parliament", "a 32-member alliance".
_RX_COUNT_COMPOUND = re.compile(
    rf"{QUAL_OPT}(?P<n1>{NUMBER})-{words_alt(_WORDS['compound_count_words'])}\b(?![-'’])", re.I
)


def _compound_count(text: str, start: int) -> list[Found]:
    m = _RX_COUNT_COMPOUND.match(text, start)
    if not m or looks_like_year(m.group("n1")) or "." in m.group("n1"):
        return []
    if is_label_context(text, m.start("n1")):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v, "unit": "count", "qualifier": hedge_of(m)})]
