"""Speaker resolution: a raw speaker phrase becomes ``(speaker, role, person)``.

The rules are an ordered table of named strategies, tried in turn; each returns an answer or
``None`` (not its case).  The first answer wins and its strategy's name travels with the quote
(``newswatch extract --explain``; the gate counts speaker errors per strategy).  An answer may
name nobody (``(None, None, True)``): the strategy knows the phrase is its case and that a wrong
guess is worse than none.

Two stages: the first reads forms written in the phrase itself (pronouns, documents,
appositives, party labels); then the registry's answer for the phrase's head is looked up once,
and the second stage reads descriptions against the article around them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from monitors.nlp.quotes.names import PRONOUNS, doc_phrase
from monitors.nlp.quotes.phrases import AGE_DESC_RE, APPOS_FULLNAME_RE, APPOS_PERSON_RE
from monitors.nlp.quotes.vocab import alternation, words

if TYPE_CHECKING:
    from monitors.nlp.quotes.document import Doc

_SW = "speaker_words"
_PARTY_MEMBERS = words(_SW, "party_members")
_COUNTED_GROUP_RE = re.compile(
    rf"(?:\d+|{alternation(_SW, 'group_counts')})\s+"
    rf"(?:[A-Z][\w\-]*\s+){{0,2}}(?P<head>{alternation(_SW, 'counted_group_heads')})"
)
# "the analysts", "the lawmakers" with no antecedent: too vague to name a speaker
_BARE_DEF_PLURAL_RE = re.compile(
    rf"(?:the|The)\s+(?:[\w\-]+\s+){{0,2}}?(?:{alternation(_SW, 'bare_plural_heads')})"
)
_FAMILY_HEADS = words(_SW, "family_heads")


Answer = tuple[str | None, str | None, bool]


class Resolved(NamedTuple):
    speaker: str | None
    role: str | None
    person: bool
    strategy: str


@dataclass
class Query:
    """One phrase to resolve: as found, lower-cased, and its head (before any appositive)."""

    phrase: str
    pos: int
    low: str
    head: str
    spk: str | None = None  # the registry's answer for the head (second stage)
    role: str | None = None


Strategy = Callable[["Doc", Query], Answer | None]


# -- first stage: forms written in the phrase ---------------------------------------------------
def pronoun_subject(doc: Doc, q: Query) -> Answer | None:
    """A pronoun refers to its own sentence's named subject when the sentence has one."""
    return doc.sentence_antecedent(q.low, q.pos) if q.low in PRONOUNS else None


def pronoun_previous(doc: Doc, q: Query) -> Answer | None:
    """``he``/``she``: the last named person reported; ``they``/``it``: the last other source."""
    if q.low not in PRONOUNS:
        return None
    if q.low in ("he", "she"):
        men = doc.last_mention(q.pos, True)
    elif q.low in ("they", "it"):
        men = doc.last_mention(q.pos, False, org_subjects=q.low == "it")
    else:
        men = None
    if men is None:
        return None, None, q.low in ("he", "she")
    return men.speaker, men.role, men.person


def document_author(doc: Doc, q: Query) -> Answer | None:
    """``the statement said``: whoever the article said spoke in that document."""
    if not (doc_phrase(q.phrase) and q.low.split()[0] == "the"):
        return None
    head = q.low.split()[-1]
    got = doc.documents.get(head) or doc.doc_author(head, q.pos)
    return (got[0], got[1], False) if got else None


def document_issuer(doc: Doc, q: Query) -> Answer | None:
    """``the release, from Spokesperson X,``: the person the document is from."""
    app = APPOS_PERSON_RE.search(q.phrase)
    if not (app and doc_phrase(q.phrase.split(",")[0])):
        return None
    spk, role = doc.reg.resolve(app.group(1))
    if not spk:
        return None, None, False
    doc.documents[q.phrase.split(",")[0].lower().split()[-1]] = (spk, role)
    return spk, role, True


def appositive_full_name(doc: Doc, q: Query) -> Answer | None:
    """``his predecessor, A B, had …``: a lower-case description, then the person's full name."""
    named = APPOS_FULLNAME_RE.fullmatch(q.phrase)
    if not (named and named.group(1)[:1].islower()):
        return None
    spk, role = doc.reg.resolve(named.group(2))
    return (spk, role, True) if spk and doc.reg.is_person(spk) else None


def appositive_name(doc: Doc, q: Query) -> Answer | None:
    """``the head of X Command, Gen. A B, said``: the appositive names the person the head
    only describes."""
    parts = q.phrase.split(",")
    if len(parts) < 2 or not parts[1].strip()[:1].isupper():
        return None
    app_spk, app_role = doc.reg.resolve(parts[1])
    if not (app_spk and len(app_spk.split()) >= 2 and doc.reg.is_person(app_spk)):
        return None
    head_spk, _ = doc.reg.resolve(parts[0])
    if head_spk and doc.reg.is_person(head_spk):
        return None
    return app_spk, app_role, True


def party_description(doc: Doc, q: Query) -> Answer | None:
    """``the Massachusetts Democrat``: the one lawmaker the article tags with that party and
    state (``Rep. X (D-Mass.)``)."""
    words = q.head.lower().split()
    if words[:1] != ["the"] or words[-1] not in ("democrat", "republican"):
        return None
    member = doc.reg.party_member(q.head)
    return (member.name, member.role, True) if member is not None else None


