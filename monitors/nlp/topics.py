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
    matches spend, spends, spending; ``**`` is rejected as a typo), ``?`` matches exactly one
    (``defen?e`` matches defence and defense), and a word that is just ``#`` matches any number
    (``"# %"`` matches "5%" and the "5 %" of "3.5%").

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
                                 paragraph (proximity); the headline and the first paragraph
                                 count as one passage here, as a reader takes them (a feed
                                 summary often names its subject only in the headline);
    and optionally
    ``none = [terms]``           NOT: a hit is dropped when its sentence contains any of these;
    ``weight = w``               value of one hit (negative = a cue that subtracts);
    ``max_hits = k``             only the k best hits count (default 3): frequency helps, but
                                 saturates;
    ``zones = ["title", "lead", "body"]`` where the cue may fire (default everywhere);
    ``name = "..."``             shown in the explanation (default ``cue<i>``).

Layout
    Runs of table rules left by converted HTML tables (``| --- | --- |``, ``| |``) end a sentence,
    so a newsletter's table does not merge separate items into one sentence.

Where a term falls
    A hit's value is ``weight`` times the zone multiplier: ``title_weight`` (default 3) in the
    headline, ``lead_weight`` (default 1.5) in the first ``lead_paragraphs`` (default 2)
    paragraphs, ``body_weight`` (default 1) elsewhere.

Topic table keys
    ``threshold`` (required) score needed to keep the topic; ``require = [terms]`` the article
    must contain at least one of these at all (a cheap gate); ``min_sentences`` (default 2)
    positive hits must come from at least this many distinct sentences (the headline counts as
    one); ``sentence_cap`` caps the cue weights one sentence can add up, summed over all positive
    cues, before its zone multiplier (default 0 = no cap): a single sentence that happens to fire
    every cue is still one mention, and a headline still counts ``title_weight`` times more;
    ``short_article = N`` (default 0 = off): for a text of fewer than N sentences (headline not
    counted) the threshold shrinks in proportion to its length, down to half, and for a text of
    fewer than 12 sentences ``min_sentences`` shrinks in proportion to 12, down to 1 (with 3:
    one sentence up to 4, two up to 8) -- a feed item of a headline and a two-sentence summary
    that are on topic is substantially about it, while a live blog's seven lines with one
    on-topic line, or a page of a dozen bullets with one or two on-topic bullets, is not;
    ``title_alone = w`` (default 0 = off): a headline whose positive cues add up to ``w`` (cue
    weights, no multiplier) keeps the article on its own, unless the negative cues of the whole
    text subtract more than ``title_veto`` (default 0) or the text is long (``short_article``
    sentences or more) and has no positive sentence of its own;
    ``window = N`` (default 0 = off): for a text of more than N sentences, only the best passage
    of N consecutive sentences counts (plus the headline), so mentions spread thinly over a long
    transcript or newsletter do not add up to a topic; ``description``; ``max_sentences``
    evidence sentences to report (default 3).

Decision
    Kept when ``score >= threshold`` (after the ``short_article`` scaling) with positive hits in
    at least ``min_sentences`` sentences, or when the headline rule (``title_alone``) holds.  The
    explanation says which, and gives the headline and text parts of the score, the number of
    evidence sentences and every cue that fired.

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
from dataclasses import dataclass, field
from typing import Any

from monitors.errors import ConfigError
from monitors.model import TopicMatch
from monitors.nlp.lexicon import PARAGRAPH_BREAK

__all__ = ["Cue", "Term", "TopicRule", "match_topics", "parse_topics"]

