"""Speech verbs and the attribution cues read around a quotation."""

from __future__ import annotations

import re

from monitors.nlp.quotes.marks import DOUBLE_RE
from monitors.nlp.quotes.names import NAME_SEQ
from monitors.nlp.quotes.phrases import TITLE_DOT, clean_after, np_after, valid_np
from monitors.nlp.quotes.vocab import alternation, entries, words

_QW = "quote_words"
_SV = "speech_verbs"


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


_FINITE_ALT = _trie_regex(entries(_SV, "finite"))
_PART_ALT = _trie_regex(entries(_SV, "participle"))
VERB_RE = re.compile(
    rf"\b(?:(?P<part>{_PART_ALT})|(?P<acc>[Aa]ccording to)|(?P<fin>{_FINITE_ALT}))\b"
    # "member states will retain …": a plural noun, not a speech verb
    rf"(?!\s+(?:{alternation(_QW, 'modal_followers')})\b)"
)

# a coordinated main clause with its own named subject, closest to a participle that follows
AND_NAME_CLAUSE_RE = re.compile(rf",\s+and\s+(?P<name>{NAME_SEQ})\s+(?:[a-z]+ed|[a-z]+s)\b")
# "X and Y had agreed to a meeting": an accord, not speech ("agreed that …" still reports)
AGREED_TO_RE = re.compile(rf"agreed\s+(?:{alternation(_QW, 'agreement_preps')})\s")
BY_AGENT_RE = re.compile(r"[”\"»’]\s*,?\s+by\s+(?P<who>[^,.;:!?“”\"«»\n·]{1,80})")

COORD_BEFORE_RE = re.compile(rf"(?:(?:the\s+)?{NAME_SEQ},?\s+)+(?:and|or)\s+$")
OPEN_MARK_RE = re.compile(r"[“«„]|(?<=\s)\"")
# the verb of an organisation opening a sentence: "Jefferies lays out", "NATO will meet"
ORG_SUBJECT_VERB_RE = re.compile(r"\s+(?:[a-z]+s|[a-z]+ed|will|has|had|is|was)\b")


OBJ_PREPS = words(_QW, "object_preps")
INNER_BELIEF_RE = re.compile(rf"(?:{alternation(_SV, 'belief')})\Z")
OUTER_SAY_RE = re.compile(rf"(?:{alternation(_SV, 'reporting')})\Z")
CLAIM_RE = re.compile(
    rf"(?:(?P<who>{NAME_SEQ})['’]s?|\b(?P<pron>his|her|their|its))\s+"
    rf"(?:(?:{alternation(_QW, 'claim_modifiers')})\s+)?"
    rf"(?:{alternation(_QW, 'claim_nouns')})\s+(?:that|of)\b"
)
DASH_CREDIT_RE = re.compile(
    rf"[ \t*_]*[-–—][ \t]*(?P<who>{NAME_SEQ})[ \t]*(?:,[^\n]{{0,60}})?[ \t*_]*$"
)
LABEL_RE = re.compile(r"[\s*_]*(?P<who>[^:*_\n·“”\"«»]{2,90}?)[\s*_]*:[\s*_]*")
# the subject's verb follows it directly and is one of speaking, explaining or reacting
# ("President X outlined the plan: “…”"; not "X approved a sale in 2017: “<a report's words>”")
_COLON_ADVERBS = alternation(_QW, "colon_adverbs", r"\s+")
VERB_AFTER_SUBJECT_RE = re.compile(
    rf"\s+(?:(?:{_COLON_ADVERBS})\s+)?(?:{alternation(_SV, 'before_colon')})\b"
)
AFTER_QUOTE = ("”", '"', "»", "’", ",", "”,", '",')
AND_END_RE = re.compile(r"[^,]\s+(?:and|but)$")
QUOTED_AS_RE = re.compile(
    rf"\b(?:{alternation(_QW, 'quoted_as')})\s+(?P<who>[^,;:!?“”\"«»\n·]{{2,140}}?)\s+as\s+$"
)

