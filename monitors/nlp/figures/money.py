"""Money grammars: currency before (``$1.5bn``) or after the number (``50 billion euros``), vague
amounts (``tens of billions of dollars``), bare ``billions in aid``, and pence (``fell 3p``).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.hedges import QUAL_OPT, hedge_of
from monitors.nlp.figures.labels import is_label_context
from monitors.nlp.figures.lexical import (
    CUR_PRE,
    CUR_WORD,
    NUMBER,
    NUMWORD,
    NUMWORD_SCALED,
    SCALE_MONEY,
    SCALE_NAMES,
    SEP,
    VAGUE_BIG,
    Found,
    bad_after,
    looks_like_year,
    prev_word,
    words_alt,
)
from monitors.nlp.figures.numbers import (
    currency_for_prefix,
    currency_for_word,
    parse_number,
)
from monitors.nlp.figures.ranges import first_part_end, range_ok, scaled_amount, vague_value
from monitors.nlp.lexicon import table, word_set

_CONTEXT = table("figures_context")
_RX_MONEY_PRE = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?P<cur>{CUR_PRE})\s?(?P<n1>{NUMBER})"
    rf"(?P<s1>{SCALE_MONEY}|-{SCALE_NAMES}\b)?"
    rf"(?:{SEP}(?:{CUR_PRE})?\s?(?P<n2>{NUMBER})(?P<s2>{SCALE_MONEY})?)?",
    re.I,
)
_RX_MONEY_POST = re.compile(
    rf"{QUAL_OPT}(?P<btw>between\s+)?(?P<n1>{NUMBER}|{NUMWORD_SCALED})"
    rf"(?P<s1>{SCALE_MONEY}|-{SCALE_NAMES}(?=-))?"
    rf"(?:{SEP}(?P<n2>{NUMBER}|{NUMWORD_SCALED})(?P<s2>{SCALE_MONEY})?)?"
    rf"(?P<cwsep>\s+|(?<=[a-z])-)(?P<cw>{CUR_WORD})",
    re.I,
)
_RX_MONEY_VAGUE = re.compile(rf"{QUAL_OPT}(?P<v>{VAGUE_BIG})(?:\s+of)?\s+(?P<cw>{CUR_WORD})", re.I)
_RX_MONEY_BARE = re.compile(
    r"(?P<v>(?:tens|hundreds)\s+of\s+(?:millions|billions)|billions|trillions)"
    r"(?=\s+(?:of\s+dollars\s+)?(?:more\s+)?in\s+(?:\w+\s+){0,2}?"
    rf"{words_alt(_CONTEXT['bare_money_nouns'])}\b)",
    re.I,
)
# Or bare after a verb of money, with no "of" after ("could save taxpayers billions").
_RX_MONEY_BARE_AFTER_VERB = re.compile(
    r"(?P<v>(?:tens|hundreds)\s+of\s+(?:billions|trillions)|billions|trillions)\b(?!\s+of\b|-)",
    re.I,
)
_RX_MONEY_VERB_BEFORE = re.compile(
    rf"\b{words_alt(_CONTEXT['money_verbs'])}\s+(?:(?!of\s)[a-z]+\s+){{0,2}}$",
    re.I,
)


BARE_MONEY = "money?"  # an amount with a scale word and no currency, resolved from context


def parse_money_pre(text: str, start: int) -> list[Found]:
    m = _RX_MONEY_PRE.match(text, start)
    if not m:
        return []
    code = currency_for_prefix(m.group("cur"))
    if code is None:
        return []
    end = m.end()
    v1 = scaled_amount(m.group("n1"), m.group("s1"))
    v2 = scaled_amount(m.group("n2"), m.group("s2"))
    if v2 is not None and not range_ok(text, start, m):
        v2 = None
        end = first_part_end(m, "s1", "n1")
    if v2 is not None and not m.group("s1") and m.group("s2"):
        v1 = scaled_amount(m.group("n1"), m.group("s2"))
    if v1 is None or bad_after(text, end):
        return []
    s = start if not m.group("btw") or v2 is not None else m.start("cur")
    if m.group("btw") and v2 is None:
        s = m.start("cur")
    q = hedge_of(m) if s == start else None
    if q is None and m.group("q") and s == start:
        s = m.start("btw") if m.group("btw") else m.start("cur")
    low, high = v1, (v2 if v2 is not None else v1)
    return [(s, end, {"value": low, "low": low, "high": high, "unit": code, "qualifier": q})]


def parse_money_post(text: str, start: int) -> list[Found]:
    m = _RX_MONEY_POST.match(text, start)
    if not m:
        return []
    cur = currency_for_word(m.group("cw"))
    if cur is None:
        return []
    code, divisor = cur
    after = text[m.end() : m.end() + 4].lower()
    if code == "GBP" and m.group("cw").lower().startswith("pound") and after.startswith(" of"):
        return []  # pounds of explosives
    n1, s1 = m.group("n1"), m.group("s1")
    if (
        not re.match(r"\d", n1)
        and not s1
        and (
            not _RX_NUMWORD_ONLY.fullmatch(n1)
            or m.group("n2")
            or m.group("cwsep") != " "
            or _RX_CURRENCY_AS_NOUN.match(text, m.end())
        )
    ):
        return []  # "a dollar", "the one-euro coin", "one euro zone": not an amount
    if m.group("cwsep") == "-" and not (s1 and re.match(r"\d", n1)):
        return []  # "a billion-dollar company" is a kind of company; "1 billion-euro" an amount
    if re.match(r"\d", n1) and not s1 and looks_like_year(n1):
        return []
    v1 = scaled_amount(n1, s1)
    v2 = scaled_amount(m.group("n2"), m.group("s2"))
    if v2 is not None:
        if not range_ok(text, start, m):
            return []  # let the first amount be found on its own
        if not s1 and m.group("s2"):
            v1 = scaled_amount(n1, m.group("s2"))
    if v1 is None or is_label_context(text, m.start("n1")):
        return []
    high = v2 if v2 is not None else v1
    return [
        (
            start,
            m.end(),
            {
                "value": v1 / divisor,
                "low": v1 / divisor,
                "high": high / divisor,
                "unit": code,
                "qualifier": hedge_of(m),
            },
        )
    ]


# "for one euro", "two dollars a day": a spelled number with its currency is an amount (only a
# count spelled as a small number word is not a figure).
_RX_NUMWORD_ONLY = re.compile(rf"(?:{NUMWORD})(?:\s+hundred)?", re.I)
_RX_CURRENCY_AS_NOUN = re.compile(
    rf"[\s-]+{words_alt(_CONTEXT['currency_as_noun'])}\b",
    re.I,
)


def parse_money_vague(text: str, start: int) -> list[Found]:
    m = _RX_MONEY_VAGUE.match(text, start)
    if not m or RX_UNIT_NOTE_BEFORE.search(text, max(0, start - 20), start):
        return []
    cur = currency_for_word(m.group("cw"))
    if cur is None:
        return []
    value = vague_value(m.group("v")) / cur[1]
    return [
        (
            start,
            m.end(),
            {"value": value, "unit": cur[0], "approx": True, "qualifier": hedge_of(m)},
        )
    ]


def parse_money_bare(text: str, start: int) -> list[Found]:
    m = _RX_MONEY_BARE.match(text, start)
    if not m:
        m = _RX_MONEY_BARE_AFTER_VERB.match(text, start)
        if not m or not _RX_MONEY_VERB_BEFORE.search(text, max(0, start - 40), start):
            return []
    return [(start, m.end(), {"value": vague_value(m.group("v")), "unit": "USD", "approx": True})]


RX_UNIT_NOTE_BEFORE = re.compile(
    rf"(?:\(|\b{words_alt(_CONTEXT['unit_note_before'])})\s*in\s+$", re.I
)


# Pence abbreviated to "p", as British price copy prints it: a price per unit ("98.40 p/therm",
# "85p a litre") or a move of one ("shares fell 3p").  Not "1080p" video, "p.m.", "p 12".
_RX_PENCE = re.compile(
    rf"{QUAL_OPT}(?P<n1>{NUMBER})(?:\s?p(?=/[A-Za-z]|\s+(?:a|per)\s+"
    rf"{words_alt(_CONTEXT['pence_units'])}\b)|(?P<glued>p)\b(?!['’-]|\.[a-z]))",
    re.I,
)
_WORDS = table("figures_words")
_PENCE_MOVES = word_set(_WORDS["pence_moves"])


def parse_pence(text: str, start: int) -> list[Found]:
    m = _RX_PENCE.match(text, start)
    if not m or looks_like_year(m.group("n1")):
        return []
    if m.group("glued") and (
        prev_word(text, m.start("n1")) not in _PENCE_MOVES or len(m.group("n1").split(".")[0]) > 3
    ):
        return []
    v = parse_number(m.group("n1"))
    if v is None:
        return []
    return [(start, m.end(), {"value": v / 100, "unit": "GBP", "qualifier": hedge_of(m)})]
