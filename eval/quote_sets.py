"""Every labelled quote we have, as one list of documents with their outlet (issue 14).

Speaker attribution is trained and scored on these, with folds grouped by **outlet** (never by
article), so a model is always scored on copy from an outlet it has not seen.  Each label set is
a JSON-lines file of ``{"path", "sha1", "quotes": [{"start", "end", "speaker", "role"}], ...}``
with offsets into ``monitors.ingest.articles.load_article(path).full_text`` (no article text is
stored in the repository); the corpus's own dev labels (``labels/extract-dev-*.jsonl``) give
quote texts instead of offsets and are located in the text here.

usage: python eval/quote_sets.py [--corpus DIR]     (prints quotes per set and per outlet)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitors.ingest.articles import load_article  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
# PolNeAR (networkdynamics/PolNeAR, US election coverage of 2016 by seven publishers): its texts
# written out beside the checkout by scripts/polnear_texts.py; label paths "polnear/data/..."
# point into it.  Its own attribution annotations are not used: our labellers read the texts.
POLNEAR = Path(os.environ.get("NEWSWATCH_POLNEAR") or ROOT.parent / "polnear")
POLNEAR_OUTLETS = {
    "breitbart": "breitbart.com",
    "huff-post": "huffpost.com",
    "nyt": "nytimes.com",
    "politico": "politico.com",
    "usa-today": "usatoday.com",
    "wash-post": "washingtonpost.com",
    "west-journal": "westernjournal.com",
}
# the last round's blind set: never trained or tuned on (eval/train_speakers.py refuses to
# read it), scored once by the gate when its labels landed (round 7: quotes9_blind, PolNeAR
# texts); a spent blind set (quotes3_blind, quotes4_blind) is training data
BLIND = "quotes9_blind"
# spent blind sets not yet in the shipped model's training data: rounds 4 to 6 retrained with
# them and each retrained model fell below a floor of another set (round 4: quotes4_blind and
# quotes5_blind accuracy; round 5: the digest audit's item precision, 0.880 < 0.884; round 6:
# quotes5..7_blind accuracy and the digest audit), so the round-3 model ships and these wait
# for a retrain that keeps every floor
HELD_OUT = ("quotes5_blind", "quotes6_blind", "quotes7_blind", "quotes8_blind")
# set name -> label file in eval/; "blind" sets are scored once at the end of a round, never tuned
SETS = {
    "heldout": "corpus_labels.jsonl",
    "heldout2": "heldout2_labels.jsonl",
    "heldout3": "heldout3_labels.jsonl",
    "heldout4": "heldout4_labels.jsonl",
    "heldout5": "heldout5_labels.jsonl",
    "heldout6": "heldout6_labels.jsonl",
    "quotes3_train": "quotes3_train_labels.jsonl",
    "quotes3_blind": "quotes3_blind_labels.jsonl",
    "quotes4_blind": "quotes4_blind_labels.jsonl",
    "quotes5_blind": "quotes5_blind_labels.jsonl",
    "quotes6_blind": "quotes6_blind_labels.jsonl",
    "quotes7_blind": "quotes7_blind_labels.jsonl",
    "quotes8_blind": "quotes8_blind_labels.jsonl",
    "quotes9_blind": "quotes9_blind_labels.jsonl",
}
# sets whose texts live outside the corpus (PolNeAR): loaded only where those texts are present
EXTERNAL = {"quotes8_blind": POLNEAR, "quotes9_blind": POLNEAR}
# file-name prefixes of the wire services mixed in one corpus folder
WIRE_PREFIXES = (
    ("DJN", "dowjones"),
    ("tagreuters", "reuters"),
    ("urnnewsmlmtnewswires", "mtnewswires"),
    ("te", "tradingeconomics"),
)


@dataclass(frozen=True)
class GoldQuote:
    start: int
    end: int
    speaker: str | None
    role: str | None
    cue: str | None = None


@dataclass(frozen=True)
class QuoteDoc:
    set: str
    path: str
    outlet: str
    text: str
    quotes: tuple[GoldQuote, ...]


def outlet_of(path: str, urls: dict[str, str] | None = None) -> str:
    """The outlet a corpus path comes from: the unit of grouping for cross-validation."""
    parts = path.split("/")
    if parts[0] == "polnear":
        return POLNEAR_OUTLETS[parts[-1].split("_")[0]]
    repo = parts[1] if len(parts) > 1 else path
    if repo == "MmdrzaCo-Latest":
        return "cnn.com"
    if repo == "brian14708-wh-briefings":
        return "whitehouse.gov"
    if repo == "zhigehe-bulwark":
        site, name = parts[2], parts[-1]
        if site == "tradingview":
            return next((o for p, o in WIRE_PREFIXES if name.startswith(p)), "tradingview")
        return f"{site}.com"
    if repo == "scrapinghub-article-extraction-benchmark" and urls:
        return urls.get(parts[-1].split(".")[0], repo)
    return repo


def scrapinghub_urls(corpus: Path) -> dict[str, str]:
    from urllib.parse import urlparse

    gt = corpus / "articles" / "scrapinghub-article-extraction-benchmark" / "ground-truth.json"
    if not gt.exists():
        return {}
    data = json.loads(gt.read_text(encoding="utf-8"))
    return {k: urlparse(v["url"]).netloc.removeprefix("www.") for k, v in data.items()}


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_text(corpus: Path, path: str) -> str:
    """The labelled text: ``articles/...`` an article file (``load_article``), or
    ``feeds/<file>#<n>`` the n-th entry of a captured feed, as newswatch's parser and normaliser
    read it (title, blank line, text); ``polnear/...`` a PolNeAR text (``POLNEAR``)."""
    if path.startswith("polnear/"):
        return load_article(POLNEAR / path.removeprefix("polnear/")).full_text
    if "#" not in path:
        return load_article(corpus / path).full_text
    from datetime import UTC, datetime

    from monitors.ingest.normalise import normalise_entry
    from monitors.ingest.parse import parse_feed

    file, _, n = path.partition("#")
    feed = parse_feed(f"file:///{file}", (corpus / file).read_bytes())
    article = normalise_entry(feed.entries[int(n)], datetime(2026, 12, 1, tzinfo=UTC))
    if article is None:
        raise SystemExit(f"{path}: the feed entry has no usable text")
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def outlet_of_label(g: dict[str, Any], urls: dict[str, str]) -> str:
    """A label's outlet: written in the label when the path cannot tell (feed entries)."""
    return g.get("outlet") if "#" in g["path"] and g.get("outlet") else outlet_of(g["path"], urls)


