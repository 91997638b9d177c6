"""What stands before a number and makes it no figure: a month, a label (``Article 5``), an index
name (``Stoxx Europe 600``), the base of a proportion, or a measure whose unit was left out.
"""

from __future__ import annotations

import re

from monitors.nlp.figures.lexical import NUMWORD, SCALE_NAMES, prev_raw, prev_word, words_alt
from monitors.nlp.figures.nouns import TIME_AND_MEASURE
from monitors.nlp.figures.numbers import (
    parse_number,
)
from monitors.nlp.lexicon import table, word_set

_WORDS = table("figures_words")
_MONTHS = word_set(_WORDS["months"])
_LABEL_WORDS = word_set(_WORDS["label_words"])


def is_label_context(text: str, start: int) -> bool:
    """Number preceded by a month, a label (Article, No., page) or an index name (S&P, FTSE)."""
    raw = prev_raw(text, start)
    word = raw.lower().strip(".'’")
    if word in _MONTHS or word in _LABEL_WORDS:
        return True
    if word in _INDEX_REGIONS and _RX_INDEX_BEFORE.search(text, max(0, start - 40), start):
        return True  # "Stoxx Europe 600", "MSCI World 1,500": an index name
    core = raw.strip(".")
    if core.endswith(("'s", "’s")):
        return False
    return (
        len(core) >= 2
        and core.isupper()
        and core not in _ALLOWED_CAPS
        and not _in_capitals_line(text, start)
    )


# A headline or wire alert set in capitals ("EU AGREES 50 BILLION EURO FACILITY"): a word in
# capitals before a number there is an ordinary word, not a label like "CAC 40".
_RX_LOWER_WORD = re.compile(r"\b[a-z]{3,}")
_RX_UPPER_WORD = re.compile(r"\b[A-Z]{3,}\b")


def _in_capitals_line(text: str, start: int) -> bool:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    line = text[ls : le if le >= 0 else len(text)]
    return not _RX_LOWER_WORD.search(line) and len(_RX_UPPER_WORD.findall(line)) >= 3


_ALLOWED_CAPS = word_set(_WORDS["allowed_caps"])
# An index name with a region word between it and its number: "Stoxx Europe 600".
_INDEX_REGIONS = word_set(_WORDS["index_regions"])
_RX_INDEX_BEFORE = re.compile(
    rf"\b{words_alt(_WORDS['index_names'])}\s+{words_alt(_WORDS['index_region_names'])}\s+$"
)


# "Seven in 10 voters", "one out of 4 allies": a proportion, whose second number is no count
# (a round base larger than the first number; "5,000 in 12 countries" keeps its count).
_RX_PROPORTION_BEFORE = re.compile(rf"(?<![\w.,])(?P<n>\d+|{NUMWORD})\s+(?:in|out\s+of)\s+$", re.I)
_PROPORTION_BASES = frozenset({2, 3, 4, 5, 6, 8, 10, 20, 100, 1000})


def is_proportion_base(text: str, start: int) -> bool:
    pm = _RX_PROPORTION_BEFORE.search(text, max(0, start - 30), start)
    if not pm:
        return False
    nm = re.match(r"[\d,]+", text[start : start + 8])
    first, base = parse_number(pm.group("n")), parse_number(nm.group(0)) if nm else None
    return first is not None and base is not None and base in _PROPORTION_BASES and first < base


# "to 2.4 million barrels a day from 1.9 million": the second amount leaves out the unit of
# the first, so when that unit is a measure (or a time) the second is no count either.
_ELIDED_BEFORE = word_set(_WORDS["elided_before"])
_RX_PREV_QUANTITY = re.compile(
    rf"\d[\d.,]*(?:[\s-]*(?:hundred|{SCALE_NAMES}|bn|mn|m|k)\b)?[\s-]+"
    r"(?:metric\s+)?([A-Za-z][\w.-]*)"
)


def elided_measure(text: str, start: int) -> bool:
    if prev_word(text, start) not in _ELIDED_BEFORE:
        return False
    ls = max(text.rfind("\n", 0, start) + 1, start - 120)
    found = list(_RX_PREV_QUANTITY.finditer(text, ls, start))
    return bool(found) and found[-1].group(1).lower().rstrip(".") in TIME_AND_MEASURE
