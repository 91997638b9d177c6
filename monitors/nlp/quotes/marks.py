"""Pairing quotation marks into spans, and the masked copy of the text."""

from __future__ import annotations

import re

from monitors.nlp.lexicon import PARAGRAPH_BREAK, word_set
from monitors.nlp.quotes.spans import Span

SPEECH_IN_SENTENCE = re.compile(
    r"\b(?:said|says|told|added|wrote|according to|asked|stated|noted|warned)\b", re.I
)
DOUBLE = '"“”«»„'
DOUBLE_RE = re.compile(r'["“”«»„]')
_SINGLE_RE = re.compile(r"['‘’‚]")
_OPEN_CTX = set("([{—–-/“‘'\"«„*_ \t\n\r\u00a0")
_CLOSE_CTX = set(".,;:!?)]}—–-…'’”\"»*_ \t\n\r\u00a0")
_ELISION_RE = re.compile(r"(?:\d\ds?\b|em\b|til\b|n['’]|cause\b|tis\b|twas\b|s\b|t\b|ll\b)", re.I)

BOUNDARY_RE = re.compile(r"[.!?…]+[\"”’»)\]*_]*\s+(?=[\W_]*[A-Z0-9“\"‘«])")
ABBREV = word_set("""
mr mrs ms dr st gen lt col sen rep gov u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept
oct nov dec no vs inc corp jr sr co ltd prof rev maj capt sgt adm fig approx est ft mt
""")
_MASK = "\u00b7"


# --------------------------------------------------------------------------------------------
# 1. pairing marks


def paragraphs(text: str) -> list[tuple[int, int]]:
    paras = []
    pos = 0
    for m in PARAGRAPH_BREAK.finditer(text):
        if m.start() > pos:
            paras.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        paras.append((pos, len(text)))
    return paras


def _classify_double(text: str, i: int, lo: int, hi: int) -> int:
    """+1 opening, -1 closing, 0 ambiguous."""
    c = text[i]
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    opens = prev in _OPEN_CTX or prev.isspace()
    closes = nxt in _CLOSE_CTX or nxt.isspace()
    if c in "“«„":
        return -1 if (c == "“" and closes and not opens) else 1
    if c in "”»":
        return 1 if (opens and not closes) else -1
    if opens and not closes:
        return 1
    if closes and not opens:
        return -1
    return 0


def find_spans(text: str, paras: list[tuple[int, int]]) -> list[Span]:
    spans: list[Span] = []
    pending: list[tuple[int, int, int]] = []  # (para index, open_pos) of unclosed openers
    per_para: list[list[Span]] = []
    for pi, (lo, hi) in enumerate(paras):
        found, dangling = _pair_paragraph(text, pi, lo, hi)
        per_para.append(found)
        pending.append((pi, dangling, hi))
    _close_dangling(text, paras, per_para, pending)
    chain_id = 0
    for pi, (lo, hi) in enumerate(paras):
        doubles = per_para[pi]
        for s in doubles:
            if s.chain < 0:
                s.chain = chain_id
                chain_id += 1
        spans.extend(doubles)
        spans.extend(_pair_singles(text, pi, lo, hi, doubles, chain_id))
        chain_id += 1000
    spans.sort(key=lambda s: s.start)
    return [s for s in spans if text[s.start : s.end].strip()]


def _pair_paragraph(text: str, pi: int, lo: int, hi: int) -> tuple[list[Span], int]:
    """Pair double marks in one paragraph; return spans and a dangling opener (or -1)."""
    found: list[Span] = []
    open_at = -1
    last_mark = -1
    for m in DOUBLE_RE.finditer(text, lo, hi):
        i = m.start()
        kind = _classify_double(text, i, lo, hi)
        if kind == 0:
            kind = -1 if open_at >= 0 else 1
        if kind == 1:
            if open_at >= 0:
                found.append(_orphan_open(text, pi, open_at, i))
            open_at = i
        elif open_at >= 0:
            found.append(Span(open_at + 1, i, open_at, i, pi))
            open_at = -1
        elif i > lo and text[i - 1] in ",.?!…—–":
            start = last_mark + 1 if last_mark >= 0 else lo
            found.append(Span(_skip_space(text, start, i), i, -1, i, pi))
        last_mark = i
    return found, open_at


def _orphan_open(text: str, pi: int, open_at: int, limit: int) -> Span:
    """An opener whose closer is lost: end before the next sentence that attributes speech."""
    end = limit
    narr = _NARRATIVE_AND_RE.search(text, open_at + 1, limit)
    if narr:  # “… on behalf of Putin and argued the …: the reporter resumes
        end = limit = narr.start()
    first = True
    for b in BOUNDARY_RE.finditer(text, open_at + 1, limit):
        if first:
            first = False
            nxt = BOUNDARY_RE.search(text, b.end(), limit)
            sent = text[b.end() : nxt.start() if nxt else limit]
            if SPEECH_IN_SENTENCE.search(sent):
                end = b.start() + (1 if text[b.start()] in ".!?…" else 0)
                break
            continue
        nxt = BOUNDARY_RE.search(text, b.end(), limit)
        sent = text[b.end() : nxt.start() if nxt else limit]
        if SPEECH_IN_SENTENCE.search(sent):
            end = b.start() + 1
            break
    while end > open_at + 1 and text[end - 1].isspace():
        end -= 1
    return Span(open_at + 1, end, open_at, -1, pi)


