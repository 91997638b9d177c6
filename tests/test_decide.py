"""The store's decisions on plain data, no DuckDB: which articles are new, updated or unchanged,
which figures changed, each fact's first sighting; a feed's health row after a poll."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from monitors.decide.articles import fact_writes, pair_figure_changes, plan_upsert, sort_batch
from monitors.decide.health import BASE_INTERVAL, feed_updates, health_rows
from monitors.decide.keys import figure_key
from monitors.ingest.fetch import FetchResult
from monitors.model import FeedOutcome
from monitors.store.rows import FeedState, StoredFigure
from tests.factories import T0, fig, processed, quote

LATER = T0 + timedelta(hours=2)


def test_a_batch_sorts_into_new_updated_and_unchanged() -> None:
    a, b, c = processed("a"), processed("b", text="v2"), processed("c")
    stored = {b.article.id: "old hash", c.article.id: c.article.feed_hash}
    sort = sort_batch([a, b, c, processed("a", feed="http://other.test/f")], stored)
    assert (sort.new, sort.updated, sort.unchanged) == ((a,), (b,), 1)


def test_only_kept_articles_write_facts_with_ledger_keys() -> None:
    kept = processed("a", figures=[fig(), fig("$1bn", 1e9, "USD")], quotes=[quote()])
    dropped = processed("b", figures=[fig()], topic=None)
    figures, quotes = fact_writes([kept, dropped])
    assert [(f.article, f.idx, f.key) for f in figures] == [
        (kept.article.id, 0, figure_key(fig())),
        (kept.article.id, 1, figure_key(fig("$1bn", 1e9, "USD"))),
    ]
    assert len(quotes) == 1 and quotes[0].first_seen_at is None


def test_a_known_fact_keeps_its_first_sighting_and_is_not_counted_new() -> None:
    p = processed("a", figures=[fig()], quotes=[quote()])
    sort = sort_batch([p], {})
    figures, quotes = fact_writes(sort.changed)
    plan = plan_upsert(
        sort,
        figures,
        quotes,
        first_figures={figure_key(fig()): T0},
        first_quotes={},
        old_figures=[],
        now=LATER,
    )
    assert plan.figures[0].first_seen_at == T0 and plan.quotes[0].first_seen_at == LATER
    assert (plan.counts.new, plan.counts.kept_new, plan.counts.figures_new) == (1, 1, 0)
    assert plan.counts.quotes_new == 1


def test_a_replaced_figure_is_paired_with_its_successor_of_the_same_unit() -> None:
    was, now = fig("$1.5bn", 1.5e9, "USD", "Norway"), fig("$2bn", 2e9, "USD", "Norway")
    p = processed("x", figures=[fig(), now])
    aid = p.article.id
    old = [
        StoredFigure(aid, was.text, figure_key(was), "USD", "Norway"),
        StoredFigure(aid, "3.5% of GDP", figure_key(fig()), "percent_gdp", "NATO"),
    ]
    changes = pair_figure_changes([p], old, LATER)
    assert [(c.old_text, c.new_text, c.subject) for c in changes] == [("$1.5bn", "$2bn", "Norway")]
    other = replace(p, figures=(fig("$2bn", 2e9, "USD", "Sweden"),))
    assert pair_figure_changes([other], old, LATER) == ()  # another donor: not a change


def test_a_feed_keeps_its_validators_unless_it_parsed() -> None:
    url = "https://f.test/rss"
    state = FeedState(url, '"v1"', "Mon", 2, None, title="F", last_ok_at=T0, last_error="x")
    ok = FetchResult(url, "ok", etag='"v2"', last_modified="Tue")
    [row] = feed_updates([FeedOutcome(url, "F", "new", items=4)], [ok], {url: state}, LATER)
    assert (row.etag, row.last_modified, row.failures, row.items) == ('"v2"', "Tue", 0, 4)
    assert row.next_poll_at == LATER + BASE_INTERVAL and row.last_ok_at == LATER
    broken = FetchResult(url, "ok", etag='"v3"')
    [row] = feed_updates(
        [FeedOutcome(url, "F", "error", error="bad")], [broken], {url: state}, LATER
    )
    assert (row.etag, row.failures, row.last_ok_at, row.last_error) == ('"v1"', 3, T0, "bad")
    assert row.next_poll_at == LATER + 4 * BASE_INTERVAL  # the third failure in a row
    [row] = health_rows([FeedOutcome(url, "F", "not_modified")], {url: state}, LATER, {}, {})
    assert (row.etag, row.last_error, row.title, row.failures) == ('"v1"', "x", "F", 0)


def test_a_new_feed_starts_its_failure_count_at_one() -> None:
    url = "https://g.test/rss"
    [row] = health_rows([FeedOutcome(url, "G", "error", error="HTTP 503")], {}, T0, {}, {})
    assert (row.failures, row.etag, row.last_ok_at, row.items) == (1, None, None, None)
