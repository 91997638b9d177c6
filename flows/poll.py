"""The ``poll-feeds`` flow: per batch of feeds, fetch -> parse -> normalise -> pages -> match ->
extract (overlapped: monitors.stream) -> store -> feed health; then cluster the stories once
and raise the alerts.

Each task is a thin wrapper over a pure function in ``monitors``; the flow reads like a table
of contents.  One broken feed is an outcome in the summary, never a failed run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.alerts import alerts_task
from flows.common import feeds_from_param, resolve_config, resolve_now
from flows.interrupt import Interrupted, arm, shielded
from monitors.config import Config
from monitors.decide.schedule import due_feeds, feed_updates, plan_requests
from monitors.decide.shards import shard_feeds
from monitors.ingest.feedlist import read_feed_list
from monitors.model import FeedConfig, FeedOutcome
from monitors.nlp.dedupe import DedupeDoc, cluster_documents
from monitors.store.db import Store
from monitors.store.postgres import redact
from monitors.store.rows import UpsertCounts
from monitors.stream import BatchRead, read_batch
from monitors.wording import plural

CLUSTER_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class PollSummary:
    feeds: int
    new: int
    not_modified: int
    failed: int
    articles_new: int
    articles_updated: int
    kept_new: int
    figures_new: int
    quotes_new: int
    failures: tuple[tuple[str, str], ...] = ()
    skipped: int = 0
    articles_unchanged: int = 0

    def line(self) -> str:
        """The run's summary; its article counts are the store step's (``stored: ...``):
        the feed items read are new, updated or unchanged, and "kept" counts the new ones
        that are on topic."""
        return (
            f"polled {self.feeds - self.skipped} of {plural(self.feeds, 'feed')} "
            f"({self.skipped} not due): {self.new} with items, {self.not_modified} not "
            f"modified, {self.failed} failed; articles: {self.articles_new} new "
            f"({self.kept_new} kept), {self.articles_updated} updated, "
            f"{self.articles_unchanged} unchanged; new figures: "
            f"{self.figures_new}, new quotes: {self.quotes_new}"
        )


@task(name="fetch-read-analyse", cache_policy=NO_CACHE)
def read_task(
    feeds: Sequence[FeedConfig], store: Store, cfg: Config, now: datetime, allow_private: bool
) -> BatchRead:
    """Fetch, parse, fetch the pages wanted and analyse one batch, the stages overlapped."""
    logger = get_run_logger()
    requests = plan_requests(feeds, store.feed_states(f.url for f in feeds))
    read = read_batch(
        feeds,
        requests,
        cfg.polling,
        cfg.topics,
        now,
        store.existing_hashes,
        allow_private=allow_private,
        logger=logger,
    )
    for url, error in read.pages_failed:
        logger.debug("full text of %s not fetched: %s", url, error)
    if read.pages_wanted:
        logger.info(
            "fetched the full text of %d summary-only items%s",
            read.pages_wanted - len(read.pages_failed),
            f"; {len(read.pages_failed)} of {read.pages_wanted} article pages could not be "
            "fetched; their summaries are used"
            if read.pages_failed
            else "",
        )
    logger.info(
        "analysed %s (items stored unchanged are not analysed again): %d on topic",
        plural(len(read.processed), "feed item"),
        sum(p.kept for p in read.processed),
    )
    return read


@task(name="store-batch", cache_policy=NO_CACHE)
def store_task(store: Store, read: BatchRead, now: datetime) -> UpsertCounts:
    """Store a batch's articles (when it has any) and record its feeds' health: one task, as
    each Prefect task run costs round trips to the API (a warm poll stores nothing)."""
    counts = UpsertCounts()
    if read.processed:
        counts = store.upsert_articles(read.processed, now)
        get_run_logger().info(
            "stored: %d new articles (%d kept), %d updated, %d unchanged",
            counts.new,
            counts.kept_new,
            counts.updated,
            counts.unchanged,
        )
    states = store.feed_states(o.url for o in read.outcomes)
    store.apply_feed_updates(feed_updates(read.outcomes, read.results, states, now))
    return counts


@task(name="cluster-stories", cache_policy=NO_CACHE)
def cluster_task(store: Store, now: datetime) -> int:
    current: dict[str, str | None] = {}

    def docs() -> Iterator[DedupeDoc]:  # read page by page; no text outlives its shingles
        for r in store.recent_articles(now - CLUSTER_LOOKBACK):
            current[r.id] = r.cluster_id
            yield DedupeDoc(r.id, r.title or "", r.text or "", r.published_at, r.url)

    mapping = cluster_documents(docs())
    store.set_clusters({a: c for a, c in mapping.items() if c != current.get(a)})
    return len(set(mapping.values()))


@dataclass
class Polled:
    """What :func:`poll_list` did: its summary, and whether the stories need clustering."""

    summary: PollSummary
    counts: UpsertCounts
    recluster: bool  # an earlier run of this list did not finish


def configured_feeds(
    cfg: Config, feeds: list[dict[str, str]] | None, feeds_file: str | None
) -> tuple[FeedConfig, ...]:
    """The feeds to poll: the URLs of ``feeds_file``, else ``feeds``, else the config's."""
    if feeds_file:
        return tuple(read_feed_list(feeds_file))
    return feeds_from_param(feeds) if feeds else cfg.feeds


