"""Descriptions and the speakers they stand for (``the bank``, ``the senator``)."""

from __future__ import annotations

import re

from monitors.nlp.quotes.names import (
    NAME_SEQ,
    NAME_SEQ_RE,
    PLACES,
    PRONOUNS,
    TITLE_HEADS,
    TITLE_WORDS,
    is_org,
    role_fits,
    word_occurrences,
)
from monitors.nlp.quotes.phrases import (
    FULL_NAME_RE,
    NP_STOP,
    SUBJ_APPOS_RE,
    sentence_subject,
)
from monitors.nlp.quotes.spans import ORG_REACH, PRONOUN_REACH, Mention
from monitors.nlp.quotes.vocab import alternation, lookup, words

_SW = "speaker_words"

_DEF_DESC_RE = re.compile(
    rf"(?:the|The)\s+(?:[\w\-’'.]+\s+){{0,4}}?(?P<head>{alternation(_SW, 'definite_heads')})$"
)
# a group the article may name more fully: "the lawmakers" … "the Members of <a> Parliament"
_GROUP_ALIASES = {k: tuple(v) for k, v in lookup(_SW, "group_aliases").items()}
_FIRM_RE = re.compile(rf"{NAME_SEQ}")
_FIRM_HEADS = words(_SW, "firm_heads")
_PERSON_DESC_RE = re.compile(
    r"(?:the|The)\s+(?P<mods>(?:[\w\-’'.]+\s+){0,4}?)"
    rf"(?P<head>{alternation(_SW, 'person_description_heads')})"
    r"(?P<of>\s+(?:of|at|for)\s+(?:the\s+)?[\w.\-]+(?:\s+[A-Z][\w.\-]*){0,3})?"
)
_ORG_HEAD_WORDS = words(_SW, "organisation_description_heads")
_ORG_DESC_RE = re.compile(
    r"(?:the|The)\s+(?:[\w\-’'.]+\s+){0,3}?(?:" + "|".join(sorted(_ORG_HEAD_WORDS)) + r")"
)
_GROUP_DESC_RE = re.compile(
    r"(?:the|The)\s+(?:(?:two|three|four|[\w\-]+)\s+){0,2}?"
    rf"(?:{alternation(_SW, 'group_description_heads')})"
)
_NAME_LIST_RE = re.compile(rf"{NAME_SEQ}(?:,\s+{NAME_SEQ})*\s+and\s+{NAME_SEQ}")
_TITLE_FORMS = {k: tuple(v) for k, v in lookup(_SW, "title_forms").items()}
_GENERIC_SOURCE_HEADS = words(_SW, "generic_source_heads")
_COUNTRY_MODIFIERS = words(_SW, "country_modifiers")
_GENERIC_HEADS = words(_SW, "generic_heads")


