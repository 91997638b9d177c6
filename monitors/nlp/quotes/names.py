"""Name patterns and speaker vocabulary shared by the registry and the attribution rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from monitors.nlp.quotes.vocab import alternation, lookup, lower_words, words

_SW = "speaker_words"

UP = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŌŐŒŔŘŚŞŠŢŤŪŮŰŲŹŻŽ"
TOKEN = rf"(?:[{UP}]\.(?:[{UP}]\.)*|[{UP}][\w\-]*(?:['’][{UP}][\w\-]*)?)"
_PARTICLE = rf"(?:{alternation(_SW, 'name_particles')})"
NAME_SEQ = rf"{TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{TOKEN})*"
NAME_SEQ_RE = re.compile(NAME_SEQ)
_TOKEN_RE = re.compile(TOKEN)

_LEADING_STOP = words(_SW, "leading_stop")

_TIME_WORDS = words(_SW, "time_words")

TITLE_WORDS = lower_words(_SW, "titles")

ORG_WORDS = lower_words(_SW, "organisations")

_PERSON_HEADS = alternation(_SW, "person_heads")
_ORG_HEADS = alternation(_SW, "organisation_heads")
DOC_HEADS = words(_SW, "document_heads")
DESC_RE = re.compile(
    r"^(?:(?:a|an|the|one|another|two|three|four|five|several|some|many|other|senior|top)\s+)*"
    r"(?:[\w\-’'.&]+\s+){0,5}?"
    rf"(?P<head>{_PERSON_HEADS}|{_ORG_HEADS})"
    rf"(?:\s+(?:at|for|of|from|with|in)\s+(?:the\s+)?{NAME_SEQ})?$",
    re.I,
)
BAD_DESC_WORD = words(_SW, "description_stop")

PLACES = lower_words(_SW, "places")

PRONOUNS = words(_SW, "pronouns")

TITLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in lookup(_SW, "title_synonyms").items()
}
TITLE_HEADS = words(_SW, "title_heads")


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


_INNER_TITLES = words(_SW, "inner_titles")


def strip_leading(tokens: list[str]) -> list[str]:
    """Drop sentence-initial function words (``But``, ``The``) from a capitalised run."""
    i = 0
    while i < len(tokens) and tokens[i].lower() in _LEADING_STOP:
        i += 1
    return tokens[i:]


def is_org(tokens: list[str]) -> bool:
    return any(t.lower().rstrip(".") in ORG_WORDS or t.lower() in ORG_WORDS for t in tokens)


LEAD_CONJ_RE = re.compile(rf"^(?:{alternation(_SW, 'leading_conjunctions')})\s+(?=\S)", re.I)
POSSESSOR_RE = re.compile(rf"(?:the\s+)?{NAME_SEQ}['’]s?", re.I)
PARTICLES = words(_SW, "name_particles")
APPOSITIVE_AFTER_RE = re.compile(
    rf",[ \t]+(?P<role>(?:(?:the|a|an)[ \t]+|[{UP}][\w.]*['’]s[ \t]+)"
    r"[^,.;:\n“”\"()]{3,140}?)(?=,|\.\s|;|\s+(?:who|said|says|told)\b)"
)
ROLE_NOUN_RE = re.compile(rf"\b(?:{alternation(_SW, 'role_nouns')})\b", re.I)


def plausible_name(name: list[str]) -> bool:
    """At most four tokens, none repeated, not shouting: ``Karp Karp AI`` is not a name."""
    if len(name) > 4 or len(set(name)) < len(name):
        return False
    return not any(len(t) > 2 and t.isupper() and "." not in t for t in name[:-1])


def word_occurrences(text: str, word: str, limit: int = 200) -> list[int]:
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


def capitalised_tail(before: str) -> list[str]:
    """The capitalised words (and particles) that end ``before``: the name's first part."""
    out: list[str] = []
    if before[-1:] not in (" ", "\t"):
        return out
    before = re.split(r"[\n.;:!?,()“”\"«»—–*]", before)[-1] if before else before
    for w in reversed(before.split()):
        if _TOKEN_RE.fullmatch(w) or w in PARTICLES:
            out.append(w)
            if len(out) >= 8:
                break
        else:
            break
    while out and out[-1] in PARTICLES:
        out.pop()
    return out[::-1]