@flow(name="poll-feeds", log_prints=True)
def poll_feeds(
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    feeds: list[dict[str, str]] | None = None,
    allow_private: bool = False,
    force: bool = False,
    feeds_file: str | None = None,
    shards: int | None = None,
) -> dict:
    """Poll the config's feeds (or ``feeds``: [{"url", "name"}], or the URLs listed in
    ``feeds_file``, one per line — a path keeps large lists out of the run's parameters) into
    the store.

    Feeds whose next poll time has not come (backing off after failures, or asked to wait by
    Retry-After, Cache-Control or <ttl>) are skipped unless ``force``.  ``allow_private`` lets
    full-text fetching follow article links to private or loopback addresses (the demo and
    tests serve pages on 127.0.0.1); leave it off in production.  ``shards`` (default
    ``[polling] shards``) above 1 splits the list into child ``poll-shard`` runs, in parallel
    on the work pool when the store is PostgreSQL (docs/scale.md)."""
    arm()  # the CLI's Ctrl-C / SIGTERM handling, when run from the CLI
    logger = get_run_logger()
    cfg = resolve_config(config)
    when = resolve_now(now)
    n = shards if shards is not None else cfg.polling.shards
    if n < 1:
        raise ValueError(f"shards: must be >= 1, not {n}")
    if n > 1:
        from flows.shards import sharded_poll

        return sharded_poll(
            dict(config=config, db=db, now=when.isoformat(), feeds=feeds,
                 allow_private=allow_private, force=force, feeds_file=feeds_file),
            n, cfg, when,
        )  # fmt: skip
    configured = configured_feeds(cfg, feeds, feeds_file)
    with Store(db or cfg.store_path, memory_limit=cfg.store_memory_limit) as store:
        run_id = f"poll-{datetime.now(UTC).isoformat()}"
        polled = poll_list(
            store, configured, cfg, when, allow_private, force, "poll-feeds", run_id, logger
        )
        summary = finish_poll(store, cfg, when, polled)
        store.finish_run(run_id, when, "ok", asdict(summary))
    logger.info(summary.line())
    return asdict(summary)


def finish_poll(store: Store, cfg: Config, when: datetime, polled: Polled) -> PollSummary:
    """Once every feed is stored: cluster the stories (when anything changed) and raise the
    alerts; the poll's summary."""
    if polled.counts.new or polled.counts.updated or polled.recluster:
        cluster_task(quote(store), when)
    if cfg.alerts:  # flows/alerts.py: the [[alerts]] rules raise Prefect events
        alerts_task(quote(store), quote(cfg), when)
    return polled.summary


