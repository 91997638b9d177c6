"""Matching: an article's cue hits, scored against each rule (the rule language is documented
in :mod:`monitors.nlp.topics`)."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from monitors.model import TopicMatch
from monitors.nlp.passages import Passage, split_passages
from monitors.nlp.topics.doc import TopicDoc, term_lexicon
from monitors.nlp.topics.model import model_match
from monitors.nlp.topics.rules import Cue, Term, TopicRule

_SHORT_SENTENCES = 12  # below this many sentences a short text may need fewer evidence sentences
_TITLE_ONLY = frozenset({"title"})

# a cue's candidate hits: (sentence id, [(token index, term), ...]) in text order
_Found = list[tuple[int, Term]]


@dataclass(frozen=True)
class _Hit:
    sentence: int
    value: float
    terms: tuple[str, ...]


def _surface(doc: TopicDoc, start: int, term: Term) -> str:
    return " ".join(doc.tokens[start : start + len(term.words)])


def _zone_mult(doc: TopicDoc, sid: int, rule: TopicRule) -> tuple[str, float]:
    para = doc.zone_of_sent[sid]
    if para < 0:
        return "title", rule.title_weight
    if para < rule.lead_paragraphs:
        return "lead", rule.lead_weight
    return "body", rule.body_weight


def _first(hit: tuple[int, Term]) -> int:
    return hit[0]


def _group_lists(doc: TopicDoc, cue: Cue) -> list[_Found] | None:
    """The hits of each of the cue's groups (a headline-only cue's hit sits in the headline);
    None when some group has none."""
    per_group = []
    title_only = cue.zones == _TITLE_ONLY
    for k, g in enumerate(cue.groups):
        hits = doc.group_hits(g)
        if title_only and (k == 0 or cue.kind != "near"):
            hits = hits[: bisect_left(hits, doc.title_end, key=_first)]
        if not hits:
            return None
        per_group.append(hits)
    return per_group


def _all_candidates(doc: TopicDoc, cue: Cue, per_group: list[_Found]) -> list[tuple[int, _Found]]:
    """One candidate per sentence (or paragraph) holding a hit of every group."""
    sent_of = doc.sent_of
    para = doc.sent_para
    maps: list[dict[int, _Found]] = []
    for hits in per_group:
        m: dict[int, _Found] = {}
        for i, t in hits:
            u = sent_of[i] if cue.scope == "sentence" else para[sent_of[i]]
            m.setdefault(u, []).append((i, t))
        maps.append(m)
    raw = []
    for u in sorted(set(maps[0]).intersection(*maps[1:])):
        found = [m[u][0] for m in maps]
        raw.append((sent_of[found[0][0]], found))
    return raw


def _near_candidates(doc: TopicDoc, cue: Cue, per_group: list[_Found]) -> list[tuple[int, _Found]]:
    """One candidate per sentence whose first-group hit has every other group within reach."""
    sent_of = doc.sent_of
    pos = doc.positions
    others = [
        (doc.group_positions(g, h), h) for g, h in zip(cue.groups[1:], per_group[1:], strict=True)
    ]
    w = cue.within
    done: set[int] = set()
    raw = []
    for i, t in per_group[0]:
        sid = sent_of[i]
        if sid in done:  # one hit per sentence is enough for 'near'
            continue
        p = pos[i]
        found = [(i, t)]
        for plist, g in others:
            j = bisect_left(plist, p - w)
            if j < len(plist) and plist[j] <= p + w:
                found.append(g[j])
            else:
                break
        else:
            done.add(sid)
            raw.append((sid, found))
    return raw


def _candidates(doc: TopicDoc, cue: Cue) -> list[tuple[int, _Found]]:
    per_group = _group_lists(doc, cue)
    if per_group is None:
        return []
    if cue.kind == "any":
        return [(doc.sent_of[i], [(i, t)]) for i, t in per_group[0]]
    if cue.kind == "all":
        return _all_candidates(doc, cue, per_group)
    return _near_candidates(doc, cue, per_group)


def _cue_all_hits(doc: TopicDoc, cue: Cue, rule: TopicRule) -> list[_Hit]:
    """All the cue's hits, best first (a passage takes its own best ``max_hits``)."""
    raw = _candidates(doc, cue)
    if not raw:
        return []
    sent_of = doc.sent_of
    none_sents: set[int] = set()
    for term in cue.none:
        if doc.may_contain(term):
            none_sents.update([sent_of[i] for i in doc.find(term)])
    scored: list[tuple[float, int, _Found]] = []
    seen: set[int] = set()
    for sid, found in raw:
        if sid in none_sents or (cue.kind != "any" and sid in seen):
            continue
        zone, mult = _zone_mult(doc, sid, rule)
        if zone not in cue.zones:
            continue
        seen.add(sid)
        scored.append((cue.weight * mult, sid, found))
    scored.sort(key=lambda x: -abs(x[0]))
    return [
        _Hit(sid, value, tuple(dict.fromkeys(_surface(doc, i, t) for i, t in found)))
        for value, sid, found in scored
    ]