_TOKEN = re.compile(r"[^\W_]+|[%$€£]")
_TERM_OK = re.compile(r"^[\w\s%$€£&'’.\-*?#/]+$")
_SENT_SPLIT = re.compile(r"([.!?][\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n")
_TOKEN_OR_MARK = re.compile(r"[^\W_]+|[%$€£\x00]")
# layout residue of converted tables ("| --- | --- |", "| |"): a sentence break, so the cells
# of a newsletter's table do not merge separate items into one long "sentence"
_TABLE_RULE = re.compile(r"(?:\|[ \t\-:]*){2,}")
_ZONES = ("title", "lead", "body")
_TOPIC_KEYS = {
    "description",
    "threshold",
    "require",
    "min_sentences",
    "lead_paragraphs",
    "title_weight",
    "lead_weight",
    "body_weight",
    "max_sentences",
    "terms",
    "cues",
    "sentence_cap",
    "short_article",
    "title_alone",
    "title_veto",
    "window",
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
    sentence_cap: float = 0.0
    short_article: int = 0
    title_alone: float = 0.0
    title_veto: float = 0.0
    window: int = 0


# --------------------------------------------------------------------------------------------
# parsing


class _Ctx:
    def __init__(
        self, source: str, topic: str, groups: dict[tuple[str, ...], tuple[Term, ...]] | None = None
    ) -> None:
        self.source = source
        self.topic = topic
        # one tuple per distinct term group of a rule set, so a document can look a group's
        # hits up once for all the cues that share it (e.g. "@ukraine")
        self.groups = groups if groups is not None else {}

    def group(self, terms: tuple[Term, ...]) -> tuple[Term, ...]:
        return self.groups.setdefault(tuple(t.text for t in terms), terms)

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
        raise ctx.err(
            field,
            f"term {text!r} has characters other than letters, digits, spaces "
            "and % $ € £ & ' . - * ? # /",
        )
    words = re.findall(r"[^\W_*?#]*(?:[*?#][^\W_*?#]*)+|[^\W_]+|[%$€£]", t)
    if not words:
        raise ctx.err(field, f"term {text!r} has no word")
    for w in words:
        if w.strip("*?") == "" and w != "#":
            raise ctx.err(field, f"term {text!r}: a wildcard needs at least one letter")
        if "**" in w:
            raise ctx.err(field, f"term {text!r}: '**' is the same as '*'; write one '*'")
        if "#" in w and w != "#":
            raise ctx.err(field, f"term {text!r}: '#' must stand alone as a word")
    return Term(
        text=t,
        words=tuple(_compile_word(w) for w in words),
        literals=tuple(None if any(c in w for c in "*?#") else w for w in words),
        prefixes=tuple(re.split(r"[*?#]", w)[0] for w in words),
    )


def _expand(item: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx, field: str) -> list[Term]:
    if isinstance(item, str) and item.startswith("@"):
        key = item[1:]
        if key not in lists:
            raise ctx.err(
                field, f"unknown term list {item!r} (define it in topics.{ctx.topic}.terms)"
            )
        return list(lists[key])
    return [_compile_term(item, ctx, field)]


def _term_list(
    value: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx, field: str
) -> tuple[Term, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ctx.err(field, "expected a non-empty list of terms")
    out: list[Term] = []
    for i, item in enumerate(value):
        out.extend(_expand(item, lists, ctx, f"{field}[{i}]"))
    return tuple(out)


def _number(
    tbl: Mapping[str, Any],
    key: str,
    ctx: _Ctx,
    field: str,
    default: float | None,
    *,
    positive: bool = False,
    allow_zero: bool = True,
) -> float:
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


def _int(
    tbl: Mapping[str, Any], key: str, ctx: _Ctx, field: str, default: int, minimum: int
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
        allowed = ", ".join(sorted(_CUE_KEYS))
        raise ctx.err(f"{base}.{unknown[0]}", f"unknown key (allowed: {allowed})")
    kinds = [k for k in ("any", "all", "near") if k in tbl]
    if len(kinds) != 1:
        raise ctx.err(
            base,
            "a cue needs exactly one of 'any', 'all', 'near'"
            + (f" (has {', '.join(kinds)})" if kinds else ""),
        )
    kind = kinds[0]
    name = tbl.get("name", f"cue{i}")
    if not isinstance(name, str) or not name.strip():
        raise ctx.err(f"{base}.name", "expected a non-empty string")
    raw = tbl[kind]
    groups: tuple[tuple[Term, ...], ...]
    if kind == "any":
        groups = (ctx.group(_term_list(raw, lists, ctx, f"{base}.any")),)
        shown = f"any({_render_group(raw)})"
    else:
        if not isinstance(raw, list) or len(raw) < 2:
            raise ctx.err(f"{base}.{kind}", "expected a list of at least two groups")
        groups = tuple(
            ctx.group(_term_list(g, lists, ctx, f"{base}.{kind}[{j}]")) for j, g in enumerate(raw)
        )
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
    return Cue(
        name=name.strip(),
        kind=kind,
        groups=groups,
        weight=weight,
        max_hits=max_hits,
        within=within,
        none=none,
        zones=zones,
        scope=scope,
        source=shown,
    )


def parse_topics(tables: dict[str, Any], source: str) -> list[TopicRule]:
    """Validate and compile the ``[topics.<name>]`` tables of a config file.

    ``tables`` is the value of the ``topics`` key (a mapping of topic name to table).  Any problem
    raises :class:`ConfigError` naming ``source`` and the field, e.g.
    ``monitors.toml: topics.ukraine-aid.cues[2].within: expected an integer, got 'ten'``.
    """
    if not isinstance(tables, dict):
        raise ConfigError(f"{source}: topics: expected a table of [topics.<name>] tables")
    rules: list[TopicRule] = []
    groups: dict[tuple[str, ...], tuple[Term, ...]] = {}
    for name, tbl in tables.items():
        ctx = _Ctx(source, str(name), groups)
        if not isinstance(name, str) or not _TOPIC_NAME.match(name):
            raise ConfigError(
                f"{source}: topics.{name}: topic names are lower-case letters, digits, '-' and '_'"
            )
        if not isinstance(tbl, dict):
            raise ConfigError(f"{source}: topics.{name}: expected a table")
        unknown = sorted(set(tbl) - _TOPIC_KEYS)
        if unknown:
            raise ctx.err(unknown[0], f"unknown key (allowed: {', '.join(sorted(_TOPIC_KEYS))})")
        threshold = _number(
            tbl, "threshold", ctx, "threshold", None, allow_zero=False, positive=True
        )
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
        rules.append(
            TopicRule(
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
                sentence_cap=_number(tbl, "sentence_cap", ctx, "sentence_cap", 0.0, positive=True),
                short_article=_int(tbl, "short_article", ctx, "short_article", 0, 0),
                title_alone=_number(tbl, "title_alone", ctx, "title_alone", 0.0, positive=True),
                title_veto=_number(tbl, "title_veto", ctx, "title_veto", 0.0, positive=True),
                window=_int(tbl, "window", ctx, "window", 0, 0),
                description=description,
            )
        )
    return rules


# --------------------------------------------------------------------------------------------
# matching


_SHORT_SENTENCES = 12  # below this many sentences a short text may need fewer evidence sentences
_PARA_GAP = 1000  # token positions skipped between paragraphs, so 'near' never crosses one


@dataclass(frozen=True)
class _Lexicon:
    """The first words of every term: literal words, prefixes of wildcard words, numbers."""

    literals: frozenset[str]
    prefixes: tuple[str, ...]
    numbers: bool = False  # some term has a '#' word
    # the non-empty prefixes by their first character, so a token is only compared with the
    # few prefixes that can match it; ``every`` when some wildcard word has no leading letter
    by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    every: bool = False


_LEXICONS: dict[tuple[int, ...], tuple[Sequence[TopicRule], _Lexicon]] = {}


def _lexicon(rules: Sequence[TopicRule]) -> _Lexicon:
    key = tuple(id(r) for r in rules)
    hit = _LEXICONS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], rules, strict=True)):
        return hit[1]
    literals: set[str] = set()
    prefixes: set[str] = set()
    numbers = False
    for rule in rules:
        terms = list(rule.require)
        for cue in rule.cues:
            terms.extend(t for g in cue.groups for t in g)
            terms.extend(cue.none)
        for term in terms:  # only a term's first word is looked up in the index
            lit, pre = term.literals[0], term.prefixes[0]
            if lit is not None:
                literals.add(lit)
            elif term.words[0].pattern == r"\d+":
                numbers = True
            else:
                prefixes.add(pre)
    by_first: dict[str, list[str]] = {}
    for pre in sorted(prefixes):
        if pre:
            by_first.setdefault(pre[0], []).append(pre)
    lex = _Lexicon(
        frozenset(literals),
        tuple(sorted(prefixes)),
        numbers,
        {c: tuple(v) for c, v in by_first.items()},
        "" in prefixes,
    )
    if len(_LEXICONS) > 64:
        _LEXICONS.clear()
    _LEXICONS[key] = (tuple(rules), lex)
    return lex


