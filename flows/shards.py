"""A sharded ``poll-feeds`` run (issue 19): the feed list split by a stable hash of each URL
(:mod:`monitors.decide.shards`) into ``shards`` child ``poll-shard`` runs, then the stories
clustered and the alerts raised once, over the whole store.

Where the shards run:

* **PostgreSQL store and a ``poll-shard`` deployment** (``prefect deploy --all``): each shard
  is a flow run of that deployment (``run_deployment``), picked up by whichever worker of the
  pool is free, on any machine; the shards run at once and write the shared store together
  (:mod:`monitors.store.postgres`).  A shard run that ends failed or crashed (its process
  killed) is started again, up to :data:`ATTEMPTS` times; its committed batches are kept and
  the new run polls the feeds still due.  A run left Running by a dead machine is found by its
  silence: no batch stored for ``[polling] shard_stall_seconds``.  The counts come back through
  the store's ``runs`` table, so nothing depends on where a child ran.
* **A DuckDB file** (one writer), or no such deployment (Prefect's ephemeral API): the shards
  run one after another as subflows of this run, in this process.

The parent waits for its children.  In parallel it keeps one connection to the shared store,
to read the shards' progress; one after another it holds none (a DuckDB file is free for the
shard that writes it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from prefect import get_run_logger

from flows.poll import Polled, added, finish_poll, poll_shard, shard_run_id, summary_of
from monitors.config import Config
from monitors.store.db import Store
from monitors.store.postgres import is_postgres_url
from monitors.store.rows import UpsertCounts

SHARD_DEPLOYMENT = "poll-shard/poll-shard"  # flow name / deployment name (prefect.yaml)
ATTEMPTS = 3  # runs of one shard before the poll gives up on it
POLL_SECONDS = 1.0  # how often the parent reads its children's states


class ShardsFailed(RuntimeError):
    """Some shards did not complete after :data:`ATTEMPTS` runs."""


def sharded_poll(params: dict[str, Any], shards: int, cfg: Config, when: datetime) -> dict:
    """Run the shards (see the module docstring), then cluster and alert once; the summary
    of the whole poll."""
    logger = get_run_logger()
    db = params.get("db") or cfg.store_path
    run_id = f"poll-{datetime.now(UTC).isoformat()}"
    with Store(db, memory_limit=cfg.store_memory_limit) as store:
        store.start_run(run_id, "poll-feeds", when)
        parallel = is_postgres_url(db) and shard_deployment_exists()
    child = dict(params, shards=shards, run=run_id)
    if parallel:
        logger.info("polling in %d shards on the work pool (%s)", shards, SHARD_DEPLOYMENT)
        with Store(db, memory_limit=cfg.store_memory_limit) as store:
            unreadable: set[int] = set()

            def progress(k: int) -> dict | None:
                try:
                    return store.recorded_counts(shard_run_id(run_id, k, shards))
                except Exception as e:  # the database away for a moment: no judgement now
                    if k not in unreadable:  # once a shard, not every second
                        logger.warning("could not read shard %d's progress: %s", k + 1, e)
                        unreadable.add(k)
                    return {"unreadable": time.monotonic()}  # never equal: no stall

            dispatch(child, shards, logger, progress, cfg.polling.shard_stall_seconds)
    else:
        logger.info(
            "polling in %d shards one after another in this run (%s)",
            shards,
            "a DuckDB store has one writer" if not is_postgres_url(db) else
            f"no {SHARD_DEPLOYMENT} deployment",
        )  # fmt: skip
        for k in range(shards):
            poll_shard(shard=k, **child)
    with Store(db, memory_limit=cfg.store_memory_limit) as store:
        polled = merged(store.run_counts(f"{run_id} shard %"))
        summary = finish_poll(store, cfg, when, polled)
        store.finish_run(run_id, when, "ok", asdict(summary) | {"shards": shards})
    logger.info("%d shards: %s", shards, summary.line())
    return asdict(summary)


def merged(counts: list[dict[str, Any]]) -> Polled:
    """The shards' recorded summaries added up into one."""
    summary = added([summary_of(c) for c in counts])
    stored = UpsertCounts(
        new=summary.articles_new,
        updated=summary.articles_updated,
        unchanged=summary.articles_unchanged,
        kept_new=summary.kept_new,
        figures_new=summary.figures_new,
        quotes_new=summary.quotes_new,
    )
    return Polled(summary, stored, any(c.get("recluster") for c in counts))


def shard_deployment_exists() -> bool:
    """Whether the API knows the ``poll-shard`` deployment (not under the ephemeral API)."""
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(SHARD_DEPLOYMENT)
        except ObjectNotFound:
            return False
    return True


def dispatch(
    params: dict[str, Any],
    shards: int,
    logger: Any,
    progress: Callable[[int], dict | None],
    stall_seconds: float,
) -> None:
    """Start one ``poll-shard`` flow run per shard and wait for all; start a shard again when
    its run fails or crashes, up to :data:`ATTEMPTS` runs; raise :class:`ShardsFailed` naming
    the shards that never completed.

    A run whose worker's machine died stays Running with nobody to report it: a Running shard
    whose recorded counts (``progress(k)``, updated after each stored batch) have not changed
    for ``stall_seconds`` is marked Crashed here, and so started again.  Were it only slow, the
    two runs of the shard would store the same articles once (every write is an upsert under
    the store's write lock)."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.states import Crashed

    def start(k: int, attempt: int) -> Any:
        run = run_deployment(
            SHARD_DEPLOYMENT,
            parameters=dict(params, shard=k),
            timeout=0,
            flow_run_name=f"shard {k + 1} of {shards}"
            + (f" (try {attempt})" if attempt > 1 else ""),
        )
        return run.id

    attempt = dict.fromkeys(range(shards), 1)
    pending = {k: start(k, 1) for k in range(shards)}
    failed: list[str] = []
    seen: dict[int, tuple[dict | None, float]] = {}  # shard: (its counts, when they changed)
    with get_client(sync_client=True) as client:
        while pending:
            time.sleep(POLL_SECONDS)
            for k, run_id in list(pending.items()):
                state = client.read_flow_run(run_id).state
                if state is not None and state.is_running():
                    now, counts = time.monotonic(), progress(k)
                    if k not in seen or seen[k][0] != counts:
                        seen[k] = (counts, now)
                    elif now - seen[k][1] > stall_seconds:
                        message = (
                            f"no batch stored for {stall_seconds:.0f} s while Running: its "
                            "worker is presumed dead (poll-feeds marked it Crashed)"
                        )
                        client.set_flow_run_state(run_id, Crashed(message=message), force=True)
                        state = Crashed(message=message)
                if state is None or not state.is_final():
                    continue
                del pending[k]
                seen.pop(k, None)
                if state.is_completed():
                    continue
                if attempt[k] < ATTEMPTS:
                    attempt[k] += 1
                    logger.warning(
                        "shard %d of %d ended %s (%s); starting it again (run %d of %d)",
                        k + 1, shards, state.name, state.message or "no message",
                        attempt[k], ATTEMPTS,
                    )  # fmt: skip
                    pending[k] = start(k, attempt[k])
                else:
                    failed.append(f"{k + 1} ({state.name}: {state.message or 'no message'})")
    if failed:
        raise ShardsFailed(
            f"shards {', '.join(failed)} of {shards} did not complete after {ATTEMPTS} runs; "
            "their stored batches are kept and the next poll polls their feeds still due"
        )
