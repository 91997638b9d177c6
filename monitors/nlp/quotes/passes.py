"""Passes over all spans after attribution: sharing speakers, label lines, headings."""

from __future__ import annotations

import re

from monitors.nlp.quotes.cues import right_attribution
from monitors.nlp.quotes.document import Doc
from monitors.nlp.quotes.marks import SPEECH_IN_SENTENCE
from monitors.nlp.quotes.names import NAME_SEQ
from monitors.nlp.quotes.phrases import NAME_LIKE_SMALL, SCARE_BEFORE_RE
from monitors.nlp.quotes.spans import HEADING_MAX_WORDS, Mention, Span

# --------------------------------------------------------------------------------------------
# 4. propagation and filtering


def propagate(spans: list[Span], doc: Doc) -> None:
    text = doc.text
    for s in spans:
        s.heading = _is_heading(text, doc.paras[s.para], s)
        if not s.attributed and not s.heading:
            s.keep = _keep_unattributed(text, s)
        elif not s.attributed:
            s.keep = not _name_like(text[s.start : s.end])
        elif _name_like(text[s.start : s.end]) and not _right_attributed(doc, s):
            s.keep = False
        if _scare_before(doc.masked, s):
            s.keep = False
    by_para: dict[int, list[Span]] = {}
    for s in spans:
        by_para.setdefault(s.para, []).append(s)
    for plist in by_para.values():
        _share_in_paragraph(plist, doc)
    _share_in_chains(spans)
    _continue_from_previous(spans, by_para, doc)


def _keep_unattributed(text: str, s: Span) -> bool:
    words = text[s.start : s.end].split()
    if _name_like(text[s.start : s.end]):
        return False
    if s.standalone:
        return len(words) >= 3
    return len(words) >= 8


def _name_like(quote: str) -> bool:
    """Title-case short spans are names, titles and slogans: "America First", "Flamin’ Hot"."""
    words = re.findall(r"[^\W\d_][\w’'\-]*", quote)
    if not words or len(words) > 6:
        return False
    if quote.strip().isupper() and len(words) > 1:
        return False
    content = [w for w in words if w.lower() not in NAME_LIKE_SMALL]
    return bool(content) and all(w[0].isupper() for w in content)


def _right_attributed(doc: Doc, s: Span) -> bool:
    if s.close_pos < 0:
        return False
    return right_attribution(doc.masked, s.close_pos + 1, s.sentence[1]) is not None


def _scare_before(masked: str, s: Span) -> bool:
    if s.open_pos < 0:
        return False
    before = masked[max(0, s.open_pos - 40) : s.open_pos + 1]
    return bool(SCARE_BEFORE_RE.search(before))


_LATER_REACH = 600  # a later quotation lends its speaker only nearby (not across a digest)


def _share_in_paragraph(plist: list[Span], doc: Doc) -> None:
    """``"…," he said. "…"``: an unattributed standalone span takes its neighbour's speaker
    (an earlier one's; else the person opening the sentence before it, ``X also spoke in
    favour of coal. “…”``; else a later one's)."""
    for i, s in enumerate(plist):
        if s.attributed or not s.keep or not s.standalone:
            continue
        src = next((p for p in reversed(plist[:i]) if p.attributed and p.keep), None)
        if src is None:
            subj = doc.subject_before(s)
            if subj is not None:  # "Saad also spoke in favour of coal. “…”"
                s.speaker, s.role, s.attributed = subj.speaker, subj.role, True
                s.strategy = "sentence_before"
                continue
            src = next(
                (
                    p
                    for p in plist[i + 1 :]
                    if p.attributed and p.keep and p.start - s.end < _LATER_REACH
                ),
                None,
            )
        if src is not None:
            s.speaker, s.role, s.attributed = src.speaker, src.role, True
            s.strategy = "same_paragraph"


def _share_in_chains(spans: list[Span]) -> None:
    chains: dict[int, list[Span]] = {}
    for s in spans:
        if s.chain >= 10**6:
            chains.setdefault(s.chain, []).append(s)
    for members in chains.values():
        src = next((m for m in members if m.attributed and m.speaker), None)
        if src is None:
            continue
        for m in members:
            if not m.attributed:
                m.speaker, m.role, m.attributed, m.keep = src.speaker, src.role, True, True
                m.strategy = "continued_quote"


