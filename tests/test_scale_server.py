"""A sharded poll on real servers (issue 19), as docs/scale.md runs it.

``prefect server start``, a PostgreSQL server in a temporary directory (tests/pgserver.py),
the deployments of prefect.yaml, three workers on the ``newswatch-shards`` pool (one shard run
at a time each) and one on ``newswatch`` for the parent runs, and a local farm of 3,000 feeds
(tests/shardfarm.py).  ``poll-feeds`` with ``shards=3`` polls the farm into PostgreSQL; while
the largest shard is mid-way (its first batch committed, the rest not), the worker running it
and its flow-run processes (with the page and analysis workers) are SIGKILLed, as if its
machine had died: nobody reports the run, which stays Running; the parent, seeing no batch
stored for ``shard_stall_seconds`` (20 s here), marks it Crashed and starts the shard again on
a worker still alive; the new run polls the feeds still due.  Then a ``daily-digest`` run on
the server.

The same farm polled in one process (the DuckDB default: the three shards one after another)
and digested is the reference: the shared store must hold the same rows, the digest page must
be the same bytes, every feed must be polled once and every article stored once.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import flows  # noqa: F401
from monitors.decide.shards import shard_feeds
from monitors.ingest.feedlist import read_feed_list
from monitors.store.db import Store
from tests import pgserver
from tests.prefectserver import Prefect, kill_group
from tests.shardfarm import ShardFarm
from tests.storedump import dump

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
FEEDS = 3000
SHARDS = 3
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
DIGEST_AT = NOW + timedelta(hours=2)
HOSTS = 24  # loopback hosts of the farm: shards split a list by site
RUN_TIMEOUT = 600
STALL = 20  # seconds without a stored batch after which a Running shard is presumed dead


def flow_run_pids(flow_run_id: str) -> list[int]:
    """The processes of one flow run: the one the worker started and its children (they
    inherit its ``PREFECT__FLOW_RUN_ID``)."""
    marker = f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode()
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def shard_progress(db: str, shard: int) -> tuple[str, int] | None:
    """The recorded status of a shard's run and the feeds it has polled so far."""
    with Store(db) as store:
        row = store.con.execute(
            "SELECT status, counts FROM runs WHERE id LIKE ?", [f"% shard {shard}/{SHARDS}"]
        ).fetchone()
    if not row or not row[1]:
        return None
    counts = json.loads(row[1])
    return row[0], counts["feeds"] - counts["skipped"]


def runs_named(cli: Prefect, pattern: str) -> list[dict]:
    return [r for r in cli.post("/flow_runs/filter", {}) if re.fullmatch(pattern, r["name"])]


def parent_pid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def kill_mid_shard(
    cli: Prefect,
    db: str,
    parent: subprocess.Popen,
    victim: int,
    size: int,
    workers: list[subprocess.Popen],
) -> int:
    """Wait until shard ``victim`` (1-based) of ``size`` feeds has committed a batch but not
    its last, then SIGKILL the worker running it and every process of its flow run, as if its
    machine had died; how many feeds the shard had polled."""
    deadline = time.monotonic() + RUN_TIMEOUT
    progress = None
    while time.monotonic() < deadline:
        assert parent.poll() is None, "the parent run ended before the shard was killed"
        progress = shard_progress(db, victim)
        if progress and progress[0] == "running" and 0 < progress[1] < size:
            (run,) = runs_named(cli, f"shard {victim} of {SHARDS}")
            pids = flow_run_pids(run["id"])
            assert pids, f"no process found for flow run {run['id']} ({run['state_type']})"
            (worker,) = [w for w in workers if w.pid in {parent_pid(p) for p in pids}]
            for pid in [worker.pid, *pids]:
                os.kill(pid, signal.SIGKILL)
            return progress[1]
        time.sleep(0.1)
    pytest.fail(f"shard {victim} never got past its first batch: {progress}")


def reference(tmp_path: Path, listing: Path) -> tuple[str, str]:
    """The farm polled and digested in this process into a DuckDB file: (store, page)."""
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    db = str(tmp_path / "one-process.duckdb")
    out = poll_feeds(
        config=CONFIG, db=db, now=NOW, feeds_file=str(listing), allow_private=True,
        shards=SHARDS,
    )  # fmt: skip
    assert (out["feeds"], out["failed"], out["articles_new"]) == (FEEDS, 0, FEEDS), out
    done = daily_digest(config=CONFIG, db=db, now=DIGEST_AT, out=str(tmp_path / "ref-digest"))
    return db, Path(done["html"]).read_text(encoding="utf-8")


