"""The deployments on a real Prefect server, as docs/prefect.md runs them.

In a temporary PREFECT_HOME: `prefect server start` on a free port of 127.0.0.1, the work pool,
`prefect deploy --all` from the repository, `prefect deployment run ... --param ...` for
poll-feeds (against a local feed server) and daily-digest, `prefect worker start --run-once`,
then the runs, their artifacts, the digest file and the stored rows are checked.  Every process
started here runs in its own process group, killed in a `finally`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from flows.demo.feedserver import FeedServer
from tests.prefectserver import COMMAND_TIMEOUT, ROOT, Prefect

pytestmark = [pytest.mark.server, pytest.mark.slow]


@contextmanager
def webhook(received: list[str]) -> Iterator[str]:
    """A local endpoint that records the bodies POSTed to it; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            received.append(self.rfile.read(n).decode("utf-8", "replace"))
            self.send_response(200)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/alert"
    finally:
        httpd.shutdown()
        httpd.server_close()


def automation_snippet() -> str:
    """The Python that docs/prefect.md gives to create the failed-digest automation."""
    text = (ROOT / "docs" / "prefect.md").read_text(encoding="utf-8")
    m = re.search(r"^\.venv/bin/python - <<'EOF'\n(.*?)^EOF$", text, re.S | re.M)
    assert m, "docs/prefect.md: the automation example is missing"
    return m.group(1)


def flow_run_id(output: str) -> str:
    m = re.search(r"UUID: ([0-9a-f-]{36})", output)
    assert m, f"no flow run id in:\n{output}"
    return m.group(1)


def test_deploy_trigger_and_run_on_a_real_server(
    prefect_server: Prefect, data_dir: Path, tmp_path: Path
) -> None:
    started = time.monotonic()
    cli = prefect_server
    db, out = tmp_path / "newswatch.duckdb", tmp_path / "digests"
    elsewhere = tmp_path / "worker-cwd"  # the pull step, not the worker's cwd, finds the code
    elsewhere.mkdir()

    cli.run("work-pool", "create", "newswatch", "--type", "process")
    cli.run("work-pool", "set-concurrency-limit", "newswatch", "1")
    cli.run("work-pool", "create", "newswatch-shards", "--type", "process")  # poll-shard's
    deployed = cli.run("deploy", "--all")
    for name in (
        "poll-feeds/poll-feeds",
        "daily-digest/daily-digest",
        "newswatch-run/run",
        "backfill/backfill",
    ):
        assert f"Deployment '{name}' successfully created" in deployed
    deployment = cli.get("/deployments/name/poll-feeds/poll-feeds")
    assert deployment["pull_steps"] == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT.resolve())}}
    ]
    assert deployment["global_concurrency_limit"]["limit"] == 1
    assert deployment["schedules"][0]["schedule"]["interval"] == 1800
    digest_dep = cli.get("/deployments/name/daily-digest/daily-digest")
    assert digest_dep["schedules"][0]["schedule"] == {
        "cron": "0 7 * * *",
        "timezone": "Europe/Brussels",
        "day_or": True,
    }

    with FeedServer(data_dir) as feeds:
        feed_list = [{"url": feeds.url("feeds/mini.rss"), "name": "Mini Wire"}]
        poll_run = flow_run_id(
            cli.run(
                "deployment",
                "run",
                "poll-feeds/poll-feeds",
                "--param",
                f"feeds={json.dumps(feed_list)}",
                "--param",
                f"db={db}",
                "--param",
                "allow_private=true",
                "--param",
                "now=2026-11-20T18:00:00+00:00",
            )
        )
        worker = cli.run("worker", "start", "--pool", "newswatch", "--run-once", cwd=elsewhere)
        assert any("/feeds/mini.rss" in r for r in feeds.requests), worker

    digest_run = flow_run_id(
        cli.run(
            "deployment",
            "run",
            "daily-digest/daily-digest",
            "--param",
            f"db={db}",
            "--param",
            f"out={out}",
            "--param",
            "now=2026-11-21T06:00:00Z",
        )
    )
    worker += cli.run("worker", "start", "--pool", "newswatch", "--run-once", cwd=elsewhere)

    runs = {r["id"]: r for r in cli.post("/flow_runs/filter", {})}
    for run_id in (poll_run, digest_run):
        assert runs[run_id]["state_type"] == "COMPLETED", (runs[run_id]["state"], worker)
    assert runs[poll_run]["parameters"]["allow_private"] is True
    assert runs[poll_run]["parameters"]["feeds"] == feed_list

    # the run summary line is in the run's logs
    logs = cli.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [poll_run]}}, "limit": 200})
    assert any(
        re.search(
            r"polled 1 of 1 feeds? .* 1 with items, 0 not modified, 0 failed; "
            r"articles: \d+ new",
            log["message"],
        )
        for log in logs
    ), logs

    artifacts = cli.post(
        "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [digest_run]}}}
    )
    by_key = {a["key"]: a for a in artifacts}
    assert set(by_key) >= {"digest-summary", "new-figures"}
    assert "2026-11-21" in by_key["digest-summary"]["data"]
    assert by_key["new-figures"]["type"] == "table"

    html = out / "2026-11-21.html"
    assert html.is_file() and "Norway" in html.read_text(encoding="utf-8")
    con = duckdb.connect(str(db), read_only=True)
    try:
        kept, figures, quotes, digests = con.execute(
            "SELECT (SELECT count(*) FROM articles WHERE kept), (SELECT count(*) FROM figures),"
            " (SELECT count(*) FROM quotes), (SELECT count(*) FROM digests)"
        ).fetchone()
    finally:
        con.close()
    assert kept >= 1 and figures >= 1 and quotes >= 1 and digests == 1
    assert not (elsewhere / "data").exists(), "the run wrote into the worker's cwd"

    # a failed digest shows its reason, and the automation of docs/prefect.md reports it
    alerts: list[str] = []
    with webhook(alerts) as url:
        made = subprocess.run(
            [sys.executable, "-"],
            input=automation_snippet(),
            text=True,
            capture_output=True,
            cwd=ROOT,
            timeout=COMMAND_TIMEOUT,
            env=cli.env | {"NEWSWATCH_ALERT_URL": url},
        )
        assert made.returncode == 0, made.stderr
        assert "automation newswatch-digest-failed created" in made.stdout
        failed_run = flow_run_id(
            cli.run(
                "deployment", "run", "daily-digest/daily-digest", "--param", "config=missing.toml"
            )
        )
        cli.run("worker", "start", "--pool", "newswatch", "--run-once", cwd=elsewhere)
        failed = cli.get(f"/flow_runs/{failed_run}")
        assert failed["state_type"] == "FAILED"
        assert "ConfigError: missing.toml: config file not found" in failed["state"]["message"]
        deadline = time.monotonic() + 45
        while not alerts and time.monotonic() < deadline:
            time.sleep(0.5)
    assert alerts, "the automation did not post to the webhook"
    alert = json.loads(alerts[0])
    assert alert["title"] == f"newswatch: digest run {failed['name']} Failed"
    assert "config file not found" in alert["message"] and failed_run in alert["message"]
    assert time.monotonic() - started < 150
