"""Whose figure it is: the grammar that picks a figure's subject among the actors its sentence
names.  The vocabulary is data: who the actors are (``data/actors.toml``, via
:mod:`monitors.nlp.actors`) and the few word lists the grammar needs (``data/subject_words.toml``).
Pure functions over a text and offsets.

The subject is who spends, pledges, receives or targets, taken from the sentence's structure:
the clause's subject (a free actor mention before the figure, or a named body such as "The Air
Shield Coalition"), a possessor ("Germany's 50 billion euros"), else a recipient governed by
"to/for" ("$1.5 billion for Ukraine"); a sentence that only continues the one before it ("The
draft raises ... to 2.8% of GDP") takes that sentence's subject.  Mentions that are modifiers
("the White House podium"), inside asides or appositives (", a group chaired by the
Netherlands,"), or governed by other prepositions are not subjects; a clause whose subject is
several actors ("the US and its partners") names no single one.  When the sentence does not say,
the answer is None: a wrong subject is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from monitors.nlp.actors import actor_pattern, actors_in, canonical_actor, display_name
from monitors.nlp.lexicon import table


def _alt(words: list[str]) -> str:
    return "|".join(
        r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
    )


@cache
def _vocab() -> dict[str, re.Pattern[str]]:
    w = table("subject_words")
    return {
        "modifier": re.compile(r"[\s-]+(?:" + _alt(w["modifier_nouns"]) + r")\b", re.I),
        "recipient": re.compile(
            r"\b(?:" + _alt(w["recipient_prepositions"]) + r")\s+(?:the\s+)?$", re.I
        ),
        "generic": re.compile(r"^(?:" + _alt(w["generic_aliases"]) + r")$", re.I),
        "ukraine": re.compile(r"\b(?:" + _alt(w["ukraine_words"]) + r")(?!\w)"),
        "body": re.compile(
            r"(?:(?<=^)|(?<=[\s(\"“]))(?:[Tt]he\s+)?((?:[A-Z][\w’'.-]*\s+){0,5}(?:"
            + "|".join(x.capitalize() for x in w["body_nouns"])
            + r"))\b"
        ),
        "preposition_before": re.compile(
            r"\b(?:" + "|".join(w["prepositions"]) + r")\s+(?:the\s+)?$", re.I
        ),
        "target_before": re.compile(
            r"\b(?:" + "|".join(w["target_nouns"]) + r")s?\s+"
            r"(?:of\s+(?:spending\s+)?|to\s+|at\s+|from\s+)?(?:[\w-]+\s+)?$",
            re.I,
        ),
        "clause_break": re.compile(
            r";|\s[—–]\s|,\s*(?:" + "|".join(w["clause_conjunctions"]) + r")\s"
            r"|\s(?:" + "|".join(w["bare_clause_conjunctions"]) + r")\s"
            r"|\b(?:"
            + "|".join(
                [*w["reporting_verbs"], *(v + r"\s+\w+" for v in w["reporting_verbs_with_object"])]
            )
            + r")\s+(?:that\s+)?"
        ),
        "anaphor": re.compile(
            r"\s*(?:"
            + _alt(w["anaphors"])
            + r")\s+(?:\w+\s+)?(?:"
            + _alt(w["anaphor_nouns"])
            + r")\b",
            re.I,
        ),
    }


# A mention inside an aside (", which borders Ukraine,") or an appositive (", a group of
# partners chaired by the Netherlands,") is not the clause's subject (nor one governed by a
# preposition: ``prepositions`` in data/subject_words.toml).
_ASIDE = re.compile(
    r",\s*(?:which|who|whose|including|such\s+as|like|along\s+with|an?|the)\b[^,;]*,"
)


def figure_subject(
    text: str,
    ss: int,
    se: int,
    s: int,
    e: int,
    *,
    count: bool = False,
    target_after: bool = False,
    prev: tuple[int, int] | None = None,
) -> str | None:
    """The subject of the figure at [s, e) in the sentence [ss, se) of ``text``, or None.
    ``prev`` is the sentence before it, for a sentence that only continues it."""
    found = [m for m in actor_pattern().finditer(text, ss, se) if _is_actor(text, m, ss, se)]
    if (_vocab()["target_before"].search(text, max(ss, s - 30), s) or target_after) and any(
        display_name(m.group(0)) == "NATO" for m in found
    ):
        return "NATO"  # "the NATO target of 2%", "lift the target to 4%": the alliance's target
    inside = [
        m
        for m in found
        if s < m.start() < e
        and (
            not _vocab()["preposition_before"].search(text, s, m.start())
            or re.search(r"\bof\s+$", text[s : m.start()])
        )
    ]
    if inside and count:
        return display_name(inside[0].group(0))  # "42 European leaders", "23 of NATO's 32 members"
    cs, ce = _clause(text, ss, se, s, e)
    body = _named_body(text, cs, s)
    mentions = [m for m in found if not s <= m.start() < e]
    asides = [(a.start(), a.end()) for a in _ASIDE.finditer(text, cs, s)]

    def free(m: re.Match[str]) -> bool:
        if any(a0 <= m.start() < a1 for a0, a1 in asides):
            return False
        return not _vocab()["preposition_before"].search(text, max(ss, m.start() - 20), m.start())

    owner = _possessor(text, mentions, ss, s)
    if owner is not None:
        return owner  # "the EU's wider €800 billion plan", "Germany's 50 billion euros"
    left = [m for m in mentions if cs <= m.start() and m.end() <= s and free(m)]
    if body is not None and (not left or body[0] < left[0].start()):
        return body[1]
    if left:
        if _coordinated_actor(text, left[0], s):
            return None  # "the US and its allies provided $100 billion": not one actor's
        return display_name(left[0].group(0))
    # a name right after the figure qualifies it: "$61 billion Ukraine aid", "€50bn EU fund"
    right = [
        m
        for m in mentions
        if e <= m.start() < ce and free(m) and re.fullmatch(r"\s*(?:the\s+)?", text[e : m.start()])
    ]
    if right:
        return display_name(right[0].group(0))
    recipients = [
        m
        for m in mentions
        if cs <= m.start() < ce
        and _vocab()["recipient"].search(text, max(ss, m.start() - 12), m.start())
        and not any(a0 <= m.start() < a1 for a0, a1 in asides)
    ]
    if recipients:
        return display_name(recipients[0].group(0))
    if prev is not None and not mentions and _vocab()["anaphor"].match(text, ss):
        ps, pe = prev
        return figure_subject(text, ps, pe, pe, pe) if pe > ps else None
    return None


def document_actor(text: str) -> str | None:
    """The actor a whole article is about, when it plainly has one: the headline (the text
    before the first blank line) names exactly one actor, and no actor is named more often in
    the whole text.  A figure whose sentence and paragraph name no actor at all belongs to it
    ("Germany's budget squeeze" ... "The defence budget is set to receive €1.3 billion more")."""
    head, sep, _ = text.partition("\n\n")
    if not sep:
        return None
    named = {
        display_name(m.group(0))
        for m in actor_pattern().finditer(head)
        if _is_actor(head, m, 0, len(head))
    }  # not "at the NATO Summit"
    if len(named) != 1:
        return None
    actor = named.pop()
    counts = Counter(actors_in(text))
    return actor if counts[actor] == max(counts.values()) else None


def orphan(text: str, sentence_start: int, sentence_end: int) -> bool:
    """Whether a sentence, and its paragraph up to its end, name no actor at all."""
    ps = text.rfind("\n", 0, sentence_start) + 1
    return not actors_in(text[ps:sentence_end])


# A sentence opening with a subordinate clause ("When Russia launched its invasion, the United
# States responded ... providing $1.9 billion"): its subject is not the main clause's.
_SUBORDINATE_OPENING = re.compile(
    r"\s*(?:When|While|After|Before|Since|As|Although|Though|If|Once|Until|Because|Whereas)"
    r"\b[^,;]{3,120},\s*"
)


def _clause(text: str, ss: int, se: int, s: int, e: int) -> tuple[int, int]:
    cs = ss
    sub = _SUBORDINATE_OPENING.match(text, ss, s)
    if sub:
        cs = sub.end()
    for b in _vocab()["clause_break"].finditer(text, cs, s):
        cs = b.end()
    b = _vocab()["clause_break"].search(text, e, se)
    return cs, b.start() if b else se


def _is_actor(text: str, m: re.Match[str], ss: int, se: int) -> bool:
    """A mention that names an acting body: not a modifier of a place or post ("the White
    House podium"), and a generic word ("Allies") only outside sentences about Ukraine."""
    after = text[m.end() : m.end() + 40]
    if _vocab()["modifier"].match(re.sub(r"^['’]s\b", "", after)):
        return False  # "the White House podium", "Germany's bank", "the British bank"
    if re.match(
        r"(?:['’]s)?\s+(?:[A-Z][a-z]*[A-Z]\w*|[A-Z][a-z]+(?!\s+(?:said|says)))\b", after
    ) and not actor_pattern().match(after.lstrip("'’s ")):
        return False  # "Germany's Rheinmetall", "Dutch TTF": a name the actor qualifies
    if _vocab()["generic"].match(m.group(0)):
        before = text[max(ss, m.start() - 12) : m.start()]
        if re.search(r"\b(?:NATO|Nato)\s+$", before):
            return True  # "NATO allies"
        if _vocab()["ukraine"].search(text, ss, se):
            return False  # Ukraine's allies and partners are not the alliance
        # the alliance's own word ("Allies agreed"), or allies where the sentence names NATO
        return m.group(0)[0].isupper() or bool(
            re.search(r"\b(?:NATO|Nato|[Tt]he\s+alliance)\b", text[ss:se])
        )
    return True


def _possessor(text: str, mentions: list[re.Match[str]], ss: int, s: int) -> str | None:
    """An actor owning the noun phrase the figure sits in: "X's [adjective] <figure>"."""
    for m in reversed([m for m in mentions if m.end() <= s]):
        between = text[m.end() : s]
        if re.fullmatch(r"['’]s?(?:\s+[a-z][\w-]*){0,3}\s+", between) and not re.search(
            r"\b(?:and|or|is|was|has|have|will|would|to|of|that)\b", between
        ):
            return display_name(m.group(0))
        return None
    return None


def _coordinated_actor(text: str, m: re.Match[str], limit: int) -> bool:
    """Whether the mention is coordinated with another actor or with 'allies/partners'."""
    tail = text[m.end() : limit]
    nxt = re.match(
        r"['’]?s?\s*(?:,|and|or|along\s+with|together\s+with)\s+(?:the\s+|its\s+|"
        r"their\s+|other\s+)*(\S+(?:\s+\S+)?)",
        tail,
    )
    if not nxt:
        return False
    word = nxt.group(1)
    return bool(
        re.match(r"(?:allies|partners)\b", word, re.I) or actor_pattern().match(word) is not None
    )


def _named_body(text: str, cs: int, s: int) -> tuple[int, str] | None:
    """A proper-name body at the head of the clause that the actor table does not know ("The
    Air Shield Coalition, ..., has pledged $1.5bn"): (position, name)."""
    head = re.match(r"\s*(?:[A-Z]+\s+[–-]\s+)?", text[cs:s])
    start = cs + (head.end() if head else 0)
    m = _vocab()["body"].match(text, start)
    if not m or m.end() > s:
        return None
    name = m.group(1)
    if canonical_actor(name) or len(name.split()) < 2:
        return None  # known actors go through the mention grammar; "Coalition" alone is vague
    rest = text[m.end() : s]
    # the phrase is the clause's subject: a verb or an appositive follows, not "of"/"'s"
    if re.match(r"\s*(?:of\b|['’]s\b)", rest):
        return None
    return start, name
