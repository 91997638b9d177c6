"""The fullest name an article gives, as a speaker (issue 14, round 5: the name-form errors of
the labelled sets -- a middle initial, a given or family name used alone, a couple's shared
surname, a generational suffix -- fixed as grammar over the article's own names)."""

from __future__ import annotations

import pytest

from monitors.nlp.quotes import extract_quotes


@pytest.fixture(autouse=True)
def _rules_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule stages' speaker (the ranker's candidate source), without abstentions."""
    monkeypatch.setattr("monitors.nlp.quotes.ranker.load_model", lambda *a: None)


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in extract_quotes(text)]


def test_a_middle_initial_does_not_end_the_name() -> None:
    text = (
        "Tariffs bite.\n\nPrices have risen, said Ruth K. Tamsin, an economist at Ardmore. "
        '"Importers pay first," she said.\n\n"Shoppers pay next," Tamsin said.'
    )
    assert _speakers(text) == ["Ruth K. Tamsin", "Ruth K. Tamsin"]


@pytest.mark.parametrize(
    ("intro", "alone", "full"),
    [
        # a given name, then a family name written first
        ("Marlene Fanshawe says she lost her savings.", "Marlene", "Marlene Fanshawe"),
        ("Wei Lanxin won the final.", "Wei", "Wei Lanxin"),
    ],
)
def test_a_name_used_alone_takes_the_fuller_form(intro: str, alone: str, full: str) -> None:
    text = f'Story\n\n{intro}\n\n"It was the hardest day," {alone} said.'
    assert _speakers(text) == [full]


def test_a_couples_shared_surname() -> None:
    text = (
        "Story\n\nThe nest was found by researchers Tomas and Greta Vindelholm.\n\n"
        '"We had to wait," says Tomas.'
    )
    assert _speakers(text) == ["Tomas Vindelholm"]


@pytest.mark.parametrize(
    "text",
    [
        # a company is no given name: its product is not its fuller name
        'Story\n\nMicrosoft Windows crashed.\n\n"We are working on it," Microsoft said.',
        # two different people share the given name: ambiguous, left as written
        'Story\n\nMarlene Fanshawe and Marlene Marchbank met.\n\n"Fine," Marlene said.',
    ],
)
def test_no_fuller_name_is_invented(text: str) -> None:
    assert _speakers(text)[0] in ("Microsoft", "Marlene")


def test_a_generational_suffix_is_kept() -> None:
    text = 'Story\n\nHollis Brandvold Jr., 55, was sentenced.\n\n"I am sorry," Brandvold said.'
    assert _speakers(text) == ["Hollis Brandvold Jr."]


def test_a_father_is_not_given_his_sons_suffix() -> None:
    text = (
        "Story\n\nHollis Brandvold spoke first; Hollis Brandvold Jr. spoke later.\n\n"
        '"We will win," Hollis Brandvold said.'
    )
    assert _speakers(text) == ["Hollis Brandvold"]
