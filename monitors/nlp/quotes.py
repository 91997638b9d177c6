"""Direct quotations and their speakers, as shared/EXTRACTION.md ("Quotes") defines them.

The algorithm runs in one linear pass per stage over ``title\\n\\nbody`` text:

1. **Pairing marks.**  The text is cut into paragraphs (blank lines).  In each paragraph every
   double mark (``" “ ” « » „``) is classified as opening or closing from its glyph and its
   neighbours (space before and a letter after opens; a letter or punctuation before and space
   after closes); an ambiguous straight ``"`` takes whichever role the pairing needs.  Openers and
   closers are paired left to right.  A closer with no opener starts its quote at the paragraph
   start; an opener with no closer ends at the paragraph end when the next paragraph opens with a
   mark (a quotation continued over paragraphs), otherwise before the first following sentence
   that carries a speech verb.  So an odd number of marks never stops the rest of the paragraph
   from being read.  Single marks (``‘ ’ '``) are paired only outside double-quoted spans, and an
   apostrophe (``don't``, ``Ukraine's``, ``'90s``, ``Flamin’``) can never open one.
2. **Masking.**  A copy of the text has every quoted span's words blanked, so that sentence
   boundaries and speech verbs inside quotations do not confuse attribution.
3. **Attribution.**  For each span, in its (masked) sentence: first the right context
   (``"…," X said``, ``"…," said X``, ``"…," according to X``), then the left context: the last
   speech verb before the opening mark and the noun phrase before it (``X said: "…"``,
   ``X told reporters that she was "proud"``); a participle (``saying``, ``adding``,
   ``calling it``) takes the subject of the sentence (``X quoted Y as saying`` takes Y); up
   to three verbs are tried right to left (``said he does not believe … is "x"``), and a verb
   after ``and`` takes the sentence's subject.  Failing that, a reporting clause closing the
   sentence (``…, he says.``, ``…, Kyiv officials said, adding``) or ``in X's words`` attributes
   it.  A news outlet (``according to NBC News``) is never the speaker: the left context is
   used, else the speaker stays ``None``.  A quote with no attribution of its own
   takes the speaker of a neighbouring quote in the same paragraph (``"…," he said. "…"``), of
   the previous paragraph's quote (continuations), or of the same words quoted elsewhere
   (headlines); a standalone quote after ``Unity matters, he said.`` takes that speaker.  A
   text that is one quotation over several paragraphs (one opening mark at the start, one
   closing mark at the end) is one quote, spoken by the authors in a ``Statement from X``
   title.  ``“…,” according to X`` yields to a named person speaking left of the quote
   (``X told Y that … “…,” according to the ministry``); ``according to a statement from X``
   names X; ``X’s claim that … “…”`` names X; an epigraph's credit line (``– President X,
   date``) names X; ``X, along with the …, Y, announced`` names both.
4. **Resolution** (:mod:`monitors.nlp.speakers`).  Names become the fullest name the article gives,
   titles alone become the one person holding that title, ``he``/``she`` the last named person
   reported as speaking or opening a sentence (also after an intro clause or a description:
   ``Speaking in Kyiv, Ukrainian President X was blunt``, ``when X was in Geneva, she said``),
   ``they``/``it`` the last unnamed source or organisation.  A definite description
   (``the analysts``, ``the Cabinet official``, ``the president``) takes the fuller description
   the article just used (``analysts at Barclays``) or the person just quoted, when every
   title/nationality word fits that person's role; unresolvable speakers stay ``None``
   (a bare ``the analysts``/``the lawmakers`` with no antecedent too).  ``the analysts`` after
   ``UBS says`` in the same item is UBS; ``the lawmakers`` / ``40 European lawmakers`` take the
   fuller group name the article gives nearby (``the Members of European Parliament``);
   ``the statement said`` takes whoever spoke ``in a statement``.  A pronoun inside a sentence
   refers to that sentence's named subject (``Orban – an ally of Trump – has … what he
   called``) unless another name of the same kind stands between; a subject that cannot be
   resolved leaves ``it`` unnamed rather than taking an earlier source.
5. **Filtering.**  Unattributed short spans, title-case names (``"America First"``), spans
   after ``so-called``/``dubbed``/book or operation nouns, and headline fragments nobody in the
   article said are dropped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from monitors.model import Quote
from monitors.nlp.acronyms import expand_speakers
from monitors.nlp.lexicon import PARAGRAPH_BREAK, word_set
from monitors.nlp.speakers import (
    _NAME_SEQ_RE,
    _ROLE_NOUN_RE,
    _TITLE_HEADS,
    NAME_SEQ,
    PRONOUNS,
    TITLE_WORDS,
    TOKEN,
    Registry,
    _role_fits,
    _word_occurrences,
    doc_phrase,
    is_org,
)
from monitors.nlp.speakers import (
    PLACES as PLACES_LOW,
)

# --------------------------------------------------------------------------------------------
# vocabulary


_FINITE = (
    "said|says|say|told|tells|added|adds|wrote|writes|posted|posts|tweeted|stated|states|argued|"
    "argues|noted|notes|warned|warns|explained|explains|insisted|insists|declared|declares|"
    "asked|asks|replied|replies|responded|responds|recalled|recalls|acknowledged|admitted|"
    "admits|conceded|cautioned|stressed|stresses|emphasized|emphasised|urged|urges|predicted|"
    "predicts|claimed|claims|suggested|suggests|remarked|commented|announced|announces|vowed|"
    "vows|pledged|promised|complained|called|calls|described|describes|continued|continues|"
    "quipped|concluded|observed|agreed|lamented|mentioned|reiterated|affirmed|countered|"
    "maintained|maintains|contended|highlighted|underlined|underscored|boasted|joked|shouted|"
    "demanded|threatened|hinted|insinuated|signaled|signalled|testified|alleged|alleges|"
    "accused|accuses|blasted|slammed|criticized|criticised|praised|hailed|branded|labeled|"
    "labelled|termed|wondered|asserted|asserts|assured|confirmed|denied|disclosed|revealed|"
    "thanked|welcomed|proclaimed|exclaimed|apprised|informed|reminded|texted|opined|characterized|characterised|"
    "dismissed|advised|dubbed|decried|denounced|begged|implored|pleaded|recounted|reflected|"
    "reads|read|pointed\\s+out|went\\s+on|goes\\s+on|expressed|expresses|"
    "expects|expected|expect|believes|believed|believe|thinks|think|defended|wrote\\s+in|told\\s+reporters"
)
_PARTICIPLE = (
    "saying|adding|telling|writing|noting|stating|warning|arguing|explaining|insisting|"
    "declaring|asking|calling|describing|urging|claiming|stressing|emphasizing|emphasising|"
    "suggesting|recalling|acknowledging|admitting|promising|vowing|pledging|complaining|"
    "predicting|cautioning|pointing\\s+out|accusing|branding|labeling|labelling|praising|"
    "hailing|dismissing|posting|tweeting|announcing|quipping|joking|boasting|threatening|"
    "demanding|reiterating|asserting|confirming|lamenting|terming|replying|responding"
)


def _trie_regex(words: list[str]) -> str:
    """An alternation that fails on the first character: fast on long transcripts."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _verb_alternation(spec: str) -> str:
    words = [w.replace("\\s+", " ") for w in spec.split("|")]
    return _trie_regex(words)


_FINITE_ALT = _verb_alternation(_FINITE)
_PART_ALT = _verb_alternation(_PARTICIPLE)
_VERB_RE = re.compile(
    rf"\b(?:(?P<part>{_PART_ALT})|(?P<acc>[Aa]ccording to)|(?P<fin>{_FINITE_ALT}))\b"
    # "member states will retain …": a plural noun, not a speech verb
    r"(?!\s+(?:will|would|are|were|have|can|could|should|must|may|might|do)\b)"
)
_SPEECH_IN_SENTENCE = re.compile(
    r"\b(?:said|says|told|added|wrote|according to|asked|stated|noted|warned)\b", re.I
)

_ADVERBS = word_set("""
has have had also later then previously repeatedly once again further recently already now
still often is was would will could did does do had just even first publicly privately
earlier separately simply reportedly directly explicitly ominously notably flatly bluntly
angrily proudly himself herself themselves itself
""")
_TIME_TAIL_RE = re.compile(
    r"(?:\s+(?:on|last|this|earlier|late|early|next)\s+(?:Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|week|month|year|morning|night|evening|afternoon|weekend|day)"
    r"|\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday)"
    r"|\s+(?:for|in)\s+(?:19|20)\d\d)$"
)
_NP_STOP = word_set("""
that which whom whose said says told and but or to was were is are has have had will would
could should can may might in on by with as about after before when while if because than
not this these those where what how why so do does did be been being also said it its his
her their we our you your i my me him them us there here who
""")
_DETERMINERS = word_set("""
the a an one another two three several some many other
""")
_SCARE_BEFORE_RE = re.compile(
    r"(?:so-called|so called|dubbed|nicknamed|known as|titled|entitled|named|hashtag|"
    r"slogan|motto|book|novel|memoir|film|movie|song|album|show|series|play|operation|"
    r"headline|the words?|the phrase|the term|label|brand|codenamed|code-named|banner|"
    r"podcast|column|newsletter|op-ed|essay|article|documentary|exercise)[\s,]*[‘“\"«']?$",
    re.I,
)
_NAME_LIKE_SMALL = word_set("""
of the and a an in for on to at by with from or vs
""")

_DOUBLE = '"“”«»„'
_DOUBLE_RE = re.compile(r'["“”«»„]')
_SINGLE_RE = re.compile(r"['‘’‚]")
_OPEN_CTX = set("([{—–-/“‘'\"«„*_ \t\n\r\u00a0")
_CLOSE_CTX = set(".,;:!?)]}—–-…'’”\"»*_ \t\n\r\u00a0")
_ELISION_RE = re.compile(r"(?:\d\ds?\b|em\b|til\b|n['’]|cause\b|tis\b|twas\b|s\b|t\b|ll\b)", re.I)

_BOUNDARY_RE = re.compile(r"[.!?…]+[\"”’»)\]*_]*\s+(?=[\W_]*[A-Z0-9“\"‘«])")
_ABBREV = word_set("""
mr mrs ms dr st gen lt col sen rep gov u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept
oct nov dec no vs inc corp jr sr co ltd prof rev maj capt sgt adm fig approx est ft mt
""")
_MASK = "\u00b7"

