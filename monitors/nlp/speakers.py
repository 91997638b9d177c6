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
import unicodedata
from dataclasses import dataclass

from monitors.nlp.lexicon import word_set


def _words_lower(spec: str) -> frozenset[str]:
    return frozenset(w.lower() for w in spec.split())


UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
TOKEN = rf"(?:[{UP}]\.(?:[{UP}]\.)*|[{UP}][\w\-]*(?:['’][{UP}][\w\-]*)?)"
_PARTICLE = r"(?:von|van|der|den|de|del|della|da|di|du|la|le|al|bin|ibn|el|dos|das|ter|of)"
NAME_SEQ = rf"{TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{TOKEN})*"
_NAME_SEQ_RE = re.compile(NAME_SEQ)
_TOKEN_RE = re.compile(TOKEN)

_LEADING_STOP = word_set("""
the a an but and or in on at as if when while after before asked meanwhile however also
still yet so now then this that these those earlier later last next for from with by to of
since speaking writing according despite though although because unlike like under over
during amid separately instead indeed he she they it we i his her their its our my your mr
mrs ms
""")

_TIME_WORDS = word_set("""
monday tuesday wednesday thursday friday saturday sunday january february march april june
july august september october november december jan. feb. mar. apr. jun. jul. aug. sep. sept.
oct. nov. dec. today yesterday tonight
""")

TITLE_WORDS = _words_lower("""
President Vice Prime Minister Secretary General Secretary-General Foreign Defense Defence
State Deputy Chancellor Chief Senator Sen. Rep. Representative Gov. Governor Mayor Speaker
Leader Majority Minority Adviser Advisor National Security Ambassador Envoy Special
Spokesman Spokeswoman Spokesperson Press Director Chairman Chairwoman Chair Commissioner
Treasury Attorney Justice Judge Gen. Lt. Col. Maj. Adm. Admiral Sgt. Capt. Retired Former
Mr. Mrs. Ms. Dr. Prof. Professor King Queen Prince Princess Pope Sheikh CEO Executive
Officer Commander Head Economic Finance Interior Energy Trade Commerce Homeland Health Labor
Labour Agriculture Education Republican Democratic Democrat House Senate Whip Army Navy
Joint Chiefs Staff High Union European Commission Council Parliament MP Sir Dame Lord Rev.
Ayatollah Supreme Emir Crown Sultan U.S. US UN U.N. EU E.U. NATO Pentagon Kremlin White
Lieutenant Colonel Major Marshal Field Foreign-Minister Cabinet Acting Interim Presidential
Press-Secretary Counsel Counselor Ukrainian Russian French German British American Polish
Chinese Israeli Turkish Italian Canadian Japanese Dutch Spanish Swedish Finnish Estonian
Latvian Lithuanian Hungarian Slovak Czech Romanian Danish Norwegian Belgian Greek Iranian
Indian Australian Korean Belarusian Georgian Moldovan Bulgarian Croatian Slovenian Serbian
Austrian Swiss Irish Portuguese Saudi Qatari Emirati Egyptian Syrian Lebanese Palestinian
Brazilian Mexican Argentine Rwandan Congolese Kenyan Nigerian South-African Taiwanese
Filipino Vietnamese Pakistani Afghan Iraqi Jordanian Turkish Azerbaijani Armenian Kazakh
Uzbek Mongolian Icelandic Luxembourgish Chairperson Co-Chair Minister-President Premier
Viceroy Delegate Envoy-Designate Nominee Analyst Economist Strategist Sergeant Captain
Officer Inspector Commissioner Superintendent GOP
""")

