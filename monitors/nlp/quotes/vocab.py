"""The quote stage's word lists, read from its data tables and compiled once.

The tables are ``data/speaker_words.toml`` (names, titles, descriptions), ``data/speech_verbs.toml``
(verbs of speaking) and ``data/quote_words.toml`` (the function words the grammar reads: stop
words, adverbs, time words, outlets).  The modules keep the grammar -- how the words combine --
and ask here for the words, as a set or as a regular-expression alternation.
"""

from __future__ import annotations

import re
from typing import Any

from monitors.nlp.lexicon import table, word_set


def lookup(name: str, key: str) -> Any:
    """The value of ``key`` in table ``name``; ``a.b`` reads key ``b`` of the sub-table ``a``."""
    value: Any = table(name)
    for part in key.split("."):
        value = value[part]
    return value


def words(name: str, key: str) -> frozenset[str]:
    """The entries of ``key`` in table ``name``, as written (a word list or a TOML list)."""
    return word_set(lookup(name, key))


def lower_words(name: str, key: str) -> frozenset[str]:
    """:func:`words`, lower-cased: for lists matched case-insensitively."""
    return frozenset(w.lower() for w in words(name, key))


def entries(name: str, key: str) -> list[str]:
    """The entries of ``key`` in file order (the order an alternation tries them)."""
    spec = lookup(name, key)
    return spec.split() if isinstance(spec, str) else list(spec)


def alternation(name: str, key: str, gap: str = " ") -> str:
    """The entries of ``key`` as a regex alternation (no group), in file order.

    A multi-word entry's words are joined by ``gap`` (a literal space, or ``\\s+`` where the
    words may wrap); an entry ending in ``*`` is a stem followed by more word characters
    (``spokes*``: spokesman, spokespeople)."""
    alts = []
    for entry in entries(name, key):
        prefix = entry.endswith("*") and len(entry) > 1
        alt = gap.join(re.escape(w) for w in entry.removesuffix("*").split())
        alts.append(alt + r"\w+" if prefix else alt)
    return "|".join(alts)
