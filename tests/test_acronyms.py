"""A speaker named by an acronym the article defines gets the full name."""

from __future__ import annotations

from monitors.nlp.acronyms import expansions
from monitors.nlp.quotes import extract_quotes


def test_defined_acronyms_expand_to_the_words_before_the_bracket() -> None:
    text = (
        "Analysts at the Institute for the Study of War (ISW) and the U.S. Agency for "
        "International Development (USAID) spoke. He said (OK) twice."
    )
    assert expansions(text) == {
        "ISW": "Institute for the Study of War",
        "USAID": "U.S. Agency for International Development",
    }


def test_a_quote_by_the_acronym_takes_the_full_name() -> None:
    text = (
        "Russian troops advanced, according to the Institute for the Study of War (ISW).\n\n"
        "“Recent Russian advances appear to be the result of chaotic withdrawals,” ISW said."
    )
    assert [q.speaker for q in extract_quotes(text)] == ["Institute for the Study of War"]


def test_an_undefined_acronym_stays() -> None:
    text = "Analysts were cautious.\n\n“Prices will rise,” ING analysts said."
    assert [q.speaker for q in extract_quotes(text)] == ["ING analysts"]