_HEADING_MAX_WORDS = 20
_PRONOUN_REACH = 12  # paragraphs searched back for the speaker of "he said"
# a roundup item's timestamp: "0855 ET - Oil futures are down …"
# capitalised only because they open a sentence or a transcript turn ("Q Yeah", "Am I")
_NOT_NAME_WORDS = word_set("""
am and if yeah yes no well so oh okay ok i we you it the a an but or what why how when
where who thank thanks please look listen right sure
""")
_ITEM_ZONES = tuple(
    f" {z} {d}"
    for z in ("ET", "GMT", "BST", "CET", "CEST", "EST", "EDT", "SGT", "HKT", "JST")
    for d in "-–—"
)
_ITEM_START_RE = re.compile(r"\b\d{4}\s+(?:ET|GMT|BST|CET|CEST|EST|EDT|SGT|HKT|JST)\s+[-–—]\s")
_ORG_REACH = 5  # … and for the organisation of "the bank said"


@dataclass
class _Span:
    start: int  # first character of the quoted words
    end: int  # one past the last
    open_pos: int  # index of the opening mark, -1 when lost
    close_pos: int  # index of the closing mark, -1 when lost
    para: int
    chain: int = -1
    speaker: str | None = None
    role: str | None = None
    attributed: bool = False
    standalone: bool = False
    keep: bool = True
    heading: bool = False
    sentence: tuple[int, int] = (0, 0)


# --------------------------------------------------------------------------------------------
# public entry point


def extract_quotes(text: str) -> list[Quote]:
    """Return the direct quotations in ``text`` (``title\\n\\nbody``) with their speakers."""
    if not isinstance(text, str) or not text:
        return []
    paras = _paragraphs(text)
    spans = _find_spans(text, paras)
    if not spans:
        return []
    masked = _mask(text, spans)
    doc = _Doc(text, masked, paras, Registry(text))
    for span in spans:
        doc.attribute(span)
    _propagate(spans, doc)
    _label_line_blocks(spans, doc)
    _statement_author(spans, doc)
    _resolve_headings(spans, text, doc)
    return expand_speakers([_to_quote(s, text) for s in spans if s.keep], text)


# --------------------------------------------------------------------------------------------
# 1. pairing marks


def _paragraphs(text: str) -> list[tuple[int, int]]:
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


def _find_spans(text: str, paras: list[tuple[int, int]]) -> list[_Span]:
    spans: list[_Span] = []
    pending: list[tuple[int, int, int]] = []  # (para index, open_pos) of unclosed openers
    per_para: list[list[_Span]] = []
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


def _pair_paragraph(text: str, pi: int, lo: int, hi: int) -> tuple[list[_Span], int]:
    """Pair double marks in one paragraph; return spans and a dangling opener (or -1)."""
    found: list[_Span] = []
    open_at = -1
    last_mark = -1
    for m in _DOUBLE_RE.finditer(text, lo, hi):
        i = m.start()
        kind = _classify_double(text, i, lo, hi)
        if kind == 0:
            kind = -1 if open_at >= 0 else 1
        if kind == 1:
            if open_at >= 0:
                found.append(_orphan_open(text, pi, open_at, i))
            open_at = i
        elif open_at >= 0:
            found.append(_Span(open_at + 1, i, open_at, i, pi))
            open_at = -1
        elif i > lo and text[i - 1] in ",.?!…—–":
            start = last_mark + 1 if last_mark >= 0 else lo
            found.append(_Span(_skip_space(text, start, i), i, -1, i, pi))
        last_mark = i
    return found, open_at


def _orphan_open(text: str, pi: int, open_at: int, limit: int) -> _Span:
    """An opener whose closer is lost: end before the next sentence that attributes speech."""
    end = limit
    narr = _NARRATIVE_AND_RE.search(text, open_at + 1, limit)
    if narr:  # “… on behalf of Putin and argued the …: the reporter resumes
        end = limit = narr.start()
    first = True
    for b in _BOUNDARY_RE.finditer(text, open_at + 1, limit):
        if first:
            first = False
            nxt = _BOUNDARY_RE.search(text, b.end(), limit)
            sent = text[b.end() : nxt.start() if nxt else limit]
            if _SPEECH_IN_SENTENCE.search(sent):
                end = b.start() + (1 if text[b.start()] in ".!?…" else 0)
                break
            continue
        nxt = _BOUNDARY_RE.search(text, b.end(), limit)
        sent = text[b.end() : nxt.start() if nxt else limit]
        if _SPEECH_IN_SENTENCE.search(sent):
            end = b.start() + 1
            break
    while end > open_at + 1 and text[end - 1].isspace():
        end -= 1
    return _Span(open_at + 1, end, open_at, -1, pi)


_NARRATIVE_AND_RE = re.compile(
    r"(?<=[^\s,])\s+and\s+(?:also\s+)?(?:argued|said|added|warned|noted|insisted|stressed|"
    r"claimed|suggested|accused|urged|called|told)\b"
)


def _close_dangling(
    text: str,
    paras: list[tuple[int, int]],
    per_para: list[list[_Span]],
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
            opens_next = j < nhi and text[j] in _DOUBLE and _classify_double(text, j, nlo, nhi) >= 0
            lost_open = first is not None and first.open_pos < 0 and first.start <= j
            continued = opens_next or lost_open
            if continued and first is not None:
                first.chain = chain
        if continued:
            span = _Span(open_at + 1, _trim_end(text, open_at + 1, hi), open_at, -1, pi, chain)
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
                per_para[pi].append(_Span(open_at + 1, close.end, open_at, close.close_pos, pi))
            else:
                per_para[pi].append(_orphan_open(text, pi, open_at, hi))


def _closing_paragraph(
    text: str, paras: list[tuple[int, int]], per_para: list[list[_Span]], pi: int, open_at: int
) -> tuple[int, _Span] | None:
    """A statement printed as one quotation over several paragraphs, with a single opening
    mark at the start of the first and a single closing mark at the end of the last."""
    if _skip_space(text, paras[pi][0], paras[pi][1]) != open_at or per_para[pi]:
        return None
    for k in range(pi + 1, min(len(paras), pi + 30)):
        lo, hi = paras[k]
        if not _DOUBLE_RE.search(text, lo, hi):
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
    text: str, pi: int, lo: int, hi: int, doubles: list[_Span], chain_base: int
) -> list[_Span]:
    """Pair ‘…’ and '…' outside double-quoted spans; apostrophes never open a quote."""
    blocked = [(s.open_pos if s.open_pos >= 0 else s.start, s.end + 1) for s in doubles]
    out: list[_Span] = []
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
            out.append(_Span(open_at + 1, i, open_at, i, pi, chain_base + len(out)))
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


def _mask(text: str, spans: list[_Span]) -> str:
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


@dataclass
class _Mention:
    pos: int
    speaker: str
    role: str | None
    person: bool
    verb: bool = True  # from a speech verb (not just a sentence's subject)


