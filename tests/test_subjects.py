"""Whose figure it is: the subject from the sentence's grammar, none when it does not say."""

from __future__ import annotations

import pytest

from monitors.nlp.figures import extract_figures


def subject_of(text: str, figure: str) -> str | None:
    return next(f.subject for f in extract_figures(text) if f.text == figure)


@pytest.mark.parametrize(
    ("text", "figure", "subject"),
    [
        # the clause's subject, a possessor, a named body the table does not know
        ("Germany's 50 billion euros will buy tanks.", "50 billion euros", "Germany"),
        (
            "The loans are one part of the EU’s wider €800 billion plan to rearm.",
            "€800 billion",
            "EU",
        ),
        (
            "The Air Shield Coalition, a group of Ukraine’s partners chaired by the Netherlands, "
            "has pledged $1.5bn for air defence.",
            "$1.5bn",
            "Air Shield Coalition",
        ),
        ("Canada to fund US$300m of air-defence interceptors for Ukraine", "US$300m", "Canada"),
        # a recipient when no giver is named
        (
            "Donor coalition pledges $1.5 billion for Ukraine's air defence",
            "$1.5 billion",
            "Ukraine",
        ),
        # a continuation takes the subject of the sentence before it
        (
            "Romania's government approved a draft budget on Monday. The draft raises defence "
            "spending to 2.8% of GDP, the finance ministry said.",
            "2.8% of GDP",
            "Romania",
        ),
        (
            "NATO ministers told to speed up as 23 of 32 allies file spending plans",
            "23 of 32 allies",
            "NATO",
        ),
        # not the nearest capitalised word
        (
            "Speaking at the White House podium, the spokesman said $300 million would follow.",
            "$300 million",
            None,
        ),
        (
            "The US and its allies and partners have provided $100 billion to Ukraine.",
            "$100 billion",
            None,
        ),
        ("Germany's Rheinmetall rose 2.1% to 713.20 euros.", "713.20 euros", None),
        ("Allies pledge $1.5bn to shield Ukrainian cities this winter", "$1.5bn", None),
        ("Trump allies want $5 billion for the wall.", "$5 billion", None),
        ("The plant is expected to cost €1.2bn, officials said.", "€1.2bn", None),
    ],
)
def test_subject_from_grammar(text: str, figure: str, subject: str | None) -> None:
    assert subject_of(text, figure) == subject


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        (
            "NATO leaders agreed to spend 5% of GDP on defence.\n\nThe 5% spending deal splits in "
            "two.",
            "percent_gdp",
        ),
        (
            "Allies pledged 2% of GDP in 2014.\n\nAt the Wales summit allies pledged at least 2 "
            "percent.",
            "percent_gdp",
        ),
        (
            "Allies pledged 2% of GDP in 2014.\n\nShares of defence firms rose 5% on Monday.",
            "percent",
        ),
    ],
)
def test_a_level_tied_to_gdp_nearby_is_a_share_of_gdp(text: str, unit: str) -> None:
    assert extract_figures(text)[-1].unit == unit


def test_a_figure_in_a_reporters_question_is_marked() -> None:
    text = (
        "MR. KIRBY: We announced a package today.\n\n"
        "Q Is it true that the package is worth $2 billion?\n\n"
        "MR. KIRBY: It is worth $1 billion."
    )
    figs = {f.text: f.question for f in extract_figures(text)}
    assert figs == {"$2 billion": True, "$1 billion": False}


def test_a_subordinate_opening_is_not_the_main_clause() -> None:
    text = (
        "When Russia launched its invasion, the United States responded quickly to the crisis "
        "in Ukraine—providing more than $1.9 billion to Ukrainians in need."
    )
    assert subject_of(text, "more than $1.9 billion") == "US"
