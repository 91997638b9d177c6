"""The learned speaker ranker (issue 14): candidates, model file, abstention, training."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from monitors.nlp.quotes import explain_quotes, extract_quotes
from monitors.nlp.quotes.candidates import Candidate, candidate_key
from monitors.nlp.quotes.pipeline import candidates_of, rank_quotes, rule_quotes
from monitors.nlp.quotes.ranker import MODEL_PATH, calibrate, choose, load_model, model_from_json

ROOT = Path(__file__).resolve().parent.parent

CLEAR = (
    "Budget talks\n\nDefence ministers met in Brussels on Monday to discuss the budget.\n\n"
    '"We will spend more on air defence this year," Defence Minister Anna Kowalska said.'
)
# two people in the paragraph before, no speech verb: nobody says who speaks
AMBIGUOUS = (
    "Budget talks\n\nMaria Lind met Peter Holm in Oslo on Monday, and Holm spoke with Lind "
    'about the plan before both left.\n\n"It is a fair deal for everyone involved here."'
)


def test_model_file_loads_and_knows_every_feature() -> None:
    model = load_model()
    assert model is not None, f"{MODEL_PATH} is missing or unreadable"
    assert 0.0 < model.threshold <= 1.0 and model.trees
    found = rule_quotes(CLEAR + "\n\n" + AMBIGUOUS.split("\n\n", 1)[1])
    names = set(model.weights)
    for cands in candidates_of(found):
        for c in cands:
            assert set(c.features) <= names, set(c.features) - names


def test_clear_said_is_attributed_above_the_threshold() -> None:
    model = load_model()
    assert model is not None
    [r] = rank_quotes(CLEAR)
    assert r.quote.speaker == "Anna Kowalska"
    assert r.choice.p is not None and r.choice.p >= model.threshold


def test_ambiguous_two_person_paragraph_abstains() -> None:
    [r] = rank_quotes(AMBIGUOUS)
    assert r.quote.speaker is None and r.quote.role is None
    assert {s for s, _ in r.choice.ranked} <= {"Maria Lind", "Peter Holm"}


def test_explain_says_when_the_ranker_abstained() -> None:
    text = CLEAR.replace("Defence Minister Anna Kowalska said", "she said")
    for q, how in explain_quotes(text):
        assert (q.speaker is None) == (how in (None, "abstained"))
    assert [q for q, _ in explain_quotes(CLEAR)] == extract_quotes(CLEAR)


def test_without_a_model_the_rules_speaker_is_emitted(tmp_path: Path) -> None:
    assert load_model(tmp_path / "missing.json") is None
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    assert load_model(tmp_path / "broken.json") is None


def test_fallback_emits_the_rules_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("monitors.nlp.quotes.ranker.load_model", lambda *a: None)
    rules = Candidate("Anna Kowalska", None, "person", rules="registry")
    other = Candidate("Peter Holm", None, "person")
    got = choose([other, rules])
    assert (got.speaker, got.p, got.emitted) == ("Anna Kowalska", None, True)
    assert not choose([other]).emitted


def test_calibration_interpolates_and_clips() -> None:
    xs, ys = (0.2, 0.6), (0.1, 0.9)
    assert calibrate(0.0, xs, ys) == 0.1 and calibrate(1.0, xs, ys) == 0.9
    assert calibrate(0.4, xs, ys) == pytest.approx(0.5)


def test_candidate_key_merges_spellings_of_one_person() -> None:
    assert candidate_key("Mark Rutte") == candidate_key("Rutte")
    assert candidate_key("the ministry") != candidate_key("Ministry of Defence")


def _trainer():
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("train_speakers", ROOT / "eval/train_speakers.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_speakers"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_training_is_reproducible_on_a_tiny_fixture() -> None:
    ts = _trainer()
    rows = []
    for k in range(60):  # invented rows: the rules' pick is right unless it is far away
        far = float(k % 5 == 0)
        rows.append(
            ts.QuoteRow(
                outlet=f"outlet{k % 6}",
                gold="A B",
                rules_speaker="A B",
                features=[{"rules": 1.0, "distance": far}, {"previous": 1.0, "distance": 0.5}],
                speakers=["A B", "C D"],
                labels=[int(not far), int(far)],
            )
        )
    table1, text1 = ts.train(rows)
    table2, text2 = ts.train([ts.QuoteRow(**{**r.__dict__, "oof": [], "top": -1}) for r in rows])
    assert text1 == text2 and table1 == table2
    model = model_from_json(json.loads(text1))
    assert model.trees and model.threshold == table1["threshold"]


def test_a_withheld_speaker_is_stored_with_its_best_candidate_and_probability(
    tmp_path: Path,
) -> None:
    from monitors.store.db import Store
    from tests.factories import T0, processed

    [withheld] = extract_quotes(AMBIGUOUS)
    [emitted] = extract_quotes(CLEAR)
    assert withheld.speaker is None and withheld.best_speaker in {"Maria Lind", "Peter Holm"}
    assert emitted.speaker == emitted.best_speaker == "Anna Kowalska"
    with Store(tmp_path / "s.duckdb") as s:
        s.upsert_articles([processed("a", quotes=[withheld, emitted])], T0)
        rows = s.con.execute(
            "SELECT speaker, best_speaker, speaker_p FROM quotes ORDER BY idx"
        ).fetchall()
    assert rows[0][:2] == (None, withheld.best_speaker)
    assert rows[1][:2] == ("Anna Kowalska", "Anna Kowalska")
    assert rows[0][2] == pytest.approx(withheld.speaker_p) and rows[0][2] < rows[1][2]


def test_the_environment_switch_turns_the_ranker_off_in_a_running_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a description after "according to": the rules name it, the ranker is not sure enough
    text = (
        "Budget line holds\n\nThe government will keep its defence budget flat next year, "
        'officials told allies on Monday.\n\nThe plan is "prudent and in line with our '
        'obligations", according to a finance ministry spokesperson.'
    )
    assert load_model() is not None  # loaded (and cached) first
    [withheld] = extract_quotes(text)
    assert withheld.speaker is None and withheld.best_speaker == "a finance ministry spokesperson"
    monkeypatch.setenv("NEWSWATCH_SPEAKER_RANKER", "off")
    assert load_model() is None
    [rules] = extract_quotes(text)
    assert rules.speaker == "a finance ministry spokesperson" and rules.speaker_p is None
