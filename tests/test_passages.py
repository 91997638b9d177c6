"""Passages of long documents (monitors/nlp/passages.py) and passage-level topic matching."""

from __future__ import annotations

import dataclasses

from monitors.nlp.passages import MAX_PARAGRAPHS, split_passages
from monitors.nlp.topics import match_topics, parse_topics

_FILLER = "The president spoke about the economy, jobs and the price of eggs in Ohio."


def _doc(*paras: str) -> str:
    return "\n\n".join(paras)


def test_short_texts_have_no_passages() -> None:
    assert split_passages(_doc("One.", "Two.", "Three.")) == []


def test_questions_start_qa_turns_and_cover_every_paragraph() -> None:
    text = _doc(
        *[_FILLER] * 4,
        "Q Thank you. On NATO, are allies spending enough?",
        "THE PRESIDENT: Most are at two percent now.",
        "Q And on tariffs?",
        "THE PRESIDENT: Tariffs are great.",
        _FILLER,
    )
    ps = split_passages(text)
    assert [(p.first, p.last, p.kind) for p in ps] == [(0, 3, "block"), (4, 5, "qa"), (6, 8, "qa")]
    assert ps[1].heading.startswith("Thank you. On NATO")
    assert ps[1].label().startswith("Q&A turn (paragraphs 4-5)")


def test_headings_name_sections_and_long_blocks_are_cut() -> None:
    body = [_FILLER] * (MAX_PARAGRAPHS + 3)
    text = _doc("Contents", "Markets wrap", "Tariffs", *body, "Defence budgets", _FILLER, _FILLER)
    ps = split_passages(text)
    assert ps[0].first == 0 and ps[0].kind == "block"  # a run of headings is one block
    named = [p for p in ps if p.kind == "section"]
    assert named[-1].heading == "Defence budgets" and named[-1].last == len(body) + 5
    assert all(p.last - p.first + 1 <= MAX_PARAGRAPHS for p in ps)
    assert [p.first for p in ps] == sorted(p.first for p in ps)
    assert ps[-1].last == len(body) + 5


_RULES = {
    "nato-spending": {
        "threshold": 8.0,
        "min_sentences": 2,
        "cues": [
            {
                "name": "target",
                "near": [["nato", "allies"], ["spend*", "gdp"]],
                "within": 8,
                "weight": 3.0,
            },
            {"name": "eggs", "any": ["eggs"], "weight": -1.0},
        ],
    }
}


def test_one_passage_about_the_topic_keeps_a_long_transcript_and_is_named() -> None:
    (rule,) = parse_topics(_RULES, "test")
    spending = [
        "Q On NATO: will allies spend more?",
        "THE PRESIDENT: Allies now spend two percent of GDP, and NATO allies spend more each year.",
        "Allies spending has gone up. NATO allies spend more than before on GDP terms.",
    ]
    text = _doc(*[_FILLER] * 12, *spending, *[_FILLER] * 12)
    assert match_topics("Remarks by the President", text, [rule]) == []  # the eggs outweigh it
    on = dataclasses.replace(rule, passages=True)
    (m,) = match_topics("Remarks by the President", text, [on])
    assert "in Q&A turn (paragraphs 12-15)" in m.rule
    assert any("two percent of GDP" in s for s in m.sentences)
    # the same sentences spread over separate passages do not add up
    spread = _doc(*[_FILLER] * 6, spending[1], *[_FILLER] * 12, spending[2], *[_FILLER] * 6)
    assert match_topics("Remarks", spread, [on]) == []
