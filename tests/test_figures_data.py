"""The figure extractor's vocabulary lives in data/figures_*.toml: every list there is read by
the package, and the regex groups built from a list mean what the table's header says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitors.nlp.figures import extract_figures
from monitors.nlp.figures.lexical import words_alt
from monitors.nlp.lexicon import DATA, table

PACKAGE = Path(__file__).resolve().parent.parent / "monitors" / "nlp" / "figures"
TABLES = sorted(p.stem for p in DATA.glob("figures_*.toml"))


def test_words_alt_reads_phrases_and_stems() -> None:
    rx = re.compile(rf"\b{words_alt(['in favour', 'vot*', 'in'])}\b", re.I)
    assert rx.fullmatch("in \n favour")  # a space in a phrase stands for any whitespace
    assert rx.fullmatch("Voting") and rx.fullmatch("vote")  # a stem takes any ending
    assert rx.match("in favour").group(0) == "in favour"  # the phrase wins over its first word
    assert not rx.fullmatch("vo")
    assert words_alt("a.b c") == r"(?:a\.b|c)"  # regex characters are literal


@pytest.mark.parametrize("name", TABLES)
def test_every_list_of_the_figure_tables_is_read(name: str) -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py"))
    assert f'"{name}"' in source or f"'{name}'" in source
    keys = [k for k, v in table(name).items() if not isinstance(v, dict) or k == "of_idioms"]
    unread = [k for k in keys if f'"{k}"' not in source and f"'{k}'" not in source]
    assert not unread, f"{name}.toml lists no module reads: {unread}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the duration after a hyphen (figures_words.compound_durations): no figure
        ("The 3-year plan costs a lot.", []),
        # a compound count word (figures_words.compound_count_words)
        ("They joined a 9,000-strong force.", [("9,000-strong", 9000.0, "count")]),
        # a bare "billions" after a verb of money (figures_context.money_verbs)
        ("The reform would save taxpayers billions.", [("billions", 1e9, "USD")]),
        # a rate of change after the percent (figures_context.growth_after): not of GDP
        ("NATO defence spending saw a 4% rise.", [("4%", 4.0, "percent")]),
        # a defence-spending sentence (figures_context.defence_words ...): of GDP
        ("Allies raised defence budgets to 3% this year.", [("3%", 3.0, "percent_gdp")]),
        # an invented of-idiom head (figures_words.of_idioms)
        ("It freed 12 prisoners of war on Monday.", [("12 prisoners of war", 12.0, "count")]),
    ],
)
def test_table_words_decide_the_figure(text: str, expected: list[tuple[str, float, str]]) -> None:
    assert [(f.text, f.value, f.unit) for f in extract_figures(text)] == expected
