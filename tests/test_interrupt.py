"""Ctrl-C and SIGTERM: a real `newswatch` subprocess is signalled mid-poll and mid-digest.

It must stop within 5 s, print one line saying what was kept, exit 130 (SIGINT) / 143 (SIGTERM),
leave no child process behind (Prefect's temporary server, pool workers), mark the run
interrupted and leave a store the next run completes without duplicates; a digest interrupted
while it is being sent is sent and recorded exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller

from flows.demo.smtpsink import free_port
from tests.faultserver import rss

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T12:00:00+00:00"
BATCH = 40  # feeds per batch: enough for the process pool (monitors.parallel) to start
FEEDS = 2 * BATCH

pytestmark = pytest.mark.slow


class SlowFeeds:
    """RSS feeds at /feed/<i> on 127.0.0.1; feeds from ``slow_from`` on answer after ``delay``
    seconds (until the server stops).  ``hits`` lists the feed numbers requested."""

    def __init__(self, slow_from: int, delay: float = 60.0) -> None:
        self.slow_from, self.delay = slow_from, delay
        self.hits: list[int] = []
        self.stopping = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                n = int(self.path.rsplit("/", 1)[-1])
                owner.hits.append(n)
                if n >= owner.slow_from:
                    owner.stopping.wait(owner.delay)
                body = rss(name=f"feed {n}", item_id=f"f{n}")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client went away (it was interrupted)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed/{n}"

    def __enter__(self) -> SlowFeeds:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


class SlowSink:
    """An SMTP server on 127.0.0.1 that takes ``delay`` seconds to accept each message;
    ``data_started`` is set when the first message's DATA arrives."""

    def __init__(self, delay: float) -> None:
        self.port = free_port()
        self.delay = delay
        self.received: list[bytes] = []
        self.data_started = threading.Event()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.data_started.set()
        await asyncio.sleep(self.delay)
        self.received.append(envelope.original_content or envelope.content)  # type: ignore[attr-defined]
        return "250 Message accepted for delivery"

    def env(self) -> dict[str, str]:
        return {
            "NEWSWATCH_SMTP_HOST": "127.0.0.1",
            "NEWSWATCH_SMTP_PORT": str(self.port),
            "NEWSWATCH_SMTP_TLS": "none",
            "NEWSWATCH_SMTP_FROM": "newswatch@localhost",
            "NEWSWATCH_SMTP_TO": "analysts@example.org",
        }

    def message_ids(self) -> list[str]:
        return [
            m.group(1).decode()
            for m in (re.search(rb"(?mi)^Message-ID:\s*(\S+)", d) for d in self.received)
            if m
        ]

    def __enter__(self) -> SlowSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[dict]:
    text = (ROOT / "monitors.toml").read_text(encoding="utf-8")
    config = tmp_path / "monitors.toml"
    config.write_text(re.sub(r"(?m)^batch_size = \d+", f"batch_size = {BATCH}", text), "utf-8")
    yield {"config": config, "db": tmp_path / "store.duckdb", "out": tmp_path / "digests"}


def env(extra: dict[str, str] | None = None) -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out.setdefault("PREFECT_HOME", str(ROOT / ".prefect-test"))
    out.pop("PREFECT_API_URL", None)  # the CLI's own temporary server, as a user meets it
    out.update(extra or {})
    return out


