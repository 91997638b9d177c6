"""A real Prefect server for the tests that need one (``tests/test_server.py``,
``tests/test_scale_server.py``) and ``bench/scale.py``: ``prefect server start`` on a free port
of 127.0.0.1 in a temporary ``PREFECT_HOME``, the CLI run against it, and every process started
in its own process group so that it can be killed whole.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).with_name("prefect"))
SERVER_START_TIMEOUT = 120
COMMAND_TIMEOUT = 90


class CommandFailed(RuntimeError):
    """A `prefect` command or the server failed; the message holds its output."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kill_group(proc: subprocess.Popen, grace: float = 10) -> None:
    """Stop ``proc`` and everything it started (it leads its own process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        except ProcessLookupError:
            return
    # the group may outlive its leader (a flow-run subprocess, uvicorn workers)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(5)


class Prefect:
    """Runs `prefect ...` against one server, in one PREFECT_HOME."""

    def __init__(self, home: Path, port: int) -> None:
        self.api = f"http://127.0.0.1:{port}/api"
        self.port = port
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSWATCH_"))}
        env.update(
            PREFECT_HOME=str(home),
            PREFECT_API_URL=self.api,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_CLI_PROMPT="false",
            # no scheduled runs: only the runs this test creates (the schedules would
            # poll the real feeds of monitors.toml into the repository's data/)
            PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
            PYTHONUNBUFFERED="1",
        )
        self.env = env
        self.log = home / "commands.log"

    def run(self, *args: str, cwd: Path = ROOT, timeout: float = COMMAND_TIMEOUT) -> str:
        """Run one CLI command to completion; its output, or a failure that shows it."""
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"\n$ prefect {' '.join(args)}\n")
        proc = subprocess.Popen(
            [PREFECT, *args],
            cwd=cwd,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out = proc.stdout.read() if proc.stdout else ""
            took = f"`prefect {' '.join(args)}` took more than {timeout} s"
            raise CommandFailed(f"{took}:\n{out}") from None
        finally:
            kill_group(proc)
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(out)
        if proc.returncode != 0:
            raise CommandFailed(f"`prefect {' '.join(args)}` failed:\n{out}")
        return out

    def worker(
        self,
        pool: str,
        log: Path,
        limit: int | None = None,
        once: bool = False,
        name: str | None = None,
    ) -> subprocess.Popen:
        """``prefect worker start --pool pool`` in the background (its own process group;
        the caller kills it with :func:`kill_group`), its output appended to ``log``;
        ``limit``: flow runs at once; ``once``: ``--run-once``; ``name``: the worker's."""
        args = [PREFECT, "worker", "start", "--pool", pool]
        if name:
            args += ["--name", name]
        if limit:
            args += ["--limit", str(limit)]
        if once:
            args.append("--run-once")
        with open(log, "a", encoding="utf-8") as out:
            return subprocess.Popen(
                args, cwd=log.parent, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def get(self, path: str) -> dict:
        r = httpx.get(f"{self.api}{path}", timeout=10)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict) -> list[dict]:
        r = httpx.post(f"{self.api}{path}", json=body, timeout=10)
        r.raise_for_status()
        return r.json()


@contextmanager
def running_server(tmp_path: Path) -> Iterator[Prefect]:
    """``prefect server start`` with its home under ``tmp_path``, healthy; killed on exit."""
    home = tmp_path / "prefect-home"
    home.mkdir()
    cli = Prefect(home, free_port())
    server_log = open(home / "server.log", "w", encoding="utf-8")  # noqa: SIM115
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(cli.port)],
        cwd=tmp_path,
        env=cli.env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                raise CommandFailed("prefect server exited:\n" + (home / "server.log").read_text())
            try:
                if httpx.get(f"{cli.api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise CommandFailed(
                    f"prefect server not healthy after {SERVER_START_TIMEOUT} s:\n"
                    + (home / "server.log").read_text()
                )
            time.sleep(0.5)
        yield cli
    finally:
        kill_group(server, grace=15)
        server_log.close()