class _Doc:
    """The article cut into tokens, with each token's sentence, paragraph and zone.

    Only tokens that some rule word could match are indexed (``lexicon``), which keeps the
    per-token work in C (set operations) for the bulk of an article.
    """

    __slots__ = (
        "_cache",
        "_gcache",
        "_index",
        "_keys",
        "_pcache",
        "_vocab",
        "positions",
        "sent_of",
        "sent_para",
        "sentences",
        "title_end",
        "tokens",
        "zone_of_sent",
    )

    def __init__(self, title: str, text: str, lexicon: _Lexicon) -> None:
        tokens: list[str] = []
        sent_of: list[int] = []
        positions: list[int] = []
        sentences: list[str] = []
        sent_para: list[int] = []
        self._cache: dict[str, list[int]] = {}
        self._gcache: dict[int, list[tuple[int, Term]]] = {}
        self._pcache: dict[int, list[int]] = {}
        blocks: list[tuple[int, str]] = []
        if title.strip():
            blocks.append((-1, title))
        if "|" in text:
            text = _TABLE_RULE.sub("\n", text)
        blocks.extend(enumerate(p for p in PARAGRAPH_BREAK.split(text) if p.strip()))
        # cut into sentences (the split keeps each sentence's closing punctuation), then
        # tokenise all of them with one regex call, "\0" marking where each sentence ends
        raw: list[str] = []
        raw_para: list[int] = []
        split = _SENT_SPLIT.split
        for pi, para in blocks:
            parts = split(para.replace("\0", " "))
            for j in range(0, len(parts), 2):
                sent = parts[j]
                if j + 1 < len(parts) and parts[j + 1]:
                    sent += parts[j + 1]
                if sent.strip():
                    raw.append(sent)
                    raw_para.append(pi)
        flat = _TOKEN_OR_MARK.findall("\0".join(raw).lower() + "\0")
        pos = 0
        start = 0
        last_para = raw_para[0] if raw_para else 0
        for sent, pi in zip(raw, raw_para, strict=True):
            end = flat.index("\0", start)
            n = end - start
            if n:
                if pi != last_para:
                    # the headline and the lead are read together (a feed item's summary often
                    # names the subject only in its headline); other paragraphs stay apart
                    if not (last_para < 0 and pi == 0):
                        pos += _PARA_GAP
                    last_para = pi
                sent_of.extend([len(sentences)] * n)
                sentences.append(sent)
                sent_para.append(pi)
                tokens.extend(flat[start:end])
                positions.extend(range(pos, pos + n))
                pos += n
            start = end + 1
        self.tokens = tokens
        # tokens [0, title_end) are the headline's
        self.title_end = next(
            (i for i, sid in enumerate(sent_of) if sent_para[sid] >= 0), len(tokens)
        )
        self.sent_of = sent_of
        self.positions = positions
        self.sentences = sentences
        self.sent_para = sent_para
        self.zone_of_sent = sent_para  # paragraph index: -1 = title
        vocab = self._vocab = set(tokens)
        keep = vocab & lexicon.literals
        if lexicon.every:
            keep = set(vocab)
        elif lexicon.by_first:
            by_first = lexicon.by_first
            keep.update(t for t in vocab if (pre := by_first.get(t[0])) and t.startswith(pre))
        if lexicon.numbers:
            keep.update(t for t in vocab if t.isdigit())
        index: dict[str, list[int]] = {}
        for i in [i for i, t in enumerate(tokens) if t in keep]:
            tok = tokens[i]
            lst = index.get(tok)
            if lst is None:
                index[tok] = [i]
            else:
                lst.append(i)
        self._index = index
        self._keys: list[str] | None = None

    def sentence(self, sid: int) -> str:
        return " ".join(self.sentences[sid].split())

    def find(self, term: Term) -> list[int]:
        """Token indexes where ``term`` starts."""
        key = term.text
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        starts: list[int] = []
        lit = term.literals[0]
        if lit is not None:
            starts.extend(self._index.get(lit, ()))
        else:
            first = term.words[0]
            prefix = term.prefixes[0]
            keys = self._keys
            if keys is None:
                keys = self._keys = sorted(self._index)
            if first.pattern == r"\d+":  # '#': any number
                for k in keys:
                    if k.isdigit():
                        starts.extend(self._index[k])
            else:
                j = bisect_left(keys, prefix)
                while j < len(keys) and keys[j].startswith(prefix):
                    if _word_match(first, keys[j]):
                        starts.extend(self._index[keys[j]])
                    j += 1
        if len(term.words) > 1 and starts:
            if any(lit is not None and lit not in self._vocab for lit in term.literals[1:]):
                starts = []
            toks = self.tokens
            pos = self.positions
            n = len(toks)
            k = len(term.words) - 1
            rest = [
                (j, lit, w)
                for j, (lit, w) in enumerate(zip(term.literals, term.words, strict=True))
                if j > 0
            ]
            if all(lit is not None for _, lit, _ in rest):  # literal words: compare slices
                want = [lit for _, lit, _ in rest]
                starts = [
                    s
                    for s in starts
                    if s + k < n and toks[s + 1 : s + k + 1] == want and pos[s + k] - pos[s] == k
                ]
            else:
                good = []
                for s in starts:
                    end = s + k
                    if end >= n or pos[end] - pos[s] != k:
                        continue
                    for j, lit, w in rest:
                        tok = toks[s + j]
                        if (tok != lit) if lit is not None else not _word_match(w, tok):
                            break
                    else:
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
    return " ".join(doc.tokens[start : start + len(term.words)])


