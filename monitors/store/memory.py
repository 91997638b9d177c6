"""DuckDB's memory for a store: a limit set once the migrations have run, lifted for the rest of
the connection when an operation runs out of it (the operation is then run once more).

DuckDB's own default is 80 % of the machine's RAM, and it keeps what it takes; a poll's peak
RSS is mostly DuckDB's buffers once the batches are bounded (``[store] memory_limit`` in
monitors.toml, :data:`monitors.config.DEFAULT_MEMORY_LIMIT`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import duckdb

from monitors.errors import StoreError

log = logging.getLogger("monitors.store.db")
R = TypeVar("R")


def limit_memory(con: Any, path: str, limit: str) -> None:
    """``SET memory_limit``; a value DuckDB refuses (a unit it does not know, less than it holds
    already) closes the connection and raises a StoreError naming the store and the setting."""
    try:
        con.execute(f"SET memory_limit = '{limit}'")
    except duckdb.Error as e:
        con.close()
        why = str(e).splitlines()[0]
        raise StoreError(f"{path}: [store] memory_limit {limit!r}: {why}") from e


def unbounded_on_oom(method: Callable[..., R]) -> Callable[..., R]:
    """Run a Store method; when DuckDB runs out of the store's ``memory_limit`` (its
    transaction, if any, is rolled back), lift the limit, say so, and run it once more."""

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> R:
        try:
            return method(self, *args, **kwargs)
        except duckdb.OutOfMemoryException as e:
            if not self.memory_limit:
                raise
            log.warning(
                "store %s: %s needed more than memory_limit %s; running it again without the "
                "limit (raise [store] memory_limit to keep one): %s",
                self.path,
                method.__name__.strip("_"),
                self.memory_limit,
                str(e).splitlines()[0],
            )
            self.con.execute("RESET memory_limit")
            self.memory_limit = None
            return method(self, *args, **kwargs)

    return run