ORG_WORDS = _words_lower("""
House Department Ministry Street Journal News Conference Council Union Bank Group Inc Inc.
Corp Corp. Party Committee Agency Office Times Post Press Reuters Fund Program Programme
Institute University College Center Centre Forum Association Organization Organisation Index
Exchange Securities Capital Markets Management Partners Research Company Co. Ltd Ltd. LLC
Airlines Forces Army Navy Force Guard Court Congress Senate Parliament Assembly Commission
Day Summit Treaty Act Bill Initiative Authority Ocean Sea River Republic Kingdom States
Nations Federation Foundation Kremlin Pentagon NATO Bloomberg AP CNN BBC Administration
Government Cabinet Service Services Industries Holdings Technologies Systems Motors Media
Network Broadcasting Television Radio Magazine Review Economist Telegraph Guardian Tribune
Herald Gazette Chronicle Daily Weekly Barclays Goldman Sachs Morgan JPMorgan Citi Citigroup
UBS HSBC Nomura Jefferies Mediobanca Analytics Advisors Advisers Associates Consulting
Strategies Economics Insights Intelligence Police Military Ministry Embassy Mission Alliance
Coalition Movement Church Council Board Command Directorate Headquarters Brigade Battalion
Regiment Division Corps
""")

_PERSON_HEADS = (
    "official|officials|diplomat|diplomats|spokesperson|spokesman|spokeswoman|spokespeople|"
    "source|sources|analyst|analysts|leader|leaders|minister|lawmaker|lawmakers|senator|"
    "senators|expert|experts|officer|officers|aide|aides|adviser|advisers|advisor|advisors|"
    "economist|economists|strategist|strategists|investor|investors|trader|traders|person|"
    "people|prosecutor|prosecutors|judge|judges|negotiator|negotiators|representative|"
    "representatives|commander|commanders|executive|executives|ambassador|envoy|member|members|"
    "residents|resident|witness|witnesses|lawyer|lawyers|attorney|attorneys|researcher|"
    "researchers|observer|observers|critic|critics|supporter|supporters|manager|managers|"
    "director|head|chief|president|secretary|chancellor|governor|mayor|general|admiral|"
    "soldier|soldiers|activist|activists|campaigners|partner|partners|professor|economists|"
    "monitor|monitors|inspector|inspectors|investigator|investigators|auditor|auditors|"
    "son|daughter|father|mother|widow|widower|brother|sister|husband|wife|relatives|families|"
    "user|users|commenter|commenters|commentator|viewer|viewers|reader|readers"
)
_ORG_HEADS = (
    "ministry|department|court|company|firm|government|administration|military|army|police|"
    "agency|office|bank|group|committee|council|commission|embassy|alliance|bloc|union|"
    "kremlin|pentagon|statement|release|report|complaint|filing|note|letter|memo|readout|"
    "document|lawsuit|ruling|indictment|declaration|communique|communiqué|survey|study|"
    "spokesperson's office|campaign|team|party|regulator|watchdog|platform|manifesto"
)
_DOC_HEADS = word_set("""
statement release report complaint filing note letter memo readout document lawsuit ruling
indictment declaration communique communiqué post tweet transcript
""")
_DESC_RE = re.compile(
    r"^(?:(?:a|an|the|one|another|two|three|four|five|several|some|many|other|senior|top)\s+)*"
    r"(?:[\w\-’'.&]+\s+){0,5}?"
    rf"(?P<head>{_PERSON_HEADS}|{_ORG_HEADS})"
    rf"(?:\s+(?:at|for|of|from|with|in)\s+(?:the\s+)?{NAME_SEQ})?$",
    re.I,
)
_BAD_DESC_WORD = word_set("""
that which who whom whose said says say told and but or to was were is are has have had will
would could should can may might in on by with as about after before when while if because
than not it he she they we i this these those his her their its said
""")

PLACES = _words_lower("""
Europe Asia America Africa Ukraine Russia China Germany France Britain Poland Italy Spain Japan
India Iran Israel Turkey Canada Mexico Brazil Kyiv Moscow Washington Beijing Brussels London
Paris Berlin Warsaw Gaza Crimea Donbas Taiwan Korea Syria Iraq Hungary Slovakia Romania Sweden
Finland Norway Denmark Netherlands Belgium Estonia Latvia Lithuania Georgia Moldova Belarus
Congo Rwanda Munich Kremlin Pentagon NATO EU UN Congress Senate Wall Street
""")

PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "you"})

_TITLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "chief": (
        "chief",
        "secretary general",
        "secretary-general",
        "secretary",
        "head",
        "director",
        "leader",
        "minister",
    ),
    "head": ("head", "chief", "director", "secretary general", "secretary-general", "leader"),
    "leader": ("leader", "president", "prime minister", "chancellor", "premier", "king"),
    "pentagon": ("defense", "defence", "pentagon"),
    "kremlin": ("russian", "kremlin"),
    "russian": ("russian", "kremlin"),
    "american": ("u.s.", "us ", "american"),
    "us": ("u.s.", "us ", "american"),
    "u.s.": ("u.s.", "us ", "american"),
    "defense": ("defense", "defence", "pentagon"),
    "defence": ("defense", "defence", "pentagon"),
    "top": (),
    "former": ("former",),
    "alliance": ("nato", "alliance"),
}
_TITLE_HEADS = word_set("""
president chief head leader secretary minister chancellor premier envoy spokesman
spokeswoman spokesperson general governor mayor senator ambassador commander director
chairman speaker secretary-general king queen pope adviser advisor
""")


@dataclass
class Person:
    """A person the article names: fullest name seen and a role when given."""

    name: str
    role: str | None
    pos: int


def tokens_of(seq: str) -> list[str]:
    """Split a capitalised run into its tokens (particles such as ``von`` included)."""
    return seq.split()