_NARRATIVE_AND_RE = re.compile(
    r"(?<=[^\s,])\s+and\s+(?:also\s+)?(?:argued|said|added|warned|noted|insisted|stressed|"
    r"claimed|suggested|accused|urged|called|told)\b"
)


def _close_dangling(
    text: str,
    paras: list[tuple[int, int]],
    per_para: list[list[Span]],
    pending: list[tuple[int, int, int]],
) -> None:
    """Unclosed openers at paragraph ends: continuation when the next paragraph opens a quote."""
    chain = 10**6
    for pi, open_at, hi in pending:
        if open_at < 0:
            continue
        continued = False
        if pi + 1 < len(paras):
            nlo, nhi = paras[pi + 1]
            j = _skip_space(text, nlo, nhi)
            first = per_para[pi + 1][0] if per_para[pi + 1] else None
            opens_next = j < nhi and text[j] in DOUBLE and _classify_double(text, j, nlo, nhi) >= 0
            lost_open = first is not None and first.open_pos < 0 and first.start <= j
            continued = opens_next or lost_open
            if continued and first is not None:
                first.chain = chain
        if continued:
            span = Span(open_at + 1, _trim_end(text, open_at + 1, hi), open_at, -1, pi, chain)
            prev = per_para[pi][-1] if per_para[pi] else None
            if prev is not None and prev.chain >= 10**6:
                span.chain = prev.chain
                if per_para[pi + 1]:
                    per_para[pi + 1][0].chain = prev.chain
            per_para[pi].append(span)
            chain += 1
        else:
            whole = _closing_paragraph(text, paras, per_para, pi, open_at)
            if whole is not None:
                k, close = whole
                per_para[k].remove(close)
                per_para[pi].append(Span(open_at + 1, close.end, open_at, close.close_pos, pi))
            else:
                per_para[pi].append(_orphan_open(text, pi, open_at, hi))


def _closing_paragraph(
    text: str, paras: list[tuple[int, int]], per_para: list[list[Span]], pi: int, open_at: int
) -> tuple[int, Span] | None:
    """A statement printed as one quotation over several paragraphs, with a single opening
    mark at the start of the first and a single closing mark at the end of the last."""
    if _skip_space(text, paras[pi][0], paras[pi][1]) != open_at or per_para[pi]:
        return None
    for k in range(pi + 1, min(len(paras), pi + 30)):
        lo, hi = paras[k]
        if not DOUBLE_RE.search(text, lo, hi):
            continue
        found = per_para[k]
        if (
            len(found) == 1
            and found[0].open_pos < 0
            and found[0].start == _skip_space(text, lo, hi)
            and _trim_end(text, lo, hi) == found[0].close_pos + 1
        ):
            return k, found[0]
        return None
    return None


def _pair_singles(
    text: str, pi: int, lo: int, hi: int, doubles: list[Span], chain_base: int
) -> list[Span]:
    """Pair ‘…’ and '…' outside double-quoted spans; apostrophes never open a quote."""
    blocked = [(s.open_pos if s.open_pos >= 0 else s.start, s.end + 1) for s in doubles]
    out: list[Span] = []
    open_at = -1
    for m in _SINGLE_RE.finditer(text, lo, hi):
        i = m.start()
        if any(a <= i < b for a, b in blocked):
            continue
        prev = text[i - 1] if i > lo else " "
        nxt = text[i + 1] if i + 1 < hi else " "
        if open_at < 0:
            if (prev.isspace() or prev in '([{—–-“"*_/') and (nxt.isalnum() or nxt in "…$€£"):
                if text[i] in "'’" and _ELISION_RE.match(text, i + 1):
                    continue
                if text[i] == "’":
                    continue
                open_at = i
            continue
        if text[i] in "’'" and not prev.isspace() and not (nxt.isalnum()):
            if any(open_at < a < i for a, _ in blocked):
                open_at = -1
                continue
            out.append(Span(open_at + 1, i, open_at, i, pi, chain_base + len(out)))
            open_at = -1
    return out


def _skip_space(text: str, i: int, hi: int) -> int:
    while i < hi and text[i].isspace():
        i += 1
    return i


def _trim_end(text: str, lo: int, hi: int) -> int:
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return hi


# --------------------------------------------------------------------------------------------
# 2. masking

_HIDE_RE = re.compile(r"\S")


def mask(text: str, spans: list[Span]) -> str:
    parts = []
    pos = 0
    for s in spans:
        if s.start < pos:
            continue
        parts.append(text[pos : s.start])
        seg = text[s.start : s.end]
        hidden = _HIDE_RE.sub(_MASK, seg)
        if seg.endswith(".") and not seg.endswith("..") and s.close_pos >= 0:
            hidden = hidden[:-1] + "."  # "… today." He then … : keep the sentence boundary
        parts.append(hidden)
        pos = s.end
    parts.append(text[pos:])
    return _PARTY_RE.sub(lambda m: " " * len(m.group()), "".join(parts))


_US_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|"
    "Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|"
    "Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|"
    "New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|"
    "Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|"
    "West Virginia|Wisconsin|Wyoming"
)
# "Sen. X (D-N.Y.) said", "Rep. X (R-Texas), who …", "Leader X (N.Y.) said": a lawmaker's party
# and state, blanked in the masked text so that the name meets its verb
_PARTY_RE = re.compile(
    rf"(?<=[a-z.]) \((?:[RDI]|(?:[RDI]-)?(?:{_US_STATES}|(?:[A-Z][a-z]{{0,4}}\.\s?){{1,3}}))\)"
    r"(?=[\s,.;:]|\Z)"
)


# --------------------------------------------------------------------------------------------
# 3. attribution
