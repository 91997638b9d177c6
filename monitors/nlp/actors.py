"""Who a figure can be about: the actor table of ``monitors/nlp/data/actors.toml``.

One canonical name per country, bloc or institution, with the ways copy names it.  This module
only answers *who* a mention is (:func:`canonical_actor`) and where mentions are
(:data:`ACTOR_PATTERN`); whether a mention is a figure's subject is grammar
(:mod:`monitors.nlp.subjects`).  Pure: the table is read once at import.
"""

from __future__ import annotations

import re
from functools import cache

from monitors.nlp.lexicon import data_path, table

TABLE = data_path("actors")


def _key(text: str) -> str:
    """A mention folded for lookup: case, spacing, a leading 'the' and a possessive dropped."""
    s = re.sub(r"\s+", " ", text.strip()).lower()
    s = re.sub(r"['’]s$|['’]$", "", s)
    return re.sub(r"^the ", "", s).strip()


@cache
def _actors() -> tuple[dict, ...]:
    """The table's ``[[actor]]`` entries, parsed once."""
    return tuple(table("actors").get("actor", []))


@cache
def _nato() -> frozenset[str]:
    return frozenset(a["name"] for a in _actors() if a.get("nato"))


def is_nato(name: str | None) -> bool:
    """Whether the actor is NATO, one of its members, or the EU (``nato = true``)."""
    return bool(name) and name in _nato()


def actors_in(text: str) -> list[str]:
    """The canonical actors a text names, in order."""
    return [n for m in actor_pattern().finditer(text) if (n := canonical_actor(m.group(0)))]


@cache
def _table() -> tuple[dict[str, str], tuple[str, ...]]:
    names: dict[str, str] = {}
    aliases: list[str] = []
    for i, actor in enumerate(_actors()):
        name = actor.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{TABLE}: actor[{i}].name: must be a non-empty string")
        for alias in [name, *actor.get("aliases", [])]:
            k = _key(alias)
            if names.get(k, name) != name:
                raise ValueError(
                    f"{TABLE}: actor[{i}].aliases: {alias!r} is already an alias of {names[k]}"
                )
            names[k] = name
            aliases.append(alias)
    return names, tuple(sorted(set(aliases), key=len, reverse=True))


def _alias_regex(alias: str) -> str:
    parts = [re.escape(w) for w in alias.split()]
    first = parts[0]
    if alias[0].islower():
        first = f"[{alias[0]}{alias[0].upper()}]" + re.escape(alias.split()[0][1:])
    body = r"\s+".join([first, *parts[1:]])
    # an alias ending in a dot ("U.S.") may end a sentence; others end at a word boundary
    return body + ("" if alias.endswith(".") else r"\b")


@cache
def actor_pattern() -> re.Pattern[str]:
    """Every alias of every actor, longest first, as whole words (not inside a hyphenated
    word: 'EU-funded' is an adjective, not the EU acting)."""
    _, aliases = _table()
    return re.compile(r"(?<![\w.-])(?:" + "|".join(_alias_regex(a) for a in aliases) + r")(?!-\w)")


def canonical_actor(mention: str | None) -> str | None:
    """The canonical name of a mention ('Washington' -> 'US', "the alliance's" -> 'NATO'),
    or None when the table does not know it."""
    if not mention:
        return None
    return _table()[0].get(_key(mention))


def display_name(mention: str) -> str:
    """The name to show for a mention: the actor's canonical name, else the mention itself."""
    return canonical_actor(mention) or mention


def canonical_subject(subject: str | None) -> str:
    """A subject as a fact key sees it: the actor's canonical name when the table knows it,
    else the subject folded (case, spacing, articles)."""
    if not subject:
        return ""
    return canonical_actor(subject) or _key(subject)


def actor_names() -> frozenset[str]:
    return frozenset(_table()[0].values())


def aliases_of(name: str) -> tuple[str, ...]:
    """Every alias the table lists for ``name`` (for tests and docs)."""
    for actor in _actors():
        if actor.get("name") == name:
            return tuple([name, *actor.get("aliases", [])])
    return ()


def named_before(sentence: str, name: str, pos: int) -> bool:
    """Whether ``sentence[:pos]`` names the actor ``name`` (by any alias, or as written)."""
    head = sentence[: max(0, pos)]
    if name and name in head:
        return True
    return any(canonical_actor(m.group(0)) == name for m in actor_pattern().finditer(head))
