"""Stable identities for facts: the ledger keys of figures and quotes.

A figure's fact is its normalised value, range, unit and subject; a quote's is its words
(case, punctuation and spacing folded) and its speaker's surname.  Pure functions.
"""

from __future__ import annotations

import hashlib
import re

from monitors.model import Figure, Quote

_SUBJECT_NOISE = re.compile(r"^(?:the|a|an)\s+|['’]s$")


def normalise_subject(subject: str | None) -> str:
    if not subject:
        return ""
    s = re.sub(r"\s+", " ", subject.strip().lower())
    s = _SUBJECT_NOISE.sub("", s)
    return _SUBJECT_NOISE.sub("", s).strip()


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def figure_key(f: Figure) -> str:
    raw = "|".join([f.unit, _num(f.value), _num(f.low), _num(f.high), _num(f.of),
                    normalise_subject(f.subject)])
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def quote_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def speaker_key(speaker: str | None) -> str:
    if not speaker:
        return ""
    words = re.findall(r"\w+", speaker.lower())
    return words[-1] if words else ""


def quote_key(q: Quote) -> str:
    raw = quote_words(q.text) + "|" + speaker_key(q.speaker)
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def content_hash(title: str, text: str) -> str:
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:32]
