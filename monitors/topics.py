"""Topic relevance: a small rule language loaded from ``[topics.<name>]`` TOML tables.

An article is kept for a topic when it is *substantially about* it (shared/EXTRACTION.md), so a
rule does not fire on one keyword: it adds up weighted *cues*, subtracts negative cues, and keeps
the topic when the score reaches a threshold and the evidence comes from enough sentences.

Rule language
=============

Terms
    A term is a word or a phrase, matched case-insensitively on whole words.  Text and terms are
    cut into tokens the same way: runs of letters/digits, and the symbols ``% $ € £``; everything
    else (spaces, hyphens, apostrophes, dots) only separates tokens.  So ``"defence spending"``
    also matches "defence-spending", ``"% of gdp"`` matches "3.5% of GDP" and ``"s&p"`` matches
    "S&P".  Inside a word, ``*`` matches any (possibly empty) run of letters/digits (``spend*``
    matches spend, spends, spending), ``?`` matches exactly one (``defen?e`` matches defence and
    defense), and a word that is just ``#`` matches any number.

Term lists
    ``[topics.<name>.terms]`` names reusable lists: ``nato = ["nato", "allies", ...]``.  Anywhere a
    term is expected, ``"@nato"`` stands for the whole list.

Cues (``[[topics.<name>.cues]]``), each with exactly one of
    ``any = [terms]``            one hit per occurrence of any term (OR);
    ``all = [group, group, ...]`` one hit per sentence (or ``scope = "paragraph"``) containing at
                                 least one term of every group (AND); a group is a term, an
                                 ``@list`` or a list of those;
    ``near = [group, group, ...]`` + ``within = N``: one hit per occurrence of the first group that
                                 has a term of every other group within N words, in the same
                                 paragraph (proximity);
    and optionally
    ``none = [terms]``           NOT: a hit is dropped when its sentence contains any of these;
    ``weight = w``               value of one hit (negative = a cue that subtracts);
    ``max_hits = k``             only the k best hits count (default 3): frequency helps, but
                                 saturates;
    ``zones = ["title", "lead", "body"]`` where the cue may fire (default everywhere);
    ``name = "..."``             shown in the explanation (default ``cue<i>``).

Where a term falls
    A hit's value is ``weight`` times the zone multiplier: ``title_weight`` (default 3) in the
    headline, ``lead_weight`` (default 1.5) in the first ``lead_paragraphs`` (default 2)
    paragraphs, ``body_weight`` (default 1) elsewhere.

Topic table keys
    ``threshold`` (required) score needed to keep the topic; ``require = [terms]`` the article
    must contain at least one of these at all (a cheap gate); ``min_sentences`` (default 2)
    positive hits must come from at least this many distinct sentences (the headline counts as
    one); ``description``; ``max_sentences`` evidence sentences to report (default 3).

Example::

    [topics.nato-spending]
    threshold = 6.0
    [topics.nato-spending.terms]
    nato = ["nato", "allies"]
    [[topics.nato-spending.cues]]
    name = "target"
    near = ["@nato", ["spend*", "budget*", "gdp", "target*"]]
    within = 15
    weight = 3.0

The matcher is pure: :func:`match_topics` takes strings and compiled rules and returns
:class:`~monitors.model.TopicMatch` values explaining each kept topic.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitors.errors import ConfigError
from monitors.model import TopicMatch

__all__ = ["Cue", "Term", "TopicRule", "match_topics", "parse_topics"]

_TOKEN = re.compile(r"[^\W_]+|[%$€£]")
_TERM_OK = re.compile(r"^[\w\s%$€£&'’.\-*?#/]+$")
_PARA_SPLIT = re.compile(r"\n[ \t]*\n\s*")
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n")
_ZONES = ("title", "lead", "body")
_TOPIC_KEYS = {
    "description", "threshold", "require", "min_sentences", "lead_paragraphs", "title_weight",
    "lead_weight", "body_weight", "max_sentences", "terms", "cues",
}
_CUE_KEYS = {"name", "any", "all", "near", "within", "none", "weight", "max_hits", "zones", "scope"}
_TOPIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --------------------------------------------------------------------------------------------
# compiled rules


@dataclass(frozen=True)
class Term:
    """One term: its source text and one compiled pattern per word."""

    text: str
    words: tuple[re.Pattern[str], ...]
    literals: tuple[str | None, ...] = ()  # the word itself when it has no wildcard
    prefixes: tuple[str, ...] = ()  # the letters before a word's first wildcard


@dataclass(frozen=True)
class Cue:
    """One weighted cue of a topic rule."""

    name: str
    kind: str  # "any" | "all" | "near"
    groups: tuple[tuple[Term, ...], ...]
    weight: float
    max_hits: int = 3
    within: int = 0
    none: tuple[Term, ...] = ()
    zones: frozenset[str] = frozenset(_ZONES)
    scope: str = "sentence"
    source: str = ""

    def describe(self) -> str:
        return self.source


@dataclass(frozen=True)
class TopicRule:
    """A compiled topic: cues, zone weights, threshold."""

    name: str
    threshold: float
    cues: tuple[Cue, ...]
    require: tuple[Term, ...] = ()
    min_sentences: int = 2
    lead_paragraphs: int = 2
    title_weight: float = 3.0
    lead_weight: float = 1.5
    body_weight: float = 1.0
    max_sentences: int = 3
    description: str = ""


# --------------------------------------------------------------------------------------------
# parsing


class _Ctx:
    def __init__(self, source: str, topic: str) -> None:
        self.source = source
        self.topic = topic

    def err(self, field: str, what: str) -> ConfigError:
        return ConfigError(f"{self.source}: topics.{self.topic}.{field}: {what}")


def _compile_word(word: str) -> re.Pattern[str]:
    if word == "#":
        return re.compile(r"\d+")
    parts = []
    for ch in word:
        if ch == "*":
            parts.append(r"[^\W_]*")
        elif ch == "?":
            parts.append(r"[^\W_]")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts))


def _compile_term(text: Any, ctx: _Ctx, field: str) -> Term:
    if not isinstance(text, str):
        raise ctx.err(field, f"a term must be a string, got {type(text).__name__}")
    t = text.strip().lower()
    if not t:
        raise ctx.err(field, "empty term")
    if not _TERM_OK.match(t):
        raise ctx.err(field, f"term {text!r} has characters other than letters, digits, spaces "
                             "and % $ € £ & ' . - * ? # /")
    words = re.findall(r"[^\W_*?#]*(?:[*?#][^\W_*?#]*)+|[^\W_]+|[%$€£]", t)
    if not words:
        raise ctx.err(field, f"term {text!r} has no word")
    for w in words:
        if w.strip("*?") == "" and w != "#":
            raise ctx.err(field, f"term {text!r}: a wildcard needs at least one letter")
        if "#" in w and w != "#":
            raise ctx.err(field, f"term {text!r}: '#' must stand alone as a word")
    return Term(
        text=t,
        words=tuple(_compile_word(w) for w in words),
        literals=tuple(None if any(c in w for c in "*?#") else w for w in words),
        prefixes=tuple(re.split(r"[*?#]", w)[0] for w in words),
    )


def _expand(item: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx, field: str
            ) -> list[Term]:
    if isinstance(item, str) and item.startswith("@"):
        key = item[1:]
        if key not in lists:
            raise ctx.err(field, f"unknown term list {item!r} (define it in topics.{ctx.topic}"
                                 ".terms)")
        return list(lists[key])
    return [_compile_term(item, ctx, field)]


def _term_list(value: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx, field: str
               ) -> tuple[Term, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ctx.err(field, "expected a non-empty list of terms")
    out: list[Term] = []
    for i, item in enumerate(value):
        out.extend(_expand(item, lists, ctx, f"{field}[{i}]"))
    return tuple(out)


def _number(tbl: Mapping[str, Any], key: str, ctx: _Ctx, field: str, default: float | None,
            *, positive: bool = False, allow_zero: bool = True) -> float:
    if key not in tbl:
        if default is None:
            raise ctx.err(field, "required number is missing")
        return default
    v = tbl[key]
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise ctx.err(field, f"expected a number, got {v!r}")
    if positive and v < 0:
        raise ctx.err(field, f"must not be negative, got {v!r}")
    if not allow_zero and v == 0:
        raise ctx.err(field, "must not be zero")
    return float(v)


def _int(tbl: Mapping[str, Any], key: str, ctx: _Ctx, field: str, default: int, minimum: int
         ) -> int:
    if key not in tbl:
        return default
    v = tbl[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise ctx.err(field, f"expected an integer, got {v!r}")
    if v < minimum:
        raise ctx.err(field, f"must be at least {minimum}, got {v}")
    return v


def _render_group(raw: Any) -> str:
    if isinstance(raw, list):
        return "|".join(str(x) for x in raw)
    return str(raw)


def _parse_cue(i: int, tbl: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx) -> Cue:
    base = f"cues[{i}]"
    if not isinstance(tbl, dict):
        raise ctx.err(base, "expected a table ([[topics.<name>.cues]])")
    unknown = sorted(set(tbl) - _CUE_KEYS)
    if unknown:
        raise ctx.err(f"{base}.{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(_CUE_KEYS))})")
    kinds = [k for k in ("any", "all", "near") if k in tbl]
    if len(kinds) != 1:
        raise ctx.err(base, "a cue needs exactly one of 'any', 'all', 'near'"
                      + (f" (has {', '.join(kinds)})" if kinds else ""))
    kind = kinds[0]
    name = tbl.get("name", f"cue{i}")
    if not isinstance(name, str) or not name.strip():
        raise ctx.err(f"{base}.name", "expected a non-empty string")
    raw = tbl[kind]
    groups: tuple[tuple[Term, ...], ...]
    if kind == "any":
        groups = (_term_list(raw, lists, ctx, f"{base}.any"),)
        shown = f"any({_render_group(raw)})"
    else:
        if not isinstance(raw, list) or len(raw) < 2:
            raise ctx.err(f"{base}.{kind}", "expected a list of at least two groups")
        groups = tuple(_term_list(g, lists, ctx, f"{base}.{kind}[{j}]") for j, g in enumerate(raw))
        shown = f"{kind}({', '.join(_render_group(g) for g in raw)}"
    within = 0
    if kind == "near":
        if "within" not in tbl:
            raise ctx.err(f"{base}.within", "'near' needs 'within' (a number of words)")
        within = _int(tbl, "within", ctx, f"{base}.within", 0, 1)
        shown += f"; within {within})"
    elif "within" in tbl:
        raise ctx.err(f"{base}.within", "'within' only applies to 'near' cues")
    elif kind == "all":
        shown += ")"
    scope = tbl.get("scope", "sentence")
    if scope not in ("sentence", "paragraph"):
        raise ctx.err(f"{base}.scope", f"expected 'sentence' or 'paragraph', got {scope!r}")
    if "scope" in tbl and kind != "all":
        raise ctx.err(f"{base}.scope", "'scope' only applies to 'all' cues")
    none: tuple[Term, ...] = ()
    if "none" in tbl:
        none = _term_list(tbl["none"], lists, ctx, f"{base}.none")
        shown += f" none({_render_group(tbl['none'])})"
    weight = _number(tbl, "weight", ctx, f"{base}.weight", None, allow_zero=False)
    max_hits = _int(tbl, "max_hits", ctx, f"{base}.max_hits", 3, 1)
    zones = frozenset(_ZONES)
    if "zones" in tbl:
        z = tbl["zones"]
        if not isinstance(z, list) or not z or any(x not in _ZONES for x in z):
            raise ctx.err(f"{base}.zones", f"expected a non-empty list of {', '.join(_ZONES)}")
        zones = frozenset(z)
        shown += f" in {'/'.join(x for x in _ZONES if x in zones)}"
    return Cue(name=name.strip(), kind=kind, groups=groups, weight=weight, max_hits=max_hits,
               within=within, none=none, zones=zones, scope=scope, source=shown)


def parse_topics(tables: dict[str, Any], source: str) -> list[TopicRule]:
    """Validate and compile the ``[topics.<name>]`` tables of a config file.

    ``tables`` is the value of the ``topics`` key (a mapping of topic name to table).  Any problem
    raises :class:`ConfigError` naming ``source`` and the field, e.g.
    ``monitors.toml: topics.ukraine-aid.cues[2].within: expected an integer, got 'ten'``.
    """
    if not isinstance(tables, dict):
        raise ConfigError(f"{source}: topics: expected a table of [topics.<name>] tables")
    rules: list[TopicRule] = []
    for name, tbl in tables.items():
        ctx = _Ctx(source, str(name))
        if not isinstance(name, str) or not _TOPIC_NAME.match(name):
            raise ConfigError(f"{source}: topics.{name}: topic names are lower-case letters, "
                              "digits, '-' and '_'")
        if not isinstance(tbl, dict):
            raise ConfigError(f"{source}: topics.{name}: expected a table")
        unknown = sorted(set(tbl) - _TOPIC_KEYS)
        if unknown:
            raise ctx.err(unknown[0], f"unknown key (allowed: {', '.join(sorted(_TOPIC_KEYS))})")
        threshold = _number(tbl, "threshold", ctx, "threshold", None, allow_zero=False,
                            positive=True)
        terms_tbl = tbl.get("terms", {})
        if not isinstance(terms_tbl, dict):
            raise ctx.err("terms", "expected a table of named term lists")
        lists: dict[str, tuple[Term, ...]] = {}
        for key, value in terms_tbl.items():
            lists[key] = _term_list(value, lists, ctx, f"terms.{key}")
        cues_raw = tbl.get("cues")
        if not isinstance(cues_raw, list) or not cues_raw:
            raise ctx.err("cues", "expected at least one [[topics.<name>.cues]] table")
        cues = tuple(_parse_cue(i, c, lists, ctx) for i, c in enumerate(cues_raw))
        if not any(c.weight > 0 for c in cues):
            raise ctx.err("cues", "no cue has a positive weight, the topic could never match")
        require: tuple[Term, ...] = ()
        if "require" in tbl:
            require = _term_list(tbl["require"], lists, ctx, "require")
        description = tbl.get("description", "")
        if not isinstance(description, str):
            raise ctx.err("description", "expected a string")
        rules.append(TopicRule(
            name=name,
            threshold=threshold,
            cues=cues,
            require=require,
            min_sentences=_int(tbl, "min_sentences", ctx, "min_sentences", 2, 1),
            lead_paragraphs=_int(tbl, "lead_paragraphs", ctx, "lead_paragraphs", 2, 0),
            title_weight=_number(tbl, "title_weight", ctx, "title_weight", 3.0, positive=True),
            lead_weight=_number(tbl, "lead_weight", ctx, "lead_weight", 1.5, positive=True),
            body_weight=_number(tbl, "body_weight", ctx, "body_weight", 1.0, positive=True),
            max_sentences=_int(tbl, "max_sentences", ctx, "max_sentences", 3, 0),
            description=description,
        ))
    return rules


# --------------------------------------------------------------------------------------------
# matching


_PARA_GAP = 1000  # token positions skipped between paragraphs, so 'near' never crosses one


class _Doc:
    """The article cut into tokens, with each token's sentence, paragraph and zone."""

    __slots__ = ("_cache", "_index", "_sorted", "positions", "sent_of", "sent_para", "sentences",
                 "tokens", "zone_of_sent")

    def __init__(self, title: str, text: str, lead_paragraphs: int) -> None:
        self.tokens: list[str] = []
        self.sent_of: list[int] = []
        self.sentences: list[str] = []
        self.sent_para: list[int] = []
        self.zone_of_sent: list[int] = []  # paragraph index: -1 = title
        self.positions: list[int] = []
        self._cache: dict[int, list[int]] = {}
        paras = [p for p in _PARA_SPLIT.split(text) if p.strip()]
        blocks: list[tuple[int, str]] = []
        if title.strip():
            blocks.append((-1, title))
        blocks.extend(enumerate(paras))
        pos = 0
        for pi, para in blocks:
            for sent in _SENT_SPLIT.split(para):
                toks = _TOKEN.findall(sent.lower())
                if not toks:
                    continue
                sid = len(self.sentences)
                self.sentences.append(" ".join(sent.split()))
                self.sent_para.append(pi)
                self.zone_of_sent.append(pi)
                n = len(toks)
                self.tokens.extend(toks)
                self.sent_of.extend([sid] * n)
                self.positions.extend(range(pos, pos + n))
                pos += n
            pos += _PARA_GAP
        self._sorted: list[str] | None = None
        self._index: dict[str, list[int]] = {}
        for i, tok in enumerate(self.tokens):
            lst = self._index.get(tok)
            if lst is None:
                self._index[tok] = [i]
            else:
                lst.append(i)

    def _with_prefix(self, prefix: str) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._index)
        toks = self._sorted
        i = bisect_left(toks, prefix)
        out = []
        while i < len(toks) and toks[i].startswith(prefix):
            out.append(toks[i])
            i += 1
        return out

    def find(self, term: Term) -> list[int]:
        """Token indexes where ``term`` starts."""
        key = id(term)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        starts: list[int] = []
        lit = term.literals[0]
        if lit is not None:
            starts.extend(self._index.get(lit, ()))
        else:
            first = term.words[0]
            for tok in self._with_prefix(term.prefixes[0]):
                if _word_match(first, tok):
                    starts.extend(self._index[tok])
        if len(term.words) > 1:
            toks = self.tokens
            pos = self.positions
            n = len(toks)
            k = len(term.words) - 1
            good = []
            for s in starts:
                end = s + k
                if end >= n or pos[end] - pos[s] != k:
                    continue
                if all(_word_match(w, toks[s + j]) for j, w in enumerate(term.words)
                       if j > 0):
                    good.append(s)
            starts = good
        starts.sort()
        self._cache[key] = starts
        return starts


