"""When a percent is a share of GDP: tied to GDP or to a defence-spending target in its sentence,
its paragraph, or restated after the article tied that level to GDP nearby.
"""

from __future__ import annotations

import re
from dataclasses import replace

from monitors.model import Figure
from monitors.nlp.figures.lexical import prev_word, words_alt
from monitors.nlp.lexicon import table, word_set
from monitors.nlp.sentences import sentence_at

_WORDS = table("figures_words")
_CONTEXT = table("figures_context")
_GROWTH_BEFORE = word_set(_WORDS["growth_before"])


def _alt(name: str) -> str:
    return words_alt(_CONTEXT[name])


# Matched as word starts (no boundary after): "a 3% rise", "increased", "rates".
_GROWTH_AFTER = re.compile(rf"\s+{_alt('growth_after')}", re.I)
TARGET_AFTER = re.compile(
    rf"[\s-]+(?:{_alt('target_modifiers')}[\s-]+){{0,3}}{_alt('target_nouns')}s?\b", re.I
)
_GDP_CONTEXT = re.compile(rf"\b{_alt('gdp_context')}\b", re.I)
_DEFENCE_TARGET_CONTEXT = re.compile(
    rf"\b{_alt('defence_words')}\s+{_alt('defence_spending_nouns')}\b"
    rf"|\b{_alt('spending_targets')}|\b{_alt('alliance_names')}['’]?s?\s+"
    rf"(?:{_alt('alliance_target_adjectives')}\s+)?{_alt('alliance_target_nouns')}",
    re.I,
)
_DEFENCE_CONTEXT = re.compile(rf"\b{_alt('defence_context')}", re.I)
_NOT_GDP_CONTEXT = re.compile(rf"\b{_alt('not_gdp_context')}\b", re.I)
_GROWTH_OF = re.compile(rf"{_alt('growth_of_nouns')}s?\s+of\s+$", re.I)


_REPEAT_WINDOW = 600


def repeated_gdp_levels(
    text: str, sentences: list[tuple[int, int]], figures: list[Figure]
) -> list[Figure]:
    """A bare percent that repeats the value of a percent of GDP just before it, in a sentence
    about allies or defence, is that level again (invented: "allies pledged 2% of GDP ... the
    minister said 2% was only a floor")."""
    out = list(figures)
    levels = [(g.end, g.value) for g in figures if g.unit == "percent_gdp"]
    if not levels:
        return out
    for i, f in enumerate(out):
        if f.unit != "percent" or f.low != f.high:
            continue
        if not any(v == f.value and 0 <= f.start - end <= _REPEAT_WINDOW for end, v in levels):
            continue
        ss, se = sentence_at(text, sentences, f.start)
        if (
            _DEFENCE_CONTEXT.search(text, ss, se)
            and not _RX_SHARE_OF_OTHER.match(text, f.end)
            and _may_be_gdp_percent(text, f.start, f.end, ss, se)
        ):
            out[i] = replace(f, unit="percent_gdp")
    return out


def is_gdp_percent(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """A bare percent is of GDP when its sentence is about defence spending and either a target
    word follows it (``the 2% target``), or the sentence names GDP or a spending target, and the
    percent is not a rate of change or about inflation, interest rates or growth."""
    sentence = text[ss:se]
    defence = bool(_DEFENCE_CONTEXT.search(sentence))
    if not _may_be_gdp_percent(text, s, e, ss, se):
        return False
    if TARGET_AFTER.match(text, e):
        return defence or not _NOT_GDP_CONTEXT.search(text, max(0, ss - 300), ss)
    if _RX_SHARE_OF_OTHER.match(text, e):
        return False
    if defence and (_GDP_CONTEXT.search(sentence) or _DEFENCE_TARGET_CONTEXT.search(sentence)):
        return True
    # A spoken list of levels in a paragraph about defence spending (invented: "We must spend
    # more on defence. 2 percent is not enough; 3 percent may not be either.").
    # Only what the paragraph has just said, up to the figure's sentence, counts.
    ps = max(text.rfind("\n", 0, s) + 1, ss - _PARA_WINDOW)
    if (
        _DEFENCE_TARGET_CONTEXT.search(text, ps, se)
        and not _RX_MARKET_CONTEXT.search(sentence)
        and not _NOT_GDP_CONTEXT.search(text, ps, se)
    ):
        return True
    # A level restated after the article has tied it to GDP nearby: "a 5% spending deal",
    # "the 3.5% and 1.5% split", "at least 2 percent" a few sentences after "2% of GDP".
    return (
        bool(_RX_SPENDING_LEVEL.search(sentence))
        and (defence or bool(_DEFENCE_CONTEXT.search(text, max(0, ss - _GDP_TIE_WINDOW), ss)))
        and not _RX_MARKET_CONTEXT.search(sentence)
        and bool(
            _RX_GDP_TIE.search(
                text, max(0, s - _GDP_TIE_WINDOW), min(len(text), e + _GDP_TIE_WINDOW)
            )
        )
    )


_GDP_TIE_WINDOW = 800
_RX_GDP_TIE = re.compile(
    rf"(?:%|\bper\s*cent|\bpercent)\s+of\s+(?:{_alt('gdp_tie_owners')}\s+)?"
    rf"{_alt('gdp_tie_names')}",
    re.I,
)
_RX_SPENDING_LEVEL = re.compile(rf"\b{_alt('spending_level')}\b", re.I)


_PARA_WINDOW = 250
# A percent in a sentence about markets, prices, growth or a survey is not a spending level.
_RX_MARKET_CONTEXT = re.compile(rf"\b{_alt('market_context')}\b", re.I)


_RX_SHARE_OF_OTHER = re.compile(
    r"\s+(?:of|in)\s+(?!GDP|gross|economic|their\s+GDP|its\s+GDP)", re.I
)


def _may_be_gdp_percent(text: str, s: int, e: int, ss: int, se: int) -> bool:
    """Not a rate of change, nor in a sentence about inflation, rates, polls or tariffs."""
    if _NOT_GDP_CONTEXT.search(text, ss, se):
        return False
    if prev_word(text, s) in _GROWTH_BEFORE or _GROWTH_AFTER.match(text, e):
        return False
    return not _GROWTH_OF.search(text, max(ss, s - 30), s)
