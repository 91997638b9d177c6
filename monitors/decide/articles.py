"""What storing a batch of analysed articles means, decided on plain data.

The store reads the state these functions need (stored hashes, first sightings of fact keys,
an updated article's old figures), calls them, and writes the :class:`UpsertPlan` they return.
In the manner of reader's update decider: reads, then a pure decision, then writes.

    sort_batch          which articles are new, updated or unchanged
    fact_writes         the figure and quote rows of the changed kept articles, with keys
    pair_figure_changes an updated article's figures that changed: old paired with new
    plan_upsert         all of it together, with first sightings and counts
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from monitors.decide.keys import figure_key, quote_key
from monitors.model import Processed
from monitors.store.rows import (
    FigureChangeWrite,
    FigureWrite,
    QuoteWrite,
    StoredFigure,
    UpsertCounts,
    UpsertPlan,
)


@dataclass(frozen=True)
class BatchSort:
    new: tuple[Processed, ...]
    updated: tuple[Processed, ...]
    unchanged: int

    @property
    def changed(self) -> tuple[Processed, ...]:
        return self.new + self.updated


def sort_batch(batch: Sequence[Processed], stored_hashes: Mapping[str, str]) -> BatchSort:
    """New (never stored), updated (stored with another source hash) or unchanged; an
    article listed twice in a batch (two feeds carry it) counts once, as first listed."""
    seen: set[str] = set()
    new: list[Processed] = []
    updated: list[Processed] = []
    unchanged = 0
    for p in batch:
        a = p.article
        if a.id in seen:
            continue
        seen.add(a.id)
        old_hash = stored_hashes.get(a.id)
        if old_hash == a.feed_hash:
            unchanged += 1
        elif old_hash is None:
            new.append(p)
        else:
            updated.append(p)
    return BatchSort(tuple(new), tuple(updated), unchanged)


def fact_writes(
    changed: Sequence[Processed],
) -> tuple[tuple[FigureWrite, ...], tuple[QuoteWrite, ...]]:
    """The figures and quotes of the kept articles among ``changed``, keyed for the ledger
    (first sightings not yet known: see :func:`plan_upsert`)."""
    figs = tuple(
        FigureWrite(p.article.id, i, f, figure_key(f))
        for p in changed
        if p.kept
        for i, f in enumerate(p.figures)
    )
    quotes = tuple(
        QuoteWrite(p.article.id, i, q, quote_key(q))
        for p in changed
        if p.kept
        for i, q in enumerate(p.quotes)
    )
    return figs, quotes


def pair_figure_changes(
    updated: Sequence[Processed], old_figures: Sequence[StoredFigure], now: datetime
) -> tuple[FigureChangeWrite, ...]:
    """For articles that changed: each figure that disappeared paired with the new figure of
    the same unit (and subject, when both name one) that took its place, so the digest can say
    "now X (was Y)".  ``old_figures`` in stored order (article, idx)."""
    by_article: dict[str, list[StoredFigure]] = {}
    for r in old_figures:
        by_article.setdefault(r.article, []).append(r)
    out = []
    for p in updated:
        old = by_article.get(p.article.id, [])
        new = [(f, figure_key(f)) for f in p.figures] if p.kept else []
        new_keys = {k for _, k in new}
        old_keys = {r.fact_key for r in old}
        gone = [r for r in old if r.fact_key not in new_keys]
        came = [f for f, k in new if k not in old_keys]
        used: set[int] = set()
        for r in gone:
            for j, f in enumerate(came):
                if j in used or f.unit != r.unit:
                    continue
                if r.subject and f.subject and r.subject != f.subject:
                    continue
                used.add(j)
                out.append(
                    FigureChangeWrite(
                        p.article.id, now, r.text, f.text, r.unit, f.subject or r.subject
                    )
                )
                break
    return tuple(out)


def plan_upsert(
    sort: BatchSort,
    figures: Sequence[FigureWrite],
    quotes: Sequence[QuoteWrite],
    *,
    first_figures: Mapping[str, datetime],
    first_quotes: Mapping[str, datetime],
    old_figures: Sequence[StoredFigure],
    now: datetime,
) -> UpsertPlan:
    """The batch's writes: each fact keeps the time it was first seen (read before an updated
    article's old rows are replaced, so an update does not make a known fact new), else now."""
    fig_keys = {f.key for f in figures}
    quote_keys = {q.key for q in quotes}
    return UpsertPlan(
        new=sort.new,
        updated=sort.updated,
        figures=tuple(replace(f, first_seen_at=first_figures.get(f.key) or now) for f in figures),
        quotes=tuple(replace(q, first_seen_at=first_quotes.get(q.key) or now) for q in quotes),
        changes=pair_figure_changes(sort.updated, old_figures, now),
        counts=UpsertCounts(
            new=len(sort.new),
            updated=len(sort.updated),
            unchanged=sort.unchanged,
            kept_new=sum(p.kept for p in sort.new),
            figures_new=len(fig_keys - set(first_figures)),
            quotes_new=len(quote_keys - set(first_quotes)),
        ),
    )
