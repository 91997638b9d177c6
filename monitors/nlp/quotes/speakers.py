"""Speaker names, roles and titles for the quote extractor.

A :class:`Registry` is built once per article.  It scans every run of capitalised words
(``NATO Secretary General Mark Rutte``), splits it into leading title words (the role) and a name,
and remembers for each surname the fullest name and the first role the article gives.  Appositive
roles (``Kyle Rodda, a senior analyst at Capital.com,``) are recorded too.

:meth:`Registry.resolve` turns the raw speaker phrase found next to a speech verb into
``(speaker, role)``:

* a name (``Rutte``)                  -> the fullest name the article gives (``Mark Rutte``);
* a title alone (``the NATO chief``)  -> the one registered person whose role fits, else ``None``;
* an organisation (``the Kremlin``)   -> the organisation as written;
* an unnamed description (``a European diplomat``, ``analysts at Barclays``) -> the description;
* anything else                       -> ``None`` (a wrong speaker is worse than none).

Pronouns are resolved by the caller (quotes.py), which knows the order of attributions.
"""

from __future__ import annotations

import re

from monitors.nlp.quotes.names import (
    ACRONYM_DEF_RE,
    APPOSITIVE_AFTER_RE,
    BAD_DESC_WORD,
    DESC_RE,
    DOC_HEADS,
    GROUP_DEF_RE,
    GROUP_TITLES,
    LEAD_CONJ_RE,
    NAME_OPENERS,
    NAME_SEQ_RE,
    NOT_STATE_WORDS,
    ORG_WORDS,
    PARTICLES,
    PARTY_LETTERS,
    PARTY_TAG_RE,
    PARTY_TITLE_RE,
    PLACES,
    POSSESSOR_RE,
    ROLE_NOUN_RE,
    TITLE_HEADS,
    TITLE_SYNONYMS,
    TITLE_WORDS,
    UP,
    WORD_CAP_RE,
    Person,
    capitalised_tail,
    clean_role,
    compatible,
    cut_time_words,
    doc_issuer,
    expansion,
    family_first,
    fold,
    is_org,
    plausible_name,
    role_fits,
    split_title,
    state_fits,
    strip_leading,
    tokens_of,
    word_occurrences,
)


