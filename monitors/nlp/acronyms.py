"""An organisation's fullest name: "ISW" where the article says "the Institute for the Study of
War (ISW)".  The contract gives a speaker the fullest name the article gives, and a reader
forwards "Institute for the Study of War", not a bare acronym.  Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitors.model import Quote

_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
_SMALL = frozenset({"of", "for", "the", "and", "on", "in", "de", "du", "des", "&"})


def expansions(text: str) -> dict[str, str]:
    """Acronyms the text defines, as "Full Name (ACR)", mapped to the full name: the words
    before the bracket whose initials (small words skipped) spell the acronym."""
    out: dict[str, str] = {}
    for m in re.finditer(r"\(([A-Z][A-Z&]{1,7})\)", text):
        acr = m.group(1).replace("&", "")
        lo = max(0, m.start() - 160)
        words = list(re.finditer(r"[\w’'&-]+", text[lo : m.start()]))
        initials = ""
        for w in reversed(words):
            word = w.group(0)
            if word.lower() in _SMALL:
                continue
            if not word[:1].isupper():
                break
            initials = word[0] + initials
            if initials == acr:
                out.setdefault(m.group(1), text[lo + w.start() : m.start()].strip())
                break
            if len(initials) >= len(acr):
                break
    return out


def expand_speakers(quotes: list[Quote], text: str) -> list[Quote]:
    """Quotes whose speaker is a defined acronym get the full name."""
    if not any(q.speaker and _ACRONYM.fullmatch(q.speaker) for q in quotes):
        return quotes
    full = expansions(text)
    return [replace(q, speaker=full[q.speaker]) if q.speaker in full else q for q in quotes]
