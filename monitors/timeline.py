"""When each stage of a poll ran: spans of (stage, start, end) on the monotonic clock.

Off unless :func:`enable` was called (``bench/poll.py`` does); recording is then an append to a
list, so the poll's stages can mark their work without a cost when nobody is looking.  Spans are
recorded in the main process only (a worker process's chunk is marked by the main process from
its submission to its result).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_SPANS: list[tuple[str, float, float]] = []
_ON = [False]
_LOCK = threading.Lock()


def enable(on: bool = True) -> None:
    """Start (or stop) recording spans."""
    _ON[0] = on


def enabled() -> bool:
    return _ON[0]


def add(stage: str, start: float, end: float) -> None:
    """Record that ``stage`` ran from ``start`` to ``end`` (``time.monotonic()`` values)."""
    if _ON[0]:
        with _LOCK:
            _SPANS.append((stage, start, end))


@contextmanager
def span(stage: str) -> Iterator[None]:
    """Record the time the block takes as a span of ``stage``."""
    if not _ON[0]:
        yield
        return
    start = time.monotonic()
    try:
        yield
    finally:
        add(stage, start, time.monotonic())


def take() -> list[tuple[str, float, float]]:
    """The spans recorded so far, in recording order; the record is emptied."""
    with _LOCK:
        out = list(_SPANS)
        _SPANS.clear()
    return out
