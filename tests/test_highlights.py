"""What the digest highlights: figures whose sentence is about a topic, quotes that are
statements; snippets cut around the figure."""

from __future__ import annotations

import pytest

from monitors.nlp.highlights import figure_topic, is_statement
from reports.digest import cut_snippet

TOPICS = ("nato-spending", "ukraine-aid")


def topic(sentence: str, text: str, unit: str) -> str | None:
    return figure_topic(
        sentence=sentence,
        text=text,
        unit=unit,
        span_start=None,
        topics=TOPICS,
        article_topics=TOPICS,
    )


@pytest.mark.parametrize(
    ("sentence", "text", "unit", "want"),
    [
        (
            "Lithuania will lift defence spending to 5.5% of GDP.",
            "5.5% of GDP",
            "percent_gdp",
            "nato-spending",
        ),
        (
            "German lawmakers clear 50 billion euros for weapons purchases.",
            "50 billion euros",
            "EUR",
            "nato-spending",
        ),
        (
            "NATO ministers heard that 23 of 32 allies filed spending plans.",
            "23 of 32 allies",
            "count",
            "nato-spending",
        ),
        (
            "Canada will fund US$300m of air-defence interceptors for Ukraine.",
            "US$300m",
            "USD",
            "ukraine-aid",
        ),
        (
            "Japan ships hundreds of generators to Ukrainian cities.",
            "hundreds of generators",
            "count",
            "ukraine-aid",
        ),
        # the off-topic highlights: they stay in their stories
        (
            "The plant, funded by EU defence loans, will create hundreds of jobs.",
            "hundreds of jobs",
            "count",
            None,
        ),
        (
            "Up to 140 trucks entered Gaza on Sunday, aid agencies said.",
            "140 trucks",
            "count",
            None,
        ),
        (
            "The economy grew 5 percent last year as defence orders rose.",
            "5 percent",
            "percent",
            None,
        ),
        (
            "War damage to Ukraine now exceeds $486 billion, the World Bank said.",
            "$486 billion",
            "USD",
            None,
        ),
        (
            "Dozens of companies have registered to bid for defence loans.",
            "Dozens of companies",
            "count",
            None,
        ),
        (
            "Shares of Rheinmetall, which makes shells for Ukraine, rose 5% to 713 euros.",
            "713 euros",
            "EUR",
            None,
        ),
    ],
)
def test_only_figures_whose_sentence_is_about_a_topic_are_highlighted(
    sentence: str, text: str, unit: str, want: str | None
) -> None:
    assert topic(sentence, text, unit) == want


def test_a_topic_without_a_vocabulary_takes_its_articles_figures() -> None:
    got = figure_topic(
        sentence="Rainfall reached 40 millimetres.",
        text="40",
        unit="count",
        span_start=None,
        topics=("weather",),
        article_topics=("weather",),
    )
    assert got == "weather"


@pytest.mark.parametrize(
    ("quote", "statement"),
    [
        ("rapid close", False),
        ("decisive enabler", False),
        ("north of three percent", False),
        ("We must spend more", True),
        ("a warning, not a verdict", True),
        ("The money is starting to move, but it has to move faster.", True),
    ],
)
def test_fragments_are_not_statements(quote: str, statement: bool) -> None:
    assert is_statement(quote) is statement


def test_snippet_is_cut_around_the_figure_not_from_the_sentence_start() -> None:
    sentence = (
        "In a long statement on the state of the alliance, read out at the end of a "
        "two-day meeting in Brussels that also covered cyber defence and space, the "
        "ministers agreed that allies would spend 3.5% of GDP on core defence by 2035 "
        "and a further 1.5% on resilience, infrastructure and industry."
    )
    before, fig, after = cut_snippet(sentence, "3.5% of GDP", None, width=120)
    assert fig == "3.5% of GDP"
    assert before.startswith("…") and after.endswith("…")
    assert len(before) + len(fig) + len(after) <= 125
    assert sentence.index("3.5% of GDP") > 120  # a cut from the start would have lost it
    short = cut_snippet("Allies agreed 2% of GDP.", "2% of GDP", 14)
    assert short == ("Allies agreed ", "2% of GDP", ".")
    assert cut_snippet("No figure here.", "5%", None) == ("", "5%", "")


@pytest.mark.parametrize(
    ("speaker", "ok"),
    [
        ("Mark Rutte", True),
        ("a European diplomat", True),
        ("the Kremlin", True),
        ("the source", False),
        ("The official", False),
        ("the deputy prime minister", False),
        ("the NATO chief", True),
        (None, False),
        ("", False),
    ],
)
def test_a_bare_back_reference_is_not_a_speaker_to_forward(speaker: str | None, ok: bool) -> None:
    from monitors.nlp.highlights import forwardable_speaker

    assert forwardable_speaker(speaker) is ok
