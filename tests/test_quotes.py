"""Tests for monitors.nlp.quotes: attribution forms, negatives, robustness, the labelled dev set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from monitors.model import Quote
from monitors.nlp.quotes import extract_quotes
from tests.factories import growth


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests pin the rule stages (the ranker's candidate source): the speaker the rules
    choose, without the learned ranker's abstentions (tests/test_speaker_ranker.py)."""
    monkeypatch.setattr("monitors.nlp.quotes.ranker.load_model", lambda *a: None)


DEV = Path(__file__).resolve().parent.parent / "eval" / "dev_quotes.jsonl"
_QM = "\"'“”‘’«»„‚"


def _norm(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().strip(_QM).strip()
    return text.rstrip(",.;:—– ").strip(_QM).strip().lower()


def _speaker_ok(gold: str | None, pred: str | None) -> bool:
    if not gold:
        return not pred
    if not pred:
        return False
    last = re.sub(r"[^\w]", "", gold.split()[-1].lower())
    return last in re.sub(r"[^\w ]", "", pred.lower())


def _load_dev() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def _by_text(quotes: list[Quote]) -> dict[str, Quote]:
    return {_norm(q.text): q for q in quotes}


# Labelled honestly but not handled yet (none at the moment).
KNOWN_GAPS: set[str] = set()


def _dev_params() -> list:
    return [
        pytest.param(c, id=c["id"], marks=pytest.mark.xfail(strict=True, reason="known gap"))
        if c["id"] in KNOWN_GAPS
        else pytest.param(c, id=c["id"])
        for c in _load_dev()
    ]


@pytest.mark.parametrize("case", _dev_params())
def test_dev_set(case: dict) -> None:
    got = extract_quotes(case["text"])
    gold = [(_norm(q["text"]), q["speaker"]) for q in case["quotes"]]
    assert sorted(_norm(q.text) for q in got) == sorted(t for t, _ in gold)
    found = _by_text(got)
    for text, speaker in gold:
        assert _speaker_ok(speaker, found[text].speaker), (text, speaker, found[text].speaker)


def test_dev_set_is_big_enough() -> None:
    cases = _load_dev()
    assert len(cases) >= 60
    assert len({c["id"] for c in cases}) == len(cases)


def test_returns_quote_objects_with_offsets() -> None:
    text = 'Title\n\n"We are ready," Defence Minister Lars Holm said.'
    [q] = extract_quotes(text)
    assert isinstance(q, Quote)
    assert text[q.start : q.end] == q.text
    assert q.speaker == "Lars Holm"
    assert q.role == "Defence Minister"
    assert "Lars Holm said" in q.sentence


def test_fullest_name_and_pronoun() -> None:
    text = (
        "T\n\nNATO Secretary General Mark Rutte met ministers.\n\n"
        '"Allies must do more," Rutte said. "Much more," he added.'
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Mark Rutte", "Mark Rutte"]


def test_split_quote_gives_two_spans_same_speaker() -> None:
    text = 'T\n\n"First part," Senator Ruth Calloway said, "and second part."'
    quotes = extract_quotes(text)
    assert [q.text for q in quotes] == ["First part,", "and second part."]
    assert {q.speaker for q in quotes} == {"Ruth Calloway"}


def test_apostrophes_never_open_quotes() -> None:
    text = "Ukraine's allies don't agree\n\nIn the '90s the allies' budgets fell. It's over."
    assert extract_quotes(text) == []


def test_scare_quotes_and_names_are_not_quotes() -> None:
    text = 'T\n\nThe "America First" agenda and the so-called "peace dividend" were debated.'
    assert extract_quotes(text) == []


def test_headline_fragment_without_speaker_is_dropped() -> None:
    text = "Allies fret over 'burden sharing'\n\nMinisters meet next week in Brussels."
    assert extract_quotes(text) == []


def test_odd_marks_do_not_stop_extraction() -> None:
    text = 'T\n\nHe bought a 12" screen.\n\n"We need a bigger budget," Senator Alma Reyes said.'
    quotes = extract_quotes(text)
    assert [q.text for q in quotes] == ["We need a bigger budget,"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        '"',
        "“",
        "”",
        "'",
        '""',
        "“”",
        '" "',
        "«»",
        'a"b"c',
        "x" * 10000,
        '"' * 501,
        "“" * 300 + "”" * 300,
        'said "',
        '" said',
        "he said.",
        "\n\n".join(['"a'] * 200),
    ],
)
def test_never_raises(text: str) -> None:
    assert isinstance(extract_quotes(text), list)


def test_long_transcript_is_linear() -> None:
    para = 'Q: What did he say? MS. SMITH: He said "we will see," and that is all. '

    def extract(n: int) -> None:
        extract_quotes("T\n\n" + "\n\n".join([para * 3] * n))

    assert growth(extract, 150, 1500, repeat=2) < 25  # linear ~10


@pytest.mark.corpus
@pytest.mark.slow
def test_whole_corpus_without_exceptions(corpus_texts: list[tuple[Path, str]]) -> None:
    assert len(corpus_texts) > 1000
    for path, text in corpus_texts:
        for q in extract_quotes(text):
            assert q.text, path


def test_explain_names_the_strategy_that_chose_each_speaker() -> None:
    from monitors.nlp.quotes import STRATEGY_NAMES, explain_quotes

    text = (
        "Talks\n\nDefence minister Ana Rivas spoke on Monday. “We will pay our share,” she "
        "said. “The budget is ready,” Rivas added."
    )
    got = {q.text: (q.speaker, s) for q, s in explain_quotes(text)}
    assert got["We will pay our share,"] == ("Ana Rivas", "pronoun_previous")
    assert got["The budget is ready,"] == ("Ana Rivas", "registry")
    assert [q for q, _ in explain_quotes(text)] == extract_quotes(text)
    assert "pronoun_previous" in STRATEGY_NAMES
