"""An article prepared for the topic matcher: its tokens, sentences and paragraphs, and an index
of the tokens some rule word could match.

Text and terms are cut into tokens the same way (runs of letters/digits and the symbols
``% $ € £``), so a term's words are compared with tokens, never with raw text.  Only the tokens
that a rule's first words could match are indexed (:class:`Lexicon`), which keeps the per-token
work in C (set operations) for the bulk of an article.  Pure.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from monitors.nlp.lexicon import PARAGRAPH_BREAK
from monitors.nlp.sentences import split_sentences
from monitors.nlp.topics.rules import Term, TopicRule

__all__ = ["Lexicon", "TopicDoc", "term_lexicon"]

_TOKEN_OR_MARK = re.compile(r"[^\W_]+|[%$€£\x00]")
_PARA_GAP = 1000  # token positions skipped between paragraphs, so 'near' never crosses one
_ANY_NUMBER = r"\d+"  # the pattern of the '#' word


@dataclass(frozen=True)
class Lexicon:
    """The first words of every term: literal words, prefixes of wildcard words, numbers."""

    literals: frozenset[str]
    prefixes: tuple[str, ...]
    numbers: bool = False  # some term has a '#' word
    # the non-empty prefixes by their first character, so a token is only compared with the
    # few prefixes that can match it; ``every`` when some wildcard word has no leading letter
    by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    every: bool = False


_LEXICONS: dict[tuple[int, ...], tuple[Sequence[TopicRule], Lexicon]] = {}


def _rule_terms(rule: TopicRule) -> list[Term]:
    terms = list(rule.require)
    for cue in rule.cues:
        terms.extend(t for g in cue.groups for t in g)
        terms.extend(cue.none)
    return terms


def term_lexicon(rules: Sequence[TopicRule]) -> Lexicon:
    """The :class:`Lexicon` of ``rules`` (cached while the same rule objects are passed)."""
    key = tuple(id(r) for r in rules)
    hit = _LEXICONS.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], rules, strict=True)):
        return hit[1]
    literals: set[str] = set()
    prefixes: set[str] = set()
    numbers = False
    for rule in rules:
        for term in _rule_terms(rule):  # only a term's first word is looked up in the index
            lit, pre = term.literals[0], term.prefixes[0]
            if lit is not None:
                literals.add(lit)
            elif term.words[0].pattern == _ANY_NUMBER:
                numbers = True
            else:
                prefixes.add(pre)
    by_first: dict[str, list[str]] = {}
    for pre in sorted(prefixes):
        if pre:
            by_first.setdefault(pre[0], []).append(pre)
    lex = Lexicon(
        frozenset(literals),
        tuple(sorted(prefixes)),
        numbers,
        {c: tuple(v) for c, v in by_first.items()},
        "" in prefixes,
    )
    if len(_LEXICONS) > 64:
        _LEXICONS.clear()
    _LEXICONS[key] = (tuple(rules), lex)
    return lex


def _segment(title: str, text: str) -> tuple[list[str], list[int]]:
    """The sentences of the headline and the text, each with its paragraph (-1 = headline):
    the project's one splitter (:mod:`monitors.nlp.sentences`, which also breaks at a converted
    table's rules) inside the paragraphs of :data:`~monitors.nlp.lexicon.PARAGRAPH_BREAK`."""
    blocks: list[tuple[int, str]] = []
    if title.strip():
        blocks.append((-1, title))
    blocks.extend(enumerate(p for p in PARAGRAPH_BREAK.split(text) if p.strip()))
    raw: list[str] = []
    raw_para: list[int] = []
    for pi, para in blocks:
        para = para.replace("\0", " ")
        for a, b in split_sentences(para):
            raw.append(para[a:b])
            raw_para.append(pi)
    return raw, raw_para


_WORD_CACHE: dict[tuple[int, str], bool] = {}


def _word_match(pat: re.Pattern[str], tok: str) -> bool:
    """Whether the compiled rule word ``pat`` matches the whole token ``tok`` (memoised)."""
    key = (id(pat), tok)
    r = _WORD_CACHE.get(key)
    if r is None:
        if len(_WORD_CACHE) > 500_000:
            _WORD_CACHE.clear()
        r = pat.fullmatch(tok) is not None
        _WORD_CACHE[key] = r
    return r


