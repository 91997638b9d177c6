"""What moved in the ledgers between two digests (issue 17): the pure diff of
monitors/decide/ledger_changes.py, on the figure rows of a real store (tests/test_ledgers.py's
stories, each stored at its publication: day 0 to day 4 after T0)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from monitors.decide.ledger_changes import (
    AID,
    AMOUNT,
    PLEDGE,
    SHARE,
    SPENDING,
    known_by,
    ledger_state,
)
from monitors.store.db import Store
from monitors.store.ledgers import ledger_figures
from tests.factories import T0
from tests.test_ledgers import write_ledger_store


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list:
    db = write_ledger_store(Path(tmp_path_factory.mktemp("changes")) / "store.duckdb")
    with Store(db, read_only=True) as s:
        return ledger_figures(s.con)


def day(n: float):
    return T0 + timedelta(days=n)


def lines(moves) -> list[tuple]:
    return [
        (m.ledger, m.name, m.measure, m.cell.value, m.previous.value if m.previous else None)
        for m in moves
    ]


def test_new_rows_changed_shares_and_new_aid_entries(rows) -> None:
    state = ledger_state(rows, day(1.5), day(3.5))
    assert lines(state.moves) == [
        (SPENDING, "Germany", SHARE, 2.4, 2.1),  # old -> new
        (SPENDING, "Germany", AMOUNT, 9e10, None),  # a new cell
        (AID, "Canada", PLEDGE, 5e7, None),  # day 2
        (AID, "EU", PLEDGE, 1.4e11, None),  # day 3; the €7bn copy of day 2 is the same fact
    ]
    de = state.moves[0]
    # the line shows the latest report of the new value (day 3 confirmed day 2's 2.4%)
    assert de.cell.url == "https://news.test/de-confirm" and de.cell.date == day(3).date()
    assert "officials confirmed" in (de.cell.sentence or "")
    assert de.previous is not None and de.previous.url == "https://news.test/de-actual"
    assert not de.new and state.moves[1].new
    # the state's ledgers are the ledgers as known at the end
    germany = next(r for r in state.spending if r.name == "Germany")
    assert germany.gdp is not None and germany.gdp.value == 2.4
    assert {r.donor for r in state.aid} == {"EU", "Canada"}


def test_a_confirmation_of_the_same_value_is_not_a_move(rows) -> None:
    # day 3 repeats Germany's 2.4% (another outlet's sentence, a later report): not a change
    moves = ledger_state(rows, day(2.5), day(3.5)).moves
    assert (SPENDING, "Germany", SHARE) not in [(m.ledger, m.name, m.measure) for m in moves]
    assert lines(moves) == [
        (SPENDING, "Germany", AMOUNT, 9e10, None),
        (AID, "EU", PLEDGE, 1.4e11, None),
    ]


def test_nothing_moves_in_a_window_without_ledger_figures(rows) -> None:
    assert ledger_state(rows, day(3.5), day(4.5)).moves == ()  # day 4: only doubtful subjects
    assert ledger_state(rows, day(9), day(10)).moves == ()


def test_doubtful_subjects_never_move(rows) -> None:
    moves = ledger_state(rows, day(-1), day(10)).moves
    assert {m.name for m in moves} == {"NATO", "Germany", "EU", "Canada"}
    assert 9.0 not in {m.cell.value for m in moves}  # no subject
    assert {7.0, 6.0, 1.5e9, 2e9}.isdisjoint({m.cell.value for m in moves})  # not rows


def test_what_the_store_knew_is_first_seen_and_reported_before_the_moment(rows) -> None:
    de = next(r for r in rows if r.url.endswith("/de-actual"))
    late = replace(de, first_seen_at=day(5))  # reported on day 0, first seen on day 5
    assert late not in known_by([late], day(4))
    assert known_by([late], day(6)) == [late]
    assert known_by([late], day(5)) == [late]  # found by the poll at the digest's end: in it
    # a late-found report of day 0 moves the ledger in the digest that first sees it
    changed = ledger_state([late], day(4), day(6)).moves
    assert lines(changed) == [(SPENDING, "Germany", SHARE, 2.1, None)]