_RIGHT_SV = re.compile(
    r"\A\s*[,;:—–-]?\s*(?P<spk>(?:[^,.;:!?“”\"«»\n·]|(?<=[A-Z])\.(?=[A-Z ])|"
    rf"{TITLE_DOT}){{1,80}}?)"
    # an appositive, closed by a comma or (in hasty copy) not: "X of Utah, a member of Y told"
    r"(?P<app>,[^;:!?“”\"«»\n·]{1,160}?,|,\s+an?\s+[^,;:!?“”\"«»\n·–—]{1,100}?)?\s+"
    rf"(?:(?:{alternation(_QW, 'verb_adverbs')})\s+)?"
    rf"(?:{_FINITE_ALT})\b"
)
_RIGHT_VS = re.compile(
    rf"\A\s*[,;:—–-]?\s*(?:{_FINITE_ALT})\s+(?P<spk>(?:[^,.;:!?“”\"«»\n·]|{TITLE_DOT}){{1,100}})"
)
RIGHT_ACC = re.compile(
    r"\A\s*[,;:—–-]?\s*according\s+to\s+(?P<spk>[^,.;:!?“”\"«»\n·]{1,100})", re.I
)


_PUT_IT_RIGHT_RE = re.compile(
    r"\A\s*[,;—–-]?\s*(?:(?:that|this|which)\s+(?:is|was|'s)\s+|is\s+|was\s+)?(?:how|as)\s+"
    r"(?P<spk>[^,.;:!?“”\"«»\n·]{1,80}?)\s+"
    rf"(?:{alternation(_QW, 'put_it_right')})\s+it\b"
)
PUT_IT_LEFT_RE = re.compile(
    r"\b(?:As|as)\s+(?P<spk>[^,.;:!?“”\"«»\n·]{1,80}?)\s+"
    rf"(?:{alternation(_QW, 'put_it_left')})\s+it\s*[,:]?\s*"
    r"[‘“\"«']?$"
)
_IN_WORDS_RE = re.compile(rf"\A\s*,?\s*in\s+(?P<spk>{NAME_SEQ})['’]s?\s+(?:own\s+)?words\b")


def right_attribution(masked: str, pos: int, s_hi: int) -> tuple[str, int] | None:
    seg = masked[pos : min(s_hi, pos + 260)]
    m = _IN_WORDS_RE.match(seg)  # "That “perfect call,” in Trump’s words, …"
    if m:
        return m.group("spk"), pos
    m = _PUT_IT_RIGHT_RE.match(seg)  # "“…” — that is how X put it."
    if m and valid_np(m.group("spk")):
        return m.group("spk"), pos + m.start("spk")
    m = RIGHT_ACC.match(seg)
    if m:
        phrase = np_after(masked, pos + m.start("spk"))
        return (phrase, pos) if phrase else None
    m = _RIGHT_VS.match(seg)
    if m:
        phrase = clean_after(m.group("spk"))
        if phrase and valid_np(phrase):
            return phrase, pos
    m = _RIGHT_SV.match(seg)
    if m:
        phrase = m.group("spk").strip()
        if m.group("app"):
            phrase = phrase + m.group("app")
        if phrase and valid_np(phrase.split(",")[0]):
            return phrase, pos
    return None


OUTLET_RE = re.compile(rf"\b(?:{alternation(_QW, 'outlets')})\b(?![’']s\s)")
# "… “clear convergence” emerging on the need to end the war, he says." / "The “massive” attack
# lasted hours, Kyiv officials said, adding …": the reporting clause closes the sentence
_TAIL_FOLLOWERS = alternation(_QW, "tail_followers")
_TAIL_RE = re.compile(
    rf",\s+(?P<spk>[^,;:!?“”\"«»\n·]{{1,60}}?)\s+(?:{_FINITE_ALT})"
    rf"(?=\s*(?:[.,]|$|\s+(?:{_TAIL_FOLLOWERS}|according)\b))"
)


_TAIL_ACC_RE = re.compile(r",\s+according\s+to\s+(?P<spk>[^,;:!?“”\"«»\n·]{1,80}?)\s*[.]?\s*$")
_TAIL_REST_RE = re.compile(rf"\s*,?\s*(?:{_TAIL_FOLLOWERS})\b")


def tail_attribution(masked: str, pos: int, s_hi: int) -> tuple[str, int] | None:
    """The reporting clause at the end of the quote's sentence, when nothing closer speaks."""
    seg = masked[pos:s_hi]
    nxt = DOUBLE_RE.search(seg)  # stop before the next quotation
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
            phrase = np_after(masked, pos + acc.start("spk"))
            if phrase and valid_np(phrase):
                return phrase, pos + acc.start("spk")
        return None
    rest = seg[last.end() :]
    if rest.strip(" .,\n")[:1].isalpha() and not _TAIL_REST_RE.match(rest):
        return None
    phrase = last.group("spk").strip()
    return (phrase, pos + last.start("spk")) if valid_np(phrase) else None
