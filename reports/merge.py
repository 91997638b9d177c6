"""One fact told differently is one digest item: grouping the store's fact rows by ledger key,
then merging the groups that are the same fact (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from monitors.decide.keys import quote_words
from monitors.nlp.actors import display_name
from monitors.store.rows import FigureRow, QuoteRow

R = TypeVar("R", FigureRow, QuoteRow)


def figure_signature(r: FigureRow) -> tuple:
    return (r.unit, r.value, r.low, r.high, r.of)


def quote_signature(r: QuoteRow) -> tuple:
    return (quote_words(r.text),)


def figure_hedge(r: FigureRow) -> tuple:
    return (r.qualifier, bool(r.approx))


def no_hedge(r: QuoteRow) -> tuple:
    """Quotes carry no qualifier: every quote is told 'the same way'."""
    return (None, False)


def group_rows(rows: Iterable[R], key: Callable[[R], str]) -> dict[str, list[R]]:
    out: dict[str, list[R]] = {}
    for r in rows:
        out.setdefault(key(r), []).append(r)
    return out


def merge_same_facts(
    groups: dict[str, list[R]],
    signature: Callable[[R], tuple],
    who: Callable[[R], str | None],
    hedge: Callable[[R], tuple],
    weak: frozenset[str] = frozenset(),
) -> list[tuple[tuple[str, ...], list[R]]]:
    """Merge ledger groups that are one fact told differently.

    Groups with the same signature (a figure's value and unit; a quote's words) are one fact when
    they come from the same article or the same story cluster (a headline restating the body,
    with a different subject), or when one has no subject/speaker (``who``) and exactly one other
    group with that signature and the same ``hedge`` has one (an outlet that did not say whose
    figure or quote it was).  Groups about different named subjects stay apart: a false merge
    would hide a fact.  A ``weak`` subject (a topic's beneficiary: every aid package is "for
    Ukraine") names no package, so for this rule it counts as no subject."""
    keys = list(groups)
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    buckets: dict[tuple, list[str]] = {}
    for k in keys:
        buckets.setdefault(signature(groups[k][0]), []).append(k)
    for members in buckets.values():
        if len(members) < 2:
            continue
        places = {
            k: {r.article for r in groups[k]} | {r.cluster_id for r in groups[k] if r.cluster_id}
            for k in members
        }
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if places[a] & places[b]:
                    parent[find(b)] = find(a)
        # an unattributed copy joins the one named fact told the same way (same hedge)
        for same in _by_hedge(members, groups, hedge):
            named = [k for k in same if any(_strong(who(r), weak) for r in groups[k])]
            if not named:  # no donor named anywhere: the one beneficiary-only copy leads
                named = [k for k in same if any(who(r) for r in groups[k])]
            if len({find(k) for k in named}) == 1:
                for k in same:
                    parent[find(k)] = find(named[0])
    merged: dict[str, list[str]] = {}
    for k in keys:
        merged.setdefault(find(k), []).append(k)
    return [(tuple(ks), [r for k in ks for r in groups[k]]) for ks in merged.values()]


def _strong(name: str | None, weak: frozenset[str]) -> bool:
    return bool(name) and display_name(name or "") not in weak


def _by_hedge(
    members: list[str], groups: dict[str, list[R]], hedge: Callable[[R], tuple]
) -> list[list[str]]:
    out: dict[tuple, list[str]] = {}
    for k in members:
        out.setdefault(hedge(groups[k][0]), []).append(k)
    return list(out.values())