def _best_window(values: list[tuple[int, float]], size: int) -> tuple[float, int]:
    """The largest sum of ``values`` (sentence id, value; sorted by id) over ``size`` consecutive
    sentence ids, and the first id of that window."""
    best, best_start, total, j = 0.0, -1, 0.0, 0
    for sid, v in values:
        total += v
        while values[j][0] <= sid - size:
            total -= values[j][1]
            j += 1
        if total > best:
            best, best_start = total, values[j][0]
    return best, best_start


def _score(doc: TopicDoc, rule: TopicRule, passages: Sequence[Passage] = ()) -> TopicMatch | None:
    """The rule's verdict on the whole document, else on its best passage (``rule.passages``)."""
    if rule.require and not any(doc.find(t) for t in rule.require):
        return None
    all_hits = [(cue, _cue_all_hits(doc, cue, rule)) for cue in rule.cues]
    m = _score_doc(doc, rule, all_hits)
    if m is None and rule.passages and passages:
        m = _score_passages(doc, rule, all_hits, passages)
    return m


def _passage_value(
    doc: TopicDoc, rule: TopicRule, all_hits: list[tuple[Cue, list[_Hit]]], lo: int, hi: int
) -> tuple[float, float, dict[int, float], list[str]]:
    """(positive, negative, value by sentence, cue parts) of the hits in sentences lo..hi-1,
    each cue's best ``max_hits`` there, at the body weight (a passage is read as a text)."""
    negative = 0.0
    pos_sents: dict[int, float] = {}
    parts: list[str] = []
    for cue, hits in all_hits:
        inside = [h for h in hits if lo <= h.sentence < hi][: cue.max_hits]
        if not inside:
            continue
        total = cue.weight * rule.body_weight * len(inside)
        parts.append(f"{cue.name} x{len(inside)} {total:+.1f}")
        if cue.weight > 0:
            for h in inside:
                pos_sents[h.sentence] = pos_sents.get(h.sentence, 0.0) + cue.weight
        else:
            negative += total
    cap = rule.sentence_cap
    positive = sum((min(v, cap) if cap else v) * rule.body_weight for v in pos_sents.values())
    return positive, negative, pos_sents, parts


def _with_whole_turns(passages: Sequence[Passage], limit: int) -> list[Passage]:
    """``passages`` plus, when ``limit`` is set, each Q&A turn or headed section that was cut
    into blocks, whole, when it spans at most ``limit`` paragraphs (an answer read as one)."""
    out = list(passages)
    if not limit:
        return out
    i = 0
    while i < len(passages):
        first = passages[i]
        j = i
        while (
            j + 1 < len(passages)
            and first.kind in ("qa", "section")
            and passages[j + 1].kind == first.kind
            and passages[j + 1].heading == first.heading
            and passages[j + 1].first == passages[j].last + 1
        ):
            j += 1
        if j > i and passages[j].last - first.first + 1 <= limit:
            out.append(Passage(first.first, passages[j].last, first.kind, first.heading))
        i = j + 1
    return out


def _score_passages(
    doc: TopicDoc,
    rule: TopicRule,
    all_hits: list[tuple[Cue, list[_Hit]]],
    passages: Sequence[Passage],
) -> TopicMatch | None:
    """The best passage that the rule keeps on its own: score >= ``passage_threshold`` from at
    least ``min_sentences`` sentences, negatives counted inside the passage only."""
    threshold = rule.passage_threshold or rule.threshold
    para = doc.sent_para
    best: tuple[float, Passage, dict[int, float], float, list[str]] | None = None
    for ps in _with_whole_turns(passages, rule.passage_merge):
        lo = bisect_left(para, ps.first)
        hi = bisect_left(para, ps.last + 1)
        if hi - lo < rule.min_sentences:
            continue
        positive, negative, pos_sents, parts = _passage_value(doc, rule, all_hits, lo, hi)
        score = positive + negative
        kept = score >= threshold and len(pos_sents) >= rule.min_sentences
        if kept and (best is None or score > best[0]):
            best = (score, ps, pos_sents, negative, parts)
    if best is None:
        return None
    score, ps, pos_sents, negative, parts = best
    top = sorted(pos_sents, key=lambda s: (-pos_sents[s], s))[: rule.max_sentences]
    terms: dict[str, int] = {}
    for _cue, hits in all_hits:
        for h in hits:
            if h.sentence in pos_sents and _cue.weight > 0:
                for t in h.terms:
                    terms[t] = terms.get(t, 0) + 1
    explanation = (
        f"{rule.name}: in {ps.label()}: score {score:.1f} >= {threshold:g} "
        f"({len(pos_sents)} sentences; {negative:+.1f}) [{'; '.join(parts)}]"
    )
    return TopicMatch(
        topic=rule.name,
        score=round(score, 2),
        rule=explanation,
        terms=tuple(sorted(terms, key=lambda t: (-terms[t], t))[:12]),
        sentences=tuple(doc.sentence(s) for s in sorted(top)),
    )


