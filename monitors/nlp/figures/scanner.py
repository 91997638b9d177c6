"""The scanner: finds the places where a figure can start and tries the grammars there in
order, keeping the first that matches; then resolves units and subjects from context.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace

from monitors.model import Figure
from monitors.nlp.figures.counts import parse_count_scale, parse_count_vague, parse_xofy
from monitors.nlp.figures.gdp import TARGET_AFTER, is_gdp_percent, repeated_gdp_levels
from monitors.nlp.figures.hedges import (
    QUAL_ALT,
    QUALIFIERS,
    SYM_QUAL,
    SYMBOL_QUALIFIERS,
    skip_false_hedges,
)
from monitors.nlp.figures.lexical import (
    CUR_PRE,
    CUR_WORD,
    NUMBER,
    NUMWORD,
    SCALE_NAMES,
    Found,
    words_alt,
)
from monitors.nlp.figures.money import (
    parse_money_bare,
    parse_money_post,
    parse_money_pre,
    parse_money_vague,
    parse_pence,
)
from monitors.nlp.figures.numbers import (
    CURRENCY_PREFIX,
    ISO_CODES,
    ONES,
    SPELLED_SCALES,
    TENS,
)
from monitors.nlp.figures.percent import parse_pct, parse_pp
from monitors.nlp.figures.series import resolve_by_context
from monitors.nlp.figures.tallies import parse_count_digits
from monitors.nlp.lexicon import table
from monitors.nlp.sentences import sentence_at, split_sentences
from monitors.nlp.subjects import document_actor, figure_subject, orphan

# Where a figure can start: a hedge, a currency sign or code, a digit, a number word.
_AFTER_WORD_NUMBER = (
    rf"(?=(?:\s+and\s+a\s+half)?[\s-]*(?:hundred|{SCALE_NAMES}|dozen|"
    r"per[\s-]?cent|percent|percentage|%|basis)\b"
    rf"|\s{words_alt(table('figures_context')['spelled_amount_currencies'])}\b)"
)
_NUMBER_AHEAD = (
    rf"(?=[\"“”']?(?:[\d$€£¥₴₽₹₩₺₪]|[A-Z]{{1,3}}\$|Rs|(?-i:[A-Z]{{3}}\s?\d)|(?:{NUMWORD}|half|an?|tens|hundreds|"
    rf"dozens?|{SCALE_NAMES}s|several|a\s+few|many)\b))"
)
_RX_START = re.compile(
    # An exchange rate quoted against a currency name: "Euro/$1.02", "EUR/$1.05".
    r"(?<=[A-Za-z]/)[$€£](?=\d)|"
    rf"(?<![\w.,:/+#-])(?:(?:{QUAL_ALT}|between)\s+{_NUMBER_AHEAD}|{SYM_QUAL}|[$€£¥₴₽₹₩₺₪]|{CUR_PRE}|\d"
    rf"|(?:{NUMWORD}|half\s+an?){_AFTER_WORD_NUMBER}"
    rf"|an?\s+(?=(?:dozen|hundred|{SCALE_NAMES}|few)\b)"
    rf"|(?:tens|hundreds|dozens?|{SCALE_NAMES}s)\b"
    rf"|(?:several|a\s+few|many)(?=\s+(?:dozen|hundred|{SCALE_NAMES})s?\b))",
    re.I,
)


# Cheap pre-filter: a digit, a currency sign, or a word that can open a figure.
# Whole qualifier phrases (a space stands for any whitespace), so that common words such as
# "in", "as" or "at" are candidates only in "in excess of", "as much as", "at least".
_TRIGGERS = frozenset(
    {
        q.rstrip(".")
        for q in QUALIFIERS
        if not q.startswith(("a ", "an ")) and q not in SYMBOL_QUALIFIERS
    }
    | {"north"}
    | set(ONES)
    | set(TENS)
    | {
        "between",
        "half",
        "tens",
        "hundreds",
        "dozen",
        "dozens",
        "several",
        "many",
    }
    | {f"{s}s" for s in SPELLED_SCALES}
    | {p.lower() for p in CURRENCY_PREFIX if p[0].isalpha() and "$" not in p and "." not in p}
) - {"a", "an", ""}


def _trie_regex(words: frozenset[str]) -> str:
    """A regex alternation of ``words`` factored on shared prefixes (fast to reject)."""
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [
            (r"\s+" if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        optional = "" in node
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if optional else body

    return build(trie)


# Cheap pre-filter: a digit, a currency sign, or a word that can open a figure.
_RX_CANDIDATE = re.compile(
    rf"\d[\d.,]*|[$€£¥₴₽₹₩₺₪]|{SYM_QUAL}|(?<![A-Za-z])(?=[A-Za-z])(?:{_trie_regex(_TRIGGERS)}"
    rf"|[A-Za-z]{{1,3}}(?=\$)|U\.S\.(?=\$)|(?-i:{'|'.join(sorted(ISO_CODES))})"
    rf"|an?(?=\s+(?:dozen|hundred|{SCALE_NAMES}|few|estimated|minimum)\b))"
    r"(?![A-Za-z])",
    re.I,
)


# The exchange-rate notes at the foot of wire copy, "($1 = 0.9200 euros)", "(1 euro = $1.08)":
# editorial conversions, not facts of the story.
_RX_RATE_NOTE = re.compile(
    rf"\(\s*(?:{CUR_PRE})?\s?1\s*(?:{CUR_WORD})?\s*=\s*(?:{CUR_PRE})?\s?{NUMBER}"
    rf"(?:\s*(?:{CUR_WORD}))?\s*\)",
    re.I,
)


def extract_figures(text: str) -> list[Figure]:
    """All figures in ``text`` (title + body), in order, with offsets into ``text``."""
    if not text:
        return []
    notes = [(m.start(), m.end()) for m in _RX_RATE_NOTE.finditer(text)] if "=" in text else []
    try:
        sentences = split_sentences(text)
    except Exception:  # pragma: no cover - defensive: never fail the pipeline
        sentences = [(0, len(text))]
    figures: list[Figure] = []
    pos = 0
    for cm in _RX_CANDIDATE.finditer(text):
        start = cm.start()
        if start < pos:
            continue
        if notes and any(a <= start < b for a, b in notes):
            continue
        if start and text[start - 1] in "\"“'" and cm.group(0).lower() == "north":
            start -= 1
        start = skip_false_hedges(text, start)
        signed = _signed_change(text, start)
        if signed:
            figures.append(_make_figure(text, sentences, *signed))
            pos = signed[1]
            continue
        if not _RX_START.match(text, start):
            continue
        try:
            found = _match_at(text, start)
        except Exception:  # pragma: no cover - defensive
            found = []
        if not found:
            continue
        for s, e, fields in found:
            figures.append(_make_figure(text, sentences, s, e, fields))
        pos = found[-1][1]
    figures = resolve_by_context(text, repeated_gdp_levels(text, sentences, figures))
    return _document_subjects(text, figures)


def _document_subjects(text: str, figures: list[Figure]) -> list[Figure]:
    """A figure whose paragraph names no actor takes the article's own actor, when it has
    one (see :func:`monitors.nlp.subjects.document_actor`)."""
    if not any(f.subject is None for f in figures):
        return figures
    actor = document_actor(text)
    if actor is None:
        return figures
    return [
        replace(f, subject=actor)
        if f.subject is None
        and f.sentence_start >= 0
        and orphan(text, f.sentence_start, f.sentence_start + len(f.sentence))
        else f
        for f in figures
    ]


# A change printed with its sign, as market copy lists it ("EUR/USD +0.18%, GBP/USD -0.05%",
# "the curve at +14.5bp"): the sign is part of the span and of the value.  Only a sign that
# stands alone (after a space, "(", "=" or ":", or at the start) -- not the hyphen of a range
# ("3-5%") or of a name ("F-16").
_RX_SIGN_BEFORE = re.compile(r"(?:^|(?<=[\s(=:]))[+\-−]$")


def _signed_change(text: str, start: int) -> Found | None:
    if (
        not start
        or text[start - 1] not in "+-−"
        or not (text[start].isdigit() or text[start] in "$€£")
    ):
        return None
    if not _RX_SIGN_BEFORE.search(text, max(0, start - 2), start):
        return None
    # "-$0.42", "(+$2.4B)": a signed money change, as market copy prints flows and spreads.
    parsers = (parse_money_pre,) if text[start] in "$€£" else (parse_pp, parse_pct)
    for parser in parsers:
        found = parser(text, start)
        if found:
            break
    else:
        return None
    if len(found) != 1:
        return None
    s, e, fields = found[0]
    if s != start or fields.get("qualifier") or fields["unit"] == "percent_gdp":
        return None
    if fields.get("low", fields["value"]) != fields.get("high", fields["value"]):
        return None
    if text[start - 1] != "+":
        v = -float(fields["value"])  # type: ignore[arg-type]
        fields = fields | {"value": v, "low": v, "high": v}
    return (start - 1, e, fields)


def _match_at(text: str, start: int) -> list[Found]:
    for parser in _PARSERS:
        result = parser(text, start)
        if result:
            return result
    return []


def _make_figure(
    text: str, sentences: list[tuple[int, int]], s: int, e: int, f: dict[str, object]
) -> Figure:
    ss, se = sentence_at(text, sentences, s)
    sentence = text[ss:se] if se > ss else text[s:e]
    value = float(f["value"])  # type: ignore[arg-type]
    low = float(f.get("low", value))  # type: ignore[arg-type]
    high = float(f.get("high", value))  # type: ignore[arg-type]
    unit = str(f["unit"])
    if unit == "percent" and is_gdp_percent(text, s, e, ss, se):
        unit = "percent_gdp"
    of = f.get("of")
    return Figure(
        text=text[s:e],
        value=value,
        low=low,
        high=high,
        unit=unit,
        of=float(of) if of is not None else None,  # type: ignore[arg-type]
        qualifier=f.get("qualifier"),  # type: ignore[arg-type]
        approx=bool(f.get("approx", False)),
        subject=figure_subject(
            text,
            ss,
            se,
            s,
            e,
            count=unit == "count",
            target_after=bool(TARGET_AFTER.match(text, e)),
            prev=_previous_sentence(sentences, ss),
        ),
        sentence=sentence,
        start=s,
        end=e,
        sentence_start=ss if se > ss else s,
        question=in_question(text, s),
    )


def _previous_sentence(sentences: list[tuple[int, int]], ss: int) -> tuple[int, int] | None:
    i = bisect_left(sentences, (ss, -1))
    return sentences[i - 1] if i > 0 else None


# A reporter's question in a transcript: a paragraph opening "Q", "Q:", "Q.", "QUESTION:" or
# "Q (to the Secretary):".  A figure there is what was asked, not a statement of fact.
_RX_QUESTION_PARA = re.compile(
    r"(?:\*\*)?(?:Q|QUESTION)(?:\*\*)?(?:\s*\([^)\n]{0,60}\))?\s*[:.]?\s"
)


def in_question(text: str, pos: int) -> bool:
    """Whether ``pos`` lies in a paragraph that is a reporter's question."""
    ps = text.rfind("\n", 0, pos) + 1
    return bool(_RX_QUESTION_PARA.match(text, ps))


_PARSERS: tuple[Callable[[str, int], list[Found]], ...] = (
    parse_money_pre,
    parse_money_vague,
    parse_money_post,
    parse_pence,
    parse_money_bare,
    parse_pp,
    parse_pct,
    parse_xofy,
    parse_count_scale,
    parse_count_vague,
    parse_count_digits,
)
