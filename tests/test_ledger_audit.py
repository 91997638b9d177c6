"""The ledger audit's replay (eval/ledger_audit.py) on 40 of the corpus's Feb 2025 articles: real
feeds on loopback, the real poll flow, a real DuckDB store, the ledgers as ``newswatch ledger``
builds them.  Every row must name a member or donor, and its sentence must be in its source
article (read in place; no corpus text is stored here, only file names)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from eval.ledger_audit import UNDER, audit_rows, replay
from monitors.decide.ledgers import aid_names, spending_names
from monitors.ingest.articles import load_article

# the articles the full replay keeps (every one holding a ledger row or candidate), the ones
# with a share of GDP the topic filter does not keep, then the first others by name, to 40
SUBSET = [
    "businessstandard/125021001076.en.md",
    "businessstandard/125021100091.en.md",
    "businessstandard/125021100681.en.md",
    "businessstandard/125021201902.en.md",
    "techcrunch/f7f7ec3f598dd1446e13b063a2a069a4.en.md",
    "thehill/5138596.en.md",
    "thehill/5140870.en.md",
    "thehill/5141419.en.md",
    "thehill/5142495.en.md",
    "thehill/5143467.en.md",
    "tradingview/tagreuters.com_2025-02-11newsml_ACSb7qlSa0.en.md",
    "tradingview/tagreuters.com_2025newsml_L8N3P41AC0.en.md",
    "morningstar/e2f19f0693d9f290831d7fbad57aea2a.en.md",
    "tipranks/1737121.en.md",
    "tradingview/DJN_DN202502130047470.en.md",
    "tradingview/DJN_DN202502130049190.en.md",
    "tradingview/DJN_DN202502130126830.en.md",
    "tradingview/DJN_DN202502130135050.en.md",
]
SIZE = 40
DEMAND = "thehill/5141419.en.md"  # "he wants them to be spending 5 percent of their GDP"


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.corpus
@pytest.mark.slow
def test_replayed_ledger_rows_name_members_and_quote_their_source(
    corpus: Path, tmp_path: Path
) -> None:
    top = corpus / UNDER
    if not top.is_dir():
        pytest.skip(f"no {UNDER} in {corpus}")
    chosen = [f"{UNDER}/{p}" for p in SUBSET]
    rest = sorted(str(p.relative_to(corpus)) for p in top.rglob("*.md"))
    chosen += [p for p in rest if p not in chosen][: SIZE - len(chosen)]
    assert len(chosen) == SIZE and all((corpus / p).is_file() for p in chosen)

    started = time.monotonic()
    rows = audit_rows(replay(corpus, chosen, tmp_path))
    assert time.monotonic() - started < 60  # ~10 s on the 2-core CI machine

    assert rows, "the replay yields no ledger row at all"
    names = {"spending": set(spending_names()), "aid": set(aid_names())}
    for row in rows:
        assert row["subject"] in names[row["ledger"]], row
        assert row["path"] in chosen, row  # a corpus path, not an unmapped URL
        text = _squash(load_article(corpus / row["path"]).full_text)
        assert _squash(row["sentence"]) in text, row
        assert row["source"] == Path(row["path"]).parent.name  # the outlet's feed
    # the demand of others (the Feb 2025 audit's one wrong row) is not a row
    assert not [r for r in rows if r["path"].endswith(DEMAND)]
    assert ("NATO", "gdp") in {(r["subject"], r["measure"]) for r in rows}