def split_title(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split ``[Defense, Secretary, Pete, Hegseth]`` into (title tokens, name tokens)."""
    i = 0
    while i < len(tokens) and (tokens[i].lower() in TITLE_WORDS or (tokens[i] == "of" and i > 0)):
        i += 1
    title, name = tokens[:i], tokens[i:]
    while name and name[0].lower() in ("of", "the"):
        title.append(name.pop(0))
    if "of" in name:  # "Some of Gambaryan", "Bank of America"
        name = name[len(name) - name[::-1].index("of") :]
    inner = (
        [k for k, t in enumerate(name[:-1]) if t.lower().rstrip(".") in _INNER_TITLES]
        if len(name) > 2
        else []
    )
    if "of" in title and len(name) > 2 and is_org(name):
        k = max(i for i, t in enumerate(name) if is_org([t]))
        rest = name[k + 1 :]  # "Director of National Intelligence Jane Roe"
        if 2 <= len(rest) <= 3 and not any(t.lower() in TITLE_WORDS for t in rest):
            title, name = title + name[: k + 1], rest
    if inner:  # "Air Force Commander Mykola Oleshchuk"
        k = inner[-1] + 1
        rest = name[k:]
        if len(rest) <= 3 and not is_org(rest) and not any(t.lower() in TITLE_WORDS for t in rest):
            title, name = title + name[:k], rest
    return title, name


_INNER_TITLES = word_set("""
commander minister secretary ceo cfo coo chief president spokesman spokeswoman spokesperson
director chairman chairwoman chair head governor mayor general ambassador envoy chancellor
premier senator adviser advisor economist strategist analyst officer commissioner
secretary-general founder
""")


def strip_leading(tokens: list[str]) -> list[str]:
    """Drop sentence-initial function words (``But``, ``The``) from a capitalised run."""
    i = 0
    while i < len(tokens) and tokens[i].lower() in _LEADING_STOP:
        i += 1
    return tokens[i:]


def is_org(tokens: list[str]) -> bool:
    return any(t.lower().rstrip(".") in ORG_WORDS or t.lower() in ORG_WORDS for t in tokens)


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
        for start in _word_occurrences(self.text, surname):
            end = start + len(surname)
            before = self.text[max(0, start - 120) : start]
            toks = [*_capitalised_tail(before), surname]
            toks = _cut_time_words(strip_leading(toks))
            title, name = split_title(toks)
            if not name or name[-1] != surname or is_org(name) or not _plausible_name(name):
                continue
            role = " ".join(title) or None
            app = _APPOSITIVE_AFTER_RE.match(self.text, end)
            if app and _ROLE_NOUN_RE.search(app.group("role")):
                role = role or app.group("role").strip()
            if len(name) == 1:
                nxt = _family_first(self.text, end)
                if nxt and not (title and title[-1].lower() in _NAME_OPENERS):
                    name = [surname, nxt]  # "Zhang Xiaogang" / "Adm. Kim Myung-soo"
            if len(name) < 2 and not role:
                continue
            if found is None:
                found = Person(" ".join(name), _clean_role(role), start)
                continue
            if len(name) > len(found.name.split()):
                found.name = " ".join(name)
            if found.role is None and role:
                found.role = _clean_role(role)
        return found

    def everyone(self) -> list[Person]:
        """Every titled or two-word person name, in one pass (for resolving a title alone)."""
        if self._everyone is None:
            people: dict[str, Person] = {}
            for m in _NAME_SEQ_RE.finditer(self.text):
                toks = _cut_time_words(strip_leading(tokens_of(m.group())))
                title, name = split_title(toks)
                if not name or is_org(name) or (len(name) < 2 and not title):
                    continue
                cur = people.get(name[-1])
                if cur is None:
                    people[name[-1]] = Person(
                        " ".join(name), _clean_role(" ".join(title)), m.start()
                    )
                elif cur.role is None and title:
                    cur.role = _clean_role(" ".join(title))
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
        cands = set(self._folded.get(_fold(surname), ())) - {surname}
        if not cands and len(surname) >= 5 and len(_word_occurrences(self.text, surname, 2)) < 2:
            cands = {
                w
                for key, ws in self._folded.items()
                for w in ws
                if len(key) == len(surname) + 1 and key.startswith(_fold(surname))
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
            for m in _WORD_CAP_RE.finditer(self.text):
                w = m.group()
                self._folded.setdefault(_fold(w), set()).add(w)
        return self._folded

    def _misspelt(self, word: str) -> str | None:
        """A one-off capitalised word that is a name the article writes elsewhere at least
        twice with one more letter (``Borrel`` / ``Borrell``), else None."""
        if len(word) < 5 or not word[:1].isupper():
            return None
        key = _fold(word)
        found = {
            w
            for k, ws in self._folded_index().items()
            for w in ws
            if len(k) == len(key) + 1
            and k.startswith(key)
            and len(_word_occurrences(self.text, w, 2)) >= 2
        }
        return found.pop() if len(found) == 1 else None

    def acronym(self, token: str) -> str | None:
        """``IEA`` -> ``International Energy Agency`` when the article writes
        ``International Energy Agency (IEA)``."""
        if self._acronyms is None:
            self._acronyms = {}
            for m in _ACRONYM_DEF_RE.finditer(self.text):
                full = _expansion(m.group("name").split(), m.group("acr"))
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
                full = _expansion(m.group().split(), token)
                if full and full.split()[-1] == m.group().split()[-1]:
                    found.add(full)
            self._acronyms[token] = found.pop() if len(found) == 1 else None
        return self._acronyms.get(token)

    def group_of(self, head: str) -> str | None:
        """``the senators`` -> ``Jeanne Shaheen and John Hoeven`` when the article introduces
        exactly one such pair (``Senators Jeanne Shaheen, a Democrat, and Republican John
        Hoeven``)."""
        titles = _GROUP_TITLES.get(head.lower())
        if not titles:
            return None
        found = set()
        for m in _GROUP_DEF_RE.finditer(self.text):
            if m.group("title").lower() not in titles:
                continue
            names = []
            for part in (m.group("a"), m.group("b")):
                _, name = split_title(strip_leading(tokens_of(part)))
                if len(name) < 2 or is_org(name) or not _plausible_name(name):
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
        letter = {"democrat": "D", "republican": "R"}.get(party)
        if letter is None:
            return None
        mods = [
            w.lower().strip(".")
            for w in words[:-1]
            if w[:1].isupper()
            and w.lower() not in ("the", "house", "senate", "gop", "former", "veteran", "top")
        ]
        found = self._party_tagged(letter)
        if mods:
            found = {
                k: v
                for k, v in found.items()
                if v is None or all(_state_fits(mod, v) for mod in mods)
            }
        if len(found) != 1:
            return None
        name = next(iter(found))
        return self.person(name.split()[-1]) or Person(name, None, 0)

    def other_party(self, name: str, party: str) -> bool:
        """Does the article tag ``name`` with a party other than ``party``?"""
        other = {"democrat": "R", "republican": "D"}.get(party.lower())
        if other is None:
            return False
        return name in self._party_tagged(other)

    def _party_tagged(self, letter: str) -> dict[str, str | None]:
        """People the article tags with party ``letter`` (``D``/``R``), with their state
        when given: ``Rep. Jo Doe (D-Mass.)`` and ``Republican Sen. Al Roe of Utah``."""
        found: dict[str, str | None] = {}
        for m in _PARTY_TAG_RE.finditer(self.text):
            if m.group("p") == letter:
                self._party_candidate(m.group("name"), m.group("state"), found)
        for m in _PARTY_TITLE_RE.finditer(self.text):
            if (m.group("p")[0] == "D") == (letter == "D"):
                self._party_candidate(m.group("name"), m.group("state"), found)
        return found

    @staticmethod
    def _party_candidate(seq: str, state: str | None, found: dict[str, str | None]) -> None:
        _, name = split_title(strip_leading(tokens_of(seq)))
        if len(name) >= 2 and not is_org(name) and _plausible_name(name):
            key = " ".join(name)
            if found.get(key) is None:
                found[key] = state

    def resolve(self, phrase: str) -> tuple[str | None, str | None]:
        """Resolve a speaker phrase (no pronouns) to (speaker, role)."""
        phrase = _LEAD_CONJ_RE.sub("", phrase.strip(" ,;:—–-"))  # "Although the Kremlin"
        if not phrase or len(phrase) > 160:
            return None, None
        if " and " in phrase and not _DESC_RE.match(phrase):
            return self._resolve_conjunction(phrase)
        if _DESC_RE.match(phrase) and not phrase[:1].isupper():
            return self._resolve_description(phrase)
        last = None
        for m in _NAME_SEQ_RE.finditer(phrase):
            last = m
        if last is not None and last.end() == len(phrase.rstrip(".")):
            if last.start() <= 4:
                return self._resolve_name(phrase[last.start() : last.end()])
            prefix = phrase[: last.start()].strip()
            spk, role = self._resolve_name(phrase[last.start() : last.end()])
            if spk and self.is_person(spk):
                return spk, role or _clean_role(prefix)
            if spk and is_org(spk.split()) and _POSSESSOR_RE.fullmatch(prefix):
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
        if any(not t[:1].isupper() and t not in _PARTICLES for t in toks):
            return False
        if any(c.isdigit() for c in speaker):
            return False  # "N26", "Rival Bank24": brands, not people
        return len(toks) >= 2 or self.person(toks[-1]) is not None or len(toks[-1]) > 2

    def _resolve_name(self, seq: str) -> tuple[str | None, str | None]:
        toks = _cut_time_words(strip_leading(tokens_of(seq)))
        if not toks:
            return None, None
        if len(toks) == 1 and toks[0].isupper() and len(toks[0]) > 1:
            full = self.acronym(toks[0])
            if full:
                return full, None
        if "of" in toks[1:-1]:  # "Paolini of Pictet", "Nancy Mace of Ohio"
            k = toks.index("of")
            ltitle, lname = split_title(toks[:k])
            if lname and not is_org(lname) and _plausible_name(lname):
                person = self.person(lname[-1])
                if (
                    person is not None
                    and len(person.name.split()) >= 2
                    and _compatible(lname, person.name)
                ):
                    return person.name, person.role or (" ".join(ltitle) or None)
        title, name = split_title(toks)
        if not name and title and title[-1].lower() in ORG_WORDS:
            return " ".join(title), None  # "The Kremlin", "the White House"
        if not name:
            return self.resolve_title(" ".join(title))
        if is_org(name) or (is_org(title) and (len(name) < 2 or not _plausible_name(name))):
            return " ".join(toks), None
        person = self.person(name[-1])
        if person is not None and _compatible(name, person.name):
            return person.name, person.role or (" ".join(title) or None)
        if len(name) == 1 and not title and len(_word_occurrences(self.text, name[0], 2)) < 2:
            return self._misspelt(name[0]), None  # "Borrel said" in an article on Borrell
        return " ".join(name), " ".join(title) or None

    def _resolve_description(self, phrase: str) -> tuple[str | None, str | None]:
        words = phrase.split()
        if any(w.lower() in _BAD_DESC_WORD for w in words[1:]):
            return None, None
        m = _DESC_RE.match(phrase)
        if not m:
            return None, None
        head = m.group("head").lower()
        low = phrase.lower()
        if head in _TITLE_HEADS and (low.startswith("the ") or phrase[:1].isupper()):
            return self.resolve_title(phrase, keep_description=True)
        if head in _DOC_HEADS:
            return _doc_issuer(phrase), None
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
        if head not in _TITLE_HEADS and not any(h in _TITLE_HEADS for h in words):
            return None, None
        found = []
        for person in self.everyone():
            if person.role and _role_fits(words, person.role.lower()):
                found.append(person)
        if len(found) == 1:
            return found[0].name, found[0].role
        if not found and keep_description and not self._anyone_titled(head):
            return phrase.strip(), None
        return None, None

    def _anyone_titled(self, head: str) -> bool:
        """Does the article name anyone whose title contains ``head`` (or a synonym)?"""
        alts = _TITLE_SYNONYMS.get(head, (head,))
        return any(p.role and any(a in p.role.lower() for a in alts) for p in self.everyone())


_LEAD_CONJ_RE = re.compile(
    r"^(?:although|though|whereas|while|but|and|yet|because|since|unless|once|if|when|as|so)"
    r"\s+(?=\S)",
    re.I,
)
_POSSESSOR_RE = re.compile(rf"(?:the\s+)?{NAME_SEQ}['’]s?", re.I)
_PARTICLES = frozenset(_PARTICLE[3:-1].split("|"))
_APPOSITIVE_AFTER_RE = re.compile(
    rf",[ \t]+(?P<role>(?:(?:the|a|an)[ \t]+|[{UP}][\w.]*['’]s[ \t]+)"
    r"[^,.;:\n“”\"()]{3,140}?)(?=,|\.\s|;|\s+(?:who|said|says|told)\b)"
)
_ROLE_NOUN_RE = re.compile(
    r"\b(?:analyst|expert|director|president|minister|secretary|envoy|spokes\w+|adviser|advisor|"
    r"professor|editor|chief|CEO|head|economist|strategist|leader|official|counsel|senator|"
    r"lawmaker|ambassador|chairman|chair|founder|fellow|researcher|commander|general|governor|"
    r"mayor|manager|partner|officer|executive|lawyer|attorney|publisher|correspondent|member)\b",
    re.I,
)


def _plausible_name(name: list[str]) -> bool:
    """At most four tokens, none repeated, not shouting: ``Karp Karp AI`` is not a name."""
    if len(name) > 4 or len(set(name)) < len(name):
        return False
    return not any(len(t) > 2 and t.isupper() and "." not in t for t in name[:-1])


def _word_occurrences(text: str, word: str, limit: int = 200) -> list[int]:
    """Start offsets of ``word`` as a whole word (str.find: linear and fast)."""
    out: list[int] = []
    i = text.find(word)
    n = len(word)
    while i >= 0 and len(out) < limit:
        before = text[i - 1] if i else " "
        after = text[i + n] if i + n < len(text) else " "
        if not (before.isalnum() or before in "-_") and not (after.isalnum() or after in "-_"):
            out.append(i)
        i = text.find(word, i + n)
    return out


def _capitalised_tail(before: str) -> list[str]:
    """The capitalised words (and particles) that end ``before``: the name's first part."""
    out: list[str] = []
    if before[-1:] not in (" ", "\t"):
        return out
    before = re.split(r"[\n.;:!?,()“”\"«»—–*]", before)[-1] if before else before
    for w in reversed(before.split()):
        if _TOKEN_RE.fullmatch(w) or w in _PARTICLES:
            out.append(w)
            if len(out) >= 8:
                break
        else:
            break
    while out and out[-1] in _PARTICLES:
        out.pop()
    return out[::-1]


def _cut_time_words(tokens: list[str]) -> list[str]:
    for i, t in enumerate(tokens):
        if t.lower() in _TIME_WORDS:
            return tokens[:i]
    return tokens


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I).strip()
    return role or None


