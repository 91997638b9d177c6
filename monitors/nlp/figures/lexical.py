"""The regex pieces every figure grammar shares -- a printed number, spelled numbers, scale
words, currency signs and words, range separators, percent signs -- and small token helpers
(the word before or after a position, whether a number looks like a year).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.numbers import (
    CURRENCY_PREFIX,
    CURRENCY_WORDS,
    ISO_CODES,
    ONES,
    SPELLED_SCALES,
    TENS,
)
from monitors.nlp.lexicon import table


def words_alt(spec: str | list[str]) -> str:
    """A regex group matching one word of a data table's list (``lexicon.word_set`` form).

    A space inside a phrase stands for any whitespace, and a final ``*`` marks a stem that takes
    any ending (``vot*``: vote, voted, voting).  Longer entries come first, so a phrase wins over
    the word it starts with.  The grammar around the group adds the boundaries it needs.
    """
    words = spec.split() if isinstance(spec, str) else spec

    def one(word: str) -> str:
        stem = word.endswith("*")
        rx = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
        return rx + r"\w*" if stem else rx

    return "(?:" + "|".join(one(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _ctx(name: str) -> str:
    return words_alt(table("figures_context")[name])


_NUMBER_WORDS = table("figures_numbers")
NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?![\d,]*\d)(?:\.\d+)?|\d+(?:\.\d+)?)"
UNIT_WORDS = "|".join(sorted((w for w in ONES if w != "zero"), key=len, reverse=True))
TENS_WORDS = "|".join(TENS)
NUMWORD = (
    rf"(?:(?:{TENS_WORDS})(?:[-\s](?:{UNIT_WORDS}))?|{UNIT_WORDS})"
    rf"(?:\s+and\s+a\s+half)?"
)
# A spelled number that may stand before a scale word ("a million", "half a billion").
NUMWORD_SCALED = rf"(?:{NUMWORD}(?:\s+hundred(?:\s+and\s+{NUMWORD})?)?|half\s+an?|an?)"
# "thousand|million|billion|trillion", as a group ("{SCALE_NAMES}s" for the plurals).
SCALE_NAMES = "(?:" + "|".join(SPELLED_SCALES) + ")"
SCALE_WORD = rf"(?:\s+(?:hundred\s+)?{SCALE_NAMES}\b)"
# After digits the scale word may be glued on, as British copy prints it ("£45.2million").
# Indian copy counts in lakh (1e5) and crore (1e7): "Rs 12,500 crore", "Rs 1.2 lakh crore".
_SCALE_WORD_D = rf"(?:\s*(?:(?:hundred\s+)?{SCALE_NAMES}|(?:lakh\s+)?crores?|lakhs?)\b)"
_SCALE_STRICT = rf"(?:\s?{words_alt(_NUMBER_WORDS['scale_abbreviations'])}\b)"
# US market copy: "$2T" (trillion, a capital T only) and "$50mm" (million).
_SCALE_LOOSE = rf"(?:(?:{words_alt(_NUMBER_WORDS['scale_abbreviations_glued'])}|(?-i:T))\b)"
SCALE_MONEY = rf"(?:{_SCALE_STRICT}|{_SCALE_WORD_D}|{_SCALE_LOOSE})"
SCALE_COUNT = rf"(?:{_SCALE_STRICT}|k\b|{_SCALE_WORD_D})"


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


CUR_PRE = (
    rf"(?:{_alt([p for p in CURRENCY_PREFIX if not p[0].isalpha()])}"
    rf"|(?-i:{_alt([p for p in CURRENCY_PREFIX if p[0].isalpha()])})"
    rf"|(?-i:(?:{'|'.join(sorted(ISO_CODES))})(?=\s?\d)))"
)
CUR_WORD = (
    r"(?:"
    + "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(CURRENCY_WORDS, key=len, reverse=True)
    )
    + rf")\b|(?-i:(?:{'|'.join(sorted(ISO_CODES))})\b)"
)
# A suspended hyphen ("$1- to $1.5 billion", "25- to 50,000 civilians") shares the second
# number's scale with the first: one range, even with "and" and no "between".
SEP = r"(?P<sep>[-–]\s+(?:to|and)\s+|\s*[-–]\s*|\s+to\s+|\s+and\s+)"
PCT = r"(?:\s?%|[\s-]?per[\s-]?cent\b|\s+pct\b|\s?(?-i:pc)\b(?![-'’]))"
PCT_WORD_NUM = rf"(?:{NUMBER}|{NUMWORD}|half\s+an?)"
GDP_TAIL = (
    rf"(?P<gdp>\s+of\s+(?:(?:{_ctx('gdp_tail_owners')}|each\s+\w+['’]s|"
    rf"the\s+\w+['’]s|[A-Z][\w.]*['’]s?)\s+)?(?:annual\s+)?{_ctx('gdp_tail_names')}\b"
    rf"|\s+of\s+{_ctx('gdp_tail_economy_owners')}\s+(?:national\s+)?"
    rf"{_ctx('gdp_tail_economies')}\b)?"
)
OR_MORE = rf"(?P<more>\s+or\s+{_ctx('or_more')})?"
VAGUE_BIG = (
    rf"(?:(?:tens|hundreds)\s+of\s+{SCALE_NAMES}s"
    rf"|(?:several|a\s+few|many)\s+(?:hundred\s+)?{SCALE_NAMES}"
    rf"|(?:many\s+)?{SCALE_NAMES}s)"
)
_PREV_TOKEN = re.compile(r"([\w&.'’]+)[\s(]*$")
_AFTER_NUMBER_BAD = re.compile(
    rf"[\w%$€£]|[-/:]\d|-{words_alt(table('figures_words')['compound_durations'])}|\.\d"
)


Found = tuple[int, int, dict[str, object]]


def prev_word(text: str, start: int) -> str:
    pm = _PREV_TOKEN.search(text, max(0, start - 30), start)
    return pm.group(1).lower().strip(".'’") if pm else ""


def prev_raw(text: str, start: int) -> str:
    pm = _PREV_TOKEN.search(text, max(0, start - 30), start)
    return pm.group(1) if pm else ""


def bad_after(text: str, end: int) -> bool:
    return bool(_AFTER_NUMBER_BAD.match(text, end))


def next_word(text: str, pos: int) -> str:
    nm = re.compile(r"\s+([A-Za-z][\w-]*)").match(text, pos)
    return nm.group(1).lower() if nm else ""


def looks_like_year(num: str) -> bool:
    return bool(re.fullmatch(r"1[89]\d\d|20\d\d|2100", num))
