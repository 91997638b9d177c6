"""Candidate speakers of each quotation and their features, for the learned ranker (issue 14).

The rules (:mod:`monitors.nlp.quotes.attribution`, :mod:`~.strategies`, :mod:`~.passes`) give
one speaker per quote, or none.  The ranker re-reads that choice against the other people and
organisations the article names near the quote, so a quote can also be left unattributed when
the evidence is weak: a wrong speaker is worse than a missing one.  The candidates of a quote:

* the speaker the rules chose (with the strategy that chose it);
* the speaker of the previous quote (continuations, alternating interviews);
* every name the article's :class:`~.speakers.Registry` resolves in the quote's paragraph and the
  two before it (masked text: names inside quotations are words spoken, not speakers), and the
  subjects of speech verbs there (:meth:`~.document.Doc.para_mentions`).

Abstention ("none") is not a candidate of its own: the top candidate is emitted only when its
calibrated probability clears the model's threshold.  Each feature is a named number in
``[0, 1]`` so that the fitted weights can be read (``eval/train_speakers.py`` prints them).
Pure: reads the text and the lexicon's tables only.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from monitors.model import Quote
from monitors.nlp.quotes.cues import VERB_RE
from monitors.nlp.quotes.document import Doc
from monitors.nlp.quotes.names import NAME_SEQ_RE, PLACES, PRONOUNS, is_org
from monitors.nlp.quotes.spans import Span
from monitors.nlp.quotes.vocab import words

# a capitalised run that opens a sentence can start with a word that is no part of the name
# (a determiner, an adverb): such a word, and a weekday alone, never names a speaker
_LEAD_WORDS = words("quote_words", "determiners") | words("quote_words", "np_stop")
_TIME_NAMES = words("quote_words", "weekdays")

WINDOW_PARAS = 2  # paragraphs before the quote's own that are searched for candidates
_NEAR = 60  # characters: a name this close to a mark is read as the quote's attribution
_WORD_RE = re.compile(r"\w+")


@dataclass
class Candidate:
    """One possible speaker of one quote, with what the article says about it."""

    speaker: str
    role: str | None
    kind: str  # "person", "org" or "desc"
    positions: list[int] = field(default_factory=list)  # where the window names it (masked)
    speech: list[int] = field(default_factory=list)  # where it is a speech verb's subject
    rules: str | None = None  # the rules' strategy when they chose this candidate
    previous: bool = False  # the previous quote's speaker
    features: dict[str, float] = field(default_factory=dict)


def candidate_key(speaker: str) -> str:
    """Two spellings of one speaker share a key: a person's surname (``Rutte`` / ``Mark
    Rutte``), or an organisation's or description's whole folded text."""
    words = _WORD_RE.findall(speaker.lower())
    if not words:
        return speaker.lower()
    if speaker[:1].isupper() and not is_org(speaker.split()):
        return words[-1]
    return " ".join(words)


def fullest_name(doc: Doc, speaker: str) -> str:
    """The name to emit for a person: the fullest form the article gives (``Zhang`` ->
    ``Zhang Wei`` when the article writes that), without a place word glued in front by a
    capitalised run (``Kyiv Ann Lee`` -> ``Ann Lee``).  Suffixes (``Jr.``, ``III``) stay, being
    part of the registry's name; organisations and descriptions are kept as written."""
    toks = speaker.split()
    if len(toks) >= 3 and toks[0].lower() in PLACES and doc.reg.is_person(" ".join(toks[1:])):
        toks = toks[1:]
    if len(toks) >= 2 and all(t[:1].isupper() for t in toks[1:]) and _lead_word(doc, toks[0]):
        toks = toks[1:]  # "Currently FAA" -> "FAA" (a description keeps its article)
    if len(toks) == 1 and toks[0].isupper() and len(toks[0]) > 1:
        full = doc.reg.acronym(toks[0])  # "FAA" -> the name the article spells out
        if full:
            return full
    if not toks or not doc.reg.is_person(" ".join(toks)):
        return " ".join(toks) or speaker
    known = doc.reg.person(toks[-1]) or (doc.reg.person(toks[0]) if len(toks) == 1 else None)
    if known is not None and len(known.name.split()) > len(toks):
        full = known.name.split()
        if (
            all(t in full for t in toks)
            and doc.reg.is_person(known.name)
            and not _lead_word(doc, full[0])
        ):
            return known.name
    return " ".join(toks)


def _lead_word(doc: Doc, word: str) -> bool:
    """A capitalised first word that the article also writes in lower case mid-sentence, or a
    determiner: it opened the sentence, it is not a name."""
    low = word.lower()
    if low in _LEAD_WORDS:
        return True
    return word[:1].isupper() and low in doc.lower_words()


