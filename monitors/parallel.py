"""Use the machine's cores for the CPU-bound stages: parsing feeds and analysing articles.

feedparser parses about 4 MB/s and extraction costs a few milliseconds per article, so a poll
of hundreds of feeds would otherwise serialise on one core.  Work goes to a process pool (the
``spawn`` start method: the flow runs inside Prefect's threads, and forking a threaded process is
unsafe); small batches stay in-process, where a pool would cost more than it saves.

The workers ignore SIGINT, so a terminal's Ctrl-C (sent to the whole process group) stops only
the main process, which stops them with ``stop_workers()``.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS_FOR_POOL = 64


def workers() -> int:
    """Worker processes to use: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_chunked(
    fn: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    min_items: int = MIN_ITEMS_FOR_POOL,
    processes: int | None = None,
) -> list[R]:
    """``fn`` over ``items`` in chunks, in worker processes when the batch is big enough;
    results keep the order of ``items``.  ``fn`` takes a chunk and returns one result per item,
    and must be a module-level function (it is pickled by name)."""
    n = processes or workers()
    if n <= 1 or len(items) < min_items:
        return fn(items)
    size = max(1, -(-len(items) // (n * 4)))  # ~4 chunks per worker balances uneven items
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    out: list[R] = []
    for part in _pool(n).map(fn, chunks):
        out.extend(part)
    return out


def shared_pool(processes: int | None = None) -> ProcessPoolExecutor:
    """The process's pool of ``processes`` workers (default :func:`workers`), started on first
    use and kept: for callers that submit chunks themselves as work arrives
    (monitors.stream)."""
    return _pool(processes or workers())


def _ignore_sigint() -> None:
    """Each worker's first act: ignore SIGINT (a spawned worker does not inherit a blocked
    signal mask), so Ctrl-C, sent to the whole group, stops only the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_POOLS: dict[int, ProcessPoolExecutor] = {}
_LOCK = threading.Lock()


def _pool(n: int) -> ProcessPoolExecutor:
    """One pool per process, kept for later batches (starting workers costs ~1 s each)."""
    with _LOCK:
        pool = _POOLS.get(n)
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=n,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_sigint,
            )
            _POOLS[n] = pool
        return pool


def stop_workers() -> None:
    """Stop every pool now: queued chunks are dropped and the worker processes terminated
    (for an interrupted run; their results would be thrown away)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for p in children:
        p.terminate()
    for p in children:
        p.join(timeout=2)


@atexit.register
def _shutdown() -> None:
    for pool in _POOLS.values():
        pool.shutdown(wait=True, cancel_futures=True)
    _POOLS.clear()
