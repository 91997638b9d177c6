"""Hedges before a number (``more than``, ``at least``, ``about``, ``>``) and the places where a
hedge word is not a hedge (``went up to``, ``talk about thousands``, ``flew over 3 towns``).
"""

from __future__ import annotations

import re

from monitors.nlp.lexicon import word_set

QUALIFIERS: dict[str, str] = {
    "more than": "more_than",
    "over": "more_than",
    "north of": "more_than",
    "above": "more_than",
    "in excess of": "more_than",
    "upwards of": "more_than",
    "just over": "more_than",
    "well over": "more_than",
    "well above": "more_than",
    "exceeding": "more_than",
    "at least": "at_least",
    "no less than": "at_least",
    "no fewer than": "at_least",
    "a minimum of": "at_least",
    "under": "less_than",
    "below": "less_than",
    "less than": "less_than",
    "fewer than": "less_than",
    "just under": "less_than",
    "well under": "less_than",
    "well below": "less_than",
    "up to": "up_to",
    "as much as": "up_to",
    "as many as": "up_to",
    "at most": "up_to",
    "no more than": "up_to",
    "about": "about",
    "around": "about",
    "some": "about",
    "roughly": "about",
    "nearly": "about",
    "almost": "about",
    "approximately": "about",
    "close to": "about",
    "approx.": "about",
    "circa": "about",
    "upward of": "more_than",
    "nearing": "about",
    "approaching": "about",
    # Symbol hedges of Reuters key points, glued to the number: ">1%", "~0.6%", "<$5bn".
    ">": "more_than",
    "~": "about",
    "<": "less_than",
    "≈": "about",
}
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
# Phrasal verbs of movement ("went up", "ticked up"): the "up" belongs to the verb, so "up to"
# is where a value went, not the hedge "up to" ("raise up to $12.9bn" keeps its hedge).
MOVE_VERBS = word_set(
    "went go goes going gone moved move moves moving ticked ticks ticking edged edges edging "
    "crept creeps creeping inched inches inching shot shoots stepped ramped scaled revised "
    "bumped pushed picked marked"
)
RX_UP_TO = re.compile(r"up\s+to\s+", re.I)
# "About" before a vague quantity is the preposition of "talk about", "care about": nobody
# hedges "tens of thousands" with "approximately".
RX_ABOUT_VAGUE = re.compile(
    r"about\s+(?=(?:tens|hundreds|thousands|millions|billions|trillions|dozens)\b)", re.I
)
# "Over" after a verb of flying or shooting down names where, not a hedge ("drones were
# destroyed over 12 regions", "jets flew over 3 towns").
RX_OVER = re.compile(r"over\s+(?=\d)", re.I)
RX_OVER_REGIONS = re.compile(
    r"\d[\d,]*\s+(?:\w+\s+)?(?:regions|oblasts|districts|provinces)\b", re.I
)
RX_SHOOT_DOWN_BEFORE = re.compile(
    r"\b(?:shot\s+down|destroyed|intercepted|downed|neutrali[sz]ed)\b[^.;:!?]*$", re.I
)
OVER_PLACE_BEFORE = word_set(
    "destroyed intercepted downed neutralised neutralized flew fly flying flown flies "
    "spotted detected hovered circled crashed"
)


def hedge_of(m: re.Match[str]) -> str | None:
    q = m.group("q")
    if not q:
        return None
    key = re.sub(r"[\s\"“”']+", " ", q.lower()).strip()
    return QUALIFIERS.get(key)