def _kind(doc: Doc, speaker: str) -> str:
    toks = speaker.split()
    if not speaker[:1].isupper() or (
        len(toks) > 1 and toks[0].lower() in _LEAD_WORDS and toks[1][:1].islower()
    ):
        return "desc"  # "the spokesman", "The secretary of defence"
    return "person" if doc.reg.is_person(speaker) else "org"


class _Pool:
    """The candidates of one quote, merged by :func:`candidate_key`."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.by_key: dict[str, Candidate] = {}

    def add(self, speaker: str, role: str | None) -> Candidate:
        speaker = fullest_name(self.doc, speaker)
        key = candidate_key(speaker)
        cand = self.by_key.get(key)
        if cand is None:
            cand = Candidate(speaker, role, _kind(self.doc, speaker))
            self.by_key[key] = cand
        elif len(speaker.split()) > len(cand.speaker.split()) and cand.rules is None:
            cand.speaker = speaker  # the fullest spelling the window gives
        if cand.role is None:
            cand.role = role
        return cand


def _window(doc: Doc, s: Span) -> tuple[int, int]:
    lo = doc.paras[max(0, s.para - WINDOW_PARAS)][0]
    return lo, doc.paras[s.para][1]


def _named(doc: Doc, lo: int, hi: int, cache: dict[str, tuple[str | None, str | None]]):
    """The names the registry resolves in ``masked[lo:hi]``, with their positions."""
    for m in NAME_SEQ_RE.finditer(doc.masked, lo, hi):
        seq = m.group()
        if seq.lower() in PRONOUNS or seq.lower() in PLACES or len(seq) < 2:
            continue
        if seq not in cache:
            cache[seq] = doc.reg.resolve(seq)
        spk, role = cache[seq]
        if spk and spk[:1].isupper() and spk.lower() not in PLACES and spk not in _TIME_NAMES:
            yield m.start(), spk, role


def _gather(
    doc: Doc, s: Span, q: Quote, strategy: str | None, prev: Quote | None, cache: dict
) -> _Pool:
    pool = _Pool(doc)
    if q.speaker and q.speaker not in _TIME_NAMES:
        pool.add(q.speaker, q.role).rules = strategy or "rules"
    if prev is not None and prev.speaker:
        pool.add(prev.speaker, prev.role).previous = True
    lo, hi = _window(doc, s)
    for pos, spk, role in _named(doc, lo, hi, cache):
        pool.add(spk, role).positions.append(pos)
    for pi in range(doc.para_of(lo), s.para + 1):
        for men in doc.para_mentions(pi):
            if men.verb and men.speaker.lower() not in PRONOUNS:
                cand = pool.add(men.speaker, men.role)
                cand.speech.append(men.pos)
                cand.positions.append(men.pos)
    return pool


def _scaled(x: float, top: float) -> float:
    """``log(1 + x)`` scaled so that ``top`` maps to 1 (and more stays 1)."""
    return min(1.0, math.log1p(max(0.0, x)) / math.log1p(top))


def _features(doc: Doc, s: Span, cand: Candidate, pool: _Pool, counts: dict[str, int]) -> None:
    open_at = s.open_pos if s.open_pos >= 0 else s.start
    close_at = s.close_pos if s.close_pos >= 0 else s.end
    s_lo, s_hi = s.sentence
    p_lo = doc.paras[s.para][0]
    f = cand.features
    f["bias_rules_none"] = float(not any(c.rules for c in pool.by_key.values()))
    f["rules"] = float(cand.rules is not None)
    if cand.rules is not None:
        f[f"rules:{cand.rules}"] = 1.0
    f["previous"] = float(cand.previous)
    f[cand.kind] = 1.0
    f["has_role"] = float(bool(cand.role))
    f["headline"] = float(any(p < doc.paras[0][1] for p in cand.positions))
    f["mentions"] = _scaled(counts.get(candidate_key(cand.speaker), 0), 30)
    persons = sum(1 for c in pool.by_key.values() if c.kind == "person")
    f["n_candidates"] = _scaled(len(pool.by_key), 12)
    f["n_persons"] = _scaled(persons, 8)
    _name_form(doc, cand.speaker, f)
    if not cand.positions:
        f["unseen"] = 1.0
        return
    gaps = [(abs(open_at - p) if p < open_at else abs(p - close_at), p) for p in cand.positions]
    gap, nearest = min(gaps)
    f["distance"] = _scaled(gap, 3000)
    f["para_distance"] = min(1.0, abs(s.para - doc.para_of(nearest)) / WINDOW_PARAS)
    f["before"] = float(any(p < open_at for p in cand.positions))
    f["after_same_para"] = float(any(p > close_at and p >= p_lo for p in cand.positions))
    f["same_sentence"] = float(any(s_lo <= p < s_hi for p in cand.positions))
    f["near_close"] = float(any(0 <= p - close_at <= _NEAR for p in cand.positions))
    f["near_open"] = float(any(0 <= open_at - p <= _NEAR * 2 for p in cand.positions))
    f["speech"] = float(bool(cand.speech))
    f["speech_sentence"] = float(any(s_lo <= p < s_hi for p in cand.speech))
    f["speech_para"] = float(any(p >= p_lo for p in cand.speech))
    f["speech_last"] = float(_spoke_last(pool, cand, open_at))
    f["after_verb"] = float(any(_after_verb(doc, p) for p in cand.positions))


def _name_form(doc: Doc, speaker: str, f: dict[str, float]) -> None:
    """How the name is written: a one-word name or an acronym is often a fragment the rules
    cut out of a longer one, and a first word the article also writes in lower case is usually
    a sentence opener glued to the name (an adverb or determiner), not part of it."""
    toks = speaker.split()
    f["one_word"] = float(len(toks) == 1)
    f["all_caps"] = float(any(t.isupper() and len(t) > 1 for t in toks))
    first = toks[0] if toks else ""
    f["lead_common"] = float(len(toks) > 1 and _lead_word(doc, first))
    if doc.reg.is_person(speaker) and toks:
        known = doc.reg.person(toks[-1])
        f["full_name"] = float(known is not None and len(known.name.split()) >= 2)


def _spoke_last(pool: _Pool, cand: Candidate, before: int) -> bool:
    """Is ``cand`` the last candidate reported speaking before the quote?"""
    last = max(
        ((p, c) for c in pool.by_key.values() for p in c.speech if p < before),
        key=lambda pc: pc[0],
        default=None,
    )
    return last is not None and last[1] is cand


def _after_verb(doc: Doc, pos: int) -> bool:
    """``said X`` / ``according to X``: a speech verb ends just before the name."""
    left = doc.masked[max(0, pos - 24) : pos]
    return any(m.end() >= len(left.rstrip()) - 4 for m in VERB_RE.finditer(left.rstrip()))


def quote_candidates(
    doc: Doc, spans: list[Span], quotes: list[Quote], strategies: list[str | None]
) -> list[list[Candidate]]:
    """For each kept quote (``spans[i]`` gave ``quotes[i]``), its candidates with features."""
    cache: dict[str, tuple[str | None, str | None]] = {}
    counts: dict[str, int] = {}
    for m in NAME_SEQ_RE.finditer(doc.masked):
        key = candidate_key(m.group())
        counts[key] = counts.get(key, 0) + 1
    out = []
    prev: Quote | None = None
    for s, q, strategy in zip(spans, quotes, strategies, strict=True):
        pool = _gather(doc, s, q, strategy, prev, cache)
        for cand in pool.by_key.values():
            _features(doc, s, cand, pool, counts)
        _relative(doc, s, q, pool)
        out.append(list(pool.by_key.values()))
        prev = q
    return out


def _relative(doc: Doc, s: Span, q: Quote, pool: _Pool) -> None:
    """Features that compare a candidate with the quote's others, and the quote's own form:
    the nearest speaker is usually the one; a short lower-case fragment inside a sentence is
    attributed by the sentence, a whole-paragraph quotation by its neighbours."""
    open_at = s.open_pos if s.open_pos >= 0 else s.start
    close_at = s.close_pos if s.close_pos >= 0 else s.end

    def gap(p: int) -> int:
        return open_at - p if p < open_at else p - close_at

    cands = list(pool.by_key.values())
    best_speech = min(((gap(p), k) for k, c in enumerate(cands) for p in c.speech), default=None)
    best_any = min(((gap(p), k) for k, c in enumerate(cands) for p in c.positions), default=None)
    speakers = sum(1 for c in cands if c.speech)
    words = len(q.text.split())
    lo, hi = doc.paras[s.para]
    whole = (s.open_pos if s.open_pos >= 0 else s.start) - lo <= 2 and hi - close_at <= 3
    rules = next((c for c in cands if c.rules is not None), None)
    for k, c in enumerate(cands):
        f = c.features
        f["nearest_speech"] = float(best_speech is not None and best_speech[1] == k)
        f["nearest_name"] = float(best_any is not None and best_any[1] == k)
        f["n_speakers"] = _scaled(speakers, 6)
        f["quote_words"] = _scaled(words, 60)
        f["fragment"] = float(q.text[:1].islower())
        f["whole_para"] = float(whole)
        f["quote_headline"] = float(s.para == 0)
        if rules is not None and rules is not c:
            f["rules_is_nearest_speech"] = float(
                best_speech is not None and cands[best_speech[1]] is rules
            )
