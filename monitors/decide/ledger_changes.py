"""What moved in the ledgers since the previous digest (issue 17): the digest's "Ledger changes".

Pure.  The ledgers (:mod:`monitors.decide.ledgers`) are built twice from the same stored figure
rows: as the store knew them at the previous digest's end (``since``: figures first seen *and*
reported before it) and at this digest's end (``until``).  The difference:

* *spending*: an ally's share of GDP or defence amount that is new (no value before) or whose
  latest value changed (value, range, kind or year; old → new).  A later report repeating the
  same value is a confirmation, not a move;
* *aid*: an amount (a fact, by fact identity) a donor had no entry for before.

A row with a doubtful subject is not in either ledger, so it is never a move.  This never looks
at, or changes, which facts a digest reported (``digest_facts``): that ledger is separate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from monitors.decide.ledgers import AidRow, Cell, SpendingRow, aid_ledger, spending_ledger
from monitors.store.rows import FigureRow

SPENDING = "spending"
AID = "aid"
SHARE = "share of GDP"
AMOUNT = "amount"
PLEDGE = "aid"


@dataclass(frozen=True)
class LedgerMove:
    """One line of "Ledger changes": ``cell`` is the new value with its source; ``previous``
    the value the ledger held before (None: a new value)."""

    ledger: str  # SPENDING | AID
    name: str  # the ally or donor
    measure: str  # SHARE | AMOUNT | PLEDGE
    cell: Cell
    previous: Cell | None = None

    @property
    def new(self) -> bool:
        return self.previous is None


def _reported(row: FigureRow) -> datetime:
    return row.published_at or row.first_seen_at


def known_by(rows: Iterable[FigureRow], t: datetime) -> list[FigureRow]:
    """The rows the store knew at ``t``: first seen and reported at or before it (a digest's
    window is (start, end], so a figure a poll at ``t`` found belongs to the digest ending at
    ``t``)."""
    return [r for r in rows if r.first_seen_at <= t and _reported(r) <= t]


def _same_value(a: Cell, b: Cell) -> bool:
    return (a.low, a.high, a.unit, a.kind, a.year, a.qualifier) == (
        b.low,
        b.high,
        b.unit,
        b.kind,
        b.year,
        b.qualifier,
    )


def spending_moves(before: Sequence[SpendingRow], after: Sequence[SpendingRow]) -> list[LedgerMove]:
    """New and changed latest values, allies in table order, share of GDP before amount."""
    old = {r.name: r for r in before}
    out = []
    for r in after:
        was = old.get(r.name)
        for measure, now, then in (
            (SHARE, r.gdp, was.gdp if was else None),
            (AMOUNT, r.amount, was.amount if was else None),
        ):
            if now is None or (then is not None and _same_value(now, then)):
                continue
            out.append(LedgerMove(SPENDING, r.name, measure, now, then))
    return out


def aid_moves(before: Sequence[AidRow], after: Sequence[AidRow]) -> list[LedgerMove]:
    """Amounts a donor had no entry for, oldest report first, then donors in table order."""
    known = {(r.donor, e.cell.fact_key) for r in before for e in r.entries}
    out = [
        LedgerMove(AID, r.donor, PLEDGE, e.cell)
        for r in after
        for e in r.entries
        if (r.donor, e.cell.fact_key) not in known
    ]
    return sorted(out, key=lambda m: m.cell.date)  # stable: table order within a day


@dataclass(frozen=True)
class LedgerState:
    """The ledgers as the store knew them at a digest's end, and what moved since the one
    before."""

    moves: tuple[LedgerMove, ...]
    spending: tuple[SpendingRow, ...]
    aid: tuple[AidRow, ...]


def ledger_state(rows: Sequence[FigureRow], since: datetime, until: datetime) -> LedgerState:
    """Both ledgers as known at ``until``, and what moved in them since ``since`` (spending
    moves first, then aid)."""
    before, after = known_by(rows, since), known_by(rows, until)
    spending, aid = spending_ledger(after), aid_ledger(after)
    moves = spending_moves(spending_ledger(before), spending) + aid_moves(aid_ledger(before), aid)
    return LedgerState(tuple(moves), tuple(spending), tuple(aid))