def _continue_from_previous(spans: list[Span], by_para: dict[int, list[Span]], doc: Doc) -> None:
    """An unattributed quotation after ``Unity matters, he said. “…”`` takes that speaker;
    a paragraph that is only an unattributed quotation continues the previous speaker."""
    for s in spans:
        if s.attributed or not s.keep or not s.standalone or s.heading:
            continue
        here = [m for m in doc.para_mentions(s.para) if m.verb and m.pos < s.start]
        if here:
            men = max(here, key=lambda m: m.pos)
            s.speaker, s.role, s.attributed = men.speaker, men.role, True
            s.strategy = "said_in_paragraph"
            continue
        prev = by_para.get(s.para - 1)
        if _own_unread_attribution(doc, s):
            continue
        if not prev:
            if s.para > 0 and _quote_only(doc.text, doc.paras[s.para], by_para[s.para]):
                got = _reported_before(doc, s.para - 1)
                if got is not None:
                    s.speaker, s.role, s.attributed = got.speaker, got.role, True
                    s.strategy = "reported_before"
            continue
        src = next((p for p in reversed(prev) if p.keep and p.attributed and p.speaker), None)
        if src is not None:
            s.speaker, s.role, s.attributed = src.speaker, src.role, True
            s.strategy = "previous_speaker"


def _reported_before(doc: Doc, pi: int) -> Mention | None:
    """``X told the paper that he has a plan.`` closing the paragraph before a paragraph that is
    only a quotation: X, when that last sentence reports exactly one named person speaking."""
    lo, hi = doc.paras[pi]
    if hi - lo < 20 or doc.text[lo:hi].rstrip()[-1:] not in ".:":
        return None
    s_lo, _ = doc.sentence(pi, max(lo, hi - 2))
    mens = [m for m in doc.para_mentions(pi) if m.pos >= s_lo and m.verb]
    if (
        len({m.speaker for m in mens}) != 1
        or not mens[0].person
        or not doc.reg.is_person(mens[0].speaker)
    ):
        return None
    return mens[0]


def _own_unread_attribution(doc: Doc, s: Span) -> bool:
    """``“…,” <a reporting clause the rules could not read> told CNN.``: the quote's own
    sentence names its speaker, so it does not continue the previous paragraph's."""
    if s.close_pos < 0:
        return False
    return SPEECH_IN_SENTENCE.search(doc.masked, s.close_pos + 1, s.sentence[1]) is not None


_STATEMENT_TITLE_RE = re.compile(
    r"\s*(?:Joint\s+)?(?:Statement|Remarks|Readout)\s+(?:from|by|of)\s+(?:the\s+)?"
    r"(?P<who>[^\n:;,]{2,120}?)(?:\s+(?:on|about|regarding|following|after|for)\s+[^\n]*)?\s*$"
)


def statement_author(spans: list[Span], doc: Doc) -> None:
    """A title ``Statement from <title> <name> and <title> <name>`` over a text that is one
    quotation: the statement's authors speak it (a press office prints its principals' words
    with no speech verb; the title is the only attribution)."""
    if not doc.paras or len(doc.paras) < 2:
        return
    lo, hi = doc.paras[0]
    m = _STATEMENT_TITLE_RE.fullmatch(doc.text, lo, hi)
    if m is None:
        return
    loose = [
        s
        for s in spans
        if s.keep and not s.heading and s.speaker is None and s.standalone and s.para == 1
    ]
    if not loose:
        return
    spk, role = doc.reg.resolve(m.group("who"))
    if spk is None:
        return
    for s in loose:
        s.speaker, s.role, s.attributed = spk, role, True
        s.strategy = "statement_title"


# "Secretary of State X on Meet the Press", "**Senator X (R-Texas)**", "Envoy X, in an
# interview with CNN": a line naming a speaker above the quotations it introduces
_LABEL_LINE_CUT_RE = re.compile(r"\s+(?:on|in|at|with|to|via|for)\s+[A-Z\d]|\s*[,(|:]|\s+[—–-]\s")
_LABEL_SMALL = frozenset(
    {
        "of",
        "the",
        "for",
        "and",
        "on",
        "de",
        "von",
        "der",
        "van",
        "da",
        "al",
        "bin",
        "la",
        "le",
        "del",
        "di",
        "du",
    }
)
_TRAILER_RE = re.compile(r"\s*(?:\([^()\n]{0,40}\)|\[[^\[\]\n]{0,40}\])?\s*")
_LABEL_REACH = 12


def _quote_only(text: str, para: tuple[int, int], members: list[Span]) -> bool:
    """A paragraph that is nothing but quotations, bar a short trailer like ``(Watch)``."""
    lo, hi = para
    pos = lo
    for s in members:
        if text[pos : s.open_pos if s.open_pos >= 0 else s.start].strip(" \t*_>"):
            return False
        pos = s.close_pos + 1 if s.close_pos >= 0 else s.end
    return bool(members) and _TRAILER_RE.fullmatch(text, pos, hi) is not None