class Registry:
    """Names and roles one article gives.  Lazy: a surname is looked up only when a quote
    needs it, so long transcripts with few quotes stay cheap."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._cache: dict[str, Person | None] = {}
        self._everyone: list[Person] | None = None
        self._acronyms: dict[str, str | None] | None = None
        self._folded: dict[str, set[str]] | None = None

    # -- building -------------------------------------------------------------------------
    def _scan_surname(self, surname: str) -> Person | None:
        found: Person | None = None
        for start in word_occurrences(self.text, surname):
            end = start + len(surname)
            before = self.text[max(0, start - 120) : start]
            toks = [*capitalised_tail(before), surname]
            toks = cut_time_words(strip_leading(toks))
            title, name = split_title(toks)
            if not name or name[-1] != surname or is_org(name) or not plausible_name(name):
                continue
            role = " ".join(title) or None
            app = APPOSITIVE_AFTER_RE.match(self.text, end)
            if app and ROLE_NOUN_RE.search(app.group("role")):
                role = role or app.group("role").strip()
            if len(name) == 1:
                nxt = family_first(self.text, end)
                if nxt and not (title and title[-1].lower() in NAME_OPENERS):
                    name = [surname, nxt]  # "Zhang Xiaogang" / "Adm. Kim Myung-soo"
            if len(name) < 2 and not role:
                continue
            if found is None:
                found = Person(" ".join(name), clean_role(role), start)
                continue
            if len(name) > len(found.name.split()):
                found.name = " ".join(name)
            if found.role is None and role:
                found.role = clean_role(role)
        return found

    def everyone(self) -> list[Person]:
        """Every titled or two-word person name, in one pass (for resolving a title alone)."""
        if self._everyone is None:
            people: dict[str, Person] = {}
            for m in NAME_SEQ_RE.finditer(self.text):
                toks = cut_time_words(strip_leading(tokens_of(m.group())))
                title, name = split_title(toks)
                if not name or is_org(name) or (len(name) < 2 and not title):
                    continue
                cur = people.get(name[-1])
                if cur is None:
                    people[name[-1]] = Person(
                        " ".join(name), clean_role(" ".join(title)), m.start()
                    )
                elif cur.role is None and title:
                    cur.role = clean_role(" ".join(title))
            self._everyone = list(people.values())
        return self._everyone

    # -- resolving ------------------------------------------------------------------------
    def person(self, surname: str) -> Person | None:
        surname = surname.strip(".,;:")
        if surname not in self._cache:
            found = self._scan_surname(surname) if surname else None
            if surname and (found is None or len(found.name.split()) < 2):
                found = self._variant(surname) or found
            self._cache[surname] = found
        return self._cache[surname]

    def _variant(self, surname: str) -> Person | None:
        """``Orban`` in an article that writes ``Viktor Orbán``; ``Borrel`` for ``Borrell``:
        the one fuller spelling of the same name the article gives, else None."""
        if len(surname) < 4 or not surname[:1].isupper():
            return None
        self._folded_index()
        cands = set(self._folded.get(fold(surname), ())) - {surname}
        if not cands and len(surname) >= 5 and len(word_occurrences(self.text, surname, 2)) < 2:
            cands = {
                w
                for key, ws in self._folded.items()
                for w in ws
                if len(key) == len(surname) + 1 and key.startswith(fold(surname))
            }
        found = []
        for w in cands:
            got = self._scan_surname(w)
            if got is not None:
                found.append(got)
        if len({f.name for f in found}) != 1:
            return None
        return found[0]

    def _folded_index(self) -> dict[str, set[str]]:
        if self._folded is None:
            self._folded = {}
            for m in WORD_CAP_RE.finditer(self.text):
                w = m.group()
                self._folded.setdefault(fold(w), set()).add(w)
        return self._folded

    def _misspelt(self, word: str) -> str | None:
        """A one-off capitalised word that is a name the article writes elsewhere at least
        twice with one more letter (``Borrel`` / ``Borrell``), else None."""
        if len(word) < 5 or not word[:1].isupper():
            return None
        key = fold(word)
        found = {
            w
            for k, ws in self._folded_index().items()
            for w in ws
            if len(k) == len(key) + 1
            and k.startswith(key)
            and len(word_occurrences(self.text, w, 2)) >= 2
        }
        return found.pop() if len(found) == 1 else None

    def acronym(self, token: str) -> str | None:
        """``IEA`` -> ``International Energy Agency`` when the article writes
        ``International Energy Agency (IEA)``."""
        if self._acronyms is None:
            self._acronyms = {}
            for m in ACRONYM_DEF_RE.finditer(self.text):
                full = expansion(m.group("name").split(), m.group("acr"))
                if full:
                    self._acronyms.setdefault(m.group("acr"), full)
        if token not in self._acronyms:  # the full name written out elsewhere
            found = set()
            first = re.escape(token[0])
            for m in re.finditer(
                rf"\b{first}[a-z]\w*(?:[ \t]+(?:(?:of|for|and|on)[ \t]+)?"
                rf"[{UP}][a-z][\w\-]*){{1,6}}",
                self.text,
            ):
                full = expansion(m.group().split(), token)
                if full and full.split()[-1] == m.group().split()[-1]:
                    found.add(full)
            self._acronyms[token] = found.pop() if len(found) == 1 else None
        return self._acronyms.get(token)

    def group_of(self, head: str) -> str | None:
        """``the senators`` -> ``Jeanne Shaheen and John Hoeven`` when the article introduces
        exactly one such pair (``Senators Jeanne Shaheen, a Democrat, and Republican John
        Hoeven``)."""
        titles = GROUP_TITLES.get(head.lower())
        if not titles:
            return None
        found = set()
        for m in GROUP_DEF_RE.finditer(self.text):
            if m.group("title").lower() not in titles:
                continue
            names = []
            for part in (m.group("a"), m.group("b")):
                _, name = split_title(strip_leading(tokens_of(part)))
                if len(name) < 2 or is_org(name) or not plausible_name(name):
                    break
                names.append(" ".join(name))
            else:
                found.add(" and ".join(names))
        return found.pop() if len(found) == 1 else None

    def party_member(self, phrase: str) -> Person | None:
        """``the Massachusetts Democrat`` / ``the House Republican`` -> the one person the article
        tags with that party (``Rep. Jo Doe (D-Mass.)``, ``Republican Sen. Al Roe of Utah``),
        its state modifier, when given, agreeing."""
        words = phrase.replace("’s", "").split()
        party = words[-1].lower().rstrip("s") if words else ""
        letter = PARTY_LETTERS.get(party)
        if letter is None:
            return None
        mods = [
            w.lower().strip(".")
            for w in words[:-1]
            if w[:1].isupper() and w.lower() not in NOT_STATE_WORDS
        ]
        found = self._party_tagged(letter)
        if mods:
            found = {
                k: v
                for k, v in found.items()
                if v is None or all(state_fits(mod, v) for mod in mods)
            }
        if len(found) != 1:
            return None
        name = next(iter(found))
        return self.person(name.split()[-1]) or Person(name, None, 0)

    def other_party(self, name: str, party: str) -> bool:
        """Does the article tag ``name`` with a party other than ``party``?"""
        own = PARTY_LETTERS.get(party.lower())
        if own is None:
            return False
        return any(name in self._party_tagged(o) for o in set(PARTY_LETTERS.values()) - {own})

    def _party_tagged(self, letter: str) -> dict[str, str | None]:
        """People the article tags with party ``letter`` (``D``/``R``), with their state
        when given: ``Rep. Jo Doe (D-Mass.)`` and ``Republican Sen. Al Roe of Utah``."""
        found: dict[str, str | None] = {}
        for m in PARTY_TAG_RE.finditer(self.text):
            if m.group("p") == letter:
                self._party_candidate(m.group("name"), m.group("state"), found)
        for m in PARTY_TITLE_RE.finditer(self.text):
            if (m.group("p")[0] == "D") == (letter == "D"):
                self._party_candidate(m.group("name"), m.group("state"), found)
        return found

    @staticmethod
    def _party_candidate(seq: str, state: str | None, found: dict[str, str | None]) -> None:
        _, name = split_title(strip_leading(tokens_of(seq)))
        if len(name) >= 2 and not is_org(name) and plausible_name(name):
            key = " ".join(name)
            if found.get(key) is None:
                found[key] = state

    def resolve(self, phrase: str) -> tuple[str | None, str | None]:
        """Resolve a speaker phrase (no pronouns) to (speaker, role)."""
        phrase = LEAD_CONJ_RE.sub("", phrase.strip(" ,;:—–-"))  # "Although the Kremlin"
        if not phrase or len(phrase) > 160:
            return None, None
        if " and " in phrase and not DESC_RE.match(phrase):
            return self._resolve_conjunction(phrase)
        if DESC_RE.match(phrase) and not phrase[:1].isupper():
            return self._resolve_description(phrase)
        last = None
        for m in NAME_SEQ_RE.finditer(phrase):
            last = m
        if last is not None and last.end() == len(phrase.rstrip(".")):
            if last.start() <= 4:
                return self._resolve_name(phrase[last.start() : last.end()])
            prefix = phrase[: last.start()].strip()
            spk, role = self._resolve_name(phrase[last.start() : last.end()])
            if spk and self.is_person(spk):
                return spk, role or clean_role(prefix)
            if spk and is_org(spk.split()) and POSSESSOR_RE.fullmatch(prefix):
                return phrase.strip(), None  # "Ukraine’s Armed Forces"
        return self._resolve_description(phrase)

    def _resolve_conjunction(self, phrase: str) -> tuple[str | None, str | None]:
        """``Tucker and Dow Jones CEO Almar Latou`` -> ``Emma Tucker and Almar Latou``."""
        names = []
        for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase):
            spk, _ = self.resolve(part)
            if spk is not None and self.is_person(spk):
                names.append(spk)
        if not names:
            return None, None
        return " and ".join(names), None

    def is_person(self, speaker: str) -> bool:
        """A resolved speaker that names a person (not an organisation or a place)."""
        toks = speaker.split()
        if not toks or is_org(toks) or any(t.lower() in PLACES for t in toks):
            return False
        if toks[-1].lower() in TITLE_WORDS or not toks[-1][:1].isupper():
            return False
        if any(not t[:1].isupper() and t not in PARTICLES for t in toks):
            return False
        if any(c.isdigit() for c in speaker):
            return False  # "N26", "Rival Bank24": brands, not people
        return len(toks) >= 2 or self.person(toks[-1]) is not None or len(toks[-1]) > 2

    def _resolve_name(self, seq: str) -> tuple[str | None, str | None]:
        toks = cut_time_words(strip_leading(tokens_of(seq)))
        if not toks:
            return None, None
        if len(toks) == 1 and toks[0].isupper() and len(toks[0]) > 1:
            full = self.acronym(toks[0])
            if full:
                return full, None
        if "of" in toks[1:-1]:  # "Paolini of Pictet", "Nancy Mace of Ohio"
            k = toks.index("of")
            ltitle, lname = split_title(toks[:k])
            if lname and not is_org(lname) and plausible_name(lname):
                person = self.person(lname[-1])
                if (
                    person is not None
                    and len(person.name.split()) >= 2
                    and compatible(lname, person.name)
                ):
                    return person.name, person.role or (" ".join(ltitle) or None)
        title, name = split_title(toks)
        if not name and title and title[-1].lower() in ORG_WORDS:
            return " ".join(title), None  # "The Kremlin", "the White House"
        if not name:
            return self.resolve_title(" ".join(title))
        if is_org(name) or (is_org(title) and (len(name) < 2 or not plausible_name(name))):
            return " ".join(toks), None
        person = self.person(name[-1])
        if person is not None and compatible(name, person.name):
            return person.name, person.role or (" ".join(title) or None)
        if len(name) == 1 and not title and len(word_occurrences(self.text, name[0], 2)) < 2:
            return self._misspelt(name[0]), None  # "Borrel said" in an article on Borrell
        return " ".join(name), " ".join(title) or None

    def _resolve_description(self, phrase: str) -> tuple[str | None, str | None]:
        words = phrase.split()
        if any(w.lower() in BAD_DESC_WORD for w in words[1:]):
            return None, None
        m = DESC_RE.match(phrase)
        if not m:
            return None, None
        head = m.group("head").lower()
        low = phrase.lower()
        if head in TITLE_HEADS and (low.startswith("the ") or phrase[:1].isupper()):
            return self.resolve_title(phrase, keep_description=True)
        if head in DOC_HEADS:
            return doc_issuer(phrase), None
        return phrase, None

    def resolve_title(
        self, phrase: str, keep_description: bool = False
    ) -> tuple[str | None, str | None]:
        """``the NATO chief`` -> the registered person whose role fits, when exactly one does."""
        words = [w for w in re.split(r"[\s]+", phrase.lower().strip()) if w]
        words = [w for w in words if w not in ("the", "a", "an", "'s", "its", "his", "her")]
        if not words:
            return None, None
        head = words[-1]
        if head not in TITLE_HEADS and not any(h in TITLE_HEADS for h in words):
            return None, None
        found = []
        for person in self.everyone():
            if person.role and role_fits(words, person.role.lower()):
                found.append(person)
        if len(found) == 1:
            return found[0].name, found[0].role
        if not found and keep_description and not self.anyone_titled(head):
            return phrase.strip(), None
        return None, None

    def anyone_titled(self, head: str) -> bool:
        """Does the article name anyone whose title contains ``head`` (or a synonym)?"""
        alts = TITLE_SYNONYMS.get(head, (head,))
        return any(p.role and any(a in p.role.lower() for a in alts) for p in self.everyone())