class TopicDoc:
    """The article cut into tokens, with each token's sentence, paragraph and zone."""

    __slots__ = (
        "_cache",
        "_gcache",
        "_index",
        "_keys",
        "_pcache",
        "_vocab",
        "positions",
        "sent_of",
        "sent_para",
        "sentences",
        "title_end",
        "tokens",
        "zone_of_sent",
    )

    def __init__(self, title: str, text: str, lexicon: Lexicon) -> None:
        self._cache: dict[str, list[int]] = {}
        self._gcache: dict[int, list[tuple[int, Term]]] = {}
        self._pcache: dict[int, list[int]] = {}
        self._tokenise(*_segment(title, text))
        # tokens [0, title_end) are the headline's
        self.title_end = next(
            (i for i, sid in enumerate(self.sent_of) if self.sent_para[sid] >= 0),
            len(self.tokens),
        )
        self.zone_of_sent = self.sent_para  # paragraph index: -1 = title
        self._index_tokens(lexicon)

    def _tokenise(self, raw: list[str], raw_para: list[int]) -> None:
        """Tokenise all sentences with one regex call, "\\0" marking where each one ends; a
        sentence without a token is dropped."""
        tokens: list[str] = []
        sent_of: list[int] = []
        positions: list[int] = []
        sentences: list[str] = []
        sent_para: list[int] = []
        flat = _TOKEN_OR_MARK.findall("\0".join(raw).lower() + "\0")
        pos = 0
        start = 0
        last_para = raw_para[0] if raw_para else 0
        for sent, pi in zip(raw, raw_para, strict=True):
            end = flat.index("\0", start)
            n = end - start
            if n:
                if pi != last_para:
                    # the headline and the lead are read together (a feed item's summary often
                    # names the subject only in its headline); other paragraphs stay apart
                    if not (last_para < 0 and pi == 0):
                        pos += _PARA_GAP
                    last_para = pi
                sent_of.extend([len(sentences)] * n)
                sentences.append(sent)
                sent_para.append(pi)
                tokens.extend(flat[start:end])
                positions.extend(range(pos, pos + n))
                pos += n
            start = end + 1
        self.tokens = tokens
        self.sent_of = sent_of
        self.positions = positions
        self.sentences = sentences
        self.sent_para = sent_para

    def _index_tokens(self, lexicon: Lexicon) -> None:
        tokens = self.tokens
        vocab = self._vocab = set(tokens)
        keep = vocab & lexicon.literals
        if lexicon.every:
            keep = set(vocab)
        elif lexicon.by_first:
            by_first = lexicon.by_first
            keep.update(t for t in vocab if (pre := by_first.get(t[0])) and t.startswith(pre))
        if lexicon.numbers:
            keep.update(t for t in vocab if t.isdigit())
        index: dict[str, list[int]] = {}
        for i in [i for i, t in enumerate(tokens) if t in keep]:
            tok = tokens[i]
            lst = index.get(tok)
            if lst is None:
                index[tok] = [i]
            else:
                lst.append(i)
        self._index = index
        self._keys: list[str] | None = None

    def sentence(self, sid: int) -> str:
        return " ".join(self.sentences[sid].split())

    def may_contain(self, term: Term) -> bool:
        """False when the term's first word is a literal absent from the text (most terms are):
        a cheap test before :meth:`find`."""
        lit = term.literals[0]
        return lit is None or lit in self._index

    def find(self, term: Term) -> list[int]:
        """Token indexes where ``term`` starts."""
        key = term.text
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        starts = self._first_word_starts(term)
        if len(term.words) > 1 and starts:
            starts = self._followed(term, starts)
        starts.sort()
        self._cache[key] = starts
        return starts

    def _first_word_starts(self, term: Term) -> list[int]:
        lit = term.literals[0]
        if lit is not None:
            return list(self._index.get(lit, ()))
        starts: list[int] = []
        first = term.words[0]
        prefix = term.prefixes[0]
        keys = self._keys
        if keys is None:
            keys = self._keys = sorted(self._index)
        if first.pattern == _ANY_NUMBER:  # '#': any number
            for k in keys:
                if k.isdigit():
                    starts.extend(self._index[k])
            return starts
        j = bisect_left(keys, prefix)
        while j < len(keys) and keys[j].startswith(prefix):
            if _word_match(first, keys[j]):
                starts.extend(self._index[keys[j]])
            j += 1
        return starts

    def _followed(self, term: Term, starts: list[int]) -> list[int]:
        """The starts whose next tokens match the term's other words, inside one paragraph."""
        if any(lit is not None and lit not in self._vocab for lit in term.literals[1:]):
            starts = []
        toks = self.tokens
        pos = self.positions
        n = len(toks)
        k = len(term.words) - 1
        rest = [
            (j, lit, w)
            for j, (lit, w) in enumerate(zip(term.literals, term.words, strict=True))
            if j > 0
        ]
        if all(lit is not None for _, lit, _ in rest):  # literal words: compare slices
            want = [lit for _, lit, _ in rest]
            return [
                s
                for s in starts
                if s + k < n and toks[s + 1 : s + k + 1] == want and pos[s + k] - pos[s] == k
            ]
        good = []
        for s in starts:
            end = s + k
            if end >= n or pos[end] - pos[s] != k:
                continue
            for j, lit, w in rest:
                tok = toks[s + j]
                if (tok != lit) if lit is not None else not _word_match(w, tok):
                    break
            else:
                good.append(s)
        return good

    def group_hits(self, group: tuple[Term, ...]) -> list[tuple[int, Term]]:
        """(token index, term) of every hit of any term of ``group``, in text order; cached per
        document (groups are shared between cues by the parser), so callers must not modify
        it."""
        out = self._gcache.get(id(group))
        if out is not None:
            return out
        out = []
        runs = 0
        for term in group:
            if not self.may_contain(term):  # most terms are absent: skip the call
                continue
            starts = self.find(term)
            if starts:
                out.extend([(s, term) for s in starts])
                runs += 1
        if runs > 1:
            out.sort(key=lambda x: x[0])
        self._gcache[id(group)] = out
        return out

    def group_positions(self, group: tuple[Term, ...], hits: list[tuple[int, Term]]) -> list[int]:
        """The word positions of a group's hits (:meth:`group_hits`), cached per document."""
        out = self._pcache.get(id(group))
        if out is None:
            pos = self.positions
            out = self._pcache[id(group)] = [pos[i] for i, _ in hits]
        return out
