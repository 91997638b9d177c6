"""Noun phrases around a speech verb: the subject before it, the phrase after it."""

from __future__ import annotations

import re

from monitors.nlp.quotes.marks import ABBREV, DOUBLE
from monitors.nlp.quotes.names import DESC_RE, NAME_SEQ, PRONOUNS, ROLE_NOUN_RE, TOKEN
from monitors.nlp.quotes.vocab import alternation, entries, words

_QW = "quote_words"


def _either_case(key: str) -> str:
    """The words of ``key`` with their first letter in either case (``[Ww]hen``)."""
    return "|".join(f"[{w[0].upper()}{w[0]}]{w[1:]}" for w in entries(_QW, key))


_WEEKDAYS = alternation(_QW, "weekdays")
_RELATIVE_DAYS = alternation(_QW, "relative_days")

_ADVERBS = words(_QW, "adverbs")
_TIME_TAIL_RE = re.compile(
    rf"(?:\s+(?:{alternation(_QW, 'time_anchors')})\s+(?:{_WEEKDAYS}|"
    rf"{alternation(_QW, 'day_periods')})"
    rf"|\s+(?:{_WEEKDAYS}|{_RELATIVE_DAYS})"
    r"|\s+(?:for|in)\s+(?:19|20)\d\d)$"
)
NP_STOP = words(_QW, "np_stop")
_DETERMINERS = words(_QW, "determiners")
SCARE_BEFORE_RE = re.compile(
    rf"(?:{alternation(_QW, 'scare_before')})[\s,]*[‘“\"«']?$",
    re.I,
)
NAME_LIKE_SMALL = words(_QW, "name_like_small")

_ALONG_WITH_RE = re.compile(
    rf"(?P<a>{NAME_SEQ}),\s+(?:along|together)\s+with\s+[^,]{{0,80}},\s*(?P<b>{NAME_SEQ}),$"
)
AGE_DESC_RE = re.compile(r"the\s+(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)-year-old(?:\s+[a-z][\w-]*){0,2}")

_BE_FORMS = words(_QW, "be_forms")
_PASSIVE_SKIP = words(_QW, "passive_skip")


def passive(masked: str, s_lo: int, verb: re.Match) -> bool:
    """``X is (also) expected to``, ``X was told``, ``Y has been asked``: a past participle after
    a form of *be* is passive, and its subject is not the speaker."""
    if not verb.group("fin") or not verb.group().endswith(
        ("ed", "told", "read", "said", "written", "wrote")
    ):
        return False
    for w in reversed(masked[max(s_lo, verb.start() - 60) : verb.start()].split()[-4:]):
        low = w.lower()
        if low in _PASSIVE_SKIP:
            continue
        return low in _BE_FORMS
    return False


