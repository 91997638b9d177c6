"""Attribution of one quotation span: the cue next to it and the phrase that speaks."""

from __future__ import annotations

import re

from monitors.nlp.quotes.cues import (
    AFTER_QUOTE,
    AGREED_TO_RE,
    AND_END_RE,
    AND_NAME_CLAUSE_RE,
    BY_AGENT_RE,
    CLAIM_RE,
    COORD_BEFORE_RE,
    DASH_CREDIT_RE,
    INNER_BELIEF_RE,
    LABEL_RE,
    OBJ_PREPS,
    OUTER_SAY_RE,
    OUTLET_RE,
    PUT_IT_LEFT_RE,
    QUOTED_AS_RE,
    RIGHT_ACC,
    VERB_AFTER_SUBJECT_RE,
    VERB_RE,
    right_attribution,
    tail_attribution,
)
from monitors.nlp.quotes.names import NAME_SEQ_RE, PRONOUNS
from monitors.nlp.quotes.phrases import (
    ACRONYM_TAIL_RE,
    INTRO_RE,
    LEAD_WORD_RE,
    NOUN_LIKE_VERBS,
    REL_WORD_RE,
    clean_after,
    is_desc_or_name,
    np_after,
    np_before,
    passive,
    sentence_subject,
    strip_time,
    valid_np,
)
from monitors.nlp.quotes.spans import Span


