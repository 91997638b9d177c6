"""The stages in order: marks, masking, attribution, post-passes, the speaker ranker, names."""

from __future__ import annotations

from dataclasses import dataclass, replace

from monitors.model import Quote
from monitors.nlp.acronyms import expand_speakers
from monitors.nlp.quotes.candidates import Candidate, quote_candidates
from monitors.nlp.quotes.document import Doc
from monitors.nlp.quotes.fullnames import fullest
from monitors.nlp.quotes.marks import find_spans, mask, paragraphs
from monitors.nlp.quotes.passes import (
    label_line_blocks,
    propagate,
    resolve_headings,
    statement_author,
)
from monitors.nlp.quotes.ranker import Choice, choose
from monitors.nlp.quotes.spans import Span
from monitors.nlp.quotes.speakers import Registry


@dataclass
class RuleQuotes:
    """What the rules found in one text: the kept spans, their quotes and strategies."""

    doc: Doc | None
    spans: list[Span]
    quotes: list[Quote]
    strategies: list[str | None]


@dataclass(frozen=True)
class RankedQuote:
    """A quote as emitted, with the rules' pick and the ranker's reading of the candidates."""

    quote: Quote  # speaker: the ranker's choice (None when it abstains)
    rules_speaker: str | None
    strategy: str | None  # the rules' strategy
    choice: Choice


def rule_quotes(text: str) -> RuleQuotes:
    """The rule-based stages alone: every quote with the speaker the rules chose."""
    if not isinstance(text, str) or not text:
        return RuleQuotes(None, [], [], [])
    paras = paragraphs(text)
    spans = find_spans(text, paras)
    if not spans:
        return RuleQuotes(None, [], [], [])
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
    return RuleQuotes(doc, kept, quotes, [s.strategy for s in kept])


def candidates_of(found: RuleQuotes) -> list[list[Candidate]]:
    """Each rule quote's candidate speakers with their features."""
    if found.doc is None:
        return []
    return quote_candidates(found.doc, found.spans, found.quotes, found.strategies)


def rank_quotes(text: str) -> list[RankedQuote]:
    """Every quote in ``text`` with the ranker's speaker, its probability and the runners-up."""
    found = rule_quotes(text)
    out = []
    rows = zip(found.quotes, found.strategies, candidates_of(found), strict=True)
    for q, strategy, cands in rows:
        choice = choose(cands)
        if choice.p is None:  # no model: the rules' speaker exactly as the rules wrote it
            spk, role = q.speaker, q.role
        else:
            spk, role = (choice.speaker, choice.role) if choice.emitted else (None, None)
        best = choice.speaker if choice.p is not None else q.speaker
        # the names stage, after the choice (once when the emitted and the best speaker agree)
        done = fullest(text, spk)
        spk, best = done, done if best == spk else fullest(text, best)
        emitted = replace(q, speaker=spk, role=role, speaker_p=choice.p, best_speaker=best)
        out.append(RankedQuote(emitted, q.speaker, strategy, choice))
    return out


def extract_quotes(text: str) -> list[Quote]:
    """Return the direct quotations in ``text`` (``title\\n\\nbody``) with their speakers."""
    return [r.quote for r in rank_quotes(text)]


def explain_quotes(text: str) -> list[tuple[Quote, str | None]]:
    """:func:`extract_quotes` with, for each quote, how its speaker was chosen: the rules'
    strategy when the ranker kept the rules' speaker (in its fullest spelling), ``ranker`` when
    it chose another
    candidate, ``abstained`` when it left the quote unattributed (``None``: nobody to choose)."""
    return [(r.quote, how_chosen(r)) for r in rank_quotes(text)]


def how_chosen(r: RankedQuote) -> str | None:
    """The rules' strategy when the ranker kept the rules' speaker, ``ranker`` when it chose
    another candidate, ``abstained`` when it withheld its best one, None: nobody to choose."""
    if r.quote.speaker is None:
        return "abstained" if r.rules_speaker or r.choice.speaker else None
    return r.strategy if r.choice.from_rules or r.choice.p is None else "ranker"


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