def run(
    args: list[str], extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`newswatch ARGS` to the end (the setup's poll, a follow-up poll or digest)."""
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env(extra_env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def start(args: list[str], extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    """`newswatch ARGS` in its own session, so its process group is only it and its children
    (as a terminal's foreground job)."""
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        env=env(extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            parents[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - out
        out |= frontier
    return out


def outliving(pids: set[int], grace: float = 3.0) -> list[str]:
    """The command lines of ``pids`` still running after ``grace`` seconds (children that exit on
    their own once the parent's pipe closes, such as multiprocessing's resource tracker, get
    that long)."""
    deadline = time.monotonic() + grace
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    out = []
    for p in alive(pids):
        with contextlib.suppress(OSError):
            out.append(Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode())
    return out


def alive(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(p)
    return out


def wait_for(cond: object, timeout: float, what: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not cond():  # type: ignore[operator]
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"newswatch exited ({proc.returncode}) before {what}:\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def signal_and_wait(proc: subprocess.Popen, send: object) -> tuple[float, str, str, set[int]]:
    """Send the signal (``send()``), wait for the exit; (seconds it took, stdout, stderr, the
    child processes the run had)."""
    children = descendants(proc.pid)
    assert children, "expected Prefect's temporary server among the children"
    t0 = time.monotonic()
    send()  # type: ignore[operator]
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"newswatch did not stop within 60 s of the signal:\n{err[-3000:]}")
    return time.monotonic() - t0, out, err, children


def store_rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_ctrl_c_to_the_process_group_mid_poll(setup: dict, tmp_path: Path) -> None:
    """SIGINT to the whole group, as a terminal sends, while the second batch is being fetched:
    the first batch is kept, the run is marked interrupted, the next poll finishes the rest."""
    with SlowFeeds(slow_from=BATCH) as feeds:
        listing = tmp_path / "feeds.txt"
        listing.write_text("".join(feeds.url(n) + "\n" for n in range(FEEDS)), "utf-8")
        args = ["poll", "--config", str(setup["config"]), "--db", str(setup["db"])]
        args += ["--now", NOW, "--feeds", str(listing)]
        proc = start(args)
        wait_for(lambda: BATCH in feeds.hits, 240, "the second batch", proc)
        elapsed, out, err, children = signal_and_wait(
            proc, lambda: os.killpg(proc.pid, signal.SIGINT)
        )
        assert proc.returncode == 130, err[-3000:]
        assert elapsed <= 5, f"took {elapsed:.1f} s to stop"
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines[0] == f"newswatch: created a new store {setup['db']}", err[-3000:]
        assert lines[1:] == [
            f"newswatch: interrupted: {BATCH} of {FEEDS} feeds stored; "
            "the next poll finishes the rest"
        ], err[-3000:]
        assert "Traceback" not in out + err
        if len(os.sched_getaffinity(0)) > 1:  # the pool's workers ran beside the server
            assert len(children) >= 3, children
        assert not outliving(children), "child processes outlived newswatch"
        assert store_rows(setup["db"], "SELECT status FROM runs") == [("interrupted",)]
        assert store_rows(setup["db"], "SELECT count(*) FROM articles")[0][0] == 2 * BATCH

        feeds.slow_from = FEEDS  # the slow feeds answer now
        done = run(args)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "earlier poll(s) did not finish" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    runs = store_rows(setup["db"], "SELECT status, counts FROM runs ORDER BY id")
    assert [r[0] for r in runs] == ["interrupted", "ok"]
    counts = json.loads(runs[1][1])
    assert (counts["feeds"], counts["skipped"]) == (FEEDS, BATCH)  # the first are not due
    articles = store_rows(setup["db"], "SELECT count(*), count(DISTINCT url) FROM articles")
    assert articles == [(2 * FEEDS, 2 * FEEDS)]  # every feed's two items, once each
    feeds_ok = store_rows(setup["db"], "SELECT count(*) FROM feeds WHERE last_status = 'new'")
    assert feeds_ok == [(FEEDS,)]


def test_sigterm_mid_digest_sends_it_exactly_once(setup: dict, tmp_path: Path) -> None:
    """SIGTERM to the process while the SMTP server is receiving the digest: the message is
    delivered and recorded as sent (not cut in half, not sent again by the next run)."""
    with SlowFeeds(slow_from=FEEDS) as feeds:
        listing = tmp_path / "feeds.txt"
        listing.write_text("".join(feeds.url(n) + "\n" for n in range(FEEDS)), "utf-8")
        store = ["--config", str(setup["config"]), "--db", str(setup["db"])]
        polled = run(["poll", *store, "--now", NOW, "--feeds", str(listing)])
        assert polled.returncode == 0, polled.stderr[-3000:]
    with SlowSink(delay=1.0) as sink:  # the signal comes mid-DATA; the send waits 1 s more
        digest = ["digest", *store, "--out", str(setup["out"])]
        proc = start([*digest, "--now", NOW], sink.env())
        wait_for(sink.data_started.is_set, 240, "the digest's DATA", proc)
        elapsed, out, err, children = signal_and_wait(
            proc, lambda: os.kill(proc.pid, signal.SIGTERM)
        )
        assert proc.returncode == 143, err[-3000:]
        assert elapsed <= 5, f"took {elapsed:.1f} s to stop"
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines == ["newswatch: interrupted: the digest was sent and recorded"], err[-3000:]
        assert "Traceback" not in out + err
        assert not outliving(children), "child processes outlived newswatch"
        assert len(sink.received) == 1
        rows = store_rows(setup["db"], "SELECT status, message_id FROM digests")
        assert rows == [("sent", sink.message_ids()[0])]

        sink.delay = 0
        again = run([*digest, "--now", "2026-11-24T12:00:00+00:00"], sink.env())
    assert again.returncode == 0, again.stderr[-3000:]
    assert "re-sending" not in again.stderr
    ids = sink.message_ids()
    assert len(ids) == 2 and len(set(ids)) == 2  # the next day's digest, and no second copy
    statuses = store_rows(setup["db"], "SELECT status FROM digests ORDER BY window_end")
    assert statuses == [("sent",), ("sent",)]
