"""What the command line prints once Prefect runs (issue 15): no Prefect banner or hints at the
default level (``-v`` shows Prefect's INFO logs), our own progress lines always, and an expected
error inside a flow (unreachable SMTP, the store lock taken while Prefect starts) as one line,
with no traceback unless ``--debug``.

Real subprocesses, a real store, a closed loopback port for SMTP. The two Prefect-starting
tests are slow (~20 s each).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import build_parser
from flows.demo.smtpsink import free_port
from monitors.store.db import Store
from monitors.wording import plural
from tests.test_cli_store import HOLDER, cli_env

CLI = [sys.executable, "-m", "flows.cli"]
BANNER = "Starting temporary server"
DOCS_HINT = "https://www.prefect.io/docs"


def prefect_env(**extra: str) -> dict[str, str]:
    """The user's environment: no PREFECT_LOGGING_LEVEL (conftest sets one for in-process
    tests), so the command line's own default is what is tested."""
    env = cli_env(**extra)
    env.pop("PREFECT_LOGGING_LEVEL", None)
    return env


def errors_in(stderr: str) -> list[str]:
    return [x for x in stderr.splitlines() if x.startswith("newswatch: error: ")]


@pytest.mark.parametrize(
    ("argv", "verbose", "debug"),
    [
        (["feeds"], False, False),
        (["-v", "feeds"], True, False),
        (["feeds", "--verbose"], True, False),
        (["--debug", "topics", "test", "x"], False, True),
        (["topics", "test", "x", "--debug", "-v"], True, True),
        (["-v", "poll", "--debug"], True, True),
    ],
)
def test_global_flags_before_or_after_the_command(
    argv: list[str], verbose: bool, debug: bool
) -> None:
    args = build_parser().parse_args(argv)
    assert (args.verbose, args.debug) == (verbose, debug)


