"""The relevance gate (eval/topics_eval.py) runs in CI: a topic below its floor fails.

Floors live in eval/relevance_floors.json, per set (the project's labelled articles, the
labelled feed items, the corpus's 16 gold labels) and per topic; see docs/relevance.md.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("topics_eval", ROOT / "eval" / "topics_eval.py")
assert _spec and _spec.loader
topics_eval = importlib.util.module_from_spec(_spec)
sys.modules["topics_eval"] = topics_eval  # dataclasses look their module up
_spec.loader.exec_module(topics_eval)
FLOORS = json.loads((ROOT / "eval" / "relevance_floors.json").read_text(encoding="utf-8"))
SETS = ("articles", "feed", "gold", "blind", "blind2")


def _topics() -> list[str]:
    with (ROOT / "monitors.toml").open("rb") as f:
        return sorted(tomllib.load(f).get("topics", {}))


def test_floors_cover_every_topic_and_set() -> None:
    topics = _topics()
    assert topics, "monitors.toml defines no topics"
    assert set(FLOORS["topics"]) == set(SETS)
    for set_name in SETS:
        per_topic = FLOORS["topics"][set_name]
        assert sorted(per_topic) == topics, set_name
        for topic, metrics in per_topic.items():
            assert set(metrics) == {"precision", "recall"}, (set_name, topic)
            assert all(0.0 < v <= 1.0 for v in metrics.values()), (set_name, topic)
            # never pinned above the targets
            assert metrics["precision"] <= FLOORS["_targets"]["precision"]
            assert metrics["recall"] <= FLOORS["_targets"]["recall"]


def test_a_number_below_a_floor_fails_the_check() -> None:
    floors = {"articles": {"t": {"precision": 0.92, "recall": 0.90}}}
    ok = {"articles": {"t": {"precision": 0.95, "recall": 0.90}}}
    assert topics_eval.check_floors(ok, floors) == []
    low = {"articles": {"t": {"precision": 0.919, "recall": 0.95}}}
    failures = topics_eval.check_floors(low, floors)
    assert len(failures) == 1 and "precision" in failures[0]
    assert topics_eval.check_floors({"articles": {}}, floors) != []  # topic not evaluated
    assert topics_eval.check_floors({}, floors) != []  # set not evaluated


def test_topic_score_definitions() -> None:
    s = topics_eval.TopicScore("t", tp=9, fp=1, fn=3)
    assert s.precision == 0.9 and s.recall == 0.75
    assert abs(s.f1 - 2 * 0.9 * 0.75 / 1.65) < 1e-12
    assert topics_eval.TopicScore("t").precision == 1.0  # nothing predicted, nothing missed


def test_labelled_articles_are_well_formed() -> None:
    rows = topics_eval.load_labels(ROOT / "eval" / "topics_labels.jsonl")
    assert len(rows) >= 220
    paths = [r["path"] for r in rows]
    assert len(set(paths)) == len(paths), "an article is labelled twice"
    known = set(_topics())
    for r in rows:
        assert set(r) == {"path", "topics", "note"}, r
        assert str(r["path"]).startswith("articles/")
        assert set(r["topics"]) <= known, r
        assert 0 < len(str(r["note"])) <= 300, r  # a short note, never article text


@pytest.mark.corpus
def test_topic_rules_meet_their_floors(corpus: Path) -> None:
    results = topics_eval.evaluate_sets(corpus)
    for name, result in results.items():
        assert result.missing == 0, (name, [e for e in result.errors if "LOADERR" in e])
    assert set(SETS) <= set(results)  # labels3 (issue 16) is reported, not floored yet
    failures = topics_eval.check_floors(
        {k: v.as_dict() for k, v in results.items()}, FLOORS["topics"]
    )
    assert failures == []