def is_desc_or_name(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 16:
        return False
    if words[0][:1].isupper():
        return valid_np(phrase)
    return (
        words[0].lower() in ("the", "a", "an", "one") and _DESC_HEAD_RE.search(phrase) is not None
    )


_DESC_HEAD_RE = re.compile(rf"\b(?:{alternation(_QW, 'description_heads')})s?\b")
SUBJECT_RE = re.compile(rf"(?P<name>{NAME_SEQ})(?=,|\s+[–—]\s|\s+[a-z]+\b)")
# words allowed between a sentence's start and its subject's name ("Republican vice-presidential
# candidate JD Vance put …", "NATO secretary-general Jens Stoltenberg appeared …")
SUBORD_SUBJECT_RE = re.compile(
    rf"\b(?:{_either_case('subordinators')})\s+"
    rf"(?P<name>{NAME_SEQ})(?=\s+(?:{alternation(_QW, 'subordinate_verbs')})\b)"
)
_INTRO_WORDS = alternation(_QW, "intro_words", r"\s+")
INTRO_AT_RE = re.compile(
    rf"\s*(?:(?:{_INTRO_WORDS}|[a-z]+ing|{alternation(_QW, 'intro_clause_openers')})\b"
    r"[^,;:.!?·]{0,160},\s*)+"
)
SUBJECT_SKIP = words(_QW, "subject_skip")
_NAME_BEFORE_APPOS_RE = re.compile(rf"((?:the\s+)?{NAME_SEQ}),\s*an?\s+[^,]{{1,80}}$")
FULL_NAME_RE = re.compile(rf"{TOKEN}(?:\s+{TOKEN}){{1,3}}")
APPOS_FULLNAME_RE = re.compile(rf"([^,]+),\s*((?:{TOKEN})(?:\s+{TOKEN}){{1,3}})\s*,?\s*")
APPOS_PERSON_RE = re.compile(rf",\s*(?:from|by)\s+(?:[a-z][\w\-]*\s+){{0,3}}({NAME_SEQ})\s*,")


def is_abbrev(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if len(word) == 1 and text[dot + 1 : dot + 3].lstrip()[:1] in DOUBLE:
        return False  # "…, he said on X. “This will …”": a new sentence opens a quote
    return word in ABBREV or (len(word) == 1 and word.isalpha())


# "said Gen. Brown", "said Sen. Dan Sullivan": a title's abbreviation dot does not end the name
TITLE_DOT = (
    "\\.(?:"
    + "|".join(rf"(?<=\b{t}\.)" for t in entries("speaker_words", "abbreviated_titles"))
    + r")(?=[ \t][A-Z])"
)  # the dot first: cheap on every other character

_SPEAKER_CUT = alternation(_QW, "after_speaker_cut", r"\s+")
_VS_TRIM = re.compile(
    rf"\s+(?:{_SPEAKER_CUT})\b.*\Z",
    re.I | re.S,
)


def clean_after(phrase: str) -> str:
    phrase = _VS_TRIM.sub("", phrase.strip())
    return phrase.strip()


def valid_np(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 10:
        return False
    if phrase.lower() in PRONOUNS:
        return True
    stop = [w.lower() in NP_STOP and not (w.isupper() and len(w) > 1) for w in words]
    if stop[0] or stop[-1]:  # "US" is an acronym, not "us"
        return False
    if any(st and w != "and" for st, w in zip(stop, words, strict=True)):
        return False
    return (
        any(w[:1].isupper() for w in words)
        or _is_desc(phrase)
        or AGE_DESC_RE.fullmatch(phrase.lower()) is not None
    )


def np_before(masked: str, s_lo: int, v_pos: int) -> str | None:
    """The noun phrase that ends right before a speech verb: the verb's subject."""
    seg = masked[max(s_lo, v_pos - 300) : v_pos]
    seg = _strip_trailers(seg)
    pair = _ALONG_WITH_RE.search(seg)
    if pair:  # "Biden, along with the Acting Secretary, Adrianne Todman, said"
        return f"{pair.group('a')} and {pair.group('b')}"
    if seg.endswith(","):
        k = seg.rfind(",", 0, len(seg) - 1)
        inner = seg[k + 1 : -1] if k >= 0 else ""
        if inner.split()[:1] and inner.split()[0].lower() in PRONOUNS:
            return None  # "…, they remain a risk, said X": a clause, X speaks
        if k >= 0 and (_WHO_RE.search(inner) is None or _WHO_START_RE.match(inner)):
            named = _NAME_BEFORE_APPOS_RE.search(seg, 0, k)
            if named:  # "the Coalition, an alliance of groups, including X, said"
                return named.group(1)
            head = _trailing_np(seg[:k])
            if head:
                return head + seg[k:]
            if FULL_NAME_RE.fullmatch(inner.strip()):
                return inner.strip()  # "his predecessor, Fiona Hill, had dubbed"
        return None
    if _WHO_END_RE.search(seg):
        return _trailing_np(_WHO_END_RE.sub("", seg))
    rel = _REL_OPEN_RE.search(seg)
    if rel:  # "Ankara, which when asked about the summit said": Ankara
        return _trailing_np(seg[: rel.start()])
    return _trailing_np(seg)


_LAST_WORD_RE = re.compile(r"(?:^|\s)([\w\-]+)$")
_WHO_END_RE = re.compile(r",\s*who\s*$")
_WHO_RE = re.compile(r"\bwho\b")
# "Ankara, which when asked about … said": a subject relative clause still open at the verb (not
# "the zone, which NORAD said …", where NORAD speaks)
_REL_OPEN_RE = re.compile(
    r",\s*(?:who|which)\s+(?:when|while|after|before|in|on|at|during|last|also|later|earlier|"
    r"has|had|have|is|was|were|are|then|previously|recently|once|again|repeatedly)\b[^,]*$"
)
_WHO_START_RE = re.compile(r"\s*who\s+[a-z]")  # "X, who left office in 2019, said"


def _strip_trailers(seg: str) -> str:
    for _ in range(6):
        seg = seg.rstrip()
        paren = _PAREN_TAIL_RE.search(seg) if seg.endswith(")") else None
        if paren:  # "Rep. X (D-Mass.) said", "Y (pictured) said"
            seg = seg[: paren.start()]
            continue
        t = _TIME_TAIL_RE.search(seg)
        if t:
            seg = seg[: t.start()]
            continue
        m = _LAST_WORD_RE.search(seg)
        if m and (
            m.group(1).lower() in _ADVERBS
            or (m.group(1).endswith("ly") and m.group(1).islower() and len(m.group(1)) > 4)
        ):
            seg = seg[: m.start(1)]
            continue
        break
    return seg.rstrip()


LEAD_WORD_RE = re.compile(r"([A-Za-z]+)")
NOUN_LIKE_VERBS = words("speech_verbs", "noun_like")
REL_WORD_RE = re.compile(r"\b(?:who|which)\b")
ACRONYM_TAIL_RE = re.compile(r"\(([A-Z][A-Z&]{1,7})\)$")


def strip_time(seg: str) -> str:
    seg = seg.rstrip()
    t = _TIME_TAIL_RE.search(seg)
    return seg[: t.start()].rstrip() if t else seg


_PAREN_TAIL_RE = re.compile(r"(?<=\w)\s*\([^()\n·]{1,40}\)$")
_NP_PREPS = words(_QW, "np_links")
NP_WORD_RE = re.compile(r"[\w\-’'.&]+$")


def _trailing_np(seg: str) -> str | None:
    words: list[str] = []
    last = seg.split()[-1:] or [""]
    if last[0].lower() in PRONOUNS:
        return last[0]
    for w in reversed(seg.split()):
        if w in _NP_PREPS and words and words[-1][:1].isupper() and len(words) <= 4:
            words.append(w)
            continue
        if not NP_WORD_RE.fullmatch(w) or w.lower() in NP_STOP or w.endswith(("’s", "'s")):
            if w.lower() in PRONOUNS and not words:
                return w
            if w.endswith(("’s", "'s")) and words and w[0].isupper():
                words.append(w)
                continue
            break
        if w.endswith(".") and words and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", w):
            break
        words.append(w)
        if len(words) >= 9:
            break
    if not words:
        return None
    words.reverse()
    if any(w in _NP_PREPS for w in words) and not _is_desc(" ".join(words)):
        k = max(i for i, w in enumerate(words) if w in _NP_PREPS)
        if not (words[k] == "of" and k >= 2 and all(w[:1].isupper() for w in words[:k])):
            words = words[k + 1 :]  # "Luca Paolini of Pictet" stays whole
    while words and words[0] in _NP_PREPS:
        words.pop(0)
    while (
        words
        and words[0].lower() not in _DETERMINERS
        and not words[0][0].isupper()
        and not _is_desc(" ".join(words))
    ):
        words.pop(0)
    return " ".join(words) if words else None


def _is_desc(phrase: str) -> bool:
    return bool(DESC_RE.match(phrase))


def np_after(masked: str, pos: int) -> str | None:
    seg = masked[pos : pos + 160]
    m = _NP_AFTER_RE.match(seg)  # "(LON:BARC)" ends it
    if not m:
        return None
    src = _DOC_SOURCE_RE.match(m.group(1))
    if src:  # "according to a statement from Ukraine’s Foreign Ministry issued …"
        return _capitalised_run(src.group("src"))
    phrase = clean_after(m.group(1))
    named = _APPOS_NAME_RE.match(masked, pos + m.end())
    if phrase and named and phrase.split()[0].lower() in _DETERMINERS:
        return named.group(1)
    return phrase or None


_NP_AFTER_RE = re.compile(rf"\s*((?:[^,.;:!?“”\"«»\n·(]|{TITLE_DOT}){{1,120}})")
_DOC_SOURCE_RE = re.compile(
    r"(?:an?|the)\s+(?:[\w\-]+\s+){0,2}?"
    rf"(?:{alternation(_QW, 'source_documents')})\s+(?:issued\s+)?(?:from|by)\s+(?P<src>.+)",
    re.S,
)
_RUN_LINK = words(_QW, "run_links")


def _capitalised_run(seg: str) -> str | None:
    """The leading capitalised name in ``seg`` (``Ukraine’s Foreign Affairs Ministry issued``
    -> ``Ukraine’s Foreign Affairs Ministry``); linking words only between capitals."""
    words = seg.split()
    out: list[str] = []
    for i, w in enumerate(words):
        cap = w[:1].isupper() and NP_WORD_RE.fullmatch(w)
        link = (
            w in _RUN_LINK
            and (out or w == "the")
            and i + 1 < len(words)
            and words[i + 1][:1].isupper()
        )
        if cap or link:
            out.append(w)
        else:
            break
    while out and out[-1] in _RUN_LINK:
        out.pop()
    return " ".join(out) if out and out[-1][:1].isupper() else None


SUBJ_APPOS_RE = re.compile(rf"[^,.;:·]{{0,80}},\s*({NAME_SEQ})\s*,")
_APPOS_NAME_RE = re.compile(rf",\s*({NAME_SEQ})\s*(?:[,.;]|$)")
INTRO_RE = re.compile(
    rf"\A\s*(?:(?:{_INTRO_WORDS}|{alternation(_QW, 'intro_comparisons')})\b[^,]{{0,120}},\s*)+"
)


_NOT_SUBJECT_OPENERS = words(_QW, "not_subject_openers")


def sentence_subject(masked: str, s_lo: int, v_pos: int) -> str | None:
    seg = masked[s_lo:v_pos]
    conj = _CONJ_SUBJECT_RE.match(seg)
    if conj:  # "But Hegseth on Thursday rejected the criticism, saying"
        return conj.group("name")
    seg = INTRO_RE.sub("", seg)
    seg = re.sub(r"\A[\s*_\-—–]+", "", seg)
    words = seg.split()
    if words and words[0].lower() in PRONOUNS:
        return words[0]
    out = []
    for w in words[:8]:
        if (w.lower() in NP_STOP and w not in _NP_PREPS) or not NP_WORD_RE.fullmatch(w):
            break
        out.append(w)
    for k in range(len(out), 0, -1):  # "A Biden aide" is an aide, not Biden
        phrase = " ".join(out[:k])
        if out[0].lower() in _DETERMINERS and _is_desc(phrase):
            return phrase
    m = re.match(rf"(?:(?:The|the)\s+)?{NAME_SEQ}", seg)
    if m and m.group().split()[0].lower() not in _NOT_SUBJECT_OPENERS:
        owner = _POSSESSED_NAME_RE.match(seg, m.end())
        if owner:  # "Hungary’s far-right Prime Minister Viktor Orbán has …"
            return seg[m.start() : owner.end()]
        named = _ROLE_THEN_NAME_RE.match(seg, m.end())
        if named and ROLE_NOUN_RE.search(named.group("role")):
            return seg[m.start() : named.end()]  # "Kremlin spokesperson Dmitri Pesko echoed"
        return m.group()
    return None


_CONJ_SUBJECT_RE = re.compile(
    rf"\A\s*(?:{alternation(_QW, 'conjunction_openers')})\s+(?P<name>{NAME_SEQ})"
    rf"(?=\s+(?:{alternation(_QW, 'subject_followers')}|[a-z]+ed)\b)"
)
_ROLE_THEN_NAME_RE = re.compile(rf"(?P<role>(?:\s+[a-z][\w\-]*){{1,3}}?)\s+{NAME_SEQ}(?=\s+[a-z])")
_POSSESSED_NAME_RE = re.compile(rf"['’]s?\s+(?:[a-z][\w\-]*\s+){{0,2}}{NAME_SEQ}(?=\s+[a-z])")