def test_three_workers_poll_3000_feeds_into_postgres_and_survive_a_killed_shard(
    prefect_server: Prefect, tmp_path: Path
) -> None:
    if pgserver.binaries() is None:
        pytest.skip("PostgreSQL is not installed (tasks.py test installs it with apt-get as root)")
    cli = prefect_server
    pg = pgserver.start()  # in /tmp: the postgres user cannot enter pytest's tmp_path
    workers = []
    try:
        db = pg.create_db("shared")
        cli.run("work-pool", "create", "newswatch", "--type", "process")
        cli.run("work-pool", "set-concurrency-limit", "newswatch", "1")
        cli.run("work-pool", "create", "newswatch-shards", "--type", "process")
        cli.run("deploy", "--all")
        # a shard silent for 20 s is presumed dead (the default, 900 s, suits real feeds)
        config = tmp_path / "monitors.toml"
        config.write_text(
            Path(CONFIG)
            .read_text(encoding="utf-8")
            .replace("[polling]\n", f"[polling]\nshard_stall_seconds = {STALL}\n", 1),
            encoding="utf-8",
        )
        logs = tmp_path / "workers"
        logs.mkdir()
        workers = [
            cli.worker("newswatch-shards", logs / f"shards-{k}.log", limit=1) for k in range(3)
        ]
        with ShardFarm(FEEDS, now=NOW, hosts=HOSTS) as farm:
            listing = tmp_path / "feeds.txt"
            listing.write_text("\n".join(farm.feed_urls()) + "\n", encoding="utf-8")
            # the largest shard is killed: it has at least two batches (1,000 feeds on average)
            sizes = [len(shard_feeds(read_feed_list(str(listing)), k, SHARDS)) for k in range(3)]
            victim = sizes.index(max(sizes)) + 1
            params = {
                "config": str(config), "feeds_file": str(listing), "db": db,
                "allow_private": "true", "now": NOW.isoformat(), "shards": str(SHARDS),
            }  # fmt: skip
            out = cli.run(
                "deployment", "run", "poll-feeds/poll-feeds",
                *[a for k, v in params.items() for a in ("--param", f"{k}={v}")],
            )  # fmt: skip
            poll_run = re.search(r"UUID: ([0-9a-f-]{36})", out).group(1)
            parent = cli.worker("newswatch", logs / "parent.log", once=True)
            workers.append(parent)
            polled_before_kill = kill_mid_shard(cli, db, parent, victim, max(sizes), workers[:3])
            parent.wait(RUN_TIMEOUT)
            ref_db, ref_page = reference(tmp_path, listing)
            requested = [r for r in farm.requests if r.startswith("/f/")]

        poll = cli.get(f"/flow_runs/{poll_run}")
        assert poll["state_type"] == "COMPLETED", (poll["state"], (logs / "parent.log").read_text())
        shard_runs = sorted((r["name"], r["state_type"]) for r in runs_named(cli, r"shard .*"))
        crashed = cli.get(f"/flow_runs/{runs_named(cli, f'shard {victim} of 3')[0]['id']}")
        assert "presumed dead" in crashed["state"]["message"], crashed["state"]
        expected = [(f"shard {k} of 3", "COMPLETED") for k in (1, 2, 3) if k != victim] + [
            (f"shard {victim} of 3", "CRASHED"),
            (f"shard {victim} of 3 (try 2)", "COMPLETED"),
        ]
        assert shard_runs == sorted(expected), shard_runs
        # the summary counts the killed run's batches too (recorded batch by batch)
        with Store(db) as store:
            (counts,) = store.con.execute(
                "SELECT counts FROM runs WHERE flow = 'poll-feeds'"
            ).fetchone()
            summary = json.loads(counts)
            feeds = store.con.execute(
                "SELECT count(*), count(*) FILTER (WHERE last_status = 'new') FROM feeds"
            ).fetchone()
            articles = store.con.execute("SELECT count(*), count(DISTINCT url) FROM articles")
            articles = articles.fetchone()
        assert (summary["feeds"], summary["skipped"], summary["new"]) == (FEEDS, 0, FEEDS)
        assert summary["articles_new"] == FEEDS and summary["failed"] == 0, summary
        assert feeds == (FEEDS, FEEDS) and articles == (FEEDS, FEEDS)
        assert polled_before_kill >= 250  # at least one batch was in before the kill

        # each feed was asked once by the sharded poll, once by the reference (the killed
        # shard's committed batches are not fetched again); a batch in flight may be asked twice
        per_feed: dict[str, int] = {}
        for path in requested:
            per_feed[path] = per_feed.get(path, 0) + 1
        assert len(per_feed) == FEEDS
        assert sum(per_feed.values()) <= 2 * FEEDS + 250, sum(per_feed.values())

        digest_run = re.search(
            r"UUID: ([0-9a-f-]{36})",
            cli.run(
                "deployment", "run", "daily-digest/daily-digest", "--param", f"db={db}",
                "--param", f"out={tmp_path / 'digest'}", "--param",
                f"now={DIGEST_AT.isoformat()}",
            ),
        ).group(1)  # fmt: skip
        cli.run("worker", "start", "--pool", "newswatch", "--run-once", timeout=RUN_TIMEOUT)
        assert cli.get(f"/flow_runs/{digest_run}")["state_type"] == "COMPLETED"
        page = (tmp_path / "digest" / f"{DIGEST_AT.date()}.html").read_text(encoding="utf-8")
        assert page == ref_page
        shared, single = dump(db), dump(ref_db)
        for table in shared:
            assert shared[table] == single[table], table
    finally:
        for w in workers:
            kill_group(w)
        pg.stop()
