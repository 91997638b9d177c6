"""What a digest may highlight: figures whose own sentence is about a topic, quotes that are
statements.  The vocabulary is ``monitors/nlp/data/highlights.toml``; this module is the grammar
that applies it.  Pure functions over plain values.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from monitors.nlp.actors import actors_in, is_nato
from monitors.nlp.lexicon import data_path, table

TABLE = data_path("highlights")
MONEY = "money"
# a quotation of fewer words than this is a fragment ("rapid close", "north of three
# percent"): it goes with its story, not in the highlights
MIN_STATEMENT_WORDS = 5
MIN_SENTENCE_WORDS = 3
_NEVER = r"(?!)"
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class TopicVocabulary:
    units: frozenset[str]
    about: re.Pattern[str]
    money: re.Pattern[str]
    percent: re.Pattern[str]
    counted: re.Pattern[str]
    not_about: re.Pattern[str]
    nato_actors: bool
    other_recipients: re.Pattern[str]
    own: re.Pattern[str]
    count_context: re.Pattern[str]


def _rx(patterns: Sequence[str], field: str) -> re.Pattern[str]:
    if not patterns:
        return re.compile(_NEVER)
    try:
        return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?![\w-])", re.I)
    except re.error as e:
        raise ValueError(f"{TABLE}: {field}: not a valid pattern list: {e}") from e


@cache
def _table() -> dict:
    return table("highlights")


@cache
def _vocabulary() -> tuple[dict[str, TopicVocabulary], re.Pattern[str], int]:
    data = _table()
    topics = {}
    for name, t in data.get("topics", {}).items():
        f = f"topics.{name}"
        topics[name] = TopicVocabulary(
            units=frozenset(t.get("units", [])),
            about=_rx(t.get("about", []), f + ".about"),
            money=_rx(t.get("money", []), f + ".money"),
            percent=_rx(t.get("percent", []), f + ".percent"),
            counted=_rx(t.get("counted", []), f + ".counted"),
            not_about=_rx(t.get("not_about", []), f + ".not_about"),
            nato_actors=t.get("actors") == "nato",
            other_recipients=_rx(t.get("other_recipients", []), f + ".other_recipients"),
            own=_rx(t.get("own", []), f + ".own"),
            count_context=_rx(t.get("count_context", []), f + ".count_context"),
        )
    off = data.get("off", {})
    return topics, _rx(off.get("near", []), "off.near"), int(off.get("window", 6))


def unit_kind(unit: str) -> str:
    """'money' for an ISO 4217 currency code, else the unit itself."""
    return MONEY if len(unit) == 3 and unit.isupper() else unit


def _words_around(sentence: str, start: int, end: int, n: int) -> str:
    """Up to ``n`` words each side of [start, end) in the sentence, plus the span itself."""
    before = list(_WORD.finditer(sentence, 0, start))[-n:]
    after = list(_WORD.finditer(sentence, end))[:n]
    a = before[0].start() if before else start
    b = after[-1].end() if after else end
    return sentence[a:b]


def _counted(sentence: str, text: str, end: int) -> str:
    """The thing a count counts: its own words after the number ('dozens of companies') and the
    few words that follow it ('12,000 troops', '23 of 32 allies')."""
    tail = [m.group(0) for m in _WORD.finditer(sentence, end)][:3]
    own = re.sub(r"^[\d.,\s]+", "", text)
    return " ".join([own, *tail])


def _fits(v: TopicVocabulary, kind: str, sentence: str, text: str, end: int) -> bool:
    if kind not in v.units or not v.about.search(sentence) or v.not_about.search(sentence):
        return False
    if v.nato_actors:
        named = actors_in(sentence)
        if named and not any(is_nato(n) for n in named):
            return False  # Russia's or China's spending is not NATO's
    if v.other_recipients.search(sentence) and not v.own.search(sentence):
        return False  # aid to Moldova is not aid to Ukraine
    if kind == MONEY:  # an empty list: the topic's own words are enough
        return v.money.pattern == _NEVER or bool(v.money.search(sentence))
    if kind in ("percent", "pp"):
        return bool(v.percent.search(sentence))
    if kind == "count":
        return bool(v.counted.search(_counted(sentence, text, end))) and (
            v.count_context.pattern == _NEVER or bool(v.count_context.search(sentence))
        )
    return True  # percent_gdp: a share of GDP in a sentence about the topic


def figure_topic(
    *,
    sentence: str,
    text: str,
    unit: str,
    span_start: int | None,
    topics: Sequence[str],
    article_topics: Sequence[str] = (),
) -> str | None:
    """The topic a figure is highlighted under, or None when its sentence is not about any.

    ``topics`` are the configured topics in digest order; ``article_topics`` those the article
    was kept for (preferred when several fit).  A topic without a vocabulary table takes every
    figure of the articles kept for it."""
    vocab, off, window = _vocabulary()
    start = span_start if span_start is not None and span_start >= 0 else sentence.find(text)
    if start < 0:
        start, end = 0, 0
    else:
        end = start + len(text)
    near = _words_around(sentence, start, end, window) if end else sentence
    own = sentence[start:end] if end else text
    if off.search(near.replace(own, " ")) or off.search(re.sub(r"^[\d.,\s]+", "", own)):
        return None
    kind = unit_kind(unit)
    fitting = []
    for t in topics:
        v = vocab.get(t)
        if v is None:
            if t in article_topics:
                fitting.append(t)
        elif _fits(v, kind, sentence, text, end):
            fitting.append(t)
    if not fitting:
        return None
    preferred = [t for t in fitting if t in article_topics]
    return (preferred or fitting)[0]


def is_statement(quote: str) -> bool:
    """A quotation a reader can forward on its own: a clause, not a two-word fragment.  Short
    quotations count when they open like a sentence of their own ("We must spend more"); a
    phrase lifted into the reporter's sentence opens in lower case ("north of three percent")."""
    words = _WORD.findall(quote)
    if len(words) >= MIN_STATEMENT_WORDS:
        return True
    return len(words) >= MIN_SENTENCE_WORDS and quote.lstrip(" \"'“‘«")[:1].isupper()


@cache
def beneficiaries() -> frozenset[str]:
    """Actors that receive a topic's figures (``beneficiary`` in the table): as a subject they
    tell no package apart from another."""
    return frozenset(
        t["beneficiary"] for t in _table().get("topics", {}).values() if t.get("beneficiary")
    )


# "the source", "the deputy prime minister": a definite description in lower case points back
# to someone the story names, or does not; either way not a name to forward ("the Kremlin" is)
_BACK_REFERENCE = re.compile(r"^(?:[Tt]he|[Tt]his|[Tt]hat)\s+[a-z][a-z’'\s-]*$")


def forwardable_speaker(speaker: str | None) -> bool:
    """A speaker a reader can forward: a name or a description ("a European diplomat"), not a
    back-reference ("the source", "the deputy prime minister") that means nothing out of the
    story."""
    return bool(speaker) and not _BACK_REFERENCE.match(speaker.strip())