def _group_hits(doc: _Doc, group: tuple[Term, ...]) -> list[tuple[int, Term]]:
    """(token index, term) of every hit of any term of ``group``, in text order; cached per
    document (groups are shared between cues by the parser), so callers must not modify it."""
    out = doc._gcache.get(id(group))
    if out is not None:
        return out
    out = []
    index = doc._index
    runs = 0
    for term in group:
        lit = term.literals[0]
        if lit is not None and lit not in index:  # most terms are absent: skip the call
            continue
        starts = doc.find(term)
        if starts:
            out.extend([(s, term) for s in starts])
            runs += 1
    if runs > 1:
        out.sort(key=lambda x: x[0])
    doc._gcache[id(group)] = out
    return out


def _zone_mult(doc: _Doc, sid: int, rule: TopicRule) -> tuple[str, float]:
    para = doc.zone_of_sent[sid]
    if para < 0:
        return "title", rule.title_weight
    if para < rule.lead_paragraphs:
        return "lead", rule.lead_weight
    return "body", rule.body_weight


_TITLE_ONLY = frozenset({"title"})


def _first(hit: tuple[int, Term]) -> int:
    return hit[0]


def _positions(doc: _Doc, group: tuple[Term, ...], hits: list[tuple[int, Term]]) -> list[int]:
    """The word positions of a group's hits (``_group_hits``), cached per document."""
    out = doc._pcache.get(id(group))
    if out is None:
        pos = doc.positions
        out = doc._pcache[id(group)] = [pos[i] for i, _ in hits]
    return out


