"""Cluster copies of the same story: across outlets (wire copies) and across re-scrapes.

The method, all pure functions:

1. :func:`normalise_for_dedupe` strips what differs between copies of one story but says nothing
   about the story (datelines, bylines, agency tags, "Reporting by … Editing by …" credits,
   newsletter and copyright boilerplate), lowercases and drops punctuation.
2. :func:`shingles` turns the normalised words into hashed word *k*-grams (order-preserving).
3. Blocking: every document indexes a fixed, content-defined sample of its shingles (those whose
   hash is 0 modulo ``SAMPLE_MOD``), its normalised title and its canonical URL; only pairs that
   share a sampled shingle bucket, a title or a URL are compared.  Content-defined sampling keeps
   containment: a truncated copy's sample is a subset of the full article's sample.
4. Confirmation (:func:`match_score` / :func:`is_duplicate`) on the full shingle sets:
   *containment* ``|A ∩ B| / min(|A|, |B|)`` so that a summary-only or first-half copy still
   matches the full article.  When one side is much shorter than the other, the match must also
   be *lead-aligned* (the short text's opening is found near the start of the long one), so a
   brief that is quoted inside a round-up or a different story does not merge with it.  Two
   different stories on the same event share quotes and background paragraphs, but not most of
   their text, so they stay apart.
5. :func:`cluster_documents` links confirmed pairs (union–find) inside a time window and names
   each cluster after its canonical member: the earliest published, then the most complete.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from monitors.ingest.urls import canonical_url
from monitors.nlp.lexicon import table, word_set

__all__ = [
    "DedupeDoc",
    "PairEvidence",
    "cluster_documents",
    "is_duplicate",
    "match_score",
    "normalise_for_dedupe",
    "pair_evidence",
    "shingles",
]

SHINGLE_K = 5
SAMPLE_MOD = 4
MAX_SAMPLES = 64  # blocking keys per document: its first sampled shingles
MAX_BUCKET = 60  # a sampled shingle shared by more documents is boilerplate: not a key
MAX_GROUPS = 32  # groups compared with in one URL or headline bucket (see _link_bucket)
GROUP_SAMPLE = 8  # ... and members of each group
DEFAULT_WINDOW = timedelta(days=7)

MAX_WORDS = 3000  # only the first words of very long documents are compared
LEAD_SHINGLES = 30  # the "lead" of a text: its first shingles
# Confirmation thresholds (see _confirm).
MIN_SHARED = 6  # shingles in common, at least
HEAVY_TRUNCATION = 0.3  # |short| / |long| below this: a summary-only or lead-only copy
SAME_TITLE_BODY = 0.8  # one headline: this much of the shorter body in the longer (re-scrape)
SAME_URL_BODY = 0.5  # one canonical URL: this much (a re-scrape whose text was updated)
ROUNDUP_COPY = 0.95  # round-up editions: a copy only when (nearly) all of the body is shared
ROUNDUP_LENGTH = 0.9  # ... and neither edition has items the other lacks (length ratio)
ROUNDUP_ITEMS = 3  # time-stamped items ("0845 GMT - ...") that make a text a round-up


@dataclass(frozen=True)
class DedupeDoc:
    """One document to cluster. ``id`` is any unique string (article id or file path)."""

    id: str
    title: str
    text: str
    published: datetime | None = None
    url: str | None = None


# --------------------------------------------------------------------------- normalisation

_AGENCIES = "|".join(re.escape(a) for a in table("dedupe_words")["agencies"])
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DASH = r"[-–—‒―]+"
# "KYIV, Feb 13 (Reuters) -", "WASHINGTON (AP) —", "(CNN) —", "LONDON, 13 February (Reuters) -"
_DATELINE_AGENCY = re.compile(
    rf"^\s*(?:[A-Z][A-Za-z.'’\- ]{{0,40}}(?:,\s*[A-Za-z.'’\- ]{{0,30}})?"
    rf"(?:,\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?)?\s*)?"
    rf"\((?:{_AGENCIES})\)\s*(?:{_DASH}|:)?\s*"
)
# "WASHINGTON —", "KYIV, Ukraine —", "NEW YORK, Feb 13 -" (place in capitals, then a dash)
_DATELINE_PLAIN = re.compile(
    rf"^\s*[A-Z][A-Z.'’\- ]{{1,30}}(?:,\s*[A-Z][A-Za-z.'’\- ]{{1,25}})?"
    rf"(?:,\s*(?:{_MONTH}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTH})(?:,?\s*\d{{4}})?)?\s*{_DASH}\s+"
)
_AGENCY_TAG = re.compile(rf"\((?:{_AGENCIES})\)")
_AGENCY_SIGN_OFF = re.compile(rf"[-–—‒―]+[ \t]*(?:{_AGENCIES})[ \t]*$", re.M)
_PARAGRAPH_SPLIT = re.compile(r"\n")
_BYLINE = re.compile(
    r"^\s*(?:by|written by|words by|from)\s+[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3})*"
    r"(?:\s*,\s*(?:CNN|Reuters|AP|AFP|Bloomberg|The Hill)[\w ]*)?\s*$",
    re.I,
)
_BOILERPLATE = re.compile(
    r"^\s*[(\[]?\s*(?:"
    r"(?:additional\s+)?reporting\s+by|writing\s+by|editing\s+by|edited\s+by|compiled\s+by"
    r"|produced\s+by|graphics?\s+by|photos?\s+by|video\s+by|fact[- ]check(?:ed|ing)\s+by"
    r"|sign\s+up\b|subscribe\b|click\s+here|read\s+more\b|related\s*:|see\s+also\s*:"
    r"|follow\s+(?:us|me)\b|get\s+(?:our|the)\s+free\b|our\s+standards\s*:"
    r"|this\s+(?:story|article)\s+(?:has\s+been|was)\s+updated|this\s+is\s+a\s+developing"
    r"|(?:copyright|©|\(c\))\s|all\s+rights\s+reserved|for\s+more\s+(?:news|stories)\b"
    r"|download\s+the\s+\w+\s+app|advertisement\s*$|image\s*:|photo\s*:|caption\s*:"
    r"|contact\s+(?:us|the\s+reporter)|send\s+(?:us\s+)?(?:a\s+)?tips?\b"
    r"|want\s+to\s+(?:read|get)\s+more|the\s+views\s+expressed|disclaimer\s*:"
    r")",
    re.I,
)
# A credit line ending a wire story: "(Reporting by A in B; Editing by C)".
_CREDIT_INLINE = re.compile(
    r"\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by[^()]*\)", re.I
)
_CONTRIBUTED = re.compile(
    r"^\s*(?:CNN|Reuters|AP|The Hill)[’']s?\s+.{0,200}\s+contributed\s+(?:to\s+)?this", re.I
)
_NON_WORD = re.compile(r"[^\w]+")
_UNDERSCORE = re.compile(r"_+")


def _strip_dateline(par: str) -> str:
    m = _DATELINE_AGENCY.match(par) or _DATELINE_PLAIN.match(par)
    return par[m.end() :] if m and m.end() < len(par) else par


def _is_boilerplate(par: str) -> bool:
    if len(par) > 400:
        return False
    if _BOILERPLATE.match(par) or _CONTRIBUTED.match(par):
        return True
    return len(par) <= 120 and _BYLINE.match(par) is not None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("’", "'").replace("'s ", " ").replace("'", "")
    text = _NON_WORD.sub(" ", text)
    return _UNDERSCORE.sub(" ", text).strip()


def normalise_body(text: str, max_chars: int | None = None) -> str:
    """The body text normalised for duplicate detection (no title).

    ``max_chars`` bounds the work on very long documents: only their beginning is read."""
    text = text or ""
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
    kept: list[str] = []
    for par in _PARAGRAPH_SPLIT.split(text):
        par = par.strip()
        if not par or _is_boilerplate(par):
            continue
        if len(kept) < 2:
            par = _strip_dateline(par)
        kept.append(par)
    joined = "\n".join(kept)
    joined = _CREDIT_INLINE.sub(" ", joined)
    joined = _AGENCY_TAG.sub(" ", joined)
    joined = _AGENCY_SIGN_OFF.sub(" ", joined)
    return _fold(joined)


def normalise_title(title: str) -> str:
    """The title normalised for comparison: agency suffixes and site names dropped, folded."""
    t = re.sub(
        r"\s+[|–—-]\s+(?:CNN|Reuters|AP News|The Hill|[A-Z][\w.]+(?:\s[A-Z][\w.]+)?)$",
        "",
        (title or "").strip(),
    )
    t = re.sub(
        r"^(?:UPDATE\s*\d*|CORRECTED|REFILE|EXCLUSIVE|WRAPUP\s*\d*|ANALYSIS|FACTBOX)"
        r"\s*[-:–]+\s*",
        "",
        t,
        flags=re.I,
    )
    return _fold(t)


def normalise_for_dedupe(title: str, text: str) -> str:
    """Title and body with datelines, bylines, agency tags and boilerplate removed; lowercased,
    punctuation stripped, whitespace collapsed."""
    return " ".join(p for p in (normalise_title(title), normalise_body(text)) if p)


# --------------------------------------------------------------------------- shingles


_WORD_IDS: dict[str, int] = {}


def _token_ids(normalised: str) -> list[int]:
    words = normalised.split()[:MAX_WORDS]
    cache = _WORD_IDS
    if len(cache) > 500_000:
        cache.clear()
    missing = [w for w in set(words) if w not in cache]
    for w in missing:
        cache[w] = zlib.crc32(w.encode("utf-8"))
    return [cache[w] for w in words]


def shingle_sequence(normalised: str, k: int = SHINGLE_K) -> list[int]:
    """Hashed word k-grams of an already-normalised text, in order (duplicates kept).

    Hashes are deterministic across processes (crc32 of each word, then the hash of the tuple
    of word hashes, which Python does not randomise)."""
    ids = _token_ids(normalised)
    if not ids:
        return []
    if len(ids) < k:
        return [hash(tuple(ids))]
    return list(map(hash, zip(*(ids[i:] for i in range(k)), strict=False)))


def shingles(text: str, k: int = SHINGLE_K) -> frozenset[int]:
    """The set of hashed word k-grams of ``text`` (normalised with :func:`_fold` first)."""
    return frozenset(shingle_sequence(_fold(text), k))


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Prepared:
    """One document ready for matching.  Its shingles are kept as a packed array (8 bytes
    each), not as a set of Python ints (~80 bytes each): a 7-day window of tens of thousands
    of articles must fit in a poll's memory.  Sets are built per comparison."""

    idx: int
    id: str  # the document's id (its text is not kept: only its shingles are compared)
    title: str
    seq: array[int]
    size: int  # distinct shingles
    sample: array[int]  # distinct sampled shingles, in order
    url: str | None
    published: datetime | None
    roundup: bool = False  # a round-up of short items (by its headline or its time stamps)