def _label_line_speaker(doc: Doc, pi: int) -> tuple[str, str | None] | None:
    lo, hi = doc.paras[pi]
    line = doc.text[lo:hi].strip().strip("*_ ").rstrip(":").strip("*_ ")
    if (
        not line
        or "\n" in line
        or len(line.split()) > 14
        or line[-1:] in '.!?;,"”’»'
        or any(c in line for c in '“”"«»')
    ):
        return None
    cut = _LABEL_LINE_CUT_RE.search(line)
    who = line[: cut.start()] if cut else line
    toks = who.split()
    if (
        not 1 <= len(toks) <= 8
        or any(not t[:1].isupper() and t not in _LABEL_SMALL for t in toks)
        or not toks[-1][:1].isupper()
    ):
        return None
    if who.isupper() or not doc.names_person(who, lo):
        return None  # "SEE MORE", "MS. X:" transcript turns
    spk, role = doc.reg.resolve(who)
    if not spk or not doc.reg.is_person(spk):
        return None
    return spk, role


def label_line_blocks(spans: list[Span], doc: Doc) -> None:
    """Round-ups (``Secretary X on Meet the Press`` then paragraphs that are only quotations):
    each unattributed quotation paragraph takes the speaker of the label line above its run
    of quotation paragraphs; prose in between, or a line that names no person, ends the run."""
    by_para: dict[int, list[Span]] = {}
    for s in spans:
        by_para.setdefault(s.para, []).append(s)
    text = doc.text
    for s in spans:
        if s.speaker is not None or not s.keep or s.heading or not s.standalone:
            continue
        if not _quote_only(text, doc.paras[s.para], by_para[s.para]):
            continue
        pj = s.para - 1
        got = None
        while pj >= 0 and s.para - pj <= _LABEL_REACH:
            members = by_para.get(pj)
            if members and _quote_only(text, doc.paras[pj], members):
                src = next((m for m in members if m.keep and m.speaker), None)
                if src is not None:
                    got = (src.speaker, src.role)
                    break
                pj -= 1
                continue
            if not members:
                got = _label_line_speaker(doc, pj)
            break
        if got is not None:
            s.speaker, s.role, s.attributed = got[0], got[1], True
            s.strategy = "label_line"


_ENUM_RE = re.compile(r"\A\s*(?:\d{1,2}[.)]|[-*•–—])\s+")  # "6. “The … problem”" list headings


def _is_heading(text: str, para: tuple[int, int], s: Span) -> bool:
    lo, hi = para
    body = text[lo:hi]
    if "\n" in body.strip() or len(body.split()) > HEADING_MAX_WORDS:
        return False
    before = _ENUM_RE.sub("", text[lo : s.open_pos if s.open_pos >= 0 else s.start])
    outside = (before + text[(s.close_pos + 1) if s.close_pos >= 0 else s.end : hi]).strip()
    if outside.endswith((".", "!", "?")) and s.para != 0:
        return False
    if s.para != 0 and text[s.start : s.end].rstrip()[-1:] in ".,!?…":
        return False
    return s.para == 0 or (not outside.endswith((".", ",")) and body.strip()[-1:] not in ".!?")


_HEAD_PREFIX_RE = re.compile(rf"({NAME_SEQ})\s*:\s*[‘“\"'«]?\s*\Z")
_WORD_RE = re.compile(r"\w+")


def resolve_headings(spans: list[Span], text: str, doc: Doc) -> None:
    """Headline and sub-heading spans need a speaker named in the article, else they go."""
    body = [s for s in spans if s.keep and not s.heading and s.speaker]
    for s in spans:
        if not s.heading or not s.keep:
            continue
        if s.attributed and s.speaker:
            continue
        words = set(_WORD_RE.findall(text[s.start : s.end].lower()))
        src = next(
            (
                b
                for b in body
                if words and words <= set(_WORD_RE.findall(text[b.start : b.end].lower()))
            ),
            None,
        )
        if src is not None:
            s.speaker, s.role, s.attributed = src.speaker, src.role, True
            s.strategy = "heading"
            continue
        lo = doc.paras[s.para][0]
        m = _HEAD_PREFIX_RE.search(text, lo, s.open_pos + 1 if s.open_pos >= 0 else s.start)
        if m:
            person = doc.reg.person(m.group(1).split()[-1])
            if person is not None:
                s.speaker, s.role, s.attributed = person.name, person.role, True
                s.strategy = "heading_label"
                continue
        s.keep = False