def _cue_hits(doc: _Doc, cue: Cue, rule: TopicRule) -> list[_Hit]:
    """The cue's best ``max_hits`` hits: (sentence, value, matched terms)."""
    # candidates: (sentence id, [(token index, term), ...]) in text order
    raw: list[tuple[int, list[tuple[int, Term]]]] = []
    sent_of = doc.sent_of
    title_only = cue.zones == _TITLE_ONLY
    if cue.kind == "any":
        first = _group_hits(doc, cue.groups[0])
        if title_only:
            first = first[: bisect_left(first, doc.title_end, key=_first)]
        raw = [(sent_of[i], [(i, t)]) for i, t in first]
    else:
        per_group = []
        for k, g in enumerate(cue.groups):
            hits = _group_hits(doc, g)
            if title_only and (k == 0 or cue.kind == "all"):  # the hit sits in the headline
                hits = hits[: bisect_left(hits, doc.title_end, key=_first)]
            if not hits:
                return []
            per_group.append(hits)
        if cue.kind == "all":
            para = doc.sent_para
            maps: list[dict[int, list[tuple[int, Term]]]] = []
            for hits in per_group:
                m: dict[int, list[tuple[int, Term]]] = {}
                for i, t in hits:
                    u = sent_of[i] if cue.scope == "sentence" else para[sent_of[i]]
                    m.setdefault(u, []).append((i, t))
                maps.append(m)
            common = set(maps[0]).intersection(*maps[1:])
            for u in sorted(common):
                found = [m[u][0] for m in maps]
                raw.append((sent_of[found[0][0]], found))
        else:  # near
            pos = doc.positions
            others = [
                (_positions(doc, g, h), h)
                for g, h in zip(cue.groups[1:], per_group[1:], strict=True)
            ]
            w = cue.within
            done: set[int] = set()
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
    if not raw:
        return []
    none_sents: set[int] = set()
    index = doc._index
    for term in cue.none:
        lit = term.literals[0]
        if lit is None or lit in index:
            none_sents.update([sent_of[i] for i in doc.find(term)])
    scored: list[tuple[float, int, list[tuple[int, Term]]]] = []
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
        for value, sid, found in scored[: cue.max_hits]
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


def _score(doc: _Doc, rule: TopicRule) -> TopicMatch | None:
    if rule.require and not any(doc.find(t) for t in rule.require):
        return None
    negative = 0.0
    parts: list[str] = []
    pos_sents: dict[int, float] = {}
    term_count: dict[str, int] = {}
    title_raw = 0.0
    para = doc.sent_para
    for cue in rule.cues:
        hits = _cue_hits(doc, cue, rule)
        if not hits:
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
    doc = _Doc(title or "", text or "", _lexicon(rules))
    for rule in rules:
        m = _score(doc, rule)
        if m is not None:
            out.append(m)
    return out
