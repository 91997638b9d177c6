"""A small rule-based sentence splitter for English news copy.

``split_sentences(text)`` returns ``(start, end)`` character spans of ``text``, in order, with
surrounding whitespace trimmed.  A sentence ends at

* a blank line (a paragraph break) -- always;
* a run of table rules left by a converted HTML table (``| --- | --- |``, ``| |``) -- always,
  so the cells of a newsletter's table do not merge separate items into one sentence;
* ``.``, ``!``, ``?`` or ``…`` (optionally followed by closing quotes or brackets) when
  whitespace and then an upper-case letter, a digit, an opening quote or a bracket follow.

It does not end after honorifics and titles (``Mr.``, ``Gen.``, ``Sen.``, ``Lt.``), common
abbreviations (``No.``, ``vs.``, ``Inc.``, ``Jan.``), single-letter initials (``J. D. Vance``),
decimals (``3.5``) or dotted abbreviations such as ``U.S.``/``U.N.``/``a.m.`` -- unless one of
the dotted ones is followed by a word that typically opens a sentence (``... to the U.S. The
talks ...``).  Single line breaks inside a paragraph (hard-wrapped transcripts) do not end a
sentence.
"""

from __future__ import annotations

import re

from monitors.nlp.lexicon import PARAGRAPH_BREAK, word_set

__all__ = ["sentence_at", "split_sentences"]


_ABBREVIATIONS = word_set(
    """
    mr mrs ms mx dr prof rev fr sr jr st gen lt col maj capt cpt sgt cpl pvt adm cmdr cdr brig
    sen rep gov pres amb atty supt insp det hon messrs mme mmes
    no nos vs v etc inc corp co ltd llc plc bros dept univ approx fig figs vol pp para
    jan feb apr jun jul aug sep sept oct nov dec tue tues wed thu thur thurs fri
    ft mt pt cf ave blvd
    """
)

_SENTENCE_STARTERS = word_set(
    """
    the a an he she it they we i you this that these those there but and so yet in on at
    for however meanwhile his her their its our after before while when if as officials
    """
)

# Candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace,
# and a plausible sentence opener (upper case, digit, opening quote or bracket).
_BOUNDARY = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s+["'“‘«(\[]*[A-Z0-9])""")
# layout residue of converted tables: two or more cell rules, with dashes/colons between them
_TABLE_RULE = re.compile(r"(?:\|[ \t\-:]*){2,}")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"\s+[\"'“‘«(\[]*([A-Za-z]+)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return trimmed ``(start, end)`` spans in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for para in PARAGRAPH_BREAK.finditer(text):
        _split_paragraph(text, pos, para.start(), spans)
        pos = para.end()
    _split_paragraph(text, pos, len(text), spans)
    return spans


def sentence_at(text: str, spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The span in ``spans`` (from :func:`split_sentences`) containing ``offset``."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if offset < s:
            hi = mid - 1
        elif offset >= e:
            lo = mid + 1
        else:
            return s, e
    return (offset, offset)


def _split_paragraph(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    if "|" in text[start:end]:
        for rule in _TABLE_RULE.finditer(text, start, end):
            _split_text(text, start, rule.start(), out)
            start = rule.end()
    _split_text(text, start, end, out)


def _split_text(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    sent_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        if _is_boundary(text, m, end):
            _append_trimmed(text, sent_start, m.end(), out)
            sent_start = m.end()
    _append_trimmed(text, sent_start, end, out)


def _is_boundary(text: str, m: re.Match[str], end: int) -> bool:
    punct = m.group(0)
    if not punct.startswith("."):
        return True
    if punct != "." and not punct.startswith(".."):
        return True  # a closing quote or bracket after the full stop
    wm = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
    if wm is None:
        return True
    word = wm.group(1)
    if "." in word.rstrip("."):  # dotted abbreviation: U.S, U.N, a.m, e.g
        nxt = _NEXT_WORD.match(text, m.end(), end)
        return bool(nxt and nxt.group(1).lower() in _SENTENCE_STARTERS)
    if len(word) == 1 and word.isupper():  # an initial: J. D. Vance
        return False
    return word.lower() not in _ABBREVIATIONS


def _append_trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s < e:
        out.append((s, e))
