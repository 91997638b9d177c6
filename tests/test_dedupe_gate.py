"""The duplicate gate (eval/dedupe_eval.py) runs in CI: pairwise P/R below the floors fails,
and so does merging any labelled same-event, different-story pair."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("dedupe_eval", ROOT / "eval" / "dedupe_eval.py")
assert _spec and _spec.loader
dedupe_eval = importlib.util.module_from_spec(_spec)
sys.modules["dedupe_eval"] = dedupe_eval  # dataclasses look their module up
_spec.loader.exec_module(dedupe_eval)
FLOORS = json.loads((ROOT / "eval" / "relevance_floors.json").read_text(encoding="utf-8"))


def test_dedupe_floors_are_set() -> None:
    floors = FLOORS["dedupe"]
    assert set(floors) == {"precision", "recall", "negatives_merged_max"}
    assert 0.0 < floors["precision"] <= FLOORS["_targets"]["dedupe_precision"]
    assert 0.0 < floors["recall"] <= FLOORS["_targets"]["dedupe_recall"]
    assert floors["negatives_merged_max"] == 0


def test_a_number_below_a_floor_fails_the_check() -> None:
    floors = {"precision": 0.99, "recall": 0.95, "negatives_merged_max": 0}
    ok = {"precision": 0.996, "recall": 0.95, "negatives_merged": 0}
    assert dedupe_eval.check_floors(ok, floors) == []
    assert dedupe_eval.check_floors({**ok, "precision": 0.985}, floors) != []
    assert dedupe_eval.check_floors({**ok, "recall": 0.9}, floors) != []
    assert dedupe_eval.check_floors({**ok, "negatives_merged": 1}, floors) != []


def test_pairwise_matches_the_shared_definition() -> None:
    gold = [{"a", "b", "c"}, {"d", "e"}]
    pred = {"1": {"a", "b"}, "2": {"c", "d", "e"}}
    n_gold, n_pred, tp, p, r, _, _ = dedupe_eval.pairwise(gold, {"a", "b", "c", "d", "e"}, pred)
    assert (n_gold, n_pred, tp) == (4, 4, 2)
    assert p == 0.5 and r == 0.5


@pytest.mark.corpus
def test_dedupe_meets_its_floors_on_the_blind_pairs(corpus: Path) -> None:
    floors = FLOORS["dedupe_blind"]
    assert floors["precision"] <= FLOORS["_targets"]["dedupe_precision"]
    result = dedupe_eval.evaluate_blind(corpus)
    assert result["pairs"] >= 100 and result["copies"] > 0
    assert dedupe_eval.check_floors(result, floors) == [], result


@pytest.mark.corpus
def test_dedupe_meets_its_floors(corpus: Path) -> None:
    result = dedupe_eval.evaluate(corpus)
    assert result.docs > 0 and result.negatives > 0
    assert dedupe_eval.check_floors(result.as_dict(), FLOORS["dedupe"]) == [], (
        result.as_dict(),
        result.merged_negatives,
    )