_Shingled = tuple[array, int, array]  # (seq, distinct shingles, sample) of one body


def _prepare(
    idx: int, doc: DedupeDoc, k: int, bodies: dict[bytes, _Shingled] | None = None
) -> _Prepared:
    """``bodies``: the shingles of the bodies seen so far, by digest: copies of one text (a
    window is full of them) share one set of arrays instead of holding one each."""
    body = normalise_body(doc.text, max_chars=MAX_WORDS * 8)
    title = normalise_title(doc.title)
    if len(body.split()) < k:
        body = f"{title} {body}".strip()
    seq = array("q", shingle_sequence(body, k))
    digest = hashlib.blake2b(seq.tobytes(), digest_size=16).digest()
    shingled = bodies.get(digest) if bodies is not None else None
    if shingled is None:
        sample = array("q")
        taken: set[int] = set()
        for h in seq:
            if h % SAMPLE_MOD == 0 and h not in taken:
                taken.add(h)
                sample.append(h)
                if len(sample) >= MAX_SAMPLES:
                    break
        shingled = (seq, len(set(seq)), sample)
        if bodies is not None:
            bodies[digest] = shingled
    url = None
    if doc.url:
        url = canonical_url(doc.url)
        url = url.split("://", 1)[-1] if url.startswith(("http://", "https://")) else url
    published = doc.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return _Prepared(
        idx,
        doc.id,
        title,
        shingled[0],
        shingled[1],
        shingled[2],
        url,
        published,
        _is_roundup(title, doc.text),
    )


