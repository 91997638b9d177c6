"""Throughput of the sharded poll by worker count (issue 19): feeds per second for 1, 2 and 3
workers of the ``newswatch-shards`` pool writing one PostgreSQL store, on this machine.

Everything is real and local: ``prefect server start`` in a temporary PREFECT_HOME, the
deployments of prefect.yaml, a PostgreSQL server in a temporary directory (tests/pgserver.py),
and the feed farm of tests/shardfarm.py (the repository's sample stories and short off-topic
notes, one item per feed, spread over ``--hosts`` loopback addresses, every request held
``--latency`` ms).  For each worker count N, in a fresh database, N workers
(``prefect worker start --limit 1``) poll the farm as N ``poll-shard`` runs (shard k of N),
cold, then warm 13 hours later (every feed due, every feed answering 304).  The time is from
the runs' creation to the last one's end, so it includes what a real poll pays: a worker
noticing the run (the workers ask every second here, not every 10 s, so that the wait does
not drown the poll), the flow-run process starting, the pull step.

Prints one line per count, ``N workers: X.XXx`` (cold feeds/s against one worker, measured in
the same run), with the seconds, feeds/s and CPU seconds per worker (the worker and every
process it started: flow runs, their page and analysis pools), then the warm ratios.

    .venv/bin/python bench/scale.py            # 3,000 feeds, 200 ms, 250 hosts, 1,2,3 workers
    .venv/bin/python bench/scale.py --quick    # 600 feeds, 1 and 2 workers (a few minutes)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import pgserver  # noqa: E402
from tests.prefectserver import Prefect, kill_group, running_server  # noqa: E402
from tests.shardfarm import ShardFarm  # noqa: E402

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
WARM_AFTER = timedelta(hours=13)  # past every feed's next poll time: all due, all 304
TICKS = os.sysconf("SC_CLK_TCK")
TARGET = 1.7  # issue 19: 2 workers at least 1.7x one


@dataclass
class Trial:
    workers: int
    feeds: int
    cold_s: float
    warm_s: float
    cold_cpu: list[float]  # CPU seconds per worker (with every process it started), cold
    warm_cpu: list[float]  # ... warm
    busy: float  # cores busy on the whole machine during the cold poll

    def rate(self, seconds: float) -> float:
        return self.feeds / seconds


def cpu_seconds(pid: int) -> float:
    """CPU of a process and of every child it has waited for (utime+stime+cutime+cstime)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def wait_until_reaped(pid: int, timeout: float = 60) -> None:
    """Wait until the process ``pid`` has no child left (a worker reaps its flow-run process
    a moment after the run is reported complete; until then its CPU is not in ``pid``'s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = "".join(
            (t / "children").read_text() for t in Path(f"/proc/{pid}/task").iterdir()
        ).split()
        if not children:
            return
        time.sleep(0.2)
    raise RuntimeError(f"worker {pid} still has child processes after {timeout} s")


def machine_busy_ticks() -> int:
    """Clock ticks the machine's CPUs have spent not idle (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4]  # all but idle and iowait


