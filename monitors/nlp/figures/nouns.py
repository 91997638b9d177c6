"""The counted noun after a number: how far a plural noun phrase runs (coordinated nouns, an
``of`` idiom, an activity), and when the words after a number are a time or a measure instead.
"""

from __future__ import annotations

import re

from monitors.nlp.figures.lexical import CUR_WORD, NUMWORD, words_alt
from monitors.nlp.figures.numbers import (
    currency_for_word,
)
from monitors.nlp.lexicon import table, word_set

_WORDS = table("figures_words")
_MONTHS = word_set(_WORDS["months"])
TIME_AND_MEASURE = word_set(_WORDS["time_and_measure"])
_IRREGULAR_PLURALS = word_set(_WORDS["irregular_plurals"])
_NOT_PLURAL = word_set(_WORDS["not_plural"])
NP_STOP = word_set(_WORDS["np_stop"])
_NP_TOKEN = re.compile(r"(?:[ \t]*\n?[ \t]*)([A-Za-z][A-Za-z0-9'’-]*(?:\.[A-Za-z]\.?)*)")


EXCLUDED = -1
# A number right after another, as in the rows of a flattened table ("Inventories 2,410 2,385").
_RX_TABLE_NUMBER = re.compile(r"(?<![\w.,])\(?\d[\d,.]*\)?[ \t]+\(?\d[\d,.]*\)?$")


# "121 gas and three ... rigs": a second number starts a figure of its own.
_RX_NUMBER_NEXT = re.compile(rf"\s+(?:\d|(?:{NUMWORD})\b)", re.I)


def noun_phrase_end(text: str, pos: int) -> int | None:
    """End of a noun phrase with a plural head right after ``pos`` (at most 6 words).

    None when no plural head follows; ``EXCLUDED`` when the phrase is a time, a duration or a
    measurement (``years``, ``metric tons``, ``barrel``), so the number is not a figure at all.
    """
    tokens: list[tuple[str, int]] = []
    p = pos
    while len(tokens) < 6:
        m = _NP_TOKEN.match(text, p)
        if not m or text[p : m.start(1)].strip() != "" or (p == pos and m.start(1) == p):
            break
        gap = text[p : m.start(1)]
        if gap.count("\n") > 1 or not gap:
            break
        word = m.group(1)
        if word.lower() in NP_STOP:
            if (
                word in ("and", "or")
                and tokens
                and not any(_is_plural(w) for w, _ in tokens)
                and not _RX_TABLE_NUMBER.search(text, max(0, pos - 40), pos)
                and not _RX_NUMBER_NEXT.match(text, m.end(1))
            ):
                p = m.end(1)  # "31 Reaper and Predator drones": modifiers joined by and/or
                continue
            break
        tokens.append((word, m.end(1)))
        p = m.end(1)
    for i, (word, end) in enumerate(tokens):
        low = word.lower()
        if low in TIME_AND_MEASURE or low in _MONTHS:
            return EXCLUDED
        if _is_plural(word):
            if i + 1 < len(tokens) and _is_plural(tokens[i + 1][0]) and tokens[i + 1][0].islower():
                if tokens[i + 1][0].lower() in TIME_AND_MEASURE:
                    return EXCLUDED
                word, end = tokens[i + 1]
            return _noun_phrase_tail(text, word, end)
    return None


# Compound heads that take an "of" phrase (the [of_idioms] of data/figures_words.toml).
_RX_OF_IDIOM = {
    head: re.compile(rf"\s+of\s+{words_alt(tails)}(?:\s+(?:or|and)\s+{words_alt(tails)})?\b", re.I)
    for head, tails in _WORDS["of_idioms"].items()
}
# A second plural noun joined by and/or: "60 tanks and armoured vehicles".
_RX_COORD = re.compile(r"\s+(?:and|or)\s+(?:([a-z][a-z-]*)\s+)?([a-z][a-z-]*)\b(?![-'’])")
# One word after and/or, not followed by what a verb takes ("20 countries and employs about 900").
_RX_COORD_ONE = re.compile(
    r"\s+(?:and|or)\s+([a-z][a-z-]*)\b(?![-'’])"
    rf"(?!\s+{words_alt(_WORDS['coord_verb_objects'])}\b|\s+\d)"
)
# An activity counted in units: "20 rounds of shelling", "40 hours of testing" (hours are excluded).
_RX_OF_GERUND = re.compile(r"\s+of\s+[a-z]{2,}ing\b(?![-'’])(?!\s+[a-z]+s\b)")


def _noun_phrase_tail(text: str, head: str, end: int) -> int:
    """Extend a counted noun over an idiomatic ``of`` phrase or a coordinated plural noun."""
    idiom = _RX_OF_IDIOM.get(head.lower())
    if idiom:
        m = idiom.match(text, end)
        if m:
            return m.end()
    m = _RX_OF_GERUND.match(text, end)
    if m and "\n" not in m.group(0):
        return m.end()
    for rx in (_RX_COORD, _RX_COORD_ONE):
        m = rx.match(text, end)
        if m and "\n" not in m.group(0):
            words = [w for w in m.groups() if w]
            last = words[-1]
            if _is_plural(last) and not any(_is_not_noun(w) for w in words):
                return m.end()
    return end


_RX_COORD_NOT_NOUN = re.compile(
    rf"(?:.*{words_alt(_WORDS['not_noun_endings'])}|{words_alt(_WORDS['not_noun_words'])}"
    rf"|{NUMWORD})$"
)


def _is_not_noun(word: str) -> bool:
    return word in NP_STOP or word in TIME_AND_MEASURE or bool(_RX_COORD_NOT_NOUN.match(word))


def _is_plural(word: str) -> bool:
    w = word.lower().rstrip("'’")
    if w in _IRREGULAR_PLURALS:
        return True
    if word.isupper() or w in _NOT_PLURAL or "." in w:
        return False
    return len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def currency_head(text: str, np_start: int, np_end: int) -> tuple[str, float] | None:
    """(ISO code, divisor) when the counted noun is a currency ("40 million taxpayer dollars",
    "thousands of United States dollars"): the figure is money, not a count."""
    cm = _RX_CUR_HEAD.search(text, np_start, np_end)
    return currency_for_word(cm.group(1)) if cm else None


_RX_CUR_HEAD = re.compile(rf"\b({CUR_WORD})$", re.I)
