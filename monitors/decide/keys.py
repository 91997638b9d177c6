"""Stable identities for facts: the ledger keys of figures and quotes.

A figure's fact is its normalised value, range, unit and subject; a quote's is its words
(case, punctuation and spacing folded) and its speaker's surname.  Pure functions.
"""

from __future__ import annotations

import hashlib
import re

from monitors.model import Figure, Quote
from monitors.nlp.actors import canonical_subject

_SUBJECT_NOISE = re.compile(r"^(?:the|a|an)\s+|['’]s$")


def normalise_subject(subject: str | None) -> str:
    """The subject as fact identity sees it: the actor table's canonical name (lower-cased)
    when it knows the subject ('Washington', 'the United States' -> 'us'), else the subject
    with case, spacing, articles and a possessive folded."""
    if not subject:
        return ""
    s = canonical_subject(subject)
    s = re.sub(r"\s+", " ", s.strip().lower())
    s = _SUBJECT_NOISE.sub("", s)
    return _SUBJECT_NOISE.sub("", s).strip()


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def figure_key(f: Figure) -> str:
    return fact_key(f.unit, f.value, f.low, f.high, f.of, f.subject)


def fact_key(
    unit: str,
    value: float | None,
    low: float | None,
    high: float | None,
    of: float | None,
    subject: str | None,
) -> str:
    raw = "|".join([unit, _num(value), _num(low), _num(high), _num(of), normalise_subject(subject)])
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
