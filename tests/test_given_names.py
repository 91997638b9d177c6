"""Given-name genders and surnames from the Census lists (the names stage reads them)."""

from __future__ import annotations

from monitors.nlp.quotes.given_names import genders, given_gender, known_surname


def test_the_census_lists_are_read() -> None:
    assert len(genders()) > 5000
    assert given_gender("Karine Jean-Pierre") == "f"
    assert given_gender("Kevin Cannard") == "m"
    assert given_gender("Jordan Smith") in ("m", "")  # mostly given to boys in 1990
    assert given_gender("Invest Karnataka") is None
    assert known_surname("Ann Smith") and not known_surname("Ann Xqzvw")
