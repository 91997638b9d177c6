"""What the command line's console shows of the logs (``-v`` and ``--debug``).

Prefect writes its own INFO records to the console: the "Starting temporary server … See
https://www.prefect.io/docs/…" banner (logger ``prefect``), "Beginning flow run …" and
"Finished in state Completed()" (the run loggers ``prefect.flow_runs`` and
``prefect.task_runs``).  Our flows log their progress through the same run loggers, so the
loggers' levels (``PREFECT_LOGGING_LEVEL``, ``PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL``)
cannot hide one and keep the other.  A filter on the console handler tells them apart by where a
record was emitted: inside the prefect package, or in our code.

- by default, Prefect's own records below WARNING are dropped, and so is its "Finished in state
  Failed(…)" (an ERROR record) of a failed run; ours are kept;
- without ``--debug``, Prefect's record of an expected error (a :class:`NewswatchError` raised
  inside a flow or task, e.g. "Encountered exception during execution" with its traceback) is
  dropped too: the command line prints that error as one line;
- ``-v`` keeps Prefect's INFO records; ``--debug`` keeps the tracebacks.

Only the console is filtered: the run logs sent to the Prefect API keep every record.
"""

from __future__ import annotations

import logging
import os

from monitors.errors import NewswatchError


class ConsoleFilter(logging.Filter):
    """Drop Prefect's chatter (and its tracebacks of expected errors) from the console."""

    def __init__(self, prefect_dir: str, *, verbose: bool, debug: bool) -> None:
        super().__init__()
        self.prefect_dir = prefect_dir
        self.verbose = verbose
        self.debug = debug

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.pathname.startswith(self.prefect_dir):
            return True  # newswatch's own records (and other libraries' warnings)
        if not self.debug and record.exc_info and isinstance(record.exc_info[1], NewswatchError):
            return False
        if self.verbose:
            return True
        return record.levelno >= logging.WARNING and not record.getMessage().startswith(
            "Finished in state"
        )


def configure_console(*, verbose: bool, debug: bool) -> None:
    """Install :class:`ConsoleFilter` on the root logger's handlers (Prefect's console
    handler), after setting up Prefect's logging (which the first flow would do)."""
    import prefect
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()

    prefect_dir = os.path.join(os.path.dirname(prefect.__file__), "")  # ends in a separator
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, ConsoleFilter)]:
            handler.removeFilter(old)
        handler.addFilter(ConsoleFilter(prefect_dir, verbose=verbose, debug=debug))
