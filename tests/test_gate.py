"""The extraction quality gate (eval/gate.py) runs in CI: numbers below a floor fail."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("gate", ROOT / "eval" / "gate.py")
gate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gate)
FLOORS = json.loads((ROOT / "eval" / "floors.json").read_text(encoding="utf-8"))


def test_dev_sets_are_big_enough_and_cover_the_hard_forms() -> None:
    figs = gate.read_jsonl(ROOT / "eval" / "dev_figures.jsonl")
    quotes = gate.read_jsonl(ROOT / "eval" / "dev_quotes.jsonl")
    assert len(figs) + len(quotes) >= 60
    texts = " ".join(f["text"] for fig in figs for f in fig["figures"])
    for form in (
        "bn",
        "€",
        "US$",
        "per cent",
        "of GDP",
        "percentage point",
        "tens of billions",
        " of ",
    ):
        assert form in texts, form


def test_dev_sets_meet_their_floors() -> None:
    results = gate.run(corpus=None)
    assert gate.check(results, FLOORS) == []


@pytest.mark.corpus
def test_labelled_corpus_meets_its_floors(corpus: Path) -> None:
    results = gate.run(corpus=corpus)
    assert "corpus" in results
    assert gate.check(results, FLOORS) == []


def test_gate_fails_below_a_floor() -> None:
    results = {"corpus": {"figure_span_f1": 0.5}}
    assert gate.check(results, {"corpus": {"figure_span_f1": 0.95}}) != []


def test_scoring_matches_definitions() -> None:
    gold = {
        "figures": [{"text": "$1.5bn", "value": 1.5e9, "low": 1.5e9, "high": 1.5e9, "unit": "USD"}],
        "quotes": [{"text": "We will deliver", "speaker": "Boris Pistorius"}],
    }
    pred = {
        "figures": [
            {"text": "$1.5bn", "value": 1.5e9, "low": 1.5e9, "high": 1.5e9, "unit": "EUR"},
            {"text": "2025", "value": 2025, "unit": "count"},
        ],
        "quotes": [{"text": "We will deliver,", "speaker": "Pistorius"}],
    }
    s = gate.score([(gold, pred)])
    assert s["figure_span_p"] == 0.5 and s["figure_span_r"] == 1.0
    assert s["figure_value_acc"] == 0.0  # wrong currency
    assert s["quote_span_f1"] == 1.0 and s["speaker_acc"] == 1.0


@pytest.mark.corpus
def test_gate_agrees_with_the_shared_scorer(corpus: Path, tmp_path: Path) -> None:
    """Our metrics are the judge's: run shared/tools/score_extract.py on the same predictions."""
    import subprocess
    import sys

    scorer = corpus.parent / "tools" / "score_extract.py"
    if not scorer.exists():
        pytest.skip(f"no shared scorer at {scorer}")
    pairs, _ = gate.corpus_pairs(corpus)
    gold_files = sorted((corpus / "labels").glob("extract-dev-*.jsonl"))
    pred_file = tmp_path / "pred.jsonl"
    pred_file.write_text(
        "".join(json.dumps({"path": g["path"], "topics": []} | p) + "\n" for g, p in pairs),
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, str(scorer), ",".join(map(str, gold_files)), str(pred_file), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(out.stdout)
    ours = gate.score(pairs)
    assert ours["figure_span_f1"] == pytest.approx(theirs["figure_exact_P_R_F1"][2])
    assert ours["figure_value_acc"] == pytest.approx(theirs["figure_value_acc_on_matched"])
    assert ours["quote_span_f1"] == pytest.approx(theirs["quote_exact_P_R_F1"][2])
    assert ours["speaker_acc"] == pytest.approx(theirs["speaker_acc_on_matched"])
    assert ours["speaker_precision"] == pytest.approx(theirs["speaker_precision_emitted"])
    assert ours["quote_speaker_f1"] == pytest.approx(theirs["quote_speaker_end_to_end_F1"])