@pytest.mark.slow
def test_run_default_output_no_banner_unreachable_smtp_one_line(tmp_path: Path) -> None:
    """`run --create` into a new directory, one unreachable feed, SMTP on a closed port: the
    store is created, our progress lines show, Prefect's banner and states do not, and the
    delivery failure is one error line with exit 1 and no traceback."""
    db, out = tmp_path / "new" / "dir" / "store.duckdb", tmp_path / "out"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"http://127.0.0.1:{free_port()}/feed.xml\n", encoding="utf-8")
    smtp_port = free_port()  # nothing listens there
    env = prefect_env(
        NEWSWATCH_SMTP_HOST="127.0.0.1",
        NEWSWATCH_SMTP_PORT=str(smtp_port),
        NEWSWATCH_SMTP_TLS="none",
        NEWSWATCH_SMTP_TO="reader@example.org",
    )
    r = subprocess.run(
        [*CLI, "run", "--create", "--db", str(db), "--feeds", str(feeds), "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert r.returncode == 1, r.stderr[-3000:]
    assert db.exists() and f"created a new store {db}" in r.stderr
    assert "Traceback" not in r.stderr
    assert BANNER not in r.stderr and DOCS_HINT not in r.stderr
    assert "Beginning flow run" not in r.stderr and "Finished in state" not in r.stderr
    assert "polling 1 feed" in r.stderr  # our own progress lines: still shown
    assert "sending digest" in r.stderr
    errors = errors_in(r.stderr)
    assert len(errors) == 1 and f"cannot reach SMTP server 127.0.0.1:{smtp_port}" in errors[0]
    with Store(db, read_only=True) as s:
        assert [d.status for d in s.digests()] == ["failed"]  # the next run covers it again


@pytest.mark.slow
def test_lock_taken_while_prefect_starts_is_one_line_and_verbose_shows_prefect(
    tmp_path: Path,
) -> None:
    """The store is free when `digest` checks it, then another process takes it while Prefect
    starts: the flow meets the lock. With -v Prefect's INFO logs show; without --debug the
    StoreError is one line, not Prefect's 25-line traceback."""
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, duckdb; sys.stdin.readline()\n" + HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    digest = subprocess.Popen(
        [*CLI, "-v", "digest", "--db", str(db), "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=prefect_env(NEWSWATCH_LOCK_WAIT="1"),
    )
    try:
        assert digest.stderr is not None and holder.stdin is not None and holder.stdout
        seen = []
        for line in digest.stderr:  # the store check has passed once Prefect starts
            seen.append(line)
            if BANNER in line:
                break
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "held"
        _, rest = digest.communicate(timeout=300)
    finally:
        if digest.poll() is None:
            digest.kill()
        holder.communicate("", timeout=30)
    stderr = "".join(seen) + rest
    assert digest.returncode == 1, stderr[-3000:]
    assert BANNER in stderr and "Beginning flow run" in stderr  # -v: Prefect's INFO logs
    assert "Traceback" not in stderr and "Encountered exception" not in stderr
    errors = errors_in(stderr)
    assert len(errors) == 1 and "in use by another" in errors[0] and str(db) in errors[0]


def test_plural() -> None:
    assert [plural(n, "new figure") for n in (0, 1, 2)] == [
        "0 new figures",
        "1 new figure",
        "2 new figures",
    ]
    assert plural(1, "story", "stories") == "1 story" and plural(3, "story", "stories") == (
        "3 stories"
    )


def test_digest_counts_one_in_the_singular() -> None:
    """One kept article, one failing feed: no "1 articles kept" or "1 feed(s)" anywhere."""
    from monitors.model import FeedOutcome
    from reports.digest import Limits, email_view
    from reports.render import render_email_html, render_html, render_text
    from tests.test_digest import gdp, stored, story

    d = stored(
        story("https://n.test/a", "Outlet", [gdp()]),
        health=[FeedOutcome("https://x.test/f", "X", "error", error="HTTP 503")],
    )
    html, text = render_html(d), render_text(d)
    mail = render_email_html(email_view(d, Limits(10, 10, 10)))
    for page in (html, text, mail):
        assert "1 article kept" in page and "1 articles" not in page
    assert "1 feed could not be read" in text and "feed(s)" not in text
    assert "1 feed could not be read" in re.sub(r"<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("var", "value", "named"),
    [("NEWSWATCH_SMTP_PORT", "abc", "NEWSWATCH_SMTP_PORT"), ("NEWSWATCH_SMTP_TO", "a b", "a b")],
)
def test_bad_smtp_settings_are_a_config_error_before_prefect(
    tmp_path: Path, var: str, value: str, named: str
) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    env = prefect_env(NEWSWATCH_SMTP_HOST="127.0.0.1") | {var: value}
    r = subprocess.run(
        [*CLI, "digest", "--db", str(db), "--out", str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and named in errors_in(r.stderr)[0]
    assert not (tmp_path / "out").exists()


def test_console_filter_tells_prefect_records_from_ours() -> None:
    """The filter decides by where a record was emitted (flows/logs.py)."""
    import logging

    from flows.logs import ConsoleFilter
    from monitors.errors import StoreError

    prefect_dir = "/venv/site-packages/prefect/"

    def record(
        path: str, level: int, msg: str, exc: BaseException | None = None
    ) -> logging.LogRecord:
        info = (type(exc), exc, None) if exc else None
        return logging.LogRecord("prefect.flow_runs", level, path, 1, msg, None, info)

    banner = record(prefect_dir + "server/api/server.py", logging.INFO, "Starting temporary")
    state = record(prefect_dir + "task_engine.py", logging.ERROR, "Finished in state Failed()")
    expected = record(prefect_dir + "flow_engine.py", logging.ERROR, "Encountered", StoreError())
    bug = record(prefect_dir + "flow_engine.py", logging.ERROR, "Encountered", KeyError("x"))
    ours = record("/repo/flows/poll.py", logging.INFO, "polling 3 feeds")
    email = record("/venv/site-packages/prefect_email/x.py", logging.INFO, "not prefect's own")
    cases = {  # (verbose, debug) -> records kept
        (False, False): [ours, bug, email],
        (True, False): [banner, state, ours, bug, email],
        (False, True): [expected, ours, bug, email],
        (True, True): [banner, state, expected, ours, bug, email],
    }
    for (verbose, debug), kept in cases.items():
        f = ConsoleFilter(prefect_dir, verbose=verbose, debug=debug)
        got = [r for r in (banner, state, expected, ours, bug, email) if f.filter(r)]
        assert got == kept, (verbose, debug)