def _compatible(given: list[str], full: str) -> bool:
    """``[Rutte]`` fits ``Mark Rutte``; ``[Tucker, Carlson]`` does not fit ``Emma Tucker``."""
    full_toks = [_fold(t) for t in full.split()]
    if all(_fold(t) in full_toks for t in given):
        return True
    return (
        len(given) == 1
        and len(given[0]) >= 5
        and _fold(given[0]) + full_toks[-1][-1:] == full_toks[-1]
    )  # "Borrel" for "Borrell"


def _role_fits(words: list[str], role: str) -> bool:
    for w in words:
        alts = _TITLE_SYNONYMS.get(w, (w,))
        if alts and not any(a in role for a in alts):
            return False
    return True


def _doc_issuer(phrase: str) -> str | None:
    """``a Defense Department news release`` -> ``Defense Department``; ``the note`` -> None."""
    m = _NAME_SEQ_RE.search(phrase)
    if not m:
        return None
    toks = strip_leading(tokens_of(m.group()))
    return " ".join(toks) or None


_WORD_CAP_RE = re.compile(rf"[{UP}][^\W\d_]{{2,}}")
_NAME_OPENERS = frozenset(("mr.", "mrs.", "ms.", "dr."))
_FAMILY_NEXT_RE = re.compile(rf"[ \t]([{UP}][a-zà-ÿ]+(?:-[a-zà-ÿ]+)?)(?![\w\-]|[ \t]+[{UP}])")
# two short given names then an appositive: "Yeap Jun Rong, a strategist"
_FAMILY_NEXT2_RE = re.compile(
    rf"[ \t]([{UP}][a-z]{{1,5}}[ \t][{UP}][a-z]{{1,5}}),[ \t]+(?:an?|the)[ \t]"
)
_ACRONYM_DEF_RE = re.compile(
    rf"(?P<name>{TOKEN}(?:[ \t]+(?:(?:of|for|and|on|the)[ \t]+)*{TOKEN}){{1,7}})[ \t]+"
    r"\((?P<acr>[A-Z][A-Z&]{1,7})\)"
)
_GROUP_TITLES = {
    "senators": ("senators", "sens."),
    "lawmakers": ("senators", "sens.", "reps.", "representatives"),
    "representatives": ("reps.", "representatives"),
}
_GROUP_DEF_RE = re.compile(
    rf"\b(?P<title>Senators|Sens\.|Reps\.|Representatives)[ \t]+(?P<a>{NAME_SEQ})"
    rf"(?:,[^,.;\n]{{1,60}},)?[ \t]+and[ \t]+(?P<b>{NAME_SEQ})"
)


