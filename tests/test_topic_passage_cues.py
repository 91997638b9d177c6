"""Passage-only cues and whole Q&A turns (issue 16): vocabulary that counts inside a passage but
not over a whole long text, and a cut Q&A turn scored as one passage (``passage_merge``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from monitors.errors import ConfigError
from monitors.nlp.topics import match_topics, parse_topics

_FILLER = "The president spoke about the economy, jobs and the price of eggs in Ohio."

_RULES: dict[str, Any] = {
    "aid": {
        "threshold": 6.0,
        "min_sentences": 2,
        "sentence_cap": 4.0,
        "passages": True,
        "cues": [
            {
                "name": "aid-to-ukraine",
                "near": [["aid", "assistance"], ["ukraine"]],
                "within": 8,
                "weight": 2.0,
            },
            {
                "name": "money-given",
                "all": [["ukraine", "europe", "we"], ["gave", "spent"], ["# billion"]],
                "scope": "paragraph",
                "weight": 2.0,
                "passage_only": True,
            },
        ],
    }
}


def _doc(*paras: str) -> str:
    return "\n\n".join(paras)


def _rules(**changes: Any) -> list[Any]:
    tables = copy.deepcopy(_RULES)
    tables["aid"].update(changes)
    return parse_topics(tables, "test")


_ANSWER = [
    "Q On Ukraine: how much have we given?",
    "THE PRESIDENT: We gave them 350 billion, and Europe gave 100 billion.",
    "Europe spent 100 billion and we spent 350 billion on Ukraine aid.",
]


def test_a_passage_only_cue_counts_in_a_passage_and_not_over_the_whole_text() -> None:
    rules = _rules()
    text = _doc(*[_FILLER] * 12, *_ANSWER, *[_FILLER] * 12)
    (m,) = match_topics("Remarks", text, rules)
    assert "in Q&A turn (paragraphs 12-15)" in m.rule and "money-given" in m.rule
    # a short text (no passages) is scored as a whole, where the cue does not count
    short = _doc(*_ANSWER[1:], "Europe gave 100 billion and we gave 350 billion.")
    assert match_topics("Remarks", short, rules) == []
    without = copy.deepcopy(_RULES)
    without["aid"]["cues"][1]["passage_only"] = False
    assert match_topics("Remarks", short, parse_topics(without, "test"))  # it would count


def test_passage_only_needs_passages_and_a_boolean() -> None:
    with pytest.raises(ConfigError, match=r"cues\[1\].passage_only: needs passages = true"):
        _rules(passages=False)
    bad = copy.deepcopy(_RULES)
    bad["aid"]["cues"][1]["passage_only"] = "yes"
    with pytest.raises(ConfigError, match="passage_only: expected true or false"):
        parse_topics(bad, "test")


def test_passage_merge_scores_a_cut_qa_turn_whole() -> None:
    # one answer of 8 paragraphs is cut into blocks of 4, neither enough on its own
    turn = [
        "Q And on the money?",
        "MS. PSAKI: We announced aid to Ukraine of one billion.",
        "And Europe gave 100 billion.",
        _FILLER,
        _FILLER,
        "We gave Ukraine 650 million in security assistance, 3 billion in all.",
        _FILLER,
        _FILLER,
    ]
    text = _doc(*[_FILLER] * 10, *turn, "Q Next question on eggs?", *[_FILLER] * 10)
    assert match_topics("Briefing", text, _rules()) == []
    (m,) = match_topics("Briefing", text, _rules(passage_merge=12))
    assert "in Q&A turn (paragraphs 10-17)" in m.rule
    # a turn longer than the limit is not merged
    assert match_topics("Briefing", text, _rules(passage_merge=6)) == []
