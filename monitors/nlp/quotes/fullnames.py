"""The last stage: the fullest name the article writes for the speaker the ranker chose.

The ranker chooses among the rule stages' candidates; this stage only completes the chosen
name from the article's own text, after the choice, so it never changes *whether* or *whom*
a quote is attributed to -- every completion contains the chosen name unchanged:

* a middle initial the attribution cut at its full stop: ``Mary E`` -> ``Mary E. Lovely``;
* a surname whose fuller form has an initial: ``Lovely`` -> ``Mary E. Lovely`` (the registry
  reads a full stop as the end of a name's first part);
* a given name, or a family name written first, used alone: ``Arielle`` -> ``Arielle
  Mitton``, ``Zhang`` -> ``Zhang Yufei``; a couple's shared surname (``Stefan and Janine
  Schoombie``) counts;
* a generational suffix: ``Patrick Carlineo`` -> ``Patrick Carlineo Jr.``.

A completion is made only when the article writes exactly one fuller form (two people who
share a given name, or a father and a son, leave the name as chosen), and only for words the
Census name lists know as given names or surnames, so ``Microsoft`` never becomes
``Microsoft Windows``.
"""

from __future__ import annotations

import re

from monitors.nlp.quotes.given_names import given_gender, known_surname
from monitors.nlp.quotes.names import (
    NAME_SEQ_RE,
    PLACES,
    TITLE_WORDS,
    UP,
    capitalised_tail,
    cut_time_words,
    is_org,
    plausible_name,
    split_title,
    tokens_of,
    word_occurrences,
)
from monitors.nlp.quotes.vocab import entries

# a word joined to a name before it ("Customs and Border", "S&P"): not a name's first word;
# "and" only for a surname ("Stefan and Janine Schoombie" still gives a given name its surname)
_JOINED_BEFORE_RE = re.compile(r"(?:\b(of|for|the)|&|\band)[ \t]*\Z", re.I)
_COUPLE_RE = re.compile(rf"[ \t]+and[ \t]+([{UP}][a-z]+)[ \t]+([{UP}][\w’'\-]+)\b(?![ \t]+[{UP}])")
_NAME_WORD = rf"(?:[{UP}]\.|[{UP}][\w’'\-]+)"
_SUFFIX = "|".join(
    re.escape(w) for w in sorted(entries("speaker_words", "name_suffixes"), key=len)[::-1]
)


def fullest(text: str, speaker: str | None) -> str | None:
    """``speaker`` completed from ``text`` as the module says; unchanged when in doubt."""
    if not speaker or " and " in speaker or any(c.isdigit() for c in speaker):
        return speaker
    toks = speaker.split()
    done = speaker
    if len(toks) == 1:
        done = _surname_first_part(text, toks[0]) or _given_fuller(text, toks[0]) or speaker
    elif re.fullmatch(rf"[{UP}]", toks[-1]):
        done = _initial_completed(text, speaker) or speaker
    done = with_suffix(text, done)
    return done if speaker in done else speaker


def _initial_completed(text: str, speaker: str) -> str | None:
    """``Mary E`` -> ``Mary E. Lovely`` when the article writes exactly that."""
    found = {
        m.group(1)
        for m in re.finditer(
            rf"\b{re.escape(speaker)}\.[ \t]+({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,1}})", text
        )
    }
    names = {t[0] for t in (cut_time_words(tokens_of(f)) for f in found) if t}
    if len(names) != 1:
        return None
    last = names.pop()
    if last.lower() in TITLE_WORDS or is_org([last]):
        return None
    return f"{speaker}. {last}"


def _surname_first_part(text: str, word: str) -> str | None:
    """A surname used alone whose one fuller form carries an initial (``Mary E. Lovely``)."""
    if len(word) < 3 or not word[:1].isupper() or word.isupper() or word.lower() in PLACES:
        return None
    found = set()
    for m in re.finditer(rf"((?:{_NAME_WORD}[ \t]+){{1,3}}){re.escape(word)}\b", text):
        _, name = split_title(cut_time_words(tokens_of(m.group())))
        if len(name) < 3 or name[-1] != word or is_org(name):
            continue
        if not any(re.fullmatch(rf"[{UP}]\.", t) for t in name[1:-1]):
            continue  # fuller forms without an initial are the registry's business
        if given_gender(name[0]) is None:
            continue
        found.add(" ".join(name))
    names = sorted(found, key=len)
    if not names or any(not names[-1].endswith(n) for n in names):
        return None
    return names[-1]


def _given_fuller(text: str, word: str) -> str | None:
    """The one fuller name the article writes with ``word`` first, else None."""
    if len(word) < 3 or word.isupper() or word.lower() in PLACES:
        return None
    given = given_gender(word) is not None
    if not given and not known_surname(word):
        return None  # "Microsoft" is no first word of "Microsoft Windows"
    found: set[str] = set()
    for start in word_occurrences(text, word):
        m = NAME_SEQ_RE.match(text, start)
        if m is None or m.end() == start + len(word):
            pair = _COUPLE_RE.match(text, start + len(word)) if given else None
            if pair is not None and given_gender(pair.group(1)) is not None:
                found.add(f"{word} {pair.group(2)}")  # a couple's shared surname
            continue
        before = text[max(0, start - 40) : start]
        joined = _JOINED_BEFORE_RE.search(before)
        if capitalised_tail(before) or (joined and (joined.group(1) or not given)):
            continue  # the word inside a longer name: "Customs and Border Protection"
        toks = cut_time_words(tokens_of(m.group()))
        if len(toks) < 2 or toks[0] != word or len(toks) > 4:
            continue
        if is_org(toks) or not plausible_name(toks):
            continue
        if any(t.isupper() or t.lower() in TITLE_WORDS for t in toks[1:]):
            continue
        found.add(" ".join(toks))
    names = sorted(found, key=len)
    if not names or any(not names[-1].startswith(n) for n in names):
        return None  # none, or two different people ("Anne Smith", "Anne Jones")
    return names[-1]


def with_suffix(text: str, speaker: str) -> str:
    """``speaker`` with the generational suffix the article writes after its surname,
    unchanged when the article gives none, gives that surname two different suffixes, or
    also writes the name without one (``Donald Trump`` and ``Donald Trump Jr.``)."""
    toks = speaker.split()
    if len(toks) < 2 or not toks[-1][:1].isupper() or re.fullmatch(_SUFFIX, toks[-1]):
        return speaker
    after = rf",?[ \t]+({_SUFFIX})(?![\w'’])"
    found = {m.group(1).rstrip(".") for m in re.finditer(rf"\b{re.escape(toks[-1])}{after}", text)}
    if len(found) != 1:
        return speaker
    if re.search(rf"\b{re.escape(speaker)}\b(?!{after})", text):
        return speaker  # the name without the suffix too: maybe the father, not the son
    suffix = found.pop()
    return f"{speaker} {suffix}." if suffix in ("Jr", "Sr") else f"{speaker} {suffix}"
