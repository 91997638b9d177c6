"""Shared text conventions of the understanding code: how paragraphs are separated and how a
word list is written.  One definition here instead of a private copy per module (issue 13's
"one segmenter, one lexicon" starts here).  Pure.
"""

from __future__ import annotations

import re

# a blank line (spaces or tabs allowed on it) ends a paragraph; the whitespace after it too
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def word_set(spec: str) -> frozenset[str]:
    """A word list written as one whitespace-separated string, as a set."""
    return frozenset(spec.split())
