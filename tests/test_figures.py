"""Tests for monitors.nlp.figures (figure extraction) and monitors.nlp.sentences (splitting)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from monitors.model import Figure
from monitors.nlp.figures import extract_figures
from monitors.nlp.sentences import sentence_at, split_sentences

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "eval" / "dev_figures.jsonl"


def _dev_cases() -> list[dict]:
    with DEV.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _only(text: str) -> Figure:
    figs = extract_figures(text)
    assert len(figs) == 1, figs
    return figs[0]


@pytest.mark.parametrize("case", _dev_cases(), ids=lambda c: c["id"])
def test_dev_set(case: dict) -> None:
    text = case["text"]
    got = extract_figures(text)
    assert [f.text for f in got] == [g["text"] for g in case["figures"]]
    for f, g in zip(got, case["figures"], strict=True):
        assert f.unit == g["unit"], f
        assert _close(f.value, g["value"]), f
        assert _close(f.low, g["low"]), f
        assert _close(f.high, g["high"]), f
        assert _close(f.of, g["of"]), f
        assert f.qualifier == g["qualifier"], f
        assert f.approx == g["approx"], f
        assert text[f.start : f.end] == f.text
        assert f.text in f.sentence


def test_dev_set_is_large_enough() -> None:
    assert len(_dev_cases()) >= 70


def test_offsets_and_sentence() -> None:
    text = "Title here\n\nFirst sentence. Germany will spend €10bn on tanks. Last one."
    f = _only(text)
    assert text[f.start : f.end] == "€10bn"
    assert f.sentence == "Germany will spend €10bn on tanks."
    assert f.subject == "Germany"


def test_subject_prefers_left() -> None:
    f = _only("Poland will buy 96 helicopters from the United States.")
    assert f.subject == "Poland"


def test_figure_across_line_break() -> None:
    f = _only("allies met the commitment to at least 2 percent\nof their GDP on defense")
    assert f.text == "at least 2 percent\nof their GDP"
    assert f.unit == "percent_gdp"
    assert f.qualifier == "at_least"


def test_quoted_north_qualifier() -> None:
    f = _only('Rutte said spending could need to go "north" of three percent.')
    assert f.value == 3.0 and f.qualifier == "more_than"


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "$",
        "%",
        "between",
        "more than",
        "$.",
        "1,",
        "tens of",
        "half a",
        "\n\n\n",
        "₴" * 50,
        "9" * 500,
        "1.2.3.4.5%",
        "$1-",
        "US$",
        "A$ billion",
        "twenty-",
        '"north" of',
    ],
)
def test_never_raises(text: str) -> None:
    assert isinstance(extract_figures(text), list)


def test_split_sentences_abbreviations() -> None:
    text = (
        "Mr. Smith met Gen. Brown in the U.S. on Monday. The U.S. Army said 3.5% was fine. "
        'J. D. Vance agreed! "It is done." No. 10 said so.\n\nNew paragraph here.'
    )
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "Mr. Smith met Gen. Brown in the U.S. on Monday.",
        "The U.S. Army said 3.5% was fine.",
        "J. D. Vance agreed!",
        '"It is done."',
        "No. 10 said so.",
        "New paragraph here.",
    ]


def test_split_sentences_dotted_abbreviation_at_end() -> None:
    text = "Aid went to the U.S. The talks went on."
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == ["Aid went to the U.S.", "The talks went on."]


def test_sentence_at() -> None:
    text = "One. Two three. Four."
    spans = split_sentences(text)
    assert text[slice(*sentence_at(text, spans, 7))] == "Two three."


@pytest.mark.corpus
@pytest.mark.slow
def test_whole_corpus_no_exceptions_and_spans_index_the_text(
    corpus_texts: list[tuple[Path, str]],
) -> None:
    """Every corpus article: no exception, every span is the text it claims.  Speed is
    measured by bench/extract.py (ms per article), not here."""
    assert len(corpus_texts) > 1000
    for p, text in corpus_texts:
        for f in extract_figures(text):
            assert text[f.start : f.end] == f.text, p


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("German aid to Ukraine will be cut to €4 billion next year.", "Germany"),
        ("Poland, which borders Ukraine, spends 4.1% of GDP on defence.", "Poland"),
        ("Allies agreed to spend 5% of GDP on defence.", "NATO"),
        ("Germany will comply with the NATO target of 2% of GDP.", "NATO"),
        ("The European Union pledged €50bn for reconstruction.", "EU"),
        ("Kyiv has received more than $60 billion in weapons.", "Ukraine"),
        ("Germany’s defence budget rose by 23.2 percent.", "Germany"),
        ("So far 23 of NATO's 32 members meet the guideline.", "NATO"),
        ("Spending jumped 7% to $4bn, mainly due to the war in Ukraine.", None),
    ],
)
def test_subject_canonical_and_grammatical(text: str, subject: str | None) -> None:
    assert extract_figures(text)[0].subject == subject


def test_chained_series_share_unit_and_subject() -> None:
    figs = extract_figures("Poland wants NATO to lift the target to 4% of GDP from 2%.")
    assert [(f.text, f.unit, f.subject) for f in figs] == [
        ("4% of GDP", "percent_gdp", "NATO"),
        ("2%", "percent_gdp", "NATO"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Retailers cut prices on 4K TVs and 8K monitors.",
        "Crossings at the border rose to 1,200 per day.",
        "Output rose to 1.1 million barrels per day from 0.87 million.",
        "The Ministry of Finance unveiled a billion-dollar plan.",
        "The 31-page report was published on Monday.",
    ],
)
def test_not_figures(text: str) -> None:
    assert extract_figures(text) == []


def test_table_row_does_not_join_coordinated_labels() -> None:
    text = "Operating income 801 689 Interest and other financial charges 121 131"
    assert all(" and " not in f.text for f in extract_figures(text))


def test_indian_scale_words() -> None:
    f = _only("Investors sold shares worth Rs 24,888 crore this month.")
    assert f.text == "Rs 24,888 crore" and f.unit == "INR" and _close(f.value, 2.4888e11)


@pytest.mark.parametrize(
    ("text", "span", "qualifier"),
    [
        ("Gold up >1%; yields down to ~4.2%", ">1%", "more_than"),
        ("Gold up >1%; yields down to ~4.2%", "~4.2%", "about"),
        ("Costs stayed <$3bn this year.", "<$3bn", "less_than"),
    ],
)
def test_symbol_hedges(text: str, span: str, qualifier: str) -> None:
    got = {f.text: f.qualifier for f in extract_figures(text)}
    assert got[span] == qualifier


@pytest.mark.parametrize(
    "text",
    [
        "($1 = 0.9211 euros)",
        "Shares of Stoxx Europe 600 companies fell.",
        "The euro zone has one euro currency for all members.",
        "He bought a dollar store.",
        "Those numbers were 3 > 2 and 5 ~ 6.",
    ],
)
def test_not_figures_new_classes(text: str) -> None:
    assert extract_figures(text) == []


def test_hyphenated_scale_and_spelled_money() -> None:
    figs = extract_figures("It took a 300-million-euro loss and would not sell for one euro.")
    assert [(f.text, f.unit, f.value) for f in figs] == [
        ("300-million-euro", "EUR", 3e8),
        ("one euro", "EUR", 1.0),
    ]


def test_vague_more_and_another_bare_count() -> None:
    figs = extract_figures(
        "Millions of people left and millions more stayed; it drafted another 20,000 — then more."
    )
    assert [(f.text, f.value, f.approx) for f in figs] == [
        ("Millions of people", 1e6, True),
        ("millions more", 1e6, True),
        ("20,000", 2e4, False),
    ]


def test_percent_of_gdp_from_paragraph_and_repeat() -> None:
    text = (
        "Allies vowed to spend 2% of GDP on defence.\n\nBut allies say 2% is not enough. "
        "We must raise defence spending. Four percent is the start."
    )
    assert [(f.text, f.unit) for f in extract_figures(text)] == [
        ("2% of GDP", "percent_gdp"),
        ("2%", "percent_gdp"),
        ("Four percent", "percent_gdp"),
    ]
    market = "Defence spending is rising. Shares of BAE rose 3%."
    assert [f.unit for f in extract_figures(market)] == ["percent"]


def test_signed_changes_keep_their_sign() -> None:
    text = (
        "At the close the krona was +0.45% and the zloty -1.10%, while the curve stood at "
        "+18.5bp (-0.2% on the week). The F-16 deal and a 3-5% range are unchanged."
    )
    assert [(f.text, f.value, f.unit) for f in extract_figures(text)] == [
        ("+0.45%", 0.45, "percent"),
        ("-1.10%", -1.1, "percent"),
        ("+18.5bp", 0.185, "pp"),
        ("-0.2%", -0.2, "percent"),
        ("3-5%", 3.0, "percent"),
    ]


def test_basis_point_range_after_a_change_verb() -> None:
    figs = extract_figures(
        "Bund yields rose 3 to 5 basis points; the spread went from 7 to 9 basis points."
    )
    assert [(f.text, f.low, f.high) for f in figs] == [
        ("3 to 5 basis points", 0.03, 0.05),
        ("9 basis points", 0.09, 0.09),
    ]
