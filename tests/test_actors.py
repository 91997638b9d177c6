"""The actor table: every alias names its actor, and fact identity folds aliases."""

from __future__ import annotations

import tomllib

import pytest

from monitors.decide.keys import fact_key, normalise_subject
from monitors.nlp.actors import TABLE, actor_pattern, aliases_of, canonical_actor

ACTORS = tomllib.loads(TABLE.read_text(encoding="utf-8"))["actor"]
ALIASES = [(a["name"], alias) for a in ACTORS for alias in [a["name"], *a["aliases"]]]


@pytest.mark.parametrize(("name", "alias"), ALIASES, ids=[f"{n}:{a}" for n, a in ALIASES])
def test_every_alias_is_found_in_running_text_and_names_its_actor(name: str, alias: str) -> None:
    sentence = f"On Monday {alias} said it would add money."
    hits = [m.group(0) for m in actor_pattern().finditer(sentence)]
    assert hits and canonical_actor(hits[0]) == name, hits
    assert canonical_actor(f"{alias}'s") == name  # a possessive is the same actor
    assert normalise_subject(alias) == normalise_subject(name)


def test_the_same_amount_about_one_actor_under_two_names_is_one_fact() -> None:
    assert fact_key("USD", 1.5e9, 1.5e9, 1.5e9, None, "Washington") == fact_key(
        "USD", 1.5e9, 1.5e9, 1.5e9, None, "the United States"
    )
    assert fact_key("EUR", 8e11, 8e11, 8e11, None, "the European Union") == fact_key(
        "EUR", 8e11, 8e11, 8e11, None, "EU"
    )
    assert fact_key("USD", 1.5e9, 1.5e9, 1.5e9, None, "US") != fact_key(
        "USD", 1.5e9, 1.5e9, 1.5e9, None, "Germany"
    )  # distinct packages stay distinct


def test_lower_case_words_are_not_acronyms_and_hyphenated_words_are_not_actors() -> None:
    text = "Let us see: an EU-funded plant and the US plan."
    hits = [m.group(0) for m in actor_pattern().finditer(text)]
    assert hits == ["US"]


def test_unknown_subjects_fold_case_and_articles_only() -> None:
    assert normalise_subject("The Air Shield Coalition") == "air shield coalition"
    assert canonical_actor("Air Shield Coalition") is None
    assert aliases_of("NATO")[0] == "NATO" and "the alliance" in aliases_of("NATO")