def wait_for_workers(cli: Prefect, names: list[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = {w["name"] for w in cli.post("/work_pools/newswatch-shards/workers/filter", {})}
        if set(names) <= seen:
            return
        time.sleep(0.5)
    raise RuntimeError(f"workers {names} did not register within {timeout} s")


def poll_once(cli: Prefect, n: int, params: dict[str, str], label: str) -> float:
    """Create ``n`` poll-shard runs (shard k of n) and wait for all to complete; seconds."""
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    started = time.monotonic()
    runs = [
        run_deployment(
            "poll-shard/poll-shard",
            parameters=dict(params, shard=k, shards=n, run=f"bench-{label}-{n}"),
            timeout=0,
            flow_run_name=f"bench {label} {k + 1} of {n}",
        ).id
        for k in range(n)
    ]
    with get_client(sync_client=True) as client:
        while True:
            states = [client.read_flow_run(r).state for r in runs]
            if all(s and s.is_final() for s in states):
                break
            time.sleep(0.2)
    bad = [s.name for s in states if not s.is_completed()]
    if bad:
        raise RuntimeError(f"{label} poll with {n} workers: runs ended {bad}")
    return time.monotonic() - started


def trial(
    cli: Prefect, pg: pgserver.PgServer, n: int, listing: Path, logs: Path, config: str
) -> Trial:
    db = pg.create_db(f"bench_{n}_{int(time.time())}")
    names = [f"bench-{n}-{k}" for k in range(n)]
    workers = [
        cli.worker("newswatch-shards", logs / f"{name}.log", limit=1, name=name) for name in names
    ]
    try:
        wait_for_workers(cli, names)
        params = {"db": db, "feeds_file": str(listing), "allow_private": True, "config": config}
        ticks = machine_busy_ticks()
        cold = poll_once(cli, n, dict(params, now=NOW.isoformat()), "cold")
        busy = (machine_busy_ticks() - ticks) / TICKS / cold
        for w in workers:
            wait_until_reaped(w.pid)
        cold_cpu = [cpu_seconds(w.pid) for w in workers]
        warm = poll_once(cli, n, dict(params, now=(NOW + WARM_AFTER).isoformat()), "warm")
        for w in workers:
            wait_until_reaped(w.pid)
        warm_cpu = [cpu_seconds(w.pid) - c for w, c in zip(workers, cold_cpu, strict=True)]
    finally:
        for w in workers:
            kill_group(w)
    return Trial(n, count_lines(listing), cold, warm, cold_cpu, warm_cpu, busy)


def with_concurrency(n: int) -> str:
    """monitors.toml with ``[polling] max_concurrency = n``."""
    text = (ROOT / "monitors.toml").read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^max_concurrency\s*=\s*\d+", f"max_concurrency = {n}", text)
    if found != 1:
        raise SystemExit("bench/scale.py: no max_concurrency line in monitors.toml")
    return text


def count_lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip())


def report(trials: list[Trial], args: argparse.Namespace) -> None:
    base = trials[0]
    print(
        f"\nfarm: {base.feeds} feeds on {args.hosts} loopback hosts, {args.latency} ms per "
        f"request; each worker fetches at most {args.concurrency} at once; PostgreSQL store; "
        f"one poll-shard run per worker; {os.cpu_count()} cores"
    )
    print("cold (every feed new, pages fetched, analysed, stored):")
    for t in trials:
        print(
            f"{t.workers} workers: {base.cold_s / t.cold_s:.2f}x   ({t.cold_s:6.1f} s, "
            f"{t.rate(t.cold_s):6.1f} feeds/s; machine {t.busy:.1f} of {os.cpu_count()} cores "
            f"busy; CPU per worker {sum(t.cold_cpu) / t.workers:5.1f} s, "
            f"{1000 * sum(t.cold_cpu) / t.feeds:.1f} ms a feed)"
        )
    print("warm (every feed answers 304):")
    for t in trials:
        print(
            f"{t.workers} workers: {base.warm_s / t.warm_s:.2f}x   ({t.warm_s:6.1f} s, "
            f"{t.rate(t.warm_s):6.1f} feeds/s; CPU per worker {sum(t.warm_cpu) / t.workers:5.1f}"
            f" s, {1000 * sum(t.warm_cpu) / t.feeds:.1f} ms a feed)"
        )
    if len(trials) > 1:  # CPU = fixed per shard run + per feed: the two from the first and last
        a, b = trials[0], trials[-1]
        models = (("cold", lambda t: sum(t.cold_cpu)), ("warm", lambda t: sum(t.warm_cpu)))
        for label, cpu_of in models:
            fixed = (cpu_of(b) - cpu_of(a)) / (b.workers - a.workers)
            per_feed = (cpu_of(a) - fixed * a.workers) / a.feeds
            print(
                f"{label} CPU model: {fixed:.1f} s per shard run + {1000 * per_feed:.2f} ms a feed"
            )
    two = next((t for t in trials if t.workers == 2), None)
    if two and base.workers == 1:
        got = base.cold_s / two.cold_s
        verdict = "met" if got >= TARGET else "MISSED"
        print(f"issue 19 target: 2 workers >= {TARGET}x one worker, cold: {got:.2f}x ({verdict})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=3000)
    ap.add_argument("--latency", type=int, default=200, help="ms per request (default 200)")
    ap.add_argument("--hosts", type=int, default=250, help="loopback hosts (default 250)")
    ap.add_argument("--workers", default="1,2,3", help="worker counts (default 1,2,3)")
    ap.add_argument(
        "--concurrency", type=int, default=128,
        help="[polling] max_concurrency of each worker (default 128, monitors.toml's)",
    )  # fmt: skip
    ap.add_argument("--quick", action="store_true", help="600 feeds, 1 and 2 workers")
    args = ap.parse_args()
    if args.quick:
        args.feeds, args.workers = 600, "1,2"
    counts = [int(c) for c in args.workers.split(",")]
    if pgserver.binaries() is None:
        sys.exit("bench/scale.py needs PostgreSQL (Debian: apt-get install postgresql)")
    with tempfile.TemporaryDirectory(prefix="newswatch-scale-") as tmp:
        tmp_path = Path(tmp)
        pg = pgserver.start()
        try:
            with running_server(tmp_path) as cli:
                os.environ.update({k: v for k, v in cli.env.items() if k.startswith("PREFECT_")})
                # a worker asks for new runs every 10 s by default: noise of up to 10 s a poll
                cli.env["PREFECT_WORKER_QUERY_SECONDS"] = "1"
                cli.run("work-pool", "create", "newswatch", "--type", "process")
                cli.run("work-pool", "create", "newswatch-shards", "--type", "process")
                cli.run("deploy", "--all")
                logs = tmp_path / "logs"
                logs.mkdir()
                with ShardFarm(
                    args.feeds, latency=args.latency / 1000, now=NOW, hosts=args.hosts
                ) as farm:
                    listing = tmp_path / "feeds.txt"
                    listing.write_text("\n".join(farm.feed_urls()) + "\n")
                    config = tmp_path / "monitors.toml"
                    config.write_text(with_concurrency(args.concurrency), encoding="utf-8")
                    trials = []
                    for n in counts:
                        print(f"polling with {n} worker(s) ...", flush=True)
                        trials.append(trial(cli, pg, n, listing, logs, str(config)))
                report(trials, args)
        except subprocess.SubprocessError as e:
            sys.exit(f"bench/scale.py: {e}")
        finally:
            pg.stop()


if __name__ == "__main__":
    main()
