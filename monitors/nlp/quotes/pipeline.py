"""The stages in order: marks, masking, attribution, post-passes."""

from __future__ import annotations

from monitors.model import Quote
from monitors.nlp.acronyms import expand_speakers
from monitors.nlp.quotes.document import Doc
from monitors.nlp.quotes.marks import find_spans, mask, paragraphs
from monitors.nlp.quotes.passes import (
    label_line_blocks,
    propagate,
    resolve_headings,
    statement_author,
)
from monitors.nlp.quotes.spans import Span
from monitors.nlp.quotes.speakers import Registry


def extract_quotes(text: str) -> list[Quote]:
    """Return the direct quotations in ``text`` (``title\\n\\nbody``) with their speakers."""
    return [q for q, _ in explain_quotes(text)]


def explain_quotes(text: str) -> list[tuple[Quote, str | None]]:
    """:func:`extract_quotes` with, for each quote, the name of the strategy that chose its
    speaker (a resolution strategy or a post-pass; ``None`` when nothing attributed it)."""
    if not isinstance(text, str) or not text:
        return []
    paras = paragraphs(text)
    spans = find_spans(text, paras)
    if not spans:
        return []
    masked = mask(text, spans)
    doc = Doc(text, masked, paras, Registry(text))
    for span in spans:
        doc.attribute(span)
    propagate(spans, doc)
    label_line_blocks(spans, doc)
    statement_author(spans, doc)
    resolve_headings(spans, text, doc)
    kept = [s for s in spans if s.keep]
    quotes = expand_speakers([_to_quote(s, text) for s in kept], text)
    return [(q, s.strategy) for q, s in zip(quotes, kept, strict=True)]


def _to_quote(s: Span, text: str) -> Quote:
    lo, hi = s.sentence
    return Quote(
        text=text[s.start : s.end].strip(),
        speaker=s.speaker,
        role=s.role,
        sentence=text[lo:hi].strip(),
        start=s.start,
        end=s.end,
    )