class _Doc:
    """One article: text, masked text, sentence boundaries, names, speech mentions."""

    def __init__(
        self, text: str, masked: str, paras: list[tuple[int, int]], registry: Registry
    ) -> None:
        self.text = text
        self.masked = masked
        self.paras = paras
        self.reg = registry
        self._bounds: dict[int, list[int]] = {}
        self._para_starts = [p[0] for p in paras]
        self._mentions: dict[int, list[_Mention]] = {}
        self._docs: dict[str, tuple[str, str | None]] = {}
        self._items = (
            [m.start() for m in _ITEM_START_RE.finditer(text)]
            if any(z in text for z in _ITEM_ZONES)
            else []
        )

    def item_start(self, pos: int) -> int:
        """Start of the roundup item holding ``pos`` (``0855 ET - …`` in a market-talk or
        live-blog digest): names before it belong to another story."""
        k = bisect.bisect_right(self._items, pos) - 1
        return self._items[k] if k >= 0 else 0

    # -- sentences ----------------------------------------------------------------------------
    def sentence(self, pi: int, pos: int) -> tuple[int, int]:
        lo, hi = self.paras[pi]
        starts = self._bounds.get(pi)
        if starts is None:
            starts = [lo]
            for b in _BOUNDARY_RE.finditer(self.masked, lo, hi):
                if not _is_abbrev(self.masked, b.start()):
                    starts.append(b.end())
            self._bounds[pi] = starts
        k = bisect.bisect_right(starts, pos) - 1
        s_lo = starts[max(k, 0)]
        s_hi = starts[k + 1] if k + 1 < len(starts) else hi
        return s_lo, s_hi

    def para_of(self, pos: int) -> int:
        k = bisect.bisect_right(self._para_starts, pos) - 1
        return max(k, 0)

    # -- mentions of speakers (for pronouns) -------------------------------------------------
    def _para_mentions(self, pi: int) -> list[_Mention]:
        """Subjects of speech verbs in one paragraph, resolved; computed once, on demand."""
        got = self._mentions.get(pi)
        if got is not None:
            return got
        out: list[_Mention] = []
        self._mentions[pi] = out
        lo, hi = self.paras[pi]
        self._add_subjects(pi, out)  # first: "When X was …, he said" needs X already
        for m in _VERB_RE.finditer(self.masked, lo, hi):
            s_lo, _ = self.sentence(pi, m.start())
            if m.group("part"):  # "…, saying …": the clause's subject spoke
                got = self._main_subject(s_lo, m.start())
                if got is not None and got[0].lower() not in PRONOUNS:
                    spk, role, person = self._resolve(got[0], m.start())
                    if spk:
                        out.append(_Mention(m.start(), spk, role, person))
                continue
            if m.group("acc"):
                phrase = _np_after(self.masked, m.end())
            elif _passive(self.masked, s_lo, m):
                continue  # "X is expected to", "X was told"
            else:
                phrase = self._np_subject(s_lo, m.start())
                before = self.masked[s_lo : m.start()].rstrip()
                if not phrase and before.endswith(_AFTER_QUOTE):
                    phrase = _np_after(self.masked, m.end())
                elif phrase is None and _AND_END_RE.search(before):  # "X reported … but said"
                    got = self._main_subject(s_lo, m.start())
                    phrase = got[0] if got else None
            if not phrase:
                continue
            spk, role, person = self._resolve(phrase, m.start())
            if spk:
                out.append(_Mention(m.start(), spk, role, person))
        for m in _OPEN_MARK_RE.finditer(self.masked, lo, hi):  # "X, Y and Z “recalled …”"
            if self.text[m.end() : m.end() + 1].islower():
                s_lo, _ = self.sentence(pi, m.start())
                got = self._subject_then_quote(pi, s_lo, m.start(), m.end())
                if got is not None:
                    out.append(_Mention(m.start(), got[0], got[1], self.reg.is_person(got[0])))
        out.sort(key=lambda men: men.pos)
        return out

    def _add_subjects(self, pi: int, out: list[_Mention]) -> None:
        """Named people who open a sentence (``Vance, a senator, is …``): fallback for "he"."""
        lo, hi = self.paras[pi]
        self.sentence(pi, lo)
        for start in self._bounds[pi]:
            intro = _INTRO_AT_RE.match(self.masked, start, hi)
            at = intro.end() if intro else start
            for m in _SUBJECT_RE.finditer(self.masked, at, min(hi, at + 120)):
                prefix = self.masked[at : m.start()].split()
                if len(prefix) > 5 or any(
                    w.lower() in _NP_STOP or not _NP_WORD_RE.fullmatch(w) for w in prefix
                ):
                    break
                if m.group("name").split()[0].lower() in _SUBJECT_SKIP:
                    break
                if self._add_person(m.group("name"), start, out):
                    break
                if not prefix and self._add_org(m.group("name"), start, m.end(), out):
                    break
        for m in _SUBORD_SUBJECT_RE.finditer(self.masked, lo, hi):
            self._add_person(m.group("name"), m.start("name"), out)

    def _add_person(self, name: str, pos: int, out: list[_Mention]) -> bool:
        toks = name.split()
        if toks[0].lower() in _SUBJECT_SKIP:
            return False
        person = self.reg.person(toks[-1].rstrip(".,"))
        if person is not None and self.reg.is_person(person.name):
            out.append(_Mention(pos, person.name, person.role, True, verb=False))
            return True
        return False

    def _add_org(self, name: str, pos: int, end: int, out: list[_Mention]) -> bool:
        """An organisation opening a sentence as its subject (``Jefferies lays out its view``):
        fallback for a later "it"."""
        toks = name.split()
        if not _ORG_SUBJECT_VERB_RE.match(self.masked, end):
            return False
        if len(toks) == 1:
            low = toks[0].lower()
            if (
                low in PLACES_LOW
                or low in TITLE_WORDS
                or low in _SUBJECT_SKIP
                or len(_word_occurrences(self.text, toks[0], 2)) < 2
                or _word_occurrences(self.text, low, 1)
                or not re.search(rf"[a-z,] {re.escape(toks[0])}\b", self.text)
            ):
                return False  # "There", "You": capitalised only opening sentences
            if self.reg.person(toks[0]) is not None:
                return False
        elif not is_org(toks) or any(t.lower() in PLACES_LOW for t in toks):
            return False
        out.append(_Mention(pos, name, None, False, verb=False))
        return True

    def subject_before(self, s: _Span) -> _Mention | None:
        """The named person opening the sentence just before a standalone quotation in the
        same paragraph."""
        anchor = s.open_pos if s.open_pos >= 0 else s.start
        lo = self.paras[s.para][0]
        if anchor <= lo:
            return None
        p_lo, _ = self.sentence(s.para, anchor - 1)
        mens = [
            m
            for m in self._para_mentions(s.para)
            if p_lo <= m.pos < anchor
            and m.person
            and all(len(t) > 1 and t.lower() not in _NOT_NAME_WORDS for t in m.speaker.split())
        ]
        return mens[-1] if mens else None

    def last_mention(
        self, pos: int, want_person: bool, org_subjects: bool = True
    ) -> _Mention | None:
        """The last speaker reported before ``pos`` (a named person, or any other source;
        organisations merely opening a sentence count unless ``org_subjects`` is false)."""
        pi = self.para_of(pos)
        floor = self.item_start(pos)
        for pj in range(pi, max(-1, pi - _PRONOUN_REACH), -1):
            if self.paras[pj][1] < floor:
                break
            best = None
            for men in self._para_mentions(pj):  # may be unsorted while being built
                if men.pos < floor or (not org_subjects and not men.person and not men.verb):
                    continue
                if (
                    men.pos < pos
                    and men.person == want_person
                    and (best is None or men.pos >= best.pos)
                ):
                    best = men
            if best is not None:
                return best
        return None

    # -- resolution ---------------------------------------------------------------------------
    def _resolve(self, phrase: str, pos: int) -> tuple[str | None, str | None, bool]:
        low = phrase.lower().strip()
        if low in PRONOUNS:
            own = self._sentence_antecedent(low, pos)
            if own is not None:
                return own
            if low in ("he", "she"):
                men = self.last_mention(pos, True)
            elif low in ("they", "it"):
                men = self.last_mention(pos, False, org_subjects=low == "it")
            else:
                men = None
            if men is None:
                return None, None, low in ("he", "she")
            return men.speaker, men.role, men.person
        if doc_phrase(phrase) and low.split()[0] == "the":
            got = self._docs.get(low.split()[-1]) or self._doc_author(low.split()[-1], pos)
            if got:
                return got[0], got[1], False
        app = _APPOS_PERSON_RE.search(phrase)
        if app and doc_phrase(phrase.split(",")[0]):
            spk, role = self.reg.resolve(app.group(1))
            if spk:
                self._docs[phrase.split(",")[0].lower().split()[-1]] = (spk, role)
                return spk, role, True
            return None, None, False
        named = _APPOS_FULLNAME_RE.fullmatch(phrase)
        if named and named.group(1)[:1].islower():  # "his predecessor, Fiona Hill, had …"
            spk, role = self.reg.resolve(named.group(2))
            if spk and self.reg.is_person(spk):
                return spk, role, True
        parts = phrase.split(",")
        if len(parts) >= 2 and parts[1].strip()[:1].isupper():
            app_spk, app_role = self.reg.resolve(parts[1])
            if app_spk and len(app_spk.split()) >= 2 and self.reg.is_person(app_spk):
                head_spk, _ = self.reg.resolve(parts[0])
                if not (head_spk and self.reg.is_person(head_spk)):
                    return app_spk, app_role, True  # "the head of X Command, Gen. A B, said"
        phrase = parts[0]
        plow = phrase.lower().split()
        if plow[:1] == ["the"] and plow[-1] in ("democrat", "republican"):
            member = self.reg.party_member(phrase)
            if member is not None:  # "the Massachusetts Democrat": Rep. X (D-Mass.)
                return member.name, member.role, True
        spk, role = self.reg.resolve(phrase)
        if spk and doc_phrase(phrase):
            self._docs[phrase.lower().split()[-1]] = (spk, role)
        if _AGE_DESC_RE.fullmatch(low.strip()):
            # "X has tried three banks. “…,” the 45-year-old said": the one person the
            # paragraph has named before; else nobody (a wrong guess is worse than none)
            named = {
                m.speaker: m
                for m in self._para_mentions(self.para_of(pos))
                if m.pos < pos and m.person and self.reg.is_person(m.speaker)
            }
            if len(named) != 1:
                return None, None, True
            men = next(iter(named.values()))
            return men.speaker, men.role, True
        if low.startswith("the ") and (spk is None or spk.lower() == phrase.lower().strip()):
            men = self._antecedent(phrase, pos)
            if men is not None:
                return men.speaker, men.role, men.person
            words = low.split()
            group = self.reg.group_of(words[-1]) if len(words) <= 3 else None
            if group:  # "the senators" -> the two senators introduced
                return group, None, True
            men = self._org_antecedent(phrase, pos)
            if men is not None:  # "the Milan-based lender said" -> UniCredit
                return men.speaker, men.role, False
            men = self._group_antecedent(phrase, pos)
            if men is not None:  # "the defence chiefs" -> the three just named
                return men.speaker, men.role, men.person
            if _BARE_DEF_PLURAL_RE.fullmatch(phrase.strip()):
                return None, None, False
            men = self._described_speaker(phrase, pos)
            if men is not None:
                return men.speaker, men.role, True
            if low.split()[-1] in _FAMILY_HEADS:
                return None, None, True  # "the son added": someone named, but not found
        if spk and spk.split()[-1].lower() in _PARTY_MEMBERS and spk.lower() in low:
            if not low.startswith("the "):
                return None, None, False  # "Alaska Republican": a modifier, not a speaker
            men = self.last_mention(pos, True)  # "The Alaska Republican warned": the person
            if (
                men is not None
                and self.para_of(men.pos) >= self.para_of(pos) - 1
                and men.verb
                and not self.reg.other_party(men.speaker, low.split()[-1])
            ):
                return men.speaker, men.role, True
            return None, None, False
        counted = _COUNTED_GROUP_RE.fullmatch(phrase.strip())
        if counted and spk == phrase.strip():
            fuller = self._fuller_group(counted.group("head").lower(), pos)
            if fuller is not None:
                return fuller, None, False
        return spk, role, bool(spk) and self.reg.is_person(spk)

    def _org_antecedent(self, phrase: str, pos: int) -> _Mention | None:
        """``the bank`` / ``the Milan-based lender`` / ``the company``: the organisation the
        article last reported speaking by its proper name (a one-word name such as
        ``UniCredit``, or a name with an organisation word), as for ``it``."""
        if _ORG_DESC_RE.fullmatch(phrase.strip()) is None:
            return None
        pi = self.para_of(pos)
        named = self._named_org_subject(phrase.split()[-1], pos)
        for pj in range(pi, max(-1, pi - _ORG_REACH), -1):
            if named is not None and self.para_of(named.pos) >= pj:
                return named  # "The International Energy Agency released …"
            mens = [
                m for m in self._para_mentions(pj) if self.item_start(pos) <= m.pos < pos and m.verb
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
                    return _Mention(men.pos, full, None, False) if full else men
                if men.speaker[:1].islower() or toks[0].lower() in ("the", "a", "an"):
                    continue
                if len(toks) == 1:
                    low = toks[0].lower()
                    if (
                        low in PLACES_LOW
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

    def _named_org_subject(self, head: str, pos: int) -> _Mention | None:
        """The last organisation opening a sentence (within reach) whose name carries the
        description's head word: ``The International Energy Agency released …`` for ``the
        agency``; not ``… the European Central Bank's demands`` inside a sentence."""
        pi = self.para_of(pos)
        lo = max(self.paras[max(0, pi - _PRONOUN_REACH + 1)][0], self.item_start(pos))
        best = None
        for m in _NAME_SEQ_RE.finditer(self.masked, lo, pos):
            toks = m.group().split()
            if toks[-1].lower() != head.lower() or len(toks) < 2:
                continue
            start = m.start()
            if toks[0] == "The":
                toks = toks[1:]
            before = self.masked[max(lo, m.start() - 3) : m.start()]
            if not (before.strip() == "" or before.rstrip()[-1:] in ".!?\n"):
                continue
            best = _Mention(start, " ".join(toks), None, False)
        return best

    def _modifier_near(self, mods: str, name: str) -> bool:
        """``the Maine senator`` and ``Susan Collins (R-Maine)``: a capitalised modifier of the
        description written next to the person's name."""
        caps = [w for w in mods.split() if w[:1].isupper() and w.lower() not in TITLE_WORDS]
        surname = name.split()[-1]
        for at in _word_occurrences(self.text, surname, 20):
            near = self.text[max(0, at - 40) : at + len(surname) + 40]
            if any(re.search(rf"\b{re.escape(w)}\b", near) for w in caps):
                return True
        return False

    def _titled_other(self, head: str, name: str) -> bool:
        """Does the article give the title ``head`` (``Sen.``/``Senator`` for ``senator``) to a
        person other than ``name``?"""
        if self.reg._anyone_titled(head) and not self.reg.person(name.split()[-1]):
            return True
        forms = _TITLE_FORMS.get(head, (head.capitalize(),))
        pat = "|".join(re.escape(f) for f in forms)
        surname = name.split()[-1]
        for m in re.finditer(rf"\b(?:{pat})\s+({NAME_SEQ})", self.text):
            if m.group(1).split()[-1] != surname:
                return True
        return False

    def _group_antecedent(self, phrase: str, pos: int) -> _Mention | None:
        """``the defence chiefs`` / ``the two leaders``: the group of named people the article
        has just reported speaking together (``A, B and C “recalled …”``), within three
        paragraphs, when it is the last group so reported."""
        if _GROUP_DESC_RE.fullmatch(phrase.strip()) is None:
            return None
        pi = self.para_of(pos)
        for pj in range(pi, max(-1, pi - 4), -1):
            mens = [m for m in self._para_mentions(pj) if m.pos < pos and m.verb]
            for men in sorted(mens, key=lambda m: -m.pos):
                if _NAME_LIST_RE.fullmatch(men.speaker):
                    return men
        return None

    def _described_speaker(self, phrase: str, pos: int) -> _Mention | None:
        """``the former U.N. ambassador said`` / ``the chief diplomat of the EU said`` / ``the
        portfolio manager says``: a definite description of one person, used for variety, is
        the person the article has just reported speaking (this or the two paragraphs before),
        when nobody else has been named since.  A bare ``the official`` / ``the spokesman``
        may be a new unnamed source and is left alone."""
        m = _PERSON_DESC_RE.fullmatch(phrase.strip())
        if m is None:
            return None
        mods = [w.lower() for w in m.group("mods").split()]
        if any(w in _NP_STOP for w in mods):
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
            head in _TITLE_HEADS
            and not (men.role and _role_fits([head], men.role.lower()))
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
        if nations and not former and not (men.role and _role_fits(nations, men.role.lower())):
            return None  # "the Russian ambassador" is not the U.S. president
        return men

    def _doc_author(self, head: str, pos: int) -> tuple[str, str | None] | None:
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
            for m in self._para_mentions(self.para_of(at))
            if s_lo <= m.pos < s_hi and m.verb and m.pos < pos
        ]
        speakers = {m.speaker for m in mens}
        if len(speakers) != 1:
            return None
        return mens[0].speaker, mens[0].role

    def _fuller_group(self, head: str, pos: int) -> str | None:
        """``a letter signed by 63 European lawmakers said …`` followed by ``…," the Members of
        European Parliament said``: the group's fuller name, when the next paragraphs give
        exactly one."""
        aliases = _GROUP_ALIASES.get(head.rstrip("s"))
        if not aliases:
            return None
        pi = self.para_of(pos)
        found = set()
        for pj in range(pi, min(len(self.paras), pi + 3)):
            for men in self._para_mentions(pj):
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

    def _sentence_antecedent(self, low: str, pos: int) -> tuple[str, str | None, bool] | None:
        """``Orban – an ally of Trump – has undertaken what he called …``, ``Beijing … has
        decried what it calls …``: a pronoun inside a sentence refers to that sentence's named
        subject, when no other name of the same kind stands between them."""
        if low not in ("he", "she", "it"):
            return None
        s_lo, _ = self.sentence(self.para_of(pos), pos)
        subj = _sentence_subject(self.masked, s_lo, pos)
        if not subj or subj.split()[0].lower() in PRONOUNS or not subj[:1].isupper():
            return None
        at = self.masked.find(subj, s_lo, pos)
        if at < 0 or not self.masked[at + len(subj) : pos].strip(" ,–—-"):
            return None  # "Like Trump, he …": he is the subject
        appos = _SUBJ_APPOS_RE.match(self.masked, at)
        if appos and subj[:1].islower():  # "the head of X Command, Gen. A B, said"
            spk, role = self.reg.resolve(appos.group(1))
            if spk and self.reg.is_person(spk):
                subj, at = appos.group(1), appos.start(1)
        spk, role = self.reg.resolve(subj)
        if not spk:
            if (
                low == "it"
                and _FULL_NAME_RE.match(subj) is None
                and self.masked[at + len(subj) : at + len(subj) + 1] == ","
            ):
                return None, None, False  # "Ankara, which …, decried what it calls": not a
            return None  # speaker named earlier; leave it unnamed
        person = self.reg.is_person(spk)
        if low == "it" and person and len(spk.split()) == 1 and self.reg.person(spk) is None:
            person = False  # "Ankara": a bare capital is a place, not a person
        if person != (low != "it"):
            return None
        for m in _NAME_SEQ_RE.finditer(self.masked, at + len(subj), pos):
            other, _ = self.reg.resolve(m.group())
            if other and other != spk and self.reg.is_person(other) == person:
                return None  # two candidates: leave it to the caller
        return spk, role, person

    def _antecedent(self, phrase: str, pos: int) -> _Mention | None:
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
            if w.lower() in _TITLE_HEADS
            or w.lower() in _COUNTRY_MODIFIERS
            or (
                w[:1].isupper()
                and w.lower() in TITLE_WORDS
                and w.lower().endswith(("an", "ish", "ese", "ch", "i"))
            )
        ]
        if head in _TITLE_HEADS:
            checks.append(head)
        pi = self.para_of(pos)
        seen_person = False
        for pj in range(pi, max(-1, pi - 3), -1):
            mens = sorted((x for x in self._para_mentions(pj) if x.pos < pos), key=lambda x: -x.pos)
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
                    if checks and men.role and _role_fits(checks, men.role.lower()):
                        return men
                    if not checks:
                        seen_person = True
        return None

    # -- attribution of one span --------------------------------------------------------------
    def attribute(self, span: _Span) -> None:
        anchor = span.open_pos if span.open_pos >= 0 else span.start
        s_lo, s_hi = self.sentence(span.para, anchor)
        if span.close_pos >= 0:
            _, s_hi = self.sentence(span.para, span.close_pos)
        span.sentence = (s_lo, s_hi)
        left = self.masked[s_lo:anchor]
        span.standalone = not left.strip(" \t\n*_—–-([>")
        found = None
        if span.close_pos >= 0:
            found = _right_attribution(self.masked, span.close_pos + 1, s_hi)
        outlet = found is not None and self._is_outlet(found[0])
        # "X told Wang that … “…,” according to the ministry": the ministry reports what X said
        reported = (
            found is not None
            and _RIGHT_ACC.match(self.masked[span.close_pos + 1 : span.close_pos + 40]) is not None
        )
        if reported and not outlet and span.open_pos >= 0:
            left = self._left_attribution(s_lo, anchor)
            if left is not None and self._names_person(*left):
                found = left
        elif (found is None or outlet) and span.open_pos >= 0:
            found = self._left_attribution(s_lo, anchor) or found  # "…,” according to NBC"
        if found is None and span.close_pos >= 0:
            found = _tail_attribution(self.masked, span.close_pos + 1, s_hi)
        if found is None and span.close_pos >= 0:
            found = self._dash_attribution(span)
        if found is None and span.open_pos >= 0:
            found = self._colon_attribution(s_lo, anchor)
        if found is None and span.open_pos >= 0:
            got = self._subject_then_quote(span.para, s_lo, anchor, span.start)
            if got is not None:
                span.attributed = True
                span.speaker, span.role = got
                return
        if found is None:
            return
        if self._is_outlet(found[0]):  # a news outlet reports, it is not the speaker
            span.attributed = True
            return
        phrase, pos = found
        span.attributed = True
        spk, role, _ = self._resolve(phrase, pos)
        span.speaker, span.role = spk, role

    def _dash_attribution(self, span: _Span) -> tuple[str, int] | None:
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
        m = _DASH_CREDIT_RE.match(rest)
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
        label = _LABEL_RE.fullmatch(left)
        if label:
            who = label.group("who").strip()
            if (
                _valid_np(who)
                and not who.isupper()
                and self._names_person(who, s_lo + label.start("who"))
            ):
                return who, s_lo + label.start("who")
        subj = _sentence_subject(self.masked, s_lo, anchor)
        if not subj or not subj[:1].isupper():
            return None
        at = self.masked.find(subj, s_lo, anchor)
        if at < 0 or not _VERB_AFTER_SUBJECT_RE.match(self.masked, at + len(subj)):
            return None
        if not self._names_person(subj, at):
            return None
        spk, _ = self.reg.resolve(subj)
        for m in _NAME_SEQ_RE.finditer(self.masked, at + len(subj), anchor):
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
        intro = _INTRO_RE.match(left)
        at = s_lo + (intro.end() if intro else 0)
        phrase = self.masked[at:anchor].strip(" \t*_")
        if not phrase or len(phrase) > 200 or not phrase[:1].isupper() or ":" in phrase:
            return None
        parts = [p for p in re.split(r",\s*(?:and\s+)?|\s+and\s+", phrase) if p]
        if not parts or len(parts) > 5:
            return None
        found = []
        for part in parts:
            if not _valid_np(part) or part.lower() in PRONOUNS:
                return None
            spk, role, person = self._resolve(part, at)
            if not spk or not person:
                return None
            found.append((spk, role))
        if len(found) == 1:
            return found[0]
        names = [f[0] for f in found]
        return ", ".join(names[:-1]) + " and " + names[-1], None

    def _names_person(self, phrase: str, pos: int) -> bool:
        """Does ``phrase`` name a person outright (not a pronoun or a description)?"""
        if phrase.lower() in PRONOUNS or phrase[:1].islower():
            return False
        spk, _, person = self._resolve(phrase, pos)
        return bool(spk) and person

    def _is_outlet(self, phrase: str) -> bool:
        """``NBC News``, ``the Kremlin-run news agency``: a medium, not a speaker."""
        phrase = phrase.split(",")[0]
        if not _OUTLET_RE.search(phrase):
            return False
        spk, _ = self.reg.resolve(phrase)
        return not (spk and self.reg.is_person(spk))

    def _left_attribution(self, s_lo: int, anchor: int) -> tuple[str, int] | None:
        put = _PUT_IT_LEFT_RE.search(self.masked, s_lo, anchor)
        if put and _valid_np(put.group("spk")):  # "As X put it, “…”"
            return put.group("spk"), put.start("spk")
        verbs = [
            v
            for v in _VERB_RE.finditer(self.masked, s_lo, anchor)
            if not _AGREED_TO_RE.match(self.masked, v.start())
        ]
        claims = list(_CLAIM_RE.finditer(self.masked, s_lo, anchor))
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
                if k > 0 and _INNER_BELIEF_RE.match(last.group()):
                    outer = self._reported_by(s_lo, verbs[k - 1], found)
                    if outer is not None:
                        return outer
                if (
                    k > 0
                    and found[0][:1].islower()
                    and found[0].split()[0] in ("the", "a")
                    and self._resolve(found[0], found[1])[0] is None
                ):
                    outer = self._left_verb(s_lo, verbs[k - 1])
                    if (
                        outer is not None
                        and outer[0]
                        and self._resolve(outer[0], outer[1])[0] is not None
                        and _OUTER_SAY_RE.match(verbs[k - 1].group())
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
        for m in _NAME_SEQ_RE.finditer(self.masked, lo, pos):
            spk, _ = self.reg.resolve(m.group())
            if spk and self.reg.is_person(spk):
                found.add(spk)
        return found.pop() if len(found) == 1 else None

    def _reported_by(
        self, s_lo: int, prev: re.Match, inner: tuple[str, int]
    ) -> tuple[str, int] | None:
        """``Hegseth said Trump believes that an “investment relationship” …``: the words are
        the reporting person's (the outer speech verb's named subject)."""
        if not prev.group("fin") or not _OUTER_SAY_RE.match(prev.group()):
            return None
        gap = self.masked[prev.end() : inner[1]].strip()
        gap = re.sub(r"\Athat\s+", "", gap)
        if prev.group().startswith(("told", "apprised", "informed", "reminded", "assured")):
            gap = re.sub(r"\A(?:[\w’'.\-]+\s+){1,4}?that\s+", "", gap)  # "told them that"
        if gap != inner[0]:
            return None
        outer = self._left_verb(s_lo, prev)
        if outer is not None and self._names_person(*outer):
            return outer
        return None

    def _left_verb(self, s_lo: int, last: re.Match) -> tuple[str, int] | None:
        """The speaker of one speech verb left of the quote, or None."""
        if last.group("part"):
            quoted = _QUOTED_AS_RE.search(self.masked, max(s_lo, last.start() - 200), last.start())
            if quoted and _is_desc_or_name(quoted.group("who")):
                return quoted.group("who"), quoted.start("who")
        if last.group("acc"):
            phrase = _np_after(self.masked, last.end())
            return (phrase, last.start()) if phrase else None
        if last.group("part"):
            return self._main_subject(s_lo, last.start())
        if _passive(self.masked, s_lo, last):  # "X was told", "X is expected to": not X;
            _, s_hi = self.sentence(self.para_of(last.start()), last.start())
            agent = _BY_AGENT_RE.search(self.masked, last.end(), s_hi)
            if agent:  # "… was dismissed as a “…” by observers"
                who = _clean_after(agent.group("who"))
                if who and _valid_np(who):
                    return who, agent.start("who")
            return "", last.start()  # said, but by nobody the sentence names
        phrase = self._np_subject(s_lo, last.start())
        if phrase == "":
            return "", last.start()  # the subject is lost behind a preposition
        before = self.masked[s_lo : last.start()].rstrip()
        if not phrase and before.endswith(_AFTER_QUOTE):
            phrase = _np_after(self.masked, last.end())
        if not phrase and _AND_END_RE.search(before):  # "X rejected … and warned …"
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
            subj = _sentence_subject(self.masked, s_lo, last.start())
            if subj and subj != phrase and self._names_person(subj, last.start()):
                return subj, last.start()  # "Hegseth in remarks before the … Group said"
        return (phrase, last.start()) if phrase else None

    def _np_subject(self, s_lo: int, v_pos: int) -> str | None:
        """The noun phrase before a speech verb, unless it is a preposition's object (``X in a
        statement accused``, ``X in remarks before the … meeting said``): then the sentence's
        named subject, else ``""`` (someone spoke; the rules cannot tell who)."""
        if ")" in self.masked[max(s_lo, v_pos - 30) : v_pos]:
            acr = _ACRONYM_TAIL_RE.search(_strip_time(self.masked[max(s_lo, v_pos - 80) : v_pos]))
            if acr and self.reg.acronym(acr.group(1)):
                return self.reg.acronym(acr.group(1))  # "the … Institute (ISW) said"
        phrase = _np_before(self.masked, s_lo, v_pos)
        if not phrase or phrase.lower() in PRONOUNS:
            return phrase
        at = self.masked.rfind(phrase, s_lo, v_pos)
        prev = self.masked[max(s_lo, at - 24) : at].split() if at > s_lo else []
        if not prev or (prev[-1] not in ("and", "or") and prev[-1].lower() not in _OBJ_PREPS):
            return phrase
        if prev[-1] in ("for", "of", "on") and len(prev) > 1 and prev[-2][:1].isupper():
            return phrase  # "Society for Human Resource Management": one name
        if _REL_WORD_RE.search(self.masked, at + len(phrase), v_pos):
            return phrase  # "comments from X, who said": X, relative
        if prev and prev[-1] in ("and", "or"):  # "chiefs from A, B and C vowed": C is not it
            coord = _COORD_BEFORE_RE.search(self.masked, s_lo, at)
            if coord is None:
                return phrase
            prev = self.masked[max(s_lo, coord.start() - 24) : coord.start()].split()
            if not prev or prev[-1].lower() not in _OBJ_PREPS:
                return self.masked[coord.start() : at + len(phrase)]  # "A and B said"
        if not prev or prev[-1].lower() not in _OBJ_PREPS or self._names_person(phrase, v_pos):
            return phrase  # "after Trump said": a clause's subject
        word = _LEAD_WORD_RE.match(self.masked, v_pos)
        if word and (
            word.group(1).lower() in _NOUN_LIKE_VERBS
            or self.masked[word.end() : word.end() + 1] in ".,;:"
        ):
            return None  # "in the battleground states.": a noun, not a verb
        subj = _sentence_subject(self.masked, s_lo, v_pos)
        if subj and subj != phrase and self._names_person(subj, v_pos):
            return subj
        return ""

    def _main_subject(self, s_lo: int, v_pos: int, nearest: bool = False) -> tuple[str, int] | None:
        """Subject for a participle (``…, saying "…"``): an earlier verb's subject, or the
        sentence's first noun phrase; for a coordinated verb (``X told Y … and urged``,
        ``nearest``) the closest earlier speech verb's subject, when it names a person."""
        if nearest:
            for m in reversed(list(_VERB_RE.finditer(self.masked, s_lo, v_pos))):
                if m.group("fin") and not _passive(self.masked, s_lo, m):
                    phrase = _np_before(self.masked, s_lo, m.start())
                    if phrase and self._names_person(phrase, m.start()):
                        return phrase, m.start()
                    break
        last_and = max(
            _AND_NAME_CLAUSE_RE.finditer(self.masked, s_lo, v_pos),
            key=lambda a: a.start(),
            default=None,
        )
        if last_and is not None and self._names_person(last_and.group("name"), v_pos):
            return last_and.group("name"), last_and.start("name")  # "…, and Trump praised Y,"
        for m in _VERB_RE.finditer(self.masked, s_lo, v_pos):
            if m.group("fin") and not _passive(self.masked, s_lo, m):
                phrase = _np_before(self.masked, s_lo, m.start())
                if phrase:
                    return phrase, m.start()
        phrase = _sentence_subject(self.masked, s_lo, v_pos)
        return (phrase, v_pos) if phrase else None


# a coordinated main clause with its own named subject, closest to a participle that follows
_AND_NAME_CLAUSE_RE = re.compile(rf",\s+and\s+(?P<name>{NAME_SEQ})\s+(?:[a-z]+ed|[a-z]+s)\b")
# "X and Y had agreed to a meeting": an accord, not speech ("agreed that …" still reports)
_AGREED_TO_RE = re.compile(r"agreed\s+(?:to|on|upon)\s")
_BY_AGENT_RE = re.compile(r"[”\"»’]\s*,?\s+by\s+(?P<who>[^,.;:!?“”\"«»\n·]{1,80})")
_BE_FORMS = word_set("is are was were be been being 's")
_PASSIVE_SKIP = word_set("""
also widely still not never often reportedly already now long previously later then once
initially originally generally commonly publicly privately repeatedly
""")


def _passive(masked: str, s_lo: int, verb: re.Match) -> bool:
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


_COORD_BEFORE_RE = re.compile(rf"(?:(?:the\s+)?{NAME_SEQ},?\s+)+(?:and|or)\s+$")
_OPEN_MARK_RE = re.compile(r"[“«„]|(?<=\s)\"")
# the verb of an organisation opening a sentence: "Jefferies lays out", "NATO will meet"
_ORG_SUBJECT_VERB_RE = re.compile(r"\s+(?:[a-z]+s|[a-z]+ed|will|has|had|is|was)\b")


_OBJ_PREPS = word_set("""
in at before after during on with from to for into about under over between among against
through near outside inside without via
""")
_INNER_BELIEF_RE = re.compile(r"(?:believes|thinks|expects|wants|feels|knows)\Z")
_OUTER_SAY_RE = re.compile(
    r"(?:said|says|told|added|argued|insisted|stressed|apprised|informed|"
    r"reminded|warned|assured)\Z"
)
_CLAIM_RE = re.compile(
    rf"(?:(?P<who>{NAME_SEQ})['’]s?|\b(?P<pron>his|her|their|its))\s+"
    r"(?:(?:repeated|earlier|recent|latest|own|oft-repeated)\s+)?"
    r"(?:claims?|assertions?|accusations?|charges?|insistence|arguments?|warnings?|complaints?|"
    r"promises?|pledges?|boasts?|remarks?|comments?|descriptions?)\s+(?:that|of)\b"
)
_ALONG_WITH_RE = re.compile(
    rf"(?P<a>{NAME_SEQ}),\s+(?:along|together)\s+with\s+[^,]{{0,80}},\s*(?P<b>{NAME_SEQ}),$"
)
_DASH_CREDIT_RE = re.compile(
    rf"[ \t*_]*[-–—][ \t]*(?P<who>{NAME_SEQ})[ \t]*(?:,[^\n]{{0,60}})?[ \t*_]*$"
)
_LABEL_RE = re.compile(r"[\s*_]*(?P<who>[^:*_\n·“”\"«»]{2,90}?)[\s*_]*:[\s*_]*")
# the subject's verb follows it directly and is one of speaking, explaining or reacting
# ("President X outlined the plan: “…”"; not "X approved a sale in 2017: “<a report's words>”")
_VERB_AFTER_SUBJECT_RE = re.compile(
    r"\s+(?:(?:also|then|later|again|once\s+again|further)\s+)?(?:"
    r"outlined|outlines|detailed|details|rejected|rejects|dismissed|dismisses|addressed|"
    r"addresses|offered|offers|shared|shares|summed|sums|summari[sz]ed|summari[sz]es|reacted|"
    r"reacts|weighed|weighs|touted|touts|previewed|previews|discussed|discusses|spoke|speaks|"
    r"put|puts|framed|frames|expressed|expresses|reflected|reflects|defended|defends|"
    r"explained|explains|described|describes|commented|comments|responded|responds|recalled|"
    r"recalls|highlighted|highlights|doubled|doubles|made|makes|gave|gives|had|"
    r"struck|strikes|sounded|sounds|laid|lays|set|sets|hit|hits|fired|fires|pushed|pushes|"
    r"chimed|chimes|went|goes|took|takes|praised|praises|thanked|thanks|slammed|slams|"
    r"criticized|criticised|criticizes|criticises|warned|warns|answered|answers|replied|"
    r"replies|insisted|insists|argued|argues|stressed|stresses|noted|notes|added|adds|"
    r"continued|continues|concluded|concludes|told|tells|said|says|wrote|writes|posted|posts)\b"
)
_AFTER_QUOTE = ("”", '"', "»", "’", ",", "”,", '",')
_DEF_DESC_RE = re.compile(
    r"(?:the|The)\s+(?:[\w\-’'.]+\s+){0,4}?"
    r"(?P<head>officials?|diplomats?|analysts?|economists?|strategists?|spokes(?:man|woman|person)|"
    r"ministers?|president|chancellor|premier|secretary|secretary-general|senator|envoy|"
    r"ambassador|governor|mayor|general|commander|chief|leader|lawmakers?|legislators?|aide|"
    r"adviser|advisor|prosecutors?|executive|experts?)$"
)
# a group the article may name more fully: "the lawmakers" … "Members of European Parliament"
_GROUP_ALIASES = {
    "lawmaker": ("lawmaker", "legislator", "parliament", "congress", "mps", "meps"),
    "legislator": ("lawmaker", "legislator", "parliament", "congress", "mps", "meps"),
}
_FIRM_RE = re.compile(rf"{NAME_SEQ}")
_PARTY_MEMBERS = frozenset(
    (
        "republican",
        "democrat",
        "conservative",
        "liberal",
        "socialist",
        "progressive",
        "independent",
        "gop",
        "labour",
        "tory",
    )
)
_COUNTED_GROUP_RE = re.compile(
    r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|dozens of|several)\s+"
    r"(?:[A-Z][\w\-]*\s+){0,2}(?P<head>lawmakers|legislators)"
)
_FIRM_HEADS = frozenset(("analyst", "economist", "strategist"))
# "the analysts", "the lawmakers" with no antecedent: too vague to name a speaker
_BARE_DEF_PLURAL_RE = re.compile(
    r"(?:the|The)\s+(?:[\w\-]+\s+){0,2}?(?:officials|diplomats|analysts|economists|strategists|"
    r"lawmakers|legislators|experts|sources|critics|researchers)"
)
_PERSON_DESC_RE = re.compile(
    r"(?:the|The)\s+(?P<mods>(?:[\w\-’'.]+\s+){0,4}?)"
    r"(?P<head>ambassador|diplomat|envoy|minister|secretary|president|chancellor|premier|senator|"
    r"lawmaker|congressman|congresswoman|general|admiral|commander|chief|leader|official|"
    r"adviser|advisor|spokesman|spokeswoman|spokesperson|director|chairman|chairwoman|ceo|"
    r"founder|professor|manager|strategist|economist|analyst|executive|governor|mayor|"
    r"negotiator|aide|veteran|politician|prosecutor|investor|head|editor|publisher|son|"
    r"daughter|father|mother|widow|widower|brother|sister|husband|wife)"
    r"(?P<of>\s+(?:of|at|for)\s+(?:the\s+)?[\w.\-]+(?:\s+[A-Z][\w.\-]*){0,3})?"
)
_ORG_HEAD_WORDS = word_set("""
bank lender company firm group insurer carmaker automaker manufacturer contractor maker giant
operator conglomerate producer retailer airline miner utility organization organisation
institute agency watchdog regulator tank
""")
_ORG_DESC_RE = re.compile(
    r"(?:the|The)\s+(?:[\w\-’'.]+\s+){0,3}?(?:" + "|".join(sorted(_ORG_HEAD_WORDS)) + r")"
)
_GROUP_DESC_RE = re.compile(
    r"(?:the|The)\s+(?:(?:two|three|four|[\w\-]+)\s+){0,2}?(?:chiefs|leaders|ministers|"
    r"presidents|heads|envoys|generals|commanders|counterparts|secretaries|senators|allies)"
)
_NAME_LIST_RE = re.compile(rf"{NAME_SEQ}(?:,\s+{NAME_SEQ})*\s+and\s+{NAME_SEQ}")
_TITLE_FORMS = {
    "senator": ("Senator", "Sen."),
    "governor": ("Governor", "Gov."),
    "general": ("General", "Gen."),
    "president": ("President",),
    "minister": ("Minister",),
    "secretary": ("Secretary",),
    "ambassador": ("Ambassador",),
    "chancellor": ("Chancellor",),
    "admiral": ("Admiral", "Adm."),
}
_AGE_DESC_RE = re.compile(r"the\s+(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)-year-old(?:\s+[a-z][\w-]*){0,2}")
_FAMILY_HEADS = word_set("son daughter father mother widow widower brother sister husband wife")
_GENERIC_SOURCE_HEADS = word_set("""
official diplomat spokesman spokeswoman spokesperson aide source adviser advisor analyst
economist strategist executive
""")
_COUNTRY_MODIFIERS = word_set("""
u.s. us american u.k. uk british eu e.u. un u.n. nato western foreign senior
""")
_GENERIC_HEADS = word_set("""
official diplomat spokesman spokeswoman spokesperson minister lawmaker aide adviser advisor
envoy executive leader chief
""")
_AND_END_RE = re.compile(r"[^,]\s+(?:and|but)$")
_QUOTED_AS_RE = re.compile(r"\b(?:quoted|cited)\s+(?P<who>[^,;:!?“”\"«»\n·]{2,140}?)\s+as\s+$")