def cut_time_words(tokens: list[str]) -> list[str]:
    for i, t in enumerate(tokens):
        if t.lower() in _TIME_WORDS:
            return tokens[:i]
    return tokens


def clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"^(?:the|a|an)\s+", "", role, flags=re.I).strip()
    return role or None


def compatible(given: list[str], full: str) -> bool:
    """``[Rutte]`` fits ``Mark Rutte``; ``[Tucker, Carlson]`` does not fit ``Emma Tucker``."""
    full_toks = [fold(t) for t in full.split()]
    if all(fold(t) in full_toks for t in given):
        return True
    return (
        len(given) == 1
        and len(given[0]) >= 5
        and fold(given[0]) + full_toks[-1][-1:] == full_toks[-1]
    )  # "Borrel" for "Borrell"


def role_fits(words: list[str], role: str) -> bool:
    for w in words:
        alts = TITLE_SYNONYMS.get(w, (w,))
        if alts and not any(a in role for a in alts):
            return False
    return True


def doc_issuer(phrase: str) -> str | None:
    """``a Defense Department news release`` -> ``Defense Department``; ``the note`` -> None."""
    m = NAME_SEQ_RE.search(phrase)
    if not m:
        return None
    toks = strip_leading(tokens_of(m.group()))
    return " ".join(toks) or None


WORD_CAP_RE = re.compile(rf"[{UP}][^\W\d_]{{2,}}")
NAME_OPENERS = words(_SW, "name_openers")
_FAMILY_NEXT_RE = re.compile(rf"[ \t]([{UP}][a-zà-ÿ]+(?:-[a-zà-ÿ]+)?)(?![\w\-]|[ \t]+[{UP}])")
# two short given names then an appositive: "Yeap Jun Rong, a strategist"
_FAMILY_NEXT2_RE = re.compile(
    rf"[ \t]([{UP}][a-z]{{1,5}}[ \t][{UP}][a-z]{{1,5}}),[ \t]+(?:an?|the)[ \t]"
)
ACRONYM_DEF_RE = re.compile(
    rf"(?P<name>{TOKEN}(?:[ \t]+(?:(?:of|for|and|on|the)[ \t]+)*{TOKEN}){{1,7}})[ \t]+"
    r"\((?P<acr>[A-Z][A-Z&]{1,7})\)"
)
GROUP_TITLES = {k: tuple(v) for k, v in lookup(_SW, "group_titles").items()}
# a party noun and its letter in a lawmaker's tag; words before it that are not a state
PARTY_LETTERS: dict[str, str] = lookup(_SW, "parties.letters")
NOT_STATE_WORDS = words(_SW, "parties.not_states")
GROUP_DEF_RE = re.compile(
    rf"\b(?P<title>{alternation(_SW, 'parties.group_titles')})[ \t]+(?P<a>{NAME_SEQ})"
    rf"(?:,[^,.;\n]{{1,60}},)?[ \t]+and[ \t]+(?P<b>{NAME_SEQ})"
)


PARTY_TAG_RE = re.compile(
    rf"(?P<name>{NAME_SEQ})[ \t]*\((?P<p>[DRI])[-–][ \t]?"
    rf"(?P<state>[{UP}][\w.]*(?:[ \t][{UP}][\w.]*)?)\)"
)
PARTY_TITLE_RE = re.compile(
    rf"\b(?P<p>{alternation(_SW, 'parties.adjectives')})[ \t]+"
    rf"(?P<name>(?:{alternation(_SW, 'parties.lawmaker_titles')})[ \t]+{NAME_SEQ})"
    rf"(?:[ \t]+of[ \t]+(?P<state>[{UP}][a-z]+(?:[ \t][{UP}][a-z]+)?))?"
)


def state_fits(mod: str, state: str) -> bool:
    """``massachusetts`` fits ``Mass.``; ``alaska`` fits ``Alaska``; ``new york`` fits ``N.Y.``"""
    st = state.lower().replace(".", "").replace(" ", "")
    mod = mod.replace(".", "")
    return (
        mod.startswith(st)
        or st.startswith(mod)
        or (len(st) <= 3 and "".join(w[0] for w in mod.split()) == st)
    )


def fold(word: str) -> str:
    """Lower-case without diacritics: ``Orbán`` -> ``orban``."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def family_first(text: str, end: int) -> str | None:
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


def expansion(words: list[str], acr: str) -> str | None:
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
    return bool(words) and words[-1] in DOC_HEADS
