"""Ctrl-C and SIGTERM for the command line: stop within seconds, say what was kept, exit 130/143.

    install()          the CLI's handlers for SIGINT and SIGTERM (main thread, flow commands)
    arm()              re-install them inside a flow run (Prefect swaps its own SIGTERM handler
                       in while a flow runs; a no-op unless ``install()`` was called)
    shielded()         a block a signal does not cut: a batch's store writes, "send the digest
                       and record it"; the interrupt is raised when the block ends
    start_api_server() start Prefect's temporary API server with SIGINT blocked in it
    Interrupted        the exception a signal raises in the main thread (a KeyboardInterrupt);
                       the flows set ``done`` to say what was finished

A terminal sends SIGINT to the whole process group.  Prefect's temporary API server is a child
in that group: left alone it dies at once, and the flow then spends minutes retrying to log to
it.  It is started with SIGINT blocked (the mask is inherited), so it lives until the CLI stops
it at exit; the worker processes of ``monitors.parallel`` ignore SIGINT and are terminated.
A second signal while stopping is ignored; a third exits at once (``os._exit``), skipping the
clean-up.
Deployment runs (no ``install()``) keep Prefect's own SIGTERM handling (cancellation).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; ``done`` (set by the flow) says what was finished."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.done: str | None = None

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM (the shell's convention)."""
        return 128 + self.signum

    def line(self) -> str:
        return f"interrupted: {self.done}" if self.done else "interrupted"


class _State:
    installed = False
    finishing = False
    received = 0  # signals seen
    shield = 0  # depth of shielded() blocks
    pending: int | None = None  # a signal that arrived inside a shielded block


_state = _State()


def _handler(signum: int, frame: FrameType | None) -> None:
    _state.received += 1
    if _state.received >= 3 or (_state.finishing and _state.received >= 2):
        os._exit(128 + signum)  # asked three times: stop now, whatever is left undone
    if _state.finishing or _state.received > 1:
        return  # already stopping
    if _state.shield:
        _state.pending = signum
        return
    _raise(signum)


def _raise(signum: int) -> None:
    _quiet_console()
    from monitors.parallel import stop_workers

    stop_workers()
    raise Interrupted(signum)


def install() -> None:
    """Handle SIGINT and SIGTERM in this (main) thread for the rest of the process (a second
    call, e.g. a second in-process ``main()``, starts afresh)."""
    _state.installed, _state.finishing, _state.received = True, False, 0
    _state.shield, _state.pending = 0, None
    arm()


def arm() -> None:
    """Put the CLI's handlers back (inside a flow run, where Prefect installed its own
    SIGTERM handler); nothing when ``install()`` was not called or off the main thread."""
    if not _state.installed or threading.current_thread() is not threading.main_thread():
        return
    for s in SIGNALS:
        signal.signal(s, _handler)


def finishing() -> None:
    """The command is over (returned or interrupted): a signal now only hurries the exit."""
    _state.finishing = True


@contextmanager
def shielded() -> Iterator[None]:
    """Run the block to its end even if a signal arrives; raise Interrupted after it."""
    _state.shield += 1
    try:
        yield
    finally:
        _state.shield -= 1
        if not _state.shield and _state.pending is not None:
            signum, _state.pending = _state.pending, None
            _raise(signum)


@contextmanager
def sigint_blocked() -> Iterator[None]:
    """Block SIGINT in this thread for the block: child processes started in it inherit the
    mask, so the terminal's Ctrl-C (sent to the whole group) does not reach them."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def start_api_server() -> None:
    """Start Prefect's temporary API server now (when no PREFECT_API_URL is set), from a helper
    thread with SIGINT blocked, so the server ignores the terminal's Ctrl-C; the flow then
    uses this server, and Prefect stops it (SIGTERM) at exit.  The main thread keeps handling
    signals while it waits."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    from prefect.server.api.server import SubprocessASGIServer

    failed: list[BaseException] = []

    def start() -> None:
        with sigint_blocked():
            try:
                SubprocessASGIServer().start()
            except BaseException as e:  # handed to the main thread
                failed.append(e)

    t = threading.Thread(target=start, name="newswatch-start-prefect", daemon=True)
    t.start()
    t.join()
    if failed:
        raise failed[0]


def _quiet_console() -> None:
    """Drop the console records of Prefect's crash reports for the interrupted runs (the CLI
    prints one line instead); records still go to the Prefect API."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    for lg in loggers:
        for h in lg.handlers:
            if isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) in (
                sys.stderr,
                sys.stdout,
            ):
                h.addFilter(_drop)


def _drop(record: logging.LogRecord) -> bool:
    return False
