"""Unit tests for the topic rule language and matcher (monitors/nlp/topics/rules.py,
topic_doc.py, topics.py) on small invented rules: parse errors, terms and wildcards, proximity,
weights, headline and short-item handling, windows, sentence breaks.
"""

from __future__ import annotations

from typing import Any

import pytest

from monitors.errors import ConfigError
from monitors.nlp.sentences import split_sentences
from monitors.nlp.topics import match_topics, parse_topics
from tests.topic_helpers import load_default_rules, one_cue, topics_of


@pytest.fixture(scope="module")
def default_rules() -> list[Any]:
    return load_default_rules()


# ---------------------------------------------------------------- parsing errors name the field


@pytest.mark.parametrize(
    ("tables", "field"),
    [
        ({"t": {"cues": [{"any": ["x"], "weight": 1}]}}, "topics.t.threshold"),
        ({"t": {"threshold": "high", "cues": [{"any": ["x"], "weight": 1}]}}, "topics.t.threshold"),
        ({"t": {"threshold": 1}}, "topics.t.cues"),
        ({"t": {"threshold": 1, "cues": [{"any": ["x"]}]}}, "topics.t.cues[0].weight"),
        ({"t": {"threshold": 1, "cues": [{"weight": 1}]}}, "topics.t.cues[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "all": ["a", "b"], "weight": 1}]}},
            "topics.t.cues[0]",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"near": ["a", "b"], "weight": 1}]}},
            "topics.t.cues[0].within",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"near": ["a", "b"], "within": "ten", "weight": 1}]}},
            "topics.t.cues[0].within",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["@nope"], "weight": 1}]}},
            "topics.t.cues[0].any[0]",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": [""], "weight": 1}]}}, "topics.t.cues[0].any[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": 1, "colour": "red"}]}},
            "topics.t.cues[0].colour",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": 1, "zones": ["footer"]}]}},
            "topics.t.cues[0].zones",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": -1}]}}, "topics.t.cues"),
        (
            {"t": {"threshold": 1, "terms": {"a": [3]}, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.terms.a[0]",
        ),
        (
            {"t": {"threshold": 1, "bogus": 1, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.bogus",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"all": ["only-one"], "weight": 1}]}},
            "topics.t.cues[0].all",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": ["*"], "weight": 1}]}}, "topics.t.cues[0].any[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["a**"], "weight": 1}]}},
            "topics.t.cues[0].any[0]",
        ),
        (
            {"t": {"threshold": 1, "window": -1, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.window",
        ),
        (
            {"t": {"threshold": 1, "title_alone": "yes", "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.title_alone",
        ),
    ],
)
def test_parse_errors_name_file_and_field(tables: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_topics(tables, "conf/monitors.toml")
    msg = str(exc.value)
    assert msg.startswith(f"conf/monitors.toml: {field}:"), msg


def test_topics_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"^m\.toml: topics:"):
        parse_topics(["x"], "m.toml")  # type: ignore[arg-type]


def test_default_rules_parse(default_rules: list[Any]) -> None:
    assert [r.name for r in default_rules] == ["nato-spending", "ukraine-aid"]


# ---------------------------------------------------------------- terms, stems and wildcards


def test_terms_case_insensitive_word_boundary_and_wildcards() -> None:
    rules = parse_topics(one_cue(any=["spend*", "defen?e", "% of gdp"]), "t")
    assert topics_of("", "Allies SPENDING more.", rules) == {"t"}
    assert topics_of("", "The Defense ministry.", rules) == {"t"}
    assert topics_of("", "It reached 3.5% of GDP.", rules) == {"t"}
    assert topics_of("", "Overspend is not a match, nor is defenestration.", rules) == set()


def test_phrase_matches_across_hyphen_but_not_across_paragraphs() -> None:
    rules = parse_topics(one_cue(any=["defence spending"]), "t")
    assert topics_of("", "A defence-spending rise.", rules) == {"t"}
    assert topics_of("", "More defence\n\nspending news.", rules) == set()


def test_all_needs_every_group_in_one_sentence() -> None:
    rules = parse_topics(one_cue(all=["nato", ["budget", "spending"]]), "t")
    assert topics_of("", "NATO agreed a budget.", rules) == {"t"}
    assert topics_of("", "NATO met. The budget was cut.", rules) == set()


def test_none_vetoes_the_sentence() -> None:
    rules = parse_topics(one_cue(any=["gdp"], none=["growth"]), "t")
    assert topics_of("", "GDP growth was 2%.", rules) == set()
    assert topics_of("", "GDP growth was 2%. Spend 2% of GDP.", rules) == {"t"}


# ---------------------------------------------------------------- proximity


def test_proximity_within_n_words() -> None:
    rules = parse_topics(
        one_cue(near=["nato", ["spending", "budget", "gdp", "target"]], within=15), "t"
    )
    assert topics_of("", "NATO leaders on Tuesday agreed a new spending goal.", rules) == {"t"}
    far = "NATO " + "word " * 20 + "spending."
    assert topics_of("", far, rules) == set()
    near_before = "Spending pledges were the main item at the NATO meeting."
    assert topics_of("", near_before, rules) == {"t"}


def test_proximity_with_three_groups() -> None:
    rules = parse_topics(one_cue(near=["sent", "tanks", "ukraine"], within=6), "t")
    assert topics_of("", "Germany sent tanks to Ukraine.", rules) == {"t"}
    assert topics_of("", "Germany sent tanks to Poland.", rules) == set()


# ---------------------------------------------------------------- weights, negatives, threshold


def test_negative_cue_subtracts() -> None:
    tables = {
        "t": {
            "threshold": 2.0,
            "min_sentences": 1,
            "cues": [
                {"name": "pos", "any": ["budget"], "weight": 1.0, "max_hits": 5},
                {"name": "neg", "any": ["stocks"], "weight": -1.0, "max_hits": 5},
            ],
        }
    }
    rules = parse_topics(tables, "t")
    text = "The budget rose. The budget doubled. The budget grew."
    [m] = match_topics("", text, rules)
    assert m.score == pytest.approx(3.0 * 1.5 / 1.5 + 0.5 * 2) or m.score > 2
    assert "pos" in m.rule
    assert topics_of("", text + " Stocks fell. Stocks rose. Stocks were flat.", rules) == set()


def test_title_weighs_more_than_body() -> None:
    tables = {
        "t": {
            "threshold": 2.5,
            "min_sentences": 1,
            "lead_paragraphs": 0,
            "cues": [{"any": ["budget"], "weight": 1.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("Budget day", "Nothing else.", rules) == {"t"}  # 3.0 in the title
    assert topics_of("Day", "The budget.", rules) == set()  # 1.0 in the body


def test_max_hits_saturates_frequency() -> None:
    rules = parse_topics(one_cue(any=["aid"], max_hits=2), "t")
    [m] = match_topics("", "Aid. " * 10, rules)
    assert m.score == pytest.approx(3.0)  # 2 hits x 1.5 (lead)


def test_min_sentences_and_explanation() -> None:
    tables = {
        "t": {
            "threshold": 1.0,
            "min_sentences": 2,
            "cues": [{"name": "kw", "any": ["aid"], "weight": 1.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("", "Aid aid aid.", rules) == set()
    [m] = match_topics("", "Aid arrived.\n\nMore aid later.", rules)
    assert m.topic == "t" and m.terms == ("aid",)
    assert m.sentences == ("Aid arrived.", "More aid later.")
    assert "kw" in m.rule


# ---------------------------------------------------------------- headline, short items, window


def test_headline_alone_keeps_a_short_item_unless_contradicted() -> None:
    tables = {
        "t": {
            "threshold": 100.0,
            "title_alone": 2.0,
            "title_veto": 0.5,
            "short_article": 10,
            "cues": [
                {"name": "pos", "any": ["budget"], "weight": 2.0},
                {"name": "neg", "any": ["stocks"], "weight": -1.0},
            ],
        }
    }
    rules = parse_topics(tables, "t")
    [m] = match_topics("Budget rises", "Nothing else here.", rules)
    assert "headline" in m.rule
    assert topics_of("Budget rises", "Stocks fell.", rules) == set()  # contradicted
    assert topics_of("Other news", "The budget rises.", rules) == set()  # not in the headline
    long_body = " ".join(f"Sentence {i} is about weather." for i in range(20))
    assert topics_of("Budget rises", long_body, rules) == set()  # long text never supports it


def test_short_article_lowers_threshold_and_min_sentences() -> None:
    tables = {
        "t": {
            "threshold": 8.0,
            "min_sentences": 3,
            "short_article": 40,
            "lead_paragraphs": 0,
            "cues": [{"any": ["aid"], "weight": 2.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("Aid arrives", "The aid came by road.", rules) == {"t"}  # 6 + 2 >= 4
    long_text = "Aid came. " + " ".join(f"Line {i} says little." for i in range(50))
    assert topics_of("Aid arrives", long_text, rules) == set()  # 3 sentences needed


def test_window_scores_the_best_passage_only() -> None:
    tables = {
        "t": {
            "threshold": 3.0,
            "min_sentences": 1,
            "window": 5,
            "lead_paragraphs": 0,
            "cues": [{"any": ["aid"], "weight": 1.0, "max_hits": 10}],
        }
    }
    rules = parse_topics(tables, "t")
    filler = " ".join(f"Line {i} says little." for i in range(10))
    spread = "\n\n".join(["Aid one.", filler, "Aid two.", filler, "Aid three.", filler])
    together = "\n\n".join(["Aid one. Aid two. Aid three.", filler, filler, filler])
    assert topics_of("", spread, rules) == set()
    [m] = match_topics("", together, rules)
    assert "passage" in m.rule


def test_consecutive_stars_are_rejected_with_a_hint() -> None:
    with pytest.raises(ConfigError, match=r"'\*\*' is the same as '\*'"):
        parse_topics(one_cue(any=["spend**"]), "m.toml")


# ------------------------------------------------------- layout: table rules break sentences


def test_table_rules_split_sentences() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 2.0,
                "min_sentences": 1,
                "cues": [{"name": "pair", "all": ["alpha", "beta"], "weight": 2.0}],
            }
        },
        "test",
    )
    assert topics_of("", "alpha and beta in one sentence", rules) == {"t"}
    assert topics_of("", "alpha news | --- | --- | | beta news", rules) == set()
    assert topics_of("", "alpha news | | beta news", rules) == set()


def test_the_shared_splitter_breaks_at_table_rules() -> None:
    text = "Item one rose. | --- | --- | item two fell | | item three"
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Item one rose.",
        "item two fell",
        "item three",
    ]


# ---------------------------------------- feed items: headline and lead, short texts, groups


def test_headline_and_lead_are_read_together_for_near() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 1.0,
                "min_sentences": 1,
                "cues": [
                    {"name": "pair", "near": ["shells", "ukraine"], "within": 6, "weight": 1.0}
                ],
            }
        },
        "test",
    )
    # the headline names the subject, the summary the delivery: one passage for 'near'
    assert topics_of("Ukraine war", "Allies promise more shells this winter.", rules) == {"t"}
    # other paragraphs stay apart
    assert (
        topics_of("Ukraine war", "Weather report.\n\nAllies promise more shells.", rules) == set()
    )


def test_short_texts_of_five_or_more_sentences_need_two_evidence_sentences() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 4.0,
                "min_sentences": 3,
                "short_article": 40,
                "cues": [{"name": "b", "any": ["budget"], "weight": 4.0}],
            }
        },
        "test",
    )
    one = "The budget was approved."
    filler = [f"Item {i} covers the local weather." for i in range(6)]
    assert topics_of("News", " ".join([one, *filler[:2]]), rules) == {"t"}  # 3 sentences
    assert topics_of("News", " ".join([one, *filler]), rules) == set()  # 7 sentences, 1 on topic
    assert topics_of("Budget news", " ".join([one, *filler]), rules) == {"t"}  # headline agrees


def test_groups_are_shared_between_cues_and_leading_wildcards_still_match() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 1.0,
                "min_sentences": 1,
                "terms": {"k": ["kyiv", "ukrain*"]},
                "cues": [
                    {"name": "a", "near": ["aid", "@k"], "within": 3, "weight": 1.0},
                    {"name": "b", "near": ["arms", "@k"], "within": 3, "weight": 1.0},
                    {"name": "c", "any": ["?uros"], "weight": 1.0},
                ],
            }
        },
        "test",
    )
    assert rules[0].cues[0].groups[1] is rules[0].cues[1].groups[1]
    [m] = match_topics("", "New aid for Ukraine and arms for Kyiv.", rules)
    assert "a x1" in m.rule and "b x1" in m.rule
    assert topics_of("", "It costs ten euros.", rules) == {"t"}
