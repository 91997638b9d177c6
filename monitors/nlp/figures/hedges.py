"""Hedges before a number (``more than``, ``at least``, ``about``, ``>``) and the places where a
hedge word is not a hedge (``went up to``, ``talk about thousands``, ``flew over 3 towns``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from monitors.nlp.figures.lexical import prev_word
from monitors.nlp.lexicon import table, word_set

_TABLE = table("figures_hedges")
QUALIFIERS: dict[str, str] = dict(_TABLE["qualifiers"])
SYMBOL_QUALIFIERS = frozenset(q for q in QUALIFIERS if not q[0].isalpha())
QUAL_ALT = (
    r"(?:"
    + "|".join(
        re.escape(q).replace(r"\ ", r"\s+").replace("north", r"[\"“']?north[\"”']?")
        for q in sorted(QUALIFIERS, key=len, reverse=True)
        if q not in SYMBOL_QUALIFIERS
    )
    + r")"
)
SYM_QUAL = r"[~><≈](?=[\d$€£¥])"
_QUAL = rf"(?P<q>{QUAL_ALT}(?=\s)|{SYM_QUAL})\s*"
QUAL_OPT = rf"(?:{_QUAL})?"


@dataclass(frozen=True)
class _Veto:
    """One row of ``[[veto]]`` in data/figures_hedges.toml: a hedge word that is no hedge."""

    rx: re.Pattern[str]
    before: frozenset[str] | None
    clause: re.Pattern[str] | None
    counted: re.Pattern[str] | None


def _words_alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


def _veto(row: dict[str, Any]) -> _Veto:
    ahead = row.get("ahead")
    look = ""
    if ahead == "digit":
        look = r"(?=\d)"
    elif ahead:
        look = rf"(?=(?:{_words_alt(ahead)})\b)"
    return _Veto(
        rx=re.compile(rf"{_words_alt([row['hedge']])}\s+{look}", re.I),
        before=word_set(row["before"]) if "before" in row else None,
        clause=re.compile(rf"\b(?:{_words_alt(row['clause'])})\b[^.;:!?]*$", re.I)
        if "clause" in row
        else None,
        counted=re.compile(rf"\d[\d,]*\s+(?:\w+\s+)?(?:{_words_alt(row['counted'])})\b", re.I)
        if "counted" in row
        else None,
    )


_VETOES = tuple(_veto(row) for row in _TABLE["veto"])


def skip_false_hedges(text: str, start: int) -> int:
    """Where the figure at ``start`` really starts: past a hedge word that is no hedge there
    (see the vetoes of data/figures_hedges.toml)."""
    for v in _VETOES:
        m = v.rx.match(text, start)
        if not m:
            continue
        if v.before is not None and prev_word(text, start) not in v.before:
            continue
        if v.counted is not None and not v.counted.match(text, m.end()):
            continue
        if v.clause is not None and not v.clause.search(text, max(0, start - 60), start):
            continue
        start = m.end()
    return start


def hedge_of(m: re.Match[str]) -> str | None:
    q = m.group("q")
    if not q:
        return None
    key = re.sub(r"[\s\"“”']+", " ", q.lower()).strip()
    return QUALIFIERS.get(key)