class Antecedents:
    """Mixin of :class:`Doc`: a description's antecedent in the article."""

    def org_antecedent(self, phrase: str, pos: int) -> Mention | None:
        """``the bank`` / ``the Milan-based lender`` / ``the company``: the organisation the
        article last reported speaking by its proper name (a one-word name such as
        ``UniCredit``, or a name with an organisation word), as for ``it``."""
        if _ORG_DESC_RE.fullmatch(phrase.strip()) is None:
            return None
        pi = self.para_of(pos)
        named = self._named_org_subject(phrase.split()[-1], pos)
        for pj in range(pi, max(-1, pi - ORG_REACH), -1):
            if named is not None and self.para_of(named.pos) >= pj:
                return named  # "The International Energy Agency released …"
            mens = [
                m for m in self.para_mentions(pj) if self.item_start(pos) <= m.pos < pos and m.verb
            ]
            for men in sorted(mens, key=lambda m: -m.pos):
                toks = men.speaker.split()
                if (
                    len(toks) > 2
                    and toks[0] in ("the", "The")
                    and is_org(toks[1:])
                    and all(t[:1].isupper() or t in ("of", "for", "and") for t in toks[1:])
                ):
                    return men  # "The International Energy Agency"
                if len(toks) == 2 and toks[0].lower() == "the" and toks[1].isupper():
                    full = self.reg.acronym(toks[1])  # "according to the IISS"
                    return Mention(men.pos, full, None, False) if full else men
                if men.speaker[:1].islower() or toks[0].lower() in ("the", "a", "an"):
                    continue
                if len(toks) == 1:
                    low = toks[0].lower()
                    if (
                        low in PLACES
                        or low in TITLE_WORDS
                        or low in _ORG_HEAD_WORDS
                        or self.reg.person(toks[0]) is not None
                    ):
                        continue
                    return men
                if is_org(toks) and not self.reg.is_person(men.speaker):
                    if named is not None and named.pos > men.pos:
                        return named
                    return men
        return named

    def _named_org_subject(self, head: str, pos: int) -> Mention | None:
        """The last organisation opening a sentence (within reach) whose name carries the
        description's head word: ``The International Energy Agency released …`` for ``the
        agency``; not ``… the European Central Bank's demands`` inside a sentence."""
        pi = self.para_of(pos)
        lo = max(self.paras[max(0, pi - PRONOUN_REACH + 1)][0], self.item_start(pos))
        best = None
        for m in NAME_SEQ_RE.finditer(self.masked, lo, pos):
            toks = m.group().split()
            if toks[-1].lower() != head.lower() or len(toks) < 2:
                continue
            start = m.start()
            if toks[0] == "The":
                toks = toks[1:]
            before = self.masked[max(lo, m.start() - 3) : m.start()]
            if not (before.strip() == "" or before.rstrip()[-1:] in ".!?\n"):
                continue
            best = Mention(start, " ".join(toks), None, False)
        return best

    def _modifier_near(self, mods: str, name: str) -> bool:
        """``the Maine senator`` and ``Susan Collins (R-Maine)``: a capitalised modifier of the
        description written next to the person's name."""
        caps = [w for w in mods.split() if w[:1].isupper() and w.lower() not in TITLE_WORDS]
        surname = name.split()[-1]
        for at in word_occurrences(self.text, surname, 20):
            near = self.text[max(0, at - 40) : at + len(surname) + 40]
            if any(re.search(rf"\b{re.escape(w)}\b", near) for w in caps):
                return True
        return False

    def _titled_other(self, head: str, name: str) -> bool:
        """Does the article give the title ``head`` (``Sen.``/``Senator`` for ``senator``) to a
        person other than ``name``?"""
        if self.reg.anyone_titled(head) and not self.reg.person(name.split()[-1]):
            return True
        forms = _TITLE_FORMS.get(head, (head.capitalize(),))
        pat = "|".join(re.escape(f) for f in forms)
        surname = name.split()[-1]
        for m in re.finditer(rf"\b(?:{pat})\s+({NAME_SEQ})", self.text):
            if m.group(1).split()[-1] != surname:
                return True
        return False

    def group_antecedent(self, phrase: str, pos: int) -> Mention | None:
        """``the defence chiefs`` / ``the two leaders``: the group of named people the article
        has just reported speaking together (``A, B and C “recalled …”``), within three
        paragraphs, when it is the last group so reported."""
        if _GROUP_DESC_RE.fullmatch(phrase.strip()) is None:
            return None
        pi = self.para_of(pos)
        for pj in range(pi, max(-1, pi - 4), -1):
            mens = [m for m in self.para_mentions(pj) if m.pos < pos and m.verb]
            for men in sorted(mens, key=lambda m: -m.pos):
                if _NAME_LIST_RE.fullmatch(men.speaker):
                    return men
        return None

    def described_speaker(self, phrase: str, pos: int) -> Mention | None:
        """``the former U.N. ambassador said`` / ``the chief diplomat of the EU said`` / ``the
        portfolio manager says``: a definite description of one person, used for variety, is
        the person the article has just reported speaking (this or the two paragraphs before),
        when nobody else has been named since.  A bare ``the official`` / ``the spokesman``
        may be a new unnamed source and is left alone."""
        m = _PERSON_DESC_RE.fullmatch(phrase.strip())
        if m is None:
            return None
        mods = [w.lower() for w in m.group("mods").split()]
        if any(w in NP_STOP for w in mods):
            return None
        former = "former" in mods
        if (
            m.group("head").lower() in _GENERIC_SOURCE_HEADS
            and not m.group("of")
            and not (former or "chief" in mods)
        ):
            return None  # "the U.S. official", "the senior diplomat": unnamed
        men = self.last_mention(pos, True)
        if men is None or not men.verb or self.para_of(men.pos) < self.para_of(pos) - 2:
            return None
        head = m.group("head").lower()
        if (
            head in TITLE_HEADS
            and not (men.role and role_fits([head], men.role.lower()))
            and not self._modifier_near(m.group("mods"), men.speaker)
            and self._titled_other(head, men.speaker)
        ):
            return None  # "the senator" when the article names a senator
        nations = [
            w
            for w in mods
            if w in _COUNTRY_MODIFIERS
            or (w in TITLE_WORDS and w.endswith(("an", "ish", "ese", "ch", "i")))
        ]
        if nations and not former and not (men.role and role_fits(nations, men.role.lower())):
            return None  # "the Russian ambassador" is not the U.S. president
        return men

    def doc_author(self, head: str, pos: int) -> tuple[str, str | None] | None:
        """``In a statement, the Coalition said …`` then ``“…,” the statement said``: the
        author is whoever the article last reported speaking in a sentence naming that
        document (within three paragraphs)."""
        pi = self.para_of(pos)
        lo = self.paras[max(0, pi - 3)][0]
        hits = [
            m.start()
            for m in re.finditer(
                rf"\b(?:a|an|its|their|his|her)\s+(?:\w+\s+)?"
                rf"{re.escape(head)}\b",
                self.masked[lo:pos],
            )
        ]
        if not hits:
            return None
        at = lo + hits[-1]
        s_lo, s_hi = self.sentence(self.para_of(at), at)
        mens = [
            m
            for m in self.para_mentions(self.para_of(at))
            if s_lo <= m.pos < s_hi and m.verb and m.pos < pos
        ]
        speakers = {m.speaker for m in mens}
        if len(speakers) != 1:
            return None
        return mens[0].speaker, mens[0].role

    def fuller_group(self, head: str, pos: int) -> str | None:
        """``<a number> <nationality> lawmakers`` signing a letter, then ``the Members of <a>
        Parliament said`` a few paragraphs on: a counted group is named by the one fuller group
        name the next paragraphs report speaking (a count is how wire copy introduces a group,
        its formal name how it quotes it)."""
        aliases = _GROUP_ALIASES.get(head.rstrip("s"))
        if not aliases:
            return None
        pi = self.para_of(pos)
        found = set()
        for pj in range(pi, min(len(self.paras), pi + 3)):
            for men in self.para_mentions(pj):
                low = men.speaker.lower()
                if (
                    men.pos > pos
                    and not men.person
                    and men.verb
                    and low.startswith("the ")
                    and _FIRM_RE.search(men.speaker)
                    and any(a in low for a in aliases)
                ):
                    found.add(men.speaker)
        return found.pop() if len(found) == 1 else None

    def sentence_antecedent(self, low: str, pos: int) -> tuple[str, str | None, bool] | None:
        """``Orban – an ally of Trump – has undertaken what he called …``, ``Beijing … has
        decried what it calls …``: a pronoun inside a sentence refers to that sentence's named
        subject, when no other name of the same kind stands between them."""
        if low not in ("he", "she", "it"):
            return None
        s_lo, _ = self.sentence(self.para_of(pos), pos)
        subj = sentence_subject(self.masked, s_lo, pos)
        if not subj or subj.split()[0].lower() in PRONOUNS or not subj[:1].isupper():
            return None
        at = self.masked.find(subj, s_lo, pos)
        if at < 0 or not self.masked[at + len(subj) : pos].strip(" ,–—-"):
            return None  # "Like Trump, he …": he is the subject
        appos = SUBJ_APPOS_RE.match(self.masked, at)
        if appos and subj[:1].islower():  # "the head of X Command, Gen. A B, said"
            spk, role = self.reg.resolve(appos.group(1))
            if spk and self.reg.is_person(spk):
                subj, at = appos.group(1), appos.start(1)
        spk, role = self.reg.resolve(subj)
        if not spk:
            if (
                low == "it"
                and FULL_NAME_RE.match(subj) is None
                and self.masked[at + len(subj) : at + len(subj) + 1] == ","
            ):
                return None, None, False  # "Ankara, which …, decried what it calls": not a
            return None  # speaker named earlier; leave it unnamed
        person = self.reg.is_person(spk)
        if low == "it" and person and len(spk.split()) == 1 and self.reg.person(spk) is None:
            person = False  # "Ankara": a bare capital is a place, not a person
        if person != (low != "it"):
            return None
        for m in NAME_SEQ_RE.finditer(self.masked, at + len(subj), pos):
            other, _ = self.reg.resolve(m.group())
            if other and other != spk and self.reg.is_person(other) == person:
                return None  # two candidates: leave it to the caller
        return spk, role, person

    def antecedent(self, phrase: str, pos: int) -> Mention | None:
        """``the analysts`` / ``the Cabinet official`` / ``the president``: the source the
        article has just reported with that description, or the person it last quoted."""
        m = _DEF_DESC_RE.match(phrase.strip())
        if m is None:
            return None
        head = m.group("head").lower()
        stem = head[:-1] if head.endswith("s") else head
        words = phrase.split()[1:-1]
        checks = [
            w.lower()
            for w in words
            if w.lower() in TITLE_HEADS
            or w.lower() in _COUNTRY_MODIFIERS
            or (
                w[:1].isupper()
                and w.lower() in TITLE_WORDS
                and w.lower().endswith(("an", "ish", "ese", "ch", "i"))
            )
        ]
        if head in TITLE_HEADS:
            checks.append(head)
        pi = self.para_of(pos)
        seen_person = False
        for pj in range(pi, max(-1, pi - 3), -1):
            mens = sorted((x for x in self.para_mentions(pj) if x.pos < pos), key=lambda x: -x.pos)
            for men in mens:
                low = men.speaker.lower()
                if (
                    not men.person
                    and any(a in low for a in _GROUP_ALIASES.get(stem, (stem,)))
                    and (not low.startswith("the ") or _FIRM_RE.search(men.speaker))
                ):
                    return men  # "analysts at Barclays" ... "the analysts"
                if (
                    not men.person
                    and stem in _FIRM_HEADS
                    and pj == pi
                    and men.verb
                    and _FIRM_RE.fullmatch(men.speaker)
                ):
                    return men  # "UBS says …" … "the analysts say"
                if men.person and men.verb and stem == head and not seen_person:
                    if not checks and head in _GENERIC_HEADS:
                        return men
                    if checks and men.role and role_fits(checks, men.role.lower()):
                        return men
                    if not checks:
                        seen_person = True
        return None