@flow(name="poll-shard", log_prints=True, retries=1)
def poll_shard(
    shard: int,
    shards: int,
    run: str,
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    feeds: list[dict[str, str]] | None = None,
    allow_private: bool = False,
    force: bool = False,
    feeds_file: str | None = None,
) -> dict:
    """One shard of a sharded ``poll-feeds`` run (``run``, its id): the feeds whose URL hashes
    to ``shard`` of ``shards``, fetched, analysed and stored batch by batch; no clustering
    (the parent clusters once every shard is in).  A shard run killed mid-way keeps its
    stored batches; run again (the parent does), it polls the feeds still due."""
    arm()
    logger = get_run_logger()
    cfg = resolve_config(config)
    when = resolve_now(now)
    mine = shard_feeds(configured_feeds(cfg, feeds, feeds_file), shard, shards)
    name = f"poll-shard {shard + 1}/{shards}"
    with Store(db or cfg.store_path, memory_limit=cfg.store_memory_limit) as store:
        run_id = shard_run_id(run, shard, shards)
        polled = poll_list(store, mine, cfg, when, allow_private, force, name, run_id, logger)
        store.finish_run(
            run_id, when, "ok", asdict(polled.summary) | {"recluster": polled.recluster}
        )
    logger.info("shard %d of %d: %s", shard + 1, shards, polled.summary.line())
    return asdict(polled.summary)


def shard_run_id(run: str, shard: int, shards: int) -> str:
    """The store's id of shard ``shard`` (0-based) of the sharded poll ``run``: the same for
    every attempt, so a restarted shard carries on from the one it replaces."""
    return f"{run} shard {shard + 1}/{shards}"


def poll_list(
    store: Store,
    configured: Sequence[FeedConfig],
    cfg: Config,
    when: datetime,
    allow_private: bool,
    force: bool,
    flow_name: str,
    run_id: str,
    logger: logging.Logger | logging.LoggerAdapter,
) -> Polled:
    """Poll the due feeds of ``configured`` into ``store`` batch by batch, recording the run
    (``run_id`` of ``flow_name``; the caller finishes it); an interrupt records the run as
    interrupted and propagates."""
    feed_list, later = (
        (list(configured), [])
        if force
        else due_feeds(configured, store.feed_states(f.url for f in configured), when)
    )
    logger.info(
        "polling %s into %s%s",
        plural(len(feed_list), "feed"),
        redact(store.path),
        f"; {len(later)} not due yet (use force to poll them)" if later else "",
    )
    interrupted = store.last_run_status(flow_name) == "interrupted"
    killed = store.close_interrupted_runs(flow_name, when)
    if interrupted or killed:
        logger.warning(
            "%d earlier poll(s) did not finish; their stored batches are kept "
            "and the stories will be clustered again",
            max(killed, 1),
        )
    # a restarted shard run has the id of the attempt that was killed: carry its counts on
    earlier = None if force else store.recorded_counts(run_id)
    store.start_run(run_id, flow_name, when)
    outcomes: list[FeedOutcome] = []
    counts = UpsertCounts()

    def so_far() -> PollSummary:
        return carried_over(earlier, summarise(outcomes, counts, skipped=len(later)))

    try:
        for batch in batches_of(feed_list, cfg.polling.batch_size, logger):
            done, stored = poll_batch(batch, store, cfg, when, allow_private)
            outcomes.extend(done)
            counts = counts + stored
            store.note_progress(run_id, asdict(so_far()))
    except Interrupted as e:
        e.done = (
            f"{len(outcomes)} of {len(feed_list)} feeds stored; the next poll finishes the rest"
        )
        with shielded():
            store.finish_run(run_id, when, "interrupted", asdict(so_far()))
        raise
    return Polled(so_far(), counts, interrupted or killed > 0)