def load_set(name: str, corpus: Path = DEFAULT_CORPUS) -> list[QuoteDoc]:
    """One label set; a text that no longer matches its sha1 stops the load, naming the file."""
    urls = scrapinghub_urls(corpus)
    out = []
    for g in _read(ROOT / "eval" / SETS[name]):
        text = load_text(corpus, g["path"])
        if hashlib.sha1(text.encode()).hexdigest() != g["sha1"]:
            raise SystemExit(f"eval/{SETS[name]}: {g['path']}: the loaded text changed (sha1)")
        quotes = tuple(
            GoldQuote(q["start"], q["end"], q.get("speaker"), q.get("role"), q.get("cue"))
            for q in g["quotes"]
        )
        out.append(QuoteDoc(name, g["path"], outlet_of_label(g, urls), text, quotes))
    return out


def available(name: str) -> bool:
    """The set's label file exists and, for a set of external texts, those texts are here."""
    return (ROOT / "eval" / SETS[name]).exists() and (
        name not in EXTERNAL or EXTERNAL[name].is_dir()
    )


def load_all(corpus: Path = DEFAULT_CORPUS, names: tuple[str, ...] | None = None) -> list[QuoteDoc]:
    return [d for n in (names or tuple(SETS)) if available(n) for d in load_set(n, corpus)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    docs = load_all(ap.parse_args().corpus)
    by_set: Counter[str] = Counter()
    by_outlet: Counter[str] = Counter()
    for d in docs:
        by_set[d.set] += len(d.quotes)
        by_outlet[d.outlet] += len(d.quotes)
    print(f"{len(docs)} documents, {sum(by_set.values())} quotes, {len(by_outlet)} outlets")
    for name, n in by_set.items():
        print(f"  set {name:16} {n:5}")
    for name, n in by_outlet.most_common():
        print(f"  outlet {name:30} {n:5}")


if __name__ == "__main__":
    main()