_WORDS = table("dedupe_words")
_ROUNDUP_TITLES = tuple(_WORDS["roundup_titles"])
# An item of a rolling round-up starts with its time: "0845 GMT - ", "1441 ET - ".
_TIMED_ITEM = re.compile(r"^\s*\d{3,4}\s+(?:GMT|ET|EST|EDT|CET|BST|UTC)\s*[-–—]", re.M)


def _is_roundup(title: str, text: str) -> bool:
    """A collection of short items: a round-up headline, or several time-stamped items."""
    if any(r in title for r in _ROUNDUP_TITLES):
        return True
    for found, _ in enumerate(_TIMED_ITEM.finditer(text or "", 0, MAX_WORDS * 8), 1):
        if found >= ROUNDUP_ITEMS:
            return True
    return False


_TITLE_STOP = word_set(_WORDS["title_stop"])
_GENERIC_TITLES = tuple(_WORDS["generic_titles"])
_EDITION_WORDS = word_set(_WORDS["edition_words"])


def _specific_title(title: str) -> bool:
    return len(title.split()) >= 4 and not any(g in title for g in _GENERIC_TITLES)


def _title_similarity(a: str, b: str) -> float:
    wa = {w for w in a.split() if w not in _TITLE_STOP}
    wb = {w for w in b.split() if w not in _TITLE_STOP}
    union = wa | wb
    return len(wa & wb) / len(union) if union else 0.0


