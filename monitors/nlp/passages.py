"""Passages of a long document: headed sections, Q&A turns, round-up items, else blocks of a few
paragraphs.  A long transcript, briefing, fact sheet or newsletter is about many things; the
topic matcher scores each passage on its own, so one passage that is substantially about a topic
keeps the document (the rest is context, not noise).  Pure.

Paragraphs are the non-empty blocks of :data:`~monitors.nlp.lexicon.PARAGRAPH_BREAK`, numbered
from 0 as the topic matcher numbers them (the headline is not a paragraph).  Rules, in order:

- a **question** (a paragraph opening with ``Q``, ``Q:``, ``QUESTION:``) starts a passage: the
  question and the answers up to the next question are one Q&A turn;
- a **heading** (a short line of at most :data:`HEADING_WORDS` words with no closing
  punctuation, or a Markdown ``#`` / bold line) followed by a non-heading paragraph starts a
  passage named after it; a run of headings (a newsletter's table of contents) is one block;
- a passage longer than :data:`MAX_PARAGRAPHS` is cut into blocks of :data:`BLOCK_PARAGRAPHS`
  (the last block takes up to ``MAX_PARAGRAPHS``), each keeping its heading;
- a text of fewer than :data:`MIN_DOC_PARAGRAPHS` paragraphs has no passages (it is one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitors.nlp.lexicon import PARAGRAPH_BREAK

__all__ = [
    "BLOCK_PARAGRAPHS",
    "HEADING_WORDS",
    "MAX_PARAGRAPHS",
    "MIN_DOC_PARAGRAPHS",
    "Passage",
    "paragraphs",
    "split_passages",
]

MIN_DOC_PARAGRAPHS = 8
MAX_PARAGRAPHS = 6
BLOCK_PARAGRAPHS = 4
HEADING_WORDS = 12

_QUESTION = re.compile(r"^\s*(?:Q[:.]?|QUESTION:)(?:\s|$)")
_MARKED_HEADING = re.compile(r"^\s*(?:#{1,6}\s+\S|\*\*[^*]+\*\*\s*$)")
_CLOSING = re.compile(r"[.!?:;,\"”’)\]]\s*$")


@dataclass(frozen=True)
class Passage:
    """Paragraphs ``first``..``last`` (inclusive) of a text; ``kind`` is "qa", "section" or
    "block"; ``heading`` the section's heading or the question's first words."""

    first: int
    last: int
    kind: str
    heading: str = ""

    def label(self) -> str:
        """How evidence names the passage: its heading or kind, and its paragraph range."""
        where = f"paragraphs {self.first}-{self.last}"
        if self.kind == "qa":
            return f"Q&A turn ({where}): {self.heading}"
        if self.heading:
            return f"section '{self.heading}' ({where})"
        return f"passage ({where})"


def paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of ``text``, in the topic matcher's numbering."""
    return [p for p in PARAGRAPH_BREAK.split(text) if p.strip()]


def _is_heading(para: str) -> bool:
    line = para.strip()
    if "\n" in line:
        return False
    if _MARKED_HEADING.match(line):
        return True
    words = line.split()
    return 0 < len(words) <= HEADING_WORDS and not _CLOSING.search(line) and line[0].isupper()


def _short(para: str, words: int = 10) -> str:
    w = para.strip().lstrip("#* ").split()
    s = " ".join(w[:words]).rstrip("*")
    return s + ("…" if len(w) > words else "")


def _starts(paras: list[str]) -> list[tuple[int, str, str]]:
    """Where passages start: (paragraph, kind, heading)."""
    heads = [_is_heading(p) for p in paras]
    starts: list[tuple[int, str, str]] = [(0, "block", "")]
    for i, p in enumerate(paras):
        if _QUESTION.match(p):
            starts.append((i, "qa", _short(_QUESTION.sub("", p, count=1))))
        elif heads[i] and i + 1 < len(paras) and not heads[i + 1] and (i == 0 or not heads[i - 1]):
            starts.append((i, "section", _short(p, HEADING_WORDS)))
    out: list[tuple[int, str, str]] = []
    for s in starts:  # a later start at the same paragraph wins
        if out and out[-1][0] == s[0]:
            out[-1] = s
        else:
            out.append(s)
    return out


def split_passages(text: str) -> list[Passage]:
    """The passages of ``text`` (``[]`` for a short text); they cover every paragraph in order."""
    paras = paragraphs(text)
    n = len(paras)
    if n < MIN_DOC_PARAGRAPHS:
        return []
    starts = _starts(paras)
    out: list[Passage] = []
    for k, (first, kind, heading) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else n  # exclusive
        a = first
        while end - a > MAX_PARAGRAPHS:
            out.append(Passage(a, a + BLOCK_PARAGRAPHS - 1, kind, heading))
            a += BLOCK_PARAGRAPHS
        out.append(Passage(a, end - 1, kind, heading))
    return out