_PARTY_TAG_RE = re.compile(
    rf"(?P<name>{NAME_SEQ})[ \t]*\((?P<p>[DRI])[-–][ \t]?"
    rf"(?P<state>[{UP}][\w.]*(?:[ \t][{UP}][\w.]*)?)\)"
)
_PARTY_TITLE_RE = re.compile(
    rf"\b(?P<p>Democratic|Republican|GOP)[ \t]+(?P<name>(?:Sen\.|Rep\.|Gov\.|Senator|"
    rf"Representative|Governor|Congressman|Congresswoman)[ \t]+{NAME_SEQ})"
    rf"(?:[ \t]+of[ \t]+(?P<state>[{UP}][a-z]+(?:[ \t][{UP}][a-z]+)?))?"
)


def _state_fits(mod: str, state: str) -> bool:
    """``massachusetts`` fits ``Mass.``; ``alaska`` fits ``Alaska``; ``new york`` fits ``N.Y.``"""
    st = state.lower().replace(".", "").replace(" ", "")
    mod = mod.replace(".", "")
    return (
        mod.startswith(st)
        or st.startswith(mod)
        or (len(st) <= 3 and "".join(w[0] for w in mod.split()) == st)
    )


def _fold(word: str) -> str:
    """Lower-case without diacritics: ``Orbán`` -> ``orban``."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def _family_first(text: str, end: int) -> str | None:
    """The given name after a family name written first (``Kim Myung-soo``, ``Zhang
    Xiaogang``): one capitalised word, not a title, place or organisation word, and not
    followed by another capitalised word."""
    m = _FAMILY_NEXT_RE.match(text, end)
    if m is None:
        two = _FAMILY_NEXT2_RE.match(text, end)  # "Yeap Jun Rong, a strategist"
        if two and not any(
            p.lower() in TITLE_WORDS
            or p.lower() in ORG_WORDS
            or p.lower() in PLACES
            or p.lower() in _LEADING_STOP
            or p.lower() in _TIME_WORDS
            for p in two.group(1).split()
        ):
            return two.group(1)
        return None
    w = m.group(1)
    low = w.lower()
    if (
        low in TITLE_WORDS
        or low in ORG_WORDS
        or low in PLACES
        or low in _LEADING_STOP
        or low in _TIME_WORDS
    ):
        return None
    after = text[m.end() : m.end() + 2]
    if after[:1] not in (",", " ", ".", ";", ":", "\n") and after:
        return None
    if not ("-" in w or text[m.end() : m.end() + 1] == ","):
        return None  # "Zhang Xiaogang, a spokesperson" / "Kim Myung-soo"
    return w


def _expansion(words: list[str], acr: str) -> str | None:
    """The trailing words of ``words`` that ``acr`` abbreviates (initials in order, the
    first letter the first word's initial)."""
    best = None
    for i in range(len(words)):
        cand = words[i:]
        if cand[0].lower() in ("of", "for", "and", "on", "the") or cand[0] in ("The", "A", "An"):
            continue
        if cand[0][:1] != acr[0]:
            continue
        letters = " ".join(cand).lower()
        j = 0
        for c in acr.lower():
            j = letters.find(c, j)
            if j < 0:
                break
            j += 1
        else:
            initials = [w[0] for w in cand if w[:1].isupper()]
            if (
                len(acr) - 2 <= len(initials)
                and len(initials) >= 2
                and sum(1 for c in initials if c in acr) >= len(initials) - 1
            ):
                best = " ".join(cand)
                break
    return best


def doc_phrase(phrase: str) -> bool:
    """True for ``the complaint`` / ``the release``: a document standing in for its author."""
    words = phrase.lower().split()
    return bool(words) and words[-1] in _DOC_HEADS
