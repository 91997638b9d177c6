"""One article in, everything newswatch learns from it out: topics, figures and quotes.

Used by the poll pipeline and by ``newswatch extract``, so both give the same answers.  Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitors.model import Figure, Quote, TopicMatch
from monitors.nlp.figures import extract_figures
from monitors.nlp.quotes import extract_quotes
from monitors.nlp.topics import TopicRule, match_topics


@dataclass(frozen=True)
class Extraction:
    topics: tuple[TopicMatch, ...]
    figures: tuple[Figure, ...]
    quotes: tuple[Quote, ...]


def full_text(title: str, text: str) -> str:
    """The text the extractors read: the headline, a blank line, the body."""
    return f"{title}\n\n{text}" if title else text


def analyse(
    title: str, text: str, rules: Sequence[TopicRule], *, always_extract: bool = False
) -> Extraction:
    """Match topics; extract figures and quotes when the article is kept (or always)."""
    topics = tuple(match_topics(title, text, rules))
    if not topics and not always_extract:
        return Extraction(topics, (), ())
    doc = full_text(title, text)
    return Extraction(topics, tuple(extract_figures(doc)), tuple(extract_quotes(doc)))


def figure_json(f: Figure) -> dict[str, Any]:
    return {
        "text": f.text,
        "value": f.value,
        "low": f.low,
        "high": f.high,
        "unit": f.unit,
        "of": f.of,
        "qualifier": f.qualifier,
        "approx": f.approx,
        "subject": f.subject,
        "sentence": f.sentence,
    }


def quote_json(q: Quote) -> dict[str, Any]:
    return {
        "text": q.text,
        "speaker": q.speaker,
        "role": q.role,
        "sentence": q.sentence,
        "speaker_p": None if q.speaker_p is None else round(q.speaker_p, 3),
    }


def why_json(topics: Sequence[TopicMatch]) -> dict[str, Any]:
    return {
        t.topic: {
            "score": round(t.score, 3),
            "rule": t.rule,
            "terms": list(t.terms),
            "sentences": list(t.sentences),
        }
        for t in topics
    }
