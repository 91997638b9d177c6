"""What ``newswatch search`` prints: for each hit the sentence that best matches the query,
with the query's words marked, as a text block or a JSON object (pure: plain rows in, text
out; the ranking itself is SQL, in :mod:`monitors.store.search`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from monitors.nlp.sentences import split_sentences
from monitors.store.rows import SearchRow

WORD = re.compile(r"[^\W_]+")
MARK_OPEN, MARK_CLOSE = "**", "**"
MAX_SNIPPET = 320


Hit = SearchRow  # one ranked hit, as monitors.store.search returns it


def _matches(sentence: str, terms: set[str]) -> tuple[int, int]:
    words = [w.lower() for w in WORD.findall(sentence)]
    return len(terms.intersection(words)), sum(w in terms for w in words)


def best_sentence(text: str, terms: Sequence[str]) -> str:
    """The sentence of ``text`` holding the most distinct query terms (then the most
    occurrences, then the first); the text's start when none matches."""
    wanted = {t.lower() for t in terms}
    best, best_key = "", (0, 0)
    for start, end in split_sentences(text):
        sentence = " ".join(text[start:end].split())
        key = _matches(sentence, wanted)
        if key > best_key:
            best, best_key = sentence, key
    if not best:
        best = " ".join(text.split())
    return best if len(best) <= MAX_SNIPPET else best[: MAX_SNIPPET - 1].rstrip() + "…"


def mark(sentence: str, terms: Sequence[str]) -> str:
    """``sentence`` with every word that is a query term wrapped in ``**``."""
    wanted = {t.lower() for t in terms}
    return WORD.sub(
        lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}" if m.group(0).lower() in wanted else
        m.group(0),
        sentence,
    )  # fmt: skip


def snippet(hit: Hit, terms: Sequence[str]) -> str:
    """The matching sentence of a hit: an article's best sentence (its title when the text
    has none), a quote's or figure's own sentence."""
    text = hit.text or ""
    if hit.kind == "article":
        title = " ".join((hit.title or "").split())
        found = best_sentence(text, terms) if text else ""
        if not found or _matches(found, set(terms)) < _matches(title, set(terms)):
            return title or found
        return found
    return best_sentence(text, terms) if text else (hit.quote or "")


def _date(d: datetime | None) -> str:
    return d.strftime("%Y-%m-%d") if d else "undated"


def hit_json(rank: int, hit: Hit, terms: Sequence[str]) -> dict[str, Any]:
    sentence = snippet(hit, terms)
    return {
        "rank": rank,
        "score": round(hit.score, 4),
        "kind": hit.kind,
        "source": hit.feed_name or hit.feed,
        "feed": hit.feed,
        "date": hit.date.isoformat() if hit.date else None,
        "title": hit.title,
        "url": hit.url,
        "article": hit.article,
        "idx": None if hit.kind == "article" else hit.idx,
        "speaker": hit.speaker,
        "quote": hit.quote if hit.kind == "quote" else None,
        "figure": hit.quote if hit.kind == "figure" else None,
        "topics": list(hit.topics),
        "sentence": sentence,
        "marked": mark(sentence, terms),
    }


def result_json(query: str, terms: Sequence[str], hits: Sequence[Hit]) -> dict[str, Any]:
    return {
        "query": query,
        "terms": list(terms),
        "hits": [hit_json(i, h, terms) for i, h in enumerate(hits, 1)],
    }


def hit_block(rank: int, hit: Hit, terms: Sequence[str]) -> str:
    """Three lines: rank, kind, date, source (and speaker or figure); the marked sentence;
    the article's title and URL."""
    who = ""
    if hit.kind == "quote":
        who = f" · {hit.speaker or 'speaker unknown'}"
    elif hit.kind == "figure" and hit.quote:
        who = f" · {hit.quote}"
    head = f"{rank}. [{hit.kind}] {_date(hit.date)} · {hit.feed_name or hit.feed or '?'}{who}"
    title = " ".join((hit.title or "(untitled)").split())
    body = mark(snippet(hit, terms), terms)
    return f"{head}  (score {hit.score:.2f})\n   {body}\n   {title} <{hit.url}>"


def result_text(terms: Sequence[str], hits: Sequence[Hit]) -> str:
    if not terms:
        return "no searchable words in the query (only stop words or punctuation)"
    if not hits:
        return f"no match for {' '.join(terms)}"
    return "\n\n".join(hit_block(i, h, terms) for i, h in enumerate(hits, 1))
