"""Amounts with their scale, and whether two numbers make one range (``$3-5 billion``) or a change
from one to the other (``rose from 3 to 5``).
"""

from __future__ import annotations

import re

from monitors.nlp.figures.lexical import prev_word
from monitors.nlp.figures.numbers import (
    SPELLED_SCALES,
    VAGUE,
    parse_number,
    scale_value,
)
from monitors.nlp.lexicon import table, word_set

_WORDS = table("figures_words")
_CHANGE_WORDS = word_set(_WORDS["change_words"])


def scaled_amount(num: str | None, scale: str | None) -> float | None:
    if num is None:
        return None
    v = parse_number(num)
    if v is None:
        return None
    if scale:
        for part in scale.replace("-", " ").split():
            v *= scale_value(part)
    return float(f"{v:.12g}")


def range_ok(text: str, start: int, m: re.Match[str], sep_group: str = "sep") -> bool:
    """Whether a second number makes a range: not for 'from X to Y', 'rose X to Y', 'X and Y'."""
    sep = (m.group(sep_group) or "").strip().lower()
    if not sep or is_suspended(sep):
        return True
    has_between = bool(m.groupdict().get("btw"))
    if sep == "and" or has_between:
        return has_between  # "between $1 trillion to $2 trillion", "between 150-300": a range
    return not (sep == "to" and prev_word(text, start) in _CHANGE_WORDS)


def is_suspended(sep: str | None) -> bool:
    """A suspended hyphen before "to"/"and": "$1- to $1.5 billion", "20- and 50,000 troops"."""
    sep = (sep or "").strip()
    return len(sep) > 1 and sep[0] in "-–"


def first_part_end(m: re.Match[str], *groups: str) -> int:
    for g in groups:
        if m.group(g):
            return m.end(g)
    return m.end()


def vague_value(v: str) -> float:
    words = v.lower().split()
    value = 1.0
    for w in words:
        if w in VAGUE:
            value *= VAGUE[w]
        elif w in SPELLED_SCALES or w in ("hundred", "dozen"):
            value *= scale_value(w)
    return value


def bare_change_range(text: str, start: int, m: re.Match[str], v1: float, v2: float) -> bool:
    """ "Yields rose 7 to 10 basis points": after a verb of change, a first number with no unit
    of its own and a close second one make a range of the change, not a change to a level
    (which would print the unit twice: "fell 5 basis points to 120 basis points").  Not after
    "from": "from 7 to 10 basis points" is a change."""
    return (
        (m.group("sep") or "").strip().lower() == "to"
        and 0 < v1 < v2 <= 3 * v1
        and not m.group("btw")
        and prev_word(text, start) != "from"
    )


_RX_SIGN_SEP = re.compile(r"\s+[-−]")


def not_a_range(sep: str | None, v1: float, v2: float) -> bool:
    """A hyphen with a space before it and none after is the sign of the next number
    ("+1.2% -0.4%"), and a range never runs downwards ("40 -0.4%")."""
    return v2 < v1 or bool(sep and _RX_SIGN_SEP.fullmatch(sep))