def summary_of(recorded: dict[str, Any]) -> PollSummary:
    """A summary as the ``runs`` table records it (JSON: lists for tuples, extra keys)."""
    names = {f.name for f in fields(PollSummary)}
    values = {k: v for k, v in recorded.items() if k in names}
    values["failures"] = tuple(tuple(f) for f in values.get("failures") or ())
    return PollSummary(**values)


def added(summaries: Sequence[PollSummary]) -> PollSummary:
    """Every count of ``summaries`` summed, their failures in order."""
    numbers = [f.name for f in fields(PollSummary) if f.name != "failures"]
    return PollSummary(
        **{k: sum(getattr(s, k) for s in summaries) for k in numbers},  # type: ignore[arg-type]
        failures=tuple(f for s in summaries for f in s.failures),
    )


def carried_over(earlier: dict | None, summary: PollSummary) -> PollSummary:
    """``summary`` of a run that carries on from an earlier attempt under the same run id
    (``earlier``, the counts it recorded): the feeds that attempt polled are not due now, so
    they count as polled (by it), not as skipped; every other count is the sum of the two."""
    if not earlier:
        return summary
    before = summary_of(earlier)
    polled_before = before.feeds - before.skipped
    return replace(
        added([before, summary]),
        feeds=summary.feeds,
        skipped=max(summary.skipped - polled_before, 0),
    )


def batches_of(
    feeds: Sequence[FeedConfig], size: int, logger: logging.Logger | logging.LoggerAdapter
) -> Iterator[list[FeedConfig]]:
    """``feeds`` in batches of ``size``, logging each batch's place when there are several."""
    batches = [list(feeds[i : i + size]) for i in range(0, len(feeds), size)]
    for n, batch in enumerate(batches, 1):
        if len(batches) > 1:
            logger.info(
                "batch %d of %d: feeds %d-%d of %d",
                n,
                len(batches),
                (n - 1) * size + 1,
                (n - 1) * size + len(batch),
                len(feeds),
            )
        yield batch


def poll_batch(
    feeds: Sequence[FeedConfig], store: Store, cfg: Config, when: datetime, allow_private: bool
) -> tuple[list[FeedOutcome], UpsertCounts]:
    """Fetch, read, analyse and store one batch of feeds, then record their health.

    A batch holds at most ``[polling].batch_size`` feeds' bodies and articles in memory, so a
    poll of 10,000 feeds costs no more memory than one of 500; each batch is committed before
    the next is fetched, so a crash or Ctrl-C loses at most the batch in flight (its feeds stay
    due); a signal never cuts the batch's store writes in half."""
    # quote(): Prefect would otherwise walk every feed, item, figure and quote of a batch
    # (looking for futures to wait on and to record as task inputs) before each task starts:
    # 5 s of CPU per 300-feed cold poll, a sixth of the run; these inputs hold no futures
    read = read_task(quote(feeds), quote(store), quote(cfg), when, allow_private)
    with shielded():  # a signal waits until the batch and its feeds' health are recorded
        counts = store_task(quote(store), quote(read), when)
    return read.outcomes, counts


def summarise(
    outcomes: Sequence[FeedOutcome], counts: UpsertCounts, skipped: int = 0
) -> PollSummary:
    return PollSummary(
        feeds=len(outcomes) + skipped,
        skipped=skipped,
        new=sum(o.status == "new" for o in outcomes),
        not_modified=sum(o.status == "not_modified" for o in outcomes),
        failed=sum(o.status == "error" for o in outcomes),
        articles_new=counts.new,
        articles_updated=counts.updated,
        articles_unchanged=counts.unchanged,
        kept_new=counts.kept_new,
        figures_new=counts.figures_new,
        quotes_new=counts.quotes_new,
        failures=tuple((o.name, o.error or "") for o in outcomes if o.status == "error"),
    )