# -- second stage: descriptions read against the article ----------------------------------------
def age_description(doc: Doc, q: Query) -> Answer | None:
    """``the 45-year-old said``: the one person the paragraph has named before; else nobody
    (a wrong guess is worse than none)."""
    if not AGE_DESC_RE.fullmatch(q.low.strip()):
        return None
    named = {
        m.speaker: m
        for m in doc.para_mentions(doc.para_of(q.pos))
        if m.pos < q.pos and m.person and doc.reg.is_person(m.speaker)
    }
    if len(named) != 1:
        return None, None, True
    men = next(iter(named.values()))
    return men.speaker, men.role, True


def _definite(q: Query) -> bool:
    """``the …`` that the registry does not read as a name of its own."""
    return q.low.startswith("the ") and (q.spk is None or q.spk.lower() == q.head.lower().strip())


def definite_antecedent(doc: Doc, q: Query) -> Answer | None:
    """``the analysts`` / ``the president``: the source just reported with that description."""
    men = doc.antecedent(q.head, q.pos) if _definite(q) else None
    return (men.speaker, men.role, men.person) if men is not None else None


def group_title(doc: Doc, q: Query) -> Answer | None:
    """``the senators``: the two senators the article introduced together."""
    words = q.low.split()
    if not _definite(q) or len(words) > 3:
        return None
    group = doc.reg.group_of(words[-1])
    return (group, None, True) if group else None


def org_antecedent(doc: Doc, q: Query) -> Answer | None:
    """``the Milan-based lender said``: the organisation last reported by its proper name."""
    men = doc.org_antecedent(q.head, q.pos) if _definite(q) else None
    return (men.speaker, men.role, False) if men is not None else None


def group_antecedent(doc: Doc, q: Query) -> Answer | None:
    """``the defence chiefs``: the group of named people just reported speaking together."""
    men = doc.group_antecedent(q.head, q.pos) if _definite(q) else None
    return (men.speaker, men.role, men.person) if men is not None else None


def bare_plural(doc: Doc, q: Query) -> Answer | None:
    """``the analysts`` with no antecedent: too vague to name anyone."""
    if _definite(q) and _BARE_DEF_PLURAL_RE.fullmatch(q.head.strip()):
        return None, None, False
    return None


def described_person(doc: Doc, q: Query) -> Answer | None:
    """``the former ambassador said``: a description of the person just reported speaking."""
    men = doc.described_speaker(q.head, q.pos) if _definite(q) else None
    return (men.speaker, men.role, True) if men is not None else None


def family_member(doc: Doc, q: Query) -> Answer | None:
    """``the son added``: someone the article named, but the rules cannot tell who."""
    if _definite(q) and q.low.split()[-1] in _FAMILY_HEADS:
        return None, None, True
    return None


def party_modifier(doc: Doc, q: Query) -> Answer | None:
    """``The Alaska Republican warned``: the person just reported, when of that party;
    ``Alaska Republican`` without an article is a modifier, not a speaker."""
    spk = q.spk
    if not (spk and spk.split()[-1].lower() in _PARTY_MEMBERS and spk.lower() in q.low):
        return None
    if not q.low.startswith("the "):
        return None, None, False
    men = doc.last_mention(q.pos, True)
    if (
        men is not None
        and doc.para_of(men.pos) >= doc.para_of(q.pos) - 1
        and men.verb
        and not doc.reg.other_party(men.speaker, q.low.split()[-1])
    ):
        return men.speaker, men.role, True
    return None, None, False


def counted_group(doc: Doc, q: Query) -> Answer | None:
    """``40 European lawmakers``: the fuller group name the next paragraphs give."""
    counted = _COUNTED_GROUP_RE.fullmatch(q.head.strip())
    if not (counted and q.spk == q.head.strip()):
        return None
    fuller = doc.fuller_group(counted.group("head").lower(), q.pos)
    return (fuller, None, False) if fuller is not None else None


def registry(doc: Doc, q: Query) -> Answer | None:
    """The registry's reading of the phrase: a fuller name, a title's holder, a description."""
    return q.spk, q.role, bool(q.spk) and doc.reg.is_person(q.spk or "")


PHRASE_FORMS: tuple[Strategy, ...] = (
    pronoun_subject,
    pronoun_previous,
    document_author,
    document_issuer,
    appositive_full_name,
    appositive_name,
    party_description,
)
IN_CONTEXT: tuple[Strategy, ...] = (
    age_description,
    definite_antecedent,
    group_title,
    org_antecedent,
    group_antecedent,
    bare_plural,
    described_person,
    family_member,
    party_modifier,
    counted_group,
    registry,
)
STRATEGY_NAMES = tuple(s.__name__ for s in PHRASE_FORMS + IN_CONTEXT)


def resolve_phrase(doc: Doc, phrase: str, pos: int) -> Resolved:
    """The first strategy's answer for ``phrase`` (found at ``pos``), with its name."""
    q = Query(phrase, pos, phrase.lower().strip(), phrase.split(",")[0])
    for strategy in PHRASE_FORMS:
        got = strategy(doc, q)
        if got is not None:
            return Resolved(*got, strategy.__name__)
    q.spk, q.role = doc.reg.resolve(q.head)
    if q.spk and doc_phrase(q.head):  # remembered for a later "the statement said"
        doc.documents[q.head.lower().split()[-1]] = (q.spk, q.role)
    for strategy in IN_CONTEXT:
        got = strategy(doc, q)
        if got is not None:
            return Resolved(*got, strategy.__name__)
    raise AssertionError("the registry strategy always answers")
