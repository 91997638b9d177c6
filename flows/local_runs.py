"""Settings for flow runs started in this process (the CLI, the demo, the benchmarks).

Without a Prefect server (``PREFECT_API_URL`` unset) a run talks to Prefect's ephemeral API,
which lives only as long as this process.  Flow-run heartbeats exist so that a server can mark a
run whose process died as crashed; with the ephemeral API there is no one left to do that, and
Prefect 3.9 joins the heartbeat thread at the end of every flow run while it sleeps in 1-second
steps: up to 1 s per run, a third of a warm poll of 1,000 feeds (measured: an empty flow run
takes 1.12 s with heartbeats, 0.15 s without).  So local runs turn them off; runs on a server
(``PREFECT_API_URL`` set: deployments, workers, a CLI pointed at a server) keep Prefect's
default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def local_run_settings() -> Iterator[None]:
    """Flow runs inside the block send no heartbeats when they talk to the ephemeral API."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