def _is_desc_or_name(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 16:
        return False
    if words[0][:1].isupper():
        return _valid_np(phrase)
    return (
        words[0].lower() in ("the", "a", "an", "one") and _DESC_HEAD_RE.search(phrase) is not None
    )


_DESC_HEAD_RE = re.compile(
    r"\b(?:head|chief|spokes\w+|official|minister|director|chairman|"
    r"leader|analysts?|adviser|advisor|envoy|aide|diplomat|source)s?\b"
)
_SUBJECT_RE = re.compile(rf"(?P<name>{NAME_SEQ})(?=,|\s+[–—]\s|\s+[a-z]+\b)")
# words allowed between a sentence's start and its subject's name ("Republican vice-presidential
# candidate JD Vance put …", "NATO secretary-general Jens Stoltenberg appeared …")
_SUBORD_SUBJECT_RE = re.compile(
    rf"\b(?:[Ww]hen|[Ww]hile|[Aa]fter|[Bb]efore|[Oo]nce|[Ss]ince)\s+"
    rf"(?P<name>{NAME_SEQ})(?=\s+(?:was|is|had|has|visited|met|spoke|arrived|came|went|"
    rf"returned|took|traveled|travelled|appeared|addressed)\b)"
)
_INTRO_AT_RE = re.compile(
    r"\s*(?:(?:According\s+to|As\s+per|In|On|At|After|Before|Earlier|Later|During|Speaking|Asked|Just|Meanwhile|But|"
    r"And|However|Separately|Still|Yet|Also|Now|Then|When|While|Last|This|Since|Despite|"
    r"Addressing|Writing|Responding|Following|Amid|Under|With|[a-z]+ing|when|while|after|"
    r"before|since)\b[^,;:.!?·]{0,160},\s*)+"
)
_SUBJECT_SKIP = word_set("""
the a an but and in on at as this that it he she they we like unlike after earlier later
meanwhile however by for with from under over since when while if
""")
_NAME_BEFORE_APPOS_RE = re.compile(rf"((?:the\s+)?{NAME_SEQ}),\s*an?\s+[^,]{{1,80}}$")
_FULL_NAME_RE = re.compile(rf"{TOKEN}(?:\s+{TOKEN}){{1,3}}")
_APPOS_FULLNAME_RE = re.compile(rf"([^,]+),\s*((?:{TOKEN})(?:\s+{TOKEN}){{1,3}})\s*,?\s*")
_APPOS_PERSON_RE = re.compile(rf",\s*(?:from|by)\s+(?:[a-z][\w\-]*\s+){{0,3}}({NAME_SEQ})\s*,")


def _is_abbrev(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if len(word) == 1 and text[dot + 1 : dot + 3].lstrip()[:1] in _DOUBLE:
        return False  # "…, he said on X. “This will …”": a new sentence opens a quote
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


# "said Gen. Brown", "said Sen. Dan Sullivan": a title's abbreviation dot does not end the name
_TITLE_DOT = (
    "\\.(?:"
    + "|".join(
        rf"(?<=\b{t}\.)"
        for t in (
            "Gen",
            "Sen",
            "Rep",
            "Gov",
            "Lt",
            "Col",
            "Maj",
            "Adm",
            "Sgt",
            "Capt",
            "Dr",
            "Prof",
            "Gens",
            "Sens",
            "Reps",
        )
    )
    + r")(?=[ \t][A-Z])"
)  # the dot first: cheap on every other character
_RIGHT_SV = re.compile(
    r"\A\s*[,;:—–-]?\s*(?P<spk>(?:[^,.;:!?“”\"«»\n·]|(?<=[A-Z])\.(?=[A-Z ])|"
    rf"{_TITLE_DOT}){{1,80}}?)"
    # an appositive, closed by a comma or (in hasty copy) not: "X of Utah, a member of Y told"
    r"(?P<app>,[^;:!?“”\"«»\n·]{1,160}?,|,\s+an?\s+[^,;:!?“”\"«»\n·–—]{1,100}?)?\s+"
    r"(?:(?:also|later|then|again|further|once|previously|quickly|simply|flatly)\s+)?"
    rf"(?:{_FINITE_ALT})\b"
)
_RIGHT_VS = re.compile(
    rf"\A\s*[,;:—–-]?\s*(?:{_FINITE_ALT})\s+(?P<spk>(?:[^,.;:!?“”\"«»\n·]|{_TITLE_DOT}){{1,100}})"
)
_RIGHT_ACC = re.compile(
    r"\A\s*[,;:—–-]?\s*according\s+to\s+(?P<spk>[^,.;:!?“”\"«»\n·]{1,100})", re.I
)
_VS_TRIM = re.compile(
    r"\s+(?:in|on|during|after|before|this|last|earlier|later|when|while|who|told|to|via|"
    r"through|according|adding|saying|noting|because|as|at\s+the|at\s+a|from|with|and\s+"
    r"(?:then|also)|late|early|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"today|yesterday)\b.*\Z",
    re.I | re.S,
)


_PUT_IT_RIGHT_RE = re.compile(
    r"\A\s*[,;—–-]?\s*(?:(?:that|this|which)\s+(?:is|was|'s)\s+|is\s+|was\s+)?(?:how|as)\s+"
    r"(?P<spk>[^,.;:!?“”\"«»\n·]{1,80}?)\s+(?:put|puts|described|describes|phrased)\s+it\b"
)
_PUT_IT_LEFT_RE = re.compile(
    r"\b(?:As|as)\s+(?P<spk>[^,.;:!?“”\"«»\n·]{1,80}?)\s+(?:put|puts|phrased)\s+it\s*[,:]?\s*"
    r"[‘“\"«']?$"
)
_IN_WORDS_RE = re.compile(rf"\A\s*,?\s*in\s+(?P<spk>{NAME_SEQ})['’]s?\s+(?:own\s+)?words\b")


def _right_attribution(masked: str, pos: int, s_hi: int) -> tuple[str, int] | None:
    seg = masked[pos : min(s_hi, pos + 260)]
    m = _IN_WORDS_RE.match(seg)  # "That “perfect call,” in Trump’s words, …"
    if m:
        return m.group("spk"), pos
    m = _PUT_IT_RIGHT_RE.match(seg)  # "“…” — that is how X put it."
    if m and _valid_np(m.group("spk")):
        return m.group("spk"), pos + m.start("spk")
    m = _RIGHT_ACC.match(seg)
    if m:
        phrase = _np_after(masked, pos + m.start("spk"))
        return (phrase, pos) if phrase else None
    m = _RIGHT_VS.match(seg)
    if m:
        phrase = _clean_after(m.group("spk"))
        if phrase and _valid_np(phrase):
            return phrase, pos
    m = _RIGHT_SV.match(seg)
    if m:
        phrase = m.group("spk").strip()
        if m.group("app"):
            phrase = phrase + m.group("app")
        if phrase and _valid_np(phrase.split(",")[0]):
            return phrase, pos
    return None


_OUTLET_RE = re.compile(
    r"\b(?:News|Times|Post|Journal|Reuters|Associated Press|AP|CNN|BBC|Bloomberg|Independent|"
    r"Guardian|Telegraph|Axios|Politico|TASS|Interfax|RIA|NBC|CBS|ABC|MSNBC|Al Jazeera|"
    r"newspaper|news agency|outlet|broadcaster|tabloid|magazine)\b(?![’']s\s)"
)
# "… “clear convergence” emerging on the need to end the war, he says." / "The “massive” attack
# lasted hours, Kyiv officials said, adding …": the reporting clause closes the sentence
_TAIL_RE = re.compile(
    rf",\s+(?P<spk>[^,;:!?“”\"«»\n·]{{1,60}}?)\s+(?:{_FINITE_ALT})"
    r"(?=\s*(?:[.,]|$|\s+(?:on|in|at|during|late|early|last|this|earlier|adding|according)\b))"
)


_TAIL_ACC_RE = re.compile(r",\s+according\s+to\s+(?P<spk>[^,;:!?“”\"«»\n·]{1,80}?)\s*[.]?\s*$")
_TAIL_REST_RE = re.compile(r"\s*,?\s*(?:adding|on|in|at|during|late|early|last|this|earlier)\b")


def _tail_attribution(masked: str, pos: int, s_hi: int) -> tuple[str, int] | None:
    """The reporting clause at the end of the quote's sentence, when nothing closer speaks."""
    seg = masked[pos:s_hi]
    nxt = _DOUBLE_RE.search(seg)  # stop before the next quotation
    if nxt:
        seg = seg[: nxt.start()]
    if len(seg) > 400:
        return None
    last = None
    for m in _TAIL_RE.finditer(seg):
        last = m
    if last is None:
        acc = _TAIL_ACC_RE.search(seg)  # "…, will be settled later, according to X."
        if acc:
            phrase = _np_after(masked, pos + acc.start("spk"))
            if phrase and _valid_np(phrase):
                return phrase, pos + acc.start("spk")
        return None
    rest = seg[last.end() :]
    if rest.strip(" .,\n")[:1].isalpha() and not _TAIL_REST_RE.match(rest):
        return None
    phrase = last.group("spk").strip()
    return (phrase, pos + last.start("spk")) if _valid_np(phrase) else None


def _clean_after(phrase: str) -> str:
    phrase = _VS_TRIM.sub("", phrase.strip())
    return phrase.strip()


def _valid_np(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 10:
        return False
    if phrase.lower() in PRONOUNS:
        return True
    stop = [w.lower() in _NP_STOP and not (w.isupper() and len(w) > 1) for w in words]
    if stop[0] or stop[-1]:  # "US" is an acronym, not "us"
        return False
    if any(st and w != "and" for st, w in zip(stop, words, strict=True)):
        return False
    return (
        any(w[:1].isupper() for w in words)
        or _is_desc(phrase)
        or _AGE_DESC_RE.fullmatch(phrase.lower()) is not None
    )


def _np_before(masked: str, s_lo: int, v_pos: int) -> str | None:
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
            if _FULL_NAME_RE.fullmatch(inner.strip()):
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


_LEAD_WORD_RE = re.compile(r"([A-Za-z]+)")
_NOUN_LIKE_VERBS = word_set("""
states notes claims calls reads read posts remarks comments tweets writes says asks replies
""")
_REL_WORD_RE = re.compile(r"\b(?:who|which)\b")
_ACRONYM_TAIL_RE = re.compile(r"\(([A-Z][A-Z&]{1,7})\)$")


def _strip_time(seg: str) -> str:
    seg = seg.rstrip()
    t = _TIME_TAIL_RE.search(seg)
    return seg[: t.start()].rstrip() if t else seg


_PAREN_TAIL_RE = re.compile(r"(?<=\w)\s*\([^()\n·]{1,40}\)$")
_NP_PREPS = frozenset(("at", "of", "for", "from"))
_NP_WORD_RE = re.compile(r"[\w\-’'.&]+$")


def _trailing_np(seg: str) -> str | None:
    words: list[str] = []
    last = seg.split()[-1:] or [""]
    if last[0].lower() in PRONOUNS:
        return last[0]
    for w in reversed(seg.split()):
        if w in _NP_PREPS and words and words[-1][:1].isupper() and len(words) <= 4:
            words.append(w)
            continue
        if not _NP_WORD_RE.fullmatch(w) or w.lower() in _NP_STOP or w.endswith(("’s", "'s")):
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
    from monitors.nlp.speakers import _DESC_RE  # local: shared pattern

    return bool(_DESC_RE.match(phrase))


def _np_after(masked: str, pos: int) -> str | None:
    seg = masked[pos : pos + 160]
    m = _NP_AFTER_RE.match(seg)  # "(LON:BARC)" ends it
    if not m:
        return None
    src = _DOC_SOURCE_RE.match(m.group(1))
    if src:  # "according to a statement from Ukraine’s Foreign Ministry issued …"
        return _capitalised_run(src.group("src"))
    phrase = _clean_after(m.group(1))
    named = _APPOS_NAME_RE.match(masked, pos + m.end())
    if phrase and named and phrase.split()[0].lower() in _DETERMINERS:
        return named.group(1)
    return phrase or None


_NP_AFTER_RE = re.compile(rf"\s*((?:[^,.;:!?“”\"«»\n·(]|{_TITLE_DOT}){{1,120}})")
_DOC_SOURCE_RE = re.compile(
    r"(?:an?|the)\s+(?:[\w\-]+\s+){0,2}?(?:statement|release|report|note|letter|readout|post|"
    r"communiqu[eé]|declaration|memo|filing|notice)\s+(?:issued\s+)?(?:from|by)\s+(?P<src>.+)",
    re.S,
)
_RUN_LINK = frozenset(("of", "for", "the", "and", "on"))


def _capitalised_run(seg: str) -> str | None:
    """The leading capitalised name in ``seg`` (``Ukraine’s Foreign Affairs Ministry issued``
    -> ``Ukraine’s Foreign Affairs Ministry``); linking words only between capitals."""
    words = seg.split()
    out: list[str] = []
    for i, w in enumerate(words):
        cap = w[:1].isupper() and _NP_WORD_RE.fullmatch(w)
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


_SUBJ_APPOS_RE = re.compile(rf"[^,.;:·]{{0,80}},\s*({NAME_SEQ})\s*,")
_APPOS_NAME_RE = re.compile(rf",\s*({NAME_SEQ})\s*(?:[,.;]|$)")
_INTRO_RE = re.compile(
    r"\A\s*(?:(?:According\s+to|As\s+per|In|On|At|After|Before|Earlier|Later|During|Speaking|Asked|Just|Meanwhile|But|"
    r"And|However|Separately|Still|Yet|Also|Now|Then|When|While|Last|This|Since|Despite|"
    r"Addressing|Writing|Responding|Following|Amid|Under|With|Like|Unlike)\b[^,]{0,120},\s*)+"
)


def _sentence_subject(masked: str, s_lo: int, v_pos: int) -> str | None:
    seg = masked[s_lo:v_pos]
    conj = _CONJ_SUBJECT_RE.match(seg)
    if conj:  # "But Hegseth on Thursday rejected the criticism, saying"
        return conj.group("name")
    seg = _INTRO_RE.sub("", seg)
    seg = re.sub(r"\A[\s*_\-—–]+", "", seg)
    words = seg.split()
    if words and words[0].lower() in PRONOUNS:
        return words[0]
    out = []
    for w in words[:8]:
        if (w.lower() in _NP_STOP and w not in _NP_PREPS) or not _NP_WORD_RE.fullmatch(w):
            break
        out.append(w)
    for k in range(len(out), 0, -1):  # "A Biden aide" is an aide, not Biden
        phrase = " ".join(out[:k])
        if out[0].lower() in _DETERMINERS and _is_desc(phrase):
            return phrase
    m = re.match(rf"(?:(?:The|the)\s+)?{NAME_SEQ}", seg)
    if m and m.group().split()[0].lower() not in ("but", "and", "in", "on", "at", "as", "a", "an"):
        owner = _POSSESSED_NAME_RE.match(seg, m.end())
        if owner:  # "Hungary’s far-right Prime Minister Viktor Orbán has …"
            return seg[m.start() : owner.end()]
        named = _ROLE_THEN_NAME_RE.match(seg, m.end())
        if named and _ROLE_NOUN_RE.search(named.group("role")):
            return seg[m.start() : named.end()]  # "Kremlin spokesperson Dmitri Pesko echoed"
        return m.group()
    return None


_CONJ_SUBJECT_RE = re.compile(
    rf"\A\s*(?:But|And|Yet|So|Still|Also)\s+(?P<name>{NAME_SEQ})(?=\s+(?:on|in|at|last|this|"
    r"later|earlier|then|also|again|however|[a-z]+ed)\b)"
)
_ROLE_THEN_NAME_RE = re.compile(rf"(?P<role>(?:\s+[a-z][\w\-]*){{1,3}}?)\s+{NAME_SEQ}(?=\s+[a-z])")
_POSSESSED_NAME_RE = re.compile(rf"['’]s?\s+(?:[a-z][\w\-]*\s+){{0,2}}{NAME_SEQ}(?=\s+[a-z])")


# --------------------------------------------------------------------------------------------
# 4. propagation and filtering


def _propagate(spans: list[_Span], doc: _Doc) -> None:
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
    by_para: dict[int, list[_Span]] = {}
    for s in spans:
        by_para.setdefault(s.para, []).append(s)
    for plist in by_para.values():
        _share_in_paragraph(plist, doc)
    _share_in_chains(spans)
    _continue_from_previous(spans, by_para, doc)


def _keep_unattributed(text: str, s: _Span) -> bool:
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
    content = [w for w in words if w.lower() not in _NAME_LIKE_SMALL]
    return bool(content) and all(w[0].isupper() for w in content)


def _right_attributed(doc: _Doc, s: _Span) -> bool:
    if s.close_pos < 0:
        return False
    return _right_attribution(doc.masked, s.close_pos + 1, s.sentence[1]) is not None


def _scare_before(masked: str, s: _Span) -> bool:
    if s.open_pos < 0:
        return False
    before = masked[max(0, s.open_pos - 40) : s.open_pos + 1]
    return bool(_SCARE_BEFORE_RE.search(before))


_LATER_REACH = 600  # a later quotation lends its speaker only nearby (not across a digest)


def _share_in_paragraph(plist: list[_Span], doc: _Doc) -> None:
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


def _share_in_chains(spans: list[_Span]) -> None:
    chains: dict[int, list[_Span]] = {}
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


def _continue_from_previous(spans: list[_Span], by_para: dict[int, list[_Span]], doc: _Doc) -> None:
    """An unattributed quotation after ``Unity matters, he said. “…”`` takes that speaker;
    a paragraph that is only an unattributed quotation continues the previous speaker."""
    for s in spans:
        if s.attributed or not s.keep or not s.standalone or s.heading:
            continue
        here = [m for m in doc._para_mentions(s.para) if m.verb and m.pos < s.start]
        if here:
            men = max(here, key=lambda m: m.pos)
            s.speaker, s.role, s.attributed = men.speaker, men.role, True
            continue
        prev = by_para.get(s.para - 1)
        if _own_unread_attribution(doc, s):
            continue
        if not prev:
            if s.para > 0 and _quote_only(doc.text, doc.paras[s.para], by_para[s.para]):
                got = _reported_before(doc, s.para - 1)
                if got is not None:
                    s.speaker, s.role, s.attributed = got.speaker, got.role, True
            continue
        src = next((p for p in reversed(prev) if p.keep and p.attributed and p.speaker), None)
        if src is not None:
            s.speaker, s.role, s.attributed = src.speaker, src.role, True


def _reported_before(doc: _Doc, pi: int) -> _Mention | None:
    """``X told the paper that he has a plan.`` closing the paragraph before a paragraph that is
    only a quotation: X, when that last sentence reports exactly one named person speaking."""
    lo, hi = doc.paras[pi]
    if hi - lo < 20 or doc.text[lo:hi].rstrip()[-1:] not in ".:":
        return None
    s_lo, _ = doc.sentence(pi, max(lo, hi - 2))
    mens = [m for m in doc._para_mentions(pi) if m.pos >= s_lo and m.verb]
    if (
        len({m.speaker for m in mens}) != 1
        or not mens[0].person
        or not doc.reg.is_person(mens[0].speaker)
    ):
        return None
    return mens[0]


def _own_unread_attribution(doc: _Doc, s: _Span) -> bool:
    """``“…,” <a reporting clause the rules could not read> told CNN.``: the quote's own
    sentence names its speaker, so it does not continue the previous paragraph's."""
    if s.close_pos < 0:
        return False
    return _SPEECH_IN_SENTENCE.search(doc.masked, s.close_pos + 1, s.sentence[1]) is not None


_STATEMENT_TITLE_RE = re.compile(
    r"\s*(?:Joint\s+)?(?:Statement|Remarks|Readout)\s+(?:from|by|of)\s+(?:the\s+)?"
    r"(?P<who>[^\n:;,]{2,120}?)(?:\s+(?:on|about|regarding|following|after|for)\s+[^\n]*)?\s*$"
)


def _statement_author(spans: list[_Span], doc: _Doc) -> None:
    """``Statement from Secretary Rubio and NSC Waltz`` heading a text that is one quotation:
    the statement's authors speak it."""
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


def _quote_only(text: str, para: tuple[int, int], members: list[_Span]) -> bool:
    """A paragraph that is nothing but quotations, bar a short trailer like ``(Watch)``."""
    lo, hi = para
    pos = lo
    for s in members:
        if text[pos : s.open_pos if s.open_pos >= 0 else s.start].strip(" \t*_>"):
            return False
        pos = s.close_pos + 1 if s.close_pos >= 0 else s.end
    return bool(members) and _TRAILER_RE.fullmatch(text, pos, hi) is not None


def _label_line_speaker(doc: _Doc, pi: int) -> tuple[str, str | None] | None:
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
    if who.isupper() or not doc._names_person(who, lo):
        return None  # "SEE MORE", "MS. X:" transcript turns
    spk, role = doc.reg.resolve(who)
    if not spk or not doc.reg.is_person(spk):
        return None
    return spk, role


def _label_line_blocks(spans: list[_Span], doc: _Doc) -> None:
    """Round-ups (``Secretary X on Meet the Press`` then paragraphs that are only quotations):
    each unattributed quotation paragraph takes the speaker of the label line above its run
    of quotation paragraphs; prose in between, or a line that names no person, ends the run."""
    by_para: dict[int, list[_Span]] = {}
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


_ENUM_RE = re.compile(r"\A\s*(?:\d{1,2}[.)]|[-*•–—])\s+")  # "6. “The … problem”" list headings


def _is_heading(text: str, para: tuple[int, int], s: _Span) -> bool:
    lo, hi = para
    body = text[lo:hi]
    if "\n" in body.strip() or len(body.split()) > _HEADING_MAX_WORDS:
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


def _resolve_headings(spans: list[_Span], text: str, doc: _Doc) -> None:
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
            continue
        lo = doc.paras[s.para][0]
        m = _HEAD_PREFIX_RE.search(text, lo, s.open_pos + 1 if s.open_pos >= 0 else s.start)
        if m:
            person = doc.reg.person(m.group(1).split()[-1])
            if person is not None:
                s.speaker, s.role, s.attributed = person.name, person.role, True
                continue
        s.keep = False


def _to_quote(s: _Span, text: str) -> Quote:
    lo, hi = s.sentence
    return Quote(
        text=text[s.start : s.end].strip(),
        speaker=s.speaker,
        role=s.role,
        sentence=text[lo:hi].strip(),
        start=s.start,
        end=s.end,
    )
