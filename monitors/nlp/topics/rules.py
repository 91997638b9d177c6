"""Topic rules: the compiled form (:class:`Term`, :class:`Cue`, :class:`TopicRule`) and the
parser of the ``[topics.<name>]`` TOML tables into it.

The rule language itself is documented in :mod:`monitors.nlp.topics`; this module checks a rule
table key by key and reports the first problem as a :class:`ConfigError` that names the file and
the field, so a typo in ``monitors.toml`` is found when the config loads, not when a topic
silently never matches.  Pure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from monitors.errors import ConfigError

__all__ = ["ZONES", "Cue", "Term", "TopicRule", "parse_topics"]

_TERM_OK = re.compile(r"^[\w\s%$€£&'’.\-*?#/]+$")
ZONES = ("title", "lead", "body")
_TOPIC_KEYS = {
    "description",
    "threshold",
    "passages",
    "passage_threshold",
    "passage_merge",
    "model",
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
_CUE_KEYS = {
    "name",
    "any",
    "all",
    "near",
    "within",
    "none",
    "weight",
    "max_hits",
    "zones",
    "scope",
    "passage_only",
}
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
    zones: frozenset[str] = frozenset(ZONES)
    scope: str = "sentence"
    source: str = ""
    passage_only: bool = False  # counted in a passage's score only, not the whole text's

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
    passages: bool = False
    passage_threshold: float = 0.0  # 0 = the rule's threshold
    passage_merge: int = 0  # a cut Q&A turn / section of at most this many paragraphs, whole
    model: bool = False  # also keep what the learned scorer keeps (topics/model.py)


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


def _bool(tbl: Mapping[str, Any], key: str, ctx: _Ctx) -> bool:
    v = tbl.get(key, False)
    if not isinstance(v, bool):
        raise ctx.err(key, f"expected true or false, got {v!r}")
    return v


def _render_group(raw: Any) -> str:
    if isinstance(raw, list):
        return "|".join(str(x) for x in raw)
    return str(raw)


def _cue_kind(tbl: Any, base: str, ctx: _Ctx) -> str:
    """The cue's one kind key, after checking the table and its keys."""
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
    return kinds[0]


def _cue_groups(
    kind: str, raw: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx, base: str
) -> tuple[tuple[tuple[Term, ...], ...], str]:
    """The cue's term groups and the start of its shown form (left open after the groups)."""
    if kind == "any":
        return (ctx.group(_term_list(raw, lists, ctx, f"{base}.any")),), f"any({_render_group(raw)}"
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.err(f"{base}.{kind}", "expected a list of at least two groups")
    groups = tuple(
        ctx.group(_term_list(g, lists, ctx, f"{base}.{kind}[{j}]")) for j, g in enumerate(raw)
    )
    return groups, f"{kind}({', '.join(_render_group(g) for g in raw)}"


def _cue_within(kind: str, tbl: dict[str, Any], ctx: _Ctx, base: str) -> int:
    """The proximity window of a 'near' cue (0 for the other kinds, which must not set one)."""
    if kind == "near":
        if "within" not in tbl:
            raise ctx.err(f"{base}.within", "'near' needs 'within' (a number of words)")
        return _int(tbl, "within", ctx, f"{base}.within", 0, 1)
    if "within" in tbl:
        raise ctx.err(f"{base}.within", "'within' only applies to 'near' cues")
    return 0


def _cue_scope(kind: str, tbl: dict[str, Any], ctx: _Ctx, base: str) -> str:
    scope = tbl.get("scope", "sentence")
    if scope not in ("sentence", "paragraph"):
        raise ctx.err(f"{base}.scope", f"expected 'sentence' or 'paragraph', got {scope!r}")
    if "scope" in tbl and kind != "all":
        raise ctx.err(f"{base}.scope", "'scope' only applies to 'all' cues")
    return scope


def _cue_zones(tbl: dict[str, Any], ctx: _Ctx, base: str) -> frozenset[str]:
    if "zones" not in tbl:
        return frozenset(ZONES)
    z = tbl["zones"]
    if not isinstance(z, list) or not z or any(x not in ZONES for x in z):
        raise ctx.err(f"{base}.zones", f"expected a non-empty list of {', '.join(ZONES)}")
    return frozenset(z)


def _parse_cue(i: int, tbl: Any, lists: Mapping[str, tuple[Term, ...]], ctx: _Ctx) -> Cue:
    base = f"cues[{i}]"
    kind = _cue_kind(tbl, base, ctx)
    name = tbl.get("name", f"cue{i}")
    if not isinstance(name, str) or not name.strip():
        raise ctx.err(f"{base}.name", "expected a non-empty string")
    groups, shown = _cue_groups(kind, tbl[kind], lists, ctx, base)
    within = _cue_within(kind, tbl, ctx, base)
    shown += f"; within {within})" if kind == "near" else ")"
    scope = _cue_scope(kind, tbl, ctx, base)
    none: tuple[Term, ...] = ()
    if "none" in tbl:
        none = _term_list(tbl["none"], lists, ctx, f"{base}.none")
        shown += f" none({_render_group(tbl['none'])})"
    weight = _number(tbl, "weight", ctx, f"{base}.weight", None, allow_zero=False)
    max_hits = _int(tbl, "max_hits", ctx, f"{base}.max_hits", 3, 1)
    zones = _cue_zones(tbl, ctx, base)
    if "zones" in tbl:
        shown += f" in {'/'.join(x for x in ZONES if x in zones)}"
    passage_only = tbl.get("passage_only", False)
    if not isinstance(passage_only, bool):
        raise ctx.err(f"{base}.passage_only", f"expected true or false, got {passage_only!r}")
    if passage_only:
        shown += " passage only"
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
        passage_only=passage_only,
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
        if not _bool(tbl, "passages", ctx):
            for i, c in enumerate(cues):
                if c.passage_only:
                    raise ctx.err(f"cues[{i}].passage_only", "needs passages = true on the topic")
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
                passages=_bool(tbl, "passages", ctx),
                model=_bool(tbl, "model", ctx),
                passage_merge=_int(tbl, "passage_merge", ctx, "passage_merge", 0, 0),
                passage_threshold=_number(
                    tbl, "passage_threshold", ctx, "passage_threshold", 0.0, positive=True
                ),
                description=description,
            )
        )
    return rules