def _score_doc(
    doc: TopicDoc, rule: TopicRule, all_hits: list[tuple[Cue, list[_Hit]]]
) -> TopicMatch | None:
    negative = 0.0
    parts: list[str] = []
    pos_sents: dict[int, float] = {}
    term_count: dict[str, int] = {}
    title_raw = 0.0
    para = doc.sent_para
    for cue, every in all_hits:
        hits = every[: cue.max_hits]
        if not hits or cue.passage_only:
            continue
        total = sum(h.value for h in hits)
        parts.append(f"{cue.name} x{len(hits)} {total:+.1f}")
        if cue.weight > 0:
            for h in hits:
                pos_sents[h.sentence] = pos_sents.get(h.sentence, 0.0) + h.value
                if para[h.sentence] < 0:
                    title_raw += cue.weight
                for t in h.terms:
                    term_count[t] = term_count.get(t, 0) + 1
        else:
            negative += total
    if not pos_sents:
        return None
    cap = rule.sentence_cap
    if cap:  # the cap is on the cue weights; the zone multiplier applies on top of it
        pos_sents = {
            sid: min(v, cap * _zone_mult(doc, sid, rule)[1]) for sid, v in pos_sents.items()
        }
    title_val = sum(v for sid, v in pos_sents.items() if para[sid] < 0)
    body = sorted((sid, v) for sid, v in pos_sents.items() if para[sid] >= 0)
    n_body = sum(1 for p in para if p >= 0)
    where = ""
    if rule.window and body and n_body > rule.window:
        body_val, first = _best_window(body, rule.window)
        where = f" best {rule.window}-sentence passage from #{first}"
    else:
        body_val = sum(v for _, v in body)
    positive = title_val + body_val
    score = positive + negative
    threshold = rule.threshold
    min_sentences = rule.min_sentences
    short = rule.short_article and n_body < rule.short_article
    if short:
        share = max(1, n_body) / rule.short_article
        threshold *= max(0.5, share)
        # a feed item of a few sentences may rest on one or two of them; a page of a dozen or
        # more (a bullet list of achievements, a short release) needs them all, like a long text
        if n_body < _SHORT_SENTENCES:
            min_sentences = max(
                1, min(min_sentences, math.ceil(min_sentences * n_body / _SHORT_SENTENCES))
            )
    via = ""
    if score >= threshold and len(pos_sents) >= min_sentences:
        via = f"score {score:.1f} >= {threshold:g}"
    elif (
        rule.title_alone
        and title_raw >= rule.title_alone
        and -negative <= rule.title_veto
        and (short or body)
    ):
        via = f"headline {title_raw:g} >= {rule.title_alone:g}, score {score:.1f}"
    else:
        return None
    best = sorted(pos_sents, key=lambda s: (-pos_sents[s], s))[: rule.max_sentences]
    sentences = tuple(doc.sentence(s) for s in sorted(best))
    terms = tuple(sorted(term_count, key=lambda t: (-term_count[t], t))[:12])
    capped = f", each capped at {cap:g}" if cap else ""
    explanation = (
        f"{rule.name}: {via} "
        f"({title_val:+.1f} headline, {body_val:+.1f} text{where}; "
        f"{len(pos_sents)} sentences{capped}; {negative:+.1f}) "
        f"[{'; '.join(parts)}]"
    )
    return TopicMatch(
        topic=rule.name, score=round(score, 2), rule=explanation, terms=terms, sentences=sentences
    )


def match_topics(title: str, text: str, rules: Sequence[TopicRule]) -> list[TopicMatch]:
    """Score an article against each rule; return one TopicMatch per kept topic, in rule order."""
    out: list[TopicMatch] = []
    if not rules:
        return out
    doc = TopicDoc(title or "", text or "", term_lexicon(rules))
    passages = split_passages(text or "") if any(r.passages for r in rules) else []
    for rule in rules:
        m = _score(doc, rule, passages)
        if m is None and rule.model:
            m = model_match(title or "", text or "", rule.name, passages)
        if m is not None:
            out.append(m)
    return out