_WORD_CACHE: dict[tuple[int, str], bool] = {}


def _word_match(pat: re.Pattern[str], tok: str) -> bool:
    key = (id(pat), tok)
    r = _WORD_CACHE.get(key)
    if r is None:
        if len(_WORD_CACHE) > 500_000:
            _WORD_CACHE.clear()
        r = pat.fullmatch(tok) is not None
        _WORD_CACHE[key] = r
    return r


@dataclass(frozen=True)
class _Hit:
    sentence: int
    value: float
    terms: tuple[str, ...]


def _surface(doc: _Doc, start: int, term: Term) -> str:
    return " ".join(doc.tokens[start:start + len(term.words)])


def _group_hits(doc: _Doc, group: tuple[Term, ...]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for term in group:
        out.extend((s, _surface(doc, s, term)) for s in doc.find(term))
    out.sort()
    return out


def _cue_hits(doc: _Doc, cue: Cue, rule: TopicRule) -> list[_Hit]:
    raw: list[tuple[int, tuple[str, ...]]] = []  # (sentence id, terms)
    if cue.kind == "any":
        raw = [(doc.sent_of[i], (s,)) for i, s in _group_hits(doc, cue.groups[0])]
    elif cue.kind == "all":
        per_group = [_group_hits(doc, g) for g in cue.groups]
        if any(not g for g in per_group):
            return []
        unit = doc.sent_of if cue.scope == "sentence" else [doc.sent_para[s] for s in doc.sent_of]
        maps: list[dict[int, list[str]]] = []
        for hits in per_group:
            m: dict[int, list[str]] = {}
            for i, s in hits:
                m.setdefault(unit[i], []).append(s)
            maps.append(m)
        common = set(maps[0]).intersection(*maps[1:])
        for u in sorted(common):
            terms = tuple(dict.fromkeys(t for m in maps for t in m[u]))
            if cue.scope == "sentence":
                raw.append((u, terms))
            else:  # paragraph: credit the first sentence of the paragraph holding a hit
                first = min(i for i, _ in per_group[0] if unit[i] == u)
                raw.append((doc.sent_of[first], terms))
    else:  # near
        per_group = [_group_hits(doc, g) for g in cue.groups]
        if any(not g for g in per_group):
            return []
        pos = doc.positions
        others = [([pos[i] for i, _ in g], g) for g in per_group[1:]]
        for i, s in per_group[0]:
            p = pos[i]
            terms = [s]
            ok = True
            for plist, g in others:
                j = bisect_left(plist, p - cue.within)
                if j < len(plist) and plist[j] <= p + cue.within:
                    # choose the nearest partner for the explanation
                    best = min(range(j, min(j + 8, len(plist))), key=lambda k: abs(plist[k] - p))
                    terms.append(g[best][1])
                else:
                    ok = False
                    break
            if ok:
                raw.append((doc.sent_of[i], tuple(terms)))
    if not raw:
        return []
    none_sents: set[int] = set()
    for term in cue.none:
        none_sents.update(doc.sent_of[i] for i in doc.find(term))
    hits: list[_Hit] = []
    seen: set[tuple[int, tuple[str, ...]]] = set()
    for sid, terms in raw:
        if sid in none_sents:
            continue
        zone_para = doc.zone_of_sent[sid]
        if zone_para < 0:
            zone, mult = "title", rule.title_weight
        elif zone_para < rule.lead_paragraphs:
            zone, mult = "lead", rule.lead_weight
        else:
            zone, mult = "body", rule.body_weight
        if zone not in cue.zones:
            continue
        if (sid, terms) in seen and cue.kind != "any":
            continue
        seen.add((sid, terms))
        hits.append(_Hit(sid, cue.weight * mult, terms))
    hits.sort(key=lambda h: -abs(h.value))
    return hits[: cue.max_hits]


def _score(doc: _Doc, rule: TopicRule) -> TopicMatch | None:
    if rule.require and not any(doc.find(t) for t in rule.require):
        return None
    score = 0.0
    parts: list[str] = []
    pos_sents: dict[int, float] = {}
    term_count: dict[str, int] = {}
    for cue in rule.cues:
        hits = _cue_hits(doc, cue, rule)
        if not hits:
            continue
        total = sum(h.value for h in hits)
        score += total
        parts.append(f"{cue.name} x{len(hits)} {total:+.1f}")
        if cue.weight > 0:
            for h in hits:
                pos_sents[h.sentence] = pos_sents.get(h.sentence, 0.0) + h.value
                for t in h.terms:
                    term_count[t] = term_count.get(t, 0) + 1
    if score < rule.threshold or len(pos_sents) < rule.min_sentences:
        return None
    best = sorted(pos_sents, key=lambda s: (-pos_sents[s], s))[: rule.max_sentences]
    sentences = tuple(doc.sentences[s] for s in sorted(best))
    terms = tuple(sorted(term_count, key=lambda t: (-term_count[t], t))[:12])
    explanation = (f"{rule.name}: score {score:.1f} >= {rule.threshold:g} from "
                   f"{len(pos_sents)} sentences [{'; '.join(parts)}]")
    return TopicMatch(topic=rule.name, score=round(score, 2), rule=explanation, terms=terms,
                      sentences=sentences)


def match_topics(title: str, text: str, rules: Sequence[TopicRule]) -> list[TopicMatch]:
    """Score an article against each rule; return one TopicMatch per kept topic, in rule order."""
    out: list[TopicMatch] = []
    docs: dict[int, _Doc] = {}
    for rule in rules:
        doc = docs.get(rule.lead_paragraphs)
        if doc is None:
            doc = docs[rule.lead_paragraphs] = _Doc(title or "", text or "", rule.lead_paragraphs)
        m = _score(doc, rule)
        if m is not None:
            out.append(m)
    return out


def cue_descriptions(rule: TopicRule) -> list[str]:
    """Human-readable form of each cue of a rule (for docs and debugging)."""
    return [f"{c.name} ({c.weight:+g}, max {c.max_hits}): {c.describe()}" for c in rule.cues]