def _lead_in(x: _Prepared, y: _Prepared) -> float:
    """Share of x's lead (first shingles) found near the start (first third) of y."""
    head = x.seq[:LEAD_SHINGLES]
    if not head:
        return 0.0
    region = set(y.seq[: max(2 * LEAD_SHINGLES, len(y.seq) // 3)])
    return sum(1 for h in head if h in region) / len(head)


@dataclass(frozen=True)
class PairEvidence:
    """What :func:`is_duplicate` looked at for one pair (for debugging and evaluation)."""

    containment: float
    shared: int
    length_ratio: float
    title_similarity: float
    same_title: bool
    lead_short: float
    lead_long: float
    other_day: bool = False  # both dated, on different calendar days (UTC)
    edition_title: bool = False  # headlines differ in a weekday/month name: another edition
    roundup: bool = False  # either text is a round-up of short items


def _evidence(pa: _Prepared, pb: _Prepared) -> PairEvidence | None:
    if not pa.size or not pb.size:
        return None
    short, long = (pa, pb) if pa.size <= pb.size else (pb, pa)
    inter = len(set(short.seq).intersection(long.seq))
    if inter < MIN_SHARED:
        return PairEvidence(inter / short.size, inter, short.size / long.size, 0.0, False, 0, 0)
    return PairEvidence(
        containment=inter / short.size,
        shared=inter,
        length_ratio=short.size / long.size,
        title_similarity=_title_similarity(pa.title, pb.title),
        same_title=pa.title == pb.title and _specific_title(pa.title),
        lead_short=_lead_in(short, long),
        lead_long=_lead_in(long, short),
        other_day=(
            pa.published is not None
            and pb.published is not None
            and pa.published.date() != pb.published.date()
        ),
        edition_title=bool((set(pa.title.split()) ^ set(pb.title.split())) & _EDITION_WORDS),
        roundup=pa.roundup or pb.roundup,
    )


def _decide(e: PairEvidence) -> bool:
    """The confirmation rules.  Every rule needs the bodies to share most of their text: a
    headline (or a URL) never merges on its own.  Containment alone is not enough either:
    different stories on one event (and press releases of one company) share whole
    paragraphs, so a high overlap must come with a shared lead or a similar headline."""
    if e.shared < MIN_SHARED:
        return False
    c, ts = e.containment, e.title_similarity
    lo, hi = min(e.lead_short, e.lead_long), max(e.lead_short, e.lead_long)
    if e.roundup:
        # Editions of a round-up share their template and many items, but each edition that
        # adds or drops items is another story: only a copy of the same edition merges.
        return c >= ROUNDUP_COPY and e.length_ratio >= ROUNDUP_LENGTH
    if e.length_ratio < HEAVY_TRUNCATION:
        # Summary-only / lead-only copy: nearly all of it inside the long text, starting at
        # the long text's lead, under a similar headline (not one item of a round-up).
        return c >= 0.8 and e.lead_short >= 0.6 and (ts >= 0.5 or e.same_title)
    if e.edition_title:
        return c >= 0.97  # "... Thursday at 9 PM" vs "... Friday at 3 AM": another edition
    if e.same_title:
        # re-scrape or update of one story under its headline: most of the body in common (a
        # recurring headline on another day needs a little more)
        return c >= (0.85 if e.other_day else SAME_TITLE_BODY)
    if ts >= 0.5 and ((c >= 0.6 and lo >= 0.3) or (c >= 0.8 and hi >= 0.5)):
        return True  # updated story or re-titled copy
    if ts >= 0.25 and c >= 0.8 and hi >= 0.6 and lo >= 0.2:
        return True  # re-titled wire copy with an edited lead
    return c >= 0.8 and lo >= 0.5  # verbatim copy under a different headline


def _confirm(pa: _Prepared, pb: _Prepared) -> bool:
    e = _evidence(pa, pb)
    if e is None or e.shared < MIN_SHARED:
        return False
    if pa.url is not None and pa.url == pb.url and not e.roundup:
        # one page fetched twice: its text may have been updated, but half of it must remain
        return e.containment >= SAME_URL_BODY or _decide(e)
    return _decide(e)


def pair_evidence(a: DedupeDoc, b: DedupeDoc, k: int = SHINGLE_K) -> PairEvidence | None:
    """The evidence the matcher weighs for ``a`` and ``b`` (``None`` if either is empty)."""
    return _evidence(_prepare(0, a, k), _prepare(1, b, k))


def match_score(a: DedupeDoc, b: DedupeDoc, k: int = SHINGLE_K) -> float:
    """Containment of the smaller document's shingles in the larger one's (0..1)."""
    e = pair_evidence(a, b, k)
    return e.containment if e else 0.0


def is_duplicate(a: DedupeDoc, b: DedupeDoc, k: int = SHINGLE_K) -> bool:
    """Are ``a`` and ``b`` copies of the same story (ignoring publication times)?"""
    return _confirm(_prepare(0, a, k), _prepare(1, b, k))


# --------------------------------------------------------------------------- clustering


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _buckets(prepared: Sequence[_Prepared]) -> tuple[list[list[int]], list[list[int]]]:
    """Blocking.  Strong keys (canonical URL, specific headline) give buckets of documents
    to link; sampled shingles give weak buckets, whose members are candidate pairs."""
    buckets: dict[object, list[int]] = defaultdict(list)
    for p in prepared:
        keys: set[object] = set(p.sample)
        if p.size and not p.sample:
            # Very short text with no sampled shingle: index its first shingle instead.
            keys.add(("first", p.seq[0]))
        if p.url:
            keys.add(("url", p.url))
        if _specific_title(p.title):
            keys.add(("title", p.title))
        for key in keys:
            buckets[key].append(p.idx)
    strong: list[list[int]] = []
    weak: list[list[int]] = []
    for key, members in buckets.items():
        if len(members) < 2:
            continue
        if isinstance(key, tuple) and key[0] in ("url", "title"):
            strong.append(members)
        elif len(members) <= MAX_BUCKET:  # larger: boilerplate shared by much of the corpus
            weak.append(members)
    return strong, weak


def _shared_counts(weak: Sequence[Sequence[int]], uf: _UnionFind) -> dict[tuple[int, int], int]:
    """For each pair of documents in a weak bucket, the number of buckets they share; only
    pairs not linked already (by the strong buckets) are counted, as linking skips the others.
    Copies under one headline are then not counted pair by pair: a story carried by 50 feeds
    shares each of its 64 sampled shingles with 49 others, 78,000 pairs kept for nothing."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for members in weak:
        roots = [uf.find(m) for m in members]
        if len(set(roots)) == 1:
            continue
        for i, a in enumerate(members):
            ra = roots[i]
            for j in range(i + 1, len(members)):
                if roots[j] != ra:
                    counts[(a, members[j])] += 1
    return counts


def _link_bucket(
    members: Sequence[int], prepared: Sequence[_Prepared], uf: _UnionFind, window: timedelta | None
) -> None:
    """Link the members of a strong bucket (one URL or one headline).

    Each member is compared with the groups already formed in the bucket, up to
    ``GROUP_SAMPLE`` members of each and ``MAX_GROUPS`` groups, and joins every group it
    matches (so it can bridge two).  A story syndicated by a thousand feeds under one
    headline then costs about a thousand comparisons, not half a million pairs."""
    groups: list[list[int]] = []
    for m in members:
        pm = prepared[m]
        joined: list[int] = []
        for g, group in enumerate(groups):
            for r in group:
                if uf.find(r) == uf.find(m) or (
                    _within(pm, prepared[r], window) and _confirm(pm, prepared[r])
                ):
                    uf.union(r, m)
                    joined.append(g)
                    break
        if not joined:
            if len(groups) < MAX_GROUPS:
                groups.append([m])
            continue
        merged = [x for g in joined for x in groups[g]]
        if len(merged) < GROUP_SAMPLE:
            merged.append(m)
        keep = [grp for g, grp in enumerate(groups) if g not in joined]
        groups = [merged[:GROUP_SAMPLE], *keep]


def _weak_pairs(
    counts: dict[tuple[int, int], int], prepared: Sequence[_Prepared]
) -> Iterable[tuple[int, int]]:
    for pair, n in counts.items():
        a, b = prepared[pair[0]], prepared[pair[1]]
        need = 2 if min(len(a.sample), len(b.sample)) >= 4 else 1
        if n >= need:
            yield pair


def _within(a: _Prepared, b: _Prepared, window: timedelta | None) -> bool:
    if window is None or a.published is None or b.published is None:
        return True
    return abs(a.published - b.published) <= window


def _canonical_key(p: _Prepared) -> tuple[int, datetime, int, str]:
    published = p.published or datetime.max.replace(tzinfo=UTC)
    return (p.published is None, published, -p.size, p.id)


def cluster_documents(
    docs: Iterable[DedupeDoc],
    window: timedelta | None = DEFAULT_WINDOW,
    k: int = SHINGLE_K,
) -> dict[str, str]:
    """Map each document id to its cluster id (the id of the cluster's canonical member).

    Documents are compared only when published within ``window`` of each other (``None``: no
    limit; undated documents are always comparable).  The canonical member is the earliest
    published one, then the most complete (most shingles), then the smallest id.

    ``docs`` may be a generator: each text is read once, to its shingles, and not kept.
    """
    bodies: dict[bytes, _Shingled] = {}
    prepared = [_prepare(i, d, k, bodies) for i, d in enumerate(docs)]
    del bodies
    uf = _UnionFind(len(prepared))
    strong, weak = _buckets(prepared)
    for members in strong:
        _link_bucket(members, prepared, uf, window)
    counts = _shared_counts(weak, uf)
    del weak
    for a, b in _weak_pairs(counts, prepared):
        pa, pb = prepared[a], prepared[b]
        if uf.find(a) == uf.find(b):
            continue
        if _within(pa, pb, window) and _confirm(pa, pb):
            uf.union(a, b)
    groups: dict[int, list[_Prepared]] = defaultdict(list)
    for p in prepared:
        groups[uf.find(p.idx)].append(p)
    result: dict[str, str] = {}
    for members in groups.values():
        canonical = min(members, key=_canonical_key).id
        for m in members:
            result[m.id] = canonical
    return result