class Attribution:
    """Mixin of :class:`Doc`: the speaker phrase of one span."""

    def attribute(self, span: Span) -> None:
        anchor = span.open_pos if span.open_pos >= 0 else span.start
        s_lo, s_hi = self.sentence(span.para, anchor)
        if span.close_pos >= 0:
            _, s_hi = self.sentence(span.para, span.close_pos)
        span.sentence = (s_lo, s_hi)
        left = self.masked[s_lo:anchor]
        span.standalone = not left.strip(" \t\n*_—–-([>")
        found = None
        if span.close_pos >= 0:
            found = right_attribution(self.masked, span.close_pos + 1, s_hi)
        outlet = found is not None and self._is_outlet(found[0])
        # "X told Wang that … “…,” according to the ministry": the ministry reports what X said
        reported = (
            found is not None
            and RIGHT_ACC.match(self.masked[span.close_pos + 1 : span.close_pos + 40]) is not None
        )
        if reported and not outlet and span.open_pos >= 0:
            left = self._left_attribution(s_lo, anchor)
            if left is not None and self.names_person(*left):
                found = left
        elif (found is None or outlet) and span.open_pos >= 0:
            found = self._left_attribution(s_lo, anchor) or found  # "…,” according to NBC"
        if found is None and span.close_pos >= 0:
            found = tail_attribution(self.masked, span.close_pos + 1, s_hi)
        if found is None and span.close_pos >= 0:
            found = self._dash_attribution(span)
        if found is None and span.open_pos >= 0:
            found = self._colon_attribution(s_lo, anchor)
        if found is None and span.open_pos >= 0:
            got = self._subject_then_quote(span.para, s_lo, anchor, span.start)
            if got is not None:
                span.attributed = True
                span.speaker, span.role = got
                span.strategy = "subject_before_quote"
                return
        if found is None:
            return
        if self._is_outlet(found[0]):  # a news outlet reports, it is not the speaker
            span.attributed = True
            return
        phrase, pos = found
        span.attributed = True
        got = self.resolve(phrase, pos)
        span.speaker, span.role, span.strategy = got.speaker, got.role, got.strategy

    def _dash_attribution(self, span: Span) -> tuple[str, int] | None:
        """``“…” – President Biden, February 19, 2021`` (an epigraph's credit line, on the
        same line or the next paragraph) and ``"…" - Jefferies``."""
        hi = self.paras[span.para][1]
        rest = self.text[span.close_pos + 1 : hi]
        if not rest.strip(" \t*_") and span.para + 1 < len(self.paras):
            lo2, hi2 = self.paras[span.para + 1]
            rest = self.text[lo2:hi2]
            at = lo2
        else:
            at = span.close_pos + 1
        m = DASH_CREDIT_RE.match(rest)
        if m is None:
            return None
        return m.group("who"), at + m.start("who")

    def _colon_attribution(self, s_lo: int, anchor: int) -> tuple[str, int] | None:
        """A quotation introduced by a colon and no speech verb: a label (``**Senator X**:
        “…”``, ``Minister X: “…”``) or a named person opening the sentence (``President X
        outlined the plan: “…”``), when no other person is named between them."""
        left = self.masked[s_lo:anchor]
        if not left.rstrip(" \t*_").endswith(":"):
            return None
        label = LABEL_RE.fullmatch(left)
        if label:
            who = label.group("who").strip()
            if (
                valid_np(who)
                and not who.isupper()
                and self.names_person(who, s_lo + label.start("who"))
            ):
                return who, s_lo + label.start("who")
        subj = sentence_subject(self.masked, s_lo, anchor)
        if not subj or not subj[:1].isupper():
            return None
        at = self.masked.find(subj, s_lo, anchor)
        if at < 0 or not VERB_AFTER_SUBJECT_RE.match(self.masked, at + len(subj)):
            return None
        if not self.names_person(subj, at):
            return None
        spk, _ = self.reg.resolve(subj)
        for m in NAME_SEQ_RE.finditer(self.masked, at + len(subj), anchor):
            other, _ = self.reg.resolve(m.group())
            if other and other != spk and self.reg.is_person(other):
                return None  # "X recalled what Y told him: “…”"
        return subj, at

    def _subject_then_quote(
        self, pi: int, s_lo: int, anchor: int, start: int
    ) -> tuple[str, str | None] | None:
        """``NATO chief X “strongly welcomed” the decision``, ``X, Y and Z “recalled their
        commitment …”``: the quotation opens with the verb, right after its subject, every
        part of which names a person."""
        if pi == 0 or not self.text[start : start + 1].islower():
            return None  # a headline's "X, Y ‘do …’" is someone else's words
        left = self.masked[s_lo:anchor]
        intro = INTRO_RE.match(left)
        at = s_lo + (intro.end() if intro else 0)
        phrase = self.masked[at:anchor].strip(" \t*_")
        if not phrase or len(phrase) > 200 or not phrase[:1].isupper() or ":" in phrase:
            return None
        parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase) if p]
        if not parts or len(parts) > 5:
            return None
        found = []
        for part in parts:
            if not valid_np(part) or part.lower() in PRONOUNS:
                return None
            spk, role, person, _ = self.resolve(part, at)
            if not spk or not person:
                return None
            found.append((spk, role))
        if len(found) == 1:
            return found[0]
        names = [f[0] for f in found]
        return ", ".join(names[:-1]) + " and " + names[-1], None

    def names_person(self, phrase: str, pos: int) -> bool:
        """Does ``phrase`` name a person outright (not a pronoun or a description)?"""
        if phrase.lower() in PRONOUNS or phrase[:1].islower():
            return False
        spk, _, person, _ = self.resolve(phrase, pos)
        return bool(spk) and person

    def _is_outlet(self, phrase: str) -> bool:
        """``NBC News``, ``the Kremlin-run news agency``: a medium, not a speaker."""
        phrase = phrase.split(",")[0]
        if not OUTLET_RE.search(phrase):
            return False
        spk, _ = self.reg.resolve(phrase)
        return not (spk and self.reg.is_person(spk))

    def _left_attribution(self, s_lo: int, anchor: int) -> tuple[str, int] | None:
        put = PUT_IT_LEFT_RE.search(self.masked, s_lo, anchor)
        if put and valid_np(put.group("spk")):  # "As X put it, “…”"
            return put.group("spk"), put.start("spk")
        verbs = [
            v
            for v in VERB_RE.finditer(self.masked, s_lo, anchor)
            if not AGREED_TO_RE.match(self.masked, v.start())
        ]
        claims = list(CLAIM_RE.finditer(self.masked, s_lo, anchor))
        claim = claims[-1] if claims else None
        if claim is not None and (not verbs or verbs[-1].start() < claim.end()):
            if claim.group("pron"):  # "repeated his claim that he “…”"
                who = self._recent_named_person(s_lo, claim.start())
                return (who, claim.start()) if who else ("", claim.start())
            return claim.group("who"), claim.start()  # "rejected Orban’s claim that … “…”"
        for k in range(len(verbs) - 1, max(-1, len(verbs) - 4), -1):
            last = verbs[k]  # "said he does not believe … is “x”"
            found = self._left_verb(s_lo, last)
            if found is not None:
                if k > 0 and INNER_BELIEF_RE.match(last.group()):
                    outer = self._reported_by(s_lo, verbs[k - 1], found)
                    if outer is not None:
                        return outer
                if (
                    k > 0
                    and found[0][:1].islower()
                    and found[0].split()[0] in ("the", "a")
                    and self.resolve(found[0], found[1])[0] is None
                ):
                    outer = self._left_verb(s_lo, verbs[k - 1])
                    if (
                        outer is not None
                        and outer[0]
                        and self.resolve(outer[0], outer[1])[0] is not None
                        and OUTER_SAY_RE.match(verbs[k - 1].group())
                    ):
                        return outer  # "The institute said the rise reflected “…”"
                return found
        return None

    def _recent_named_person(self, s_lo: int, pos: int) -> str | None:
        """The one person named in this sentence before ``pos`` or in the sentence before it
        (``That hope came from Trump himself. While he repeated his claim …``), else None."""
        pi = self.para_of(s_lo)
        lo = s_lo
        if s_lo > self.paras[pi][0]:
            lo, _ = self.sentence(pi, s_lo - 1)
        found = set()
        for m in NAME_SEQ_RE.finditer(self.masked, lo, pos):
            spk, _ = self.reg.resolve(m.group())
            if spk and self.reg.is_person(spk):
                found.add(spk)
        return found.pop() if len(found) == 1 else None

    def _reported_by(
        self, s_lo: int, prev: re.Match, inner: tuple[str, int]
    ) -> tuple[str, int] | None:
        """``Hegseth said Trump believes that an “investment relationship” …``: the words are
        the reporting person's (the outer speech verb's named subject)."""
        if not prev.group("fin") or not OUTER_SAY_RE.match(prev.group()):
            return None
        gap = self.masked[prev.end() : inner[1]].strip()
        gap = re.sub(r"\Athat\s+", "", gap)
        if prev.group().startswith(("told", "apprised", "informed", "reminded", "assured")):
            gap = re.sub(r"\A(?:[\w’'.\-]+\s+){1,4}?that\s+", "", gap)  # "told them that"
        if gap != inner[0]:
            return None
        outer = self._left_verb(s_lo, prev)
        if outer is not None and self.names_person(*outer):
            return outer
        return None

    def _left_verb(self, s_lo: int, last: re.Match) -> tuple[str, int] | None:
        """The speaker of one speech verb left of the quote, or None."""
        if last.group("part"):
            quoted = QUOTED_AS_RE.search(self.masked, max(s_lo, last.start() - 200), last.start())
            if quoted and is_desc_or_name(quoted.group("who")):
                return quoted.group("who"), quoted.start("who")
        if last.group("acc"):
            phrase = np_after(self.masked, last.end())
            return (phrase, last.start()) if phrase else None
        if last.group("part"):
            return self._main_subject(s_lo, last.start())
        if passive(self.masked, s_lo, last):  # "X was told", "X is expected to": not X;
            _, s_hi = self.sentence(self.para_of(last.start()), last.start())
            agent = BY_AGENT_RE.search(self.masked, last.end(), s_hi)
            if agent:  # "… was dismissed as a “…” by observers"
                who = clean_after(agent.group("who"))
                if who and valid_np(who):
                    return who, agent.start("who")
            return "", last.start()  # said, but by nobody the sentence names
        phrase = self._np_subject(s_lo, last.start())
        if phrase == "":
            return "", last.start()  # the subject is lost behind a preposition
        before = self.masked[s_lo : last.start()].rstrip()
        if not phrase and before.endswith(AFTER_QUOTE):
            phrase = np_after(self.masked, last.end())
        if not phrase and AND_END_RE.search(before):  # "X rejected … and warned …"
            return self._main_subject(s_lo, last.start(), nearest=True)
        if phrase and phrase.lower() in ("who", "which"):
            return None
        if (
            phrase
            and phrase[:1].isupper()
            and phrase.lower() not in PRONOUNS
            and self.reg.resolve(phrase)[0] is None
        ):
            head = phrase.split(",")[0]
            head_spk = self.reg.resolve(head)[0] if head != phrase else None
            if (
                head_spk
                and self.reg.is_person(head_spk)
                and len(head_spk.split()) >= 2
                and head.rstrip().endswith(head_spk.split()[-1])
            ):
                return head, last.start()  # "Sen. X (D-Va.), the vice chair of …, said"
            subj = sentence_subject(self.masked, s_lo, last.start())
            if subj and subj != phrase and self.names_person(subj, last.start()):
                return subj, last.start()  # "Hegseth in remarks before the … Group said"
        return (phrase, last.start()) if phrase else None

    def _np_subject(self, s_lo: int, v_pos: int) -> str | None:
        """The noun phrase before a speech verb, unless it is a preposition's object (``X in a
        statement accused``, ``X in remarks before the … meeting said``): then the sentence's
        named subject, else ``""`` (someone spoke; the rules cannot tell who)."""
        if ")" in self.masked[max(s_lo, v_pos - 30) : v_pos]:
            acr = ACRONYM_TAIL_RE.search(strip_time(self.masked[max(s_lo, v_pos - 80) : v_pos]))
            if acr and self.reg.acronym(acr.group(1)):
                return self.reg.acronym(acr.group(1))  # "the … Institute (ISW) said"
        phrase = np_before(self.masked, s_lo, v_pos)
        if not phrase or phrase.lower() in PRONOUNS:
            return phrase
        at = self.masked.rfind(phrase, s_lo, v_pos)
        prev = self.masked[max(s_lo, at - 24) : at].split() if at > s_lo else []
        if not prev or (prev[-1] not in ("and", "or") and prev[-1].lower() not in OBJ_PREPS):
            return phrase
        if prev[-1] in ("for", "of", "on") and len(prev) > 1 and prev[-2][:1].isupper():
            return phrase  # "Society for Human Resource Management": one name
        if REL_WORD_RE.search(self.masked, at + len(phrase), v_pos):
            return phrase  # "comments from X, who said": X, relative
        if prev and prev[-1] in ("and", "or"):  # "chiefs from A, B and C vowed": C is not it
            coord = COORD_BEFORE_RE.search(self.masked, s_lo, at)
            if coord is None:
                return phrase
            prev = self.masked[max(s_lo, coord.start() - 24) : coord.start()].split()
            if not prev or prev[-1].lower() not in OBJ_PREPS:
                return self.masked[coord.start() : at + len(phrase)]  # "A and B said"
        if not prev or prev[-1].lower() not in OBJ_PREPS or self.names_person(phrase, v_pos):
            return phrase  # "after Trump said": a clause's subject
        word = LEAD_WORD_RE.match(self.masked, v_pos)
        if word and (
            word.group(1).lower() in NOUN_LIKE_VERBS
            or self.masked[word.end() : word.end() + 1] in ".,;:"
        ):
            return None  # "in the battleground states.": a noun, not a verb
        subj = sentence_subject(self.masked, s_lo, v_pos)
        if subj and subj != phrase and self.names_person(subj, v_pos):
            return subj
        return ""

    def _main_subject(self, s_lo: int, v_pos: int, nearest: bool = False) -> tuple[str, int] | None:
        """Subject for a participle (``…, saying "…"``): an earlier verb's subject, or the
        sentence's first noun phrase; for a coordinated verb (``X told Y … and urged``,
        ``nearest``) the closest earlier speech verb's subject, when it names a person."""
        if nearest:
            for m in reversed(list(VERB_RE.finditer(self.masked, s_lo, v_pos))):
                if m.group("fin") and not passive(self.masked, s_lo, m):
                    phrase = np_before(self.masked, s_lo, m.start())
                    if phrase and self.names_person(phrase, m.start()):
                        return phrase, m.start()
                    break
        last_and = max(
            AND_NAME_CLAUSE_RE.finditer(self.masked, s_lo, v_pos),
            key=lambda a: a.start(),
            default=None,
        )
        if last_and is not None and self.names_person(last_and.group("name"), v_pos):
            return last_and.group("name"), last_and.start("name")  # "…, and Trump praised Y,"
        for m in VERB_RE.finditer(self.masked, s_lo, v_pos):
            if m.group("fin") and not passive(self.masked, s_lo, m):
                phrase = np_before(self.masked, s_lo, m.start())
                if phrase:
                    return phrase, m.start()
        phrase = sentence_subject(self.masked, s_lo, v_pos)
        return (phrase, v_pos) if phrase else None
