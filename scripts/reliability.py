#!/usr/bin/env python3
"""Reliability harness: kill -9, concurrent runs, memory and load, with figures.

    python scripts/reliability.py [--quick] [--kills N] [--feeds N] [--load-feeds N] [--seed S]

What it does (each case runs the real ``newswatch`` CLI as a subprocess, ``python -m flows.cli``):

* **kill -9 during poll** -- a local feed farm (``--feeds`` feeds generated from
  tests/data/feeds/mini.* and samples/feeds, each with its own links and GUIDs, served by
  flows.demo.feedserver.FeedServer on 127.0.0.1) is polled; the process group is SIGKILLed after a
  random delay (half uniformly over a clean run's duration, half inside the write phase: after
  the "analysed N articles" log line).  After each kill the store must open, and the integrity
  checks (:func:`integrity`) must find nothing.  Kills come in rounds on one store (each kill
  continues from what the previous left); a round ends with an unkilled re-run whose rows must
  equal a clean single run's (rows lost = clean rows missing, extra = rows the clean run lacks).
* **kill -9 during the digest** -- SMTP pointed at flows.demo.smtpsink.SmtpSink (in this process);
  one store, a sequence of digest windows (``--now`` one day apart); each window is killed at
  random points (uniform, or just after the "sending digest" log line, between send and mark),
  then re-run until it exits 0.  Duplicate e-mails = windows whose messages carry more than one
  distinct Message-ID; identical re-sends (same Message-ID, by design after a crash between send
  and mark) are counted separately.  Every window must end 'sent' in the store.
* **concurrent runs** -- two polls, and a poll and a digest, started together on one DuckDB
  file: with NEWSWATCH_LOCK_WAIT=60 the second waits and both succeed; with
  NEWSWATCH_LOCK_WAIT=1 the second exits 1 with "in use by another newswatch process".  No raw
  "Could not set lock" traceback, no corruption.
* **memory** -- a 50 MB feed (with and without Content-Length) and a gzip bomb (~1.1 MB that
  inflates to ~1.15 GB), from tests/faultserver.py, each polled via the CLI; peak RSS of the
  child (VmHWM sampled from /proc) against a one-small-feed baseline.
* **load** (skipped with --quick) -- a ``--load-feeds`` (10,000) feed poll against the farm:
  every feed in the feeds table and the summary, peak RSS.

The Prefect API: one temporary Prefect server (prefect's SubprocessASGIServer, a throw-away
PREFECT_HOME) is started here and handed to every child as PREFECT_API_URL, so a run costs
its own work rather than a server start each; the kills hit newswatch, not the API.

Results are printed as a table and written into docs/reliability.md between the
``<!-- reliability:begin -->`` and ``<!-- reliability:end -->`` markers (``--no-doc`` skips).
Exit status 0 when every case met its bar, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOC = ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- reliability:begin -->", "<!-- reliability:end -->"
POLL_NOW = "2026-11-26T12:00:00+00:00"
DIGEST_FIRST = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
TEMPLATES = [
    ROOT / "tests" / "data" / "feeds" / "mini.rss",
    ROOT / "tests" / "data" / "feeds" / "mini.atom",
    *sorted((ROOT / "samples" / "feeds").glob("*.xml")),
]
CHILD_TIMEOUT = 900.0
TABLES = ("feeds", "articles", "article_topics", "figures", "quotes", "figure_changes")


# -- the feed farm --------------------------------------------------------------------------


def make_farm(root: Path, n: int) -> list[str]:
    """Write ``n`` feeds under ``root/feeds`` (copies of the templates with links, GUIDs and
    Atom ids made unique per feed); returns their file names."""
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in TEMPLATES]
    names = []
    for i in range(n):
        s = texts[i % len(texts)]
        s = s.replace("newswatch.sample/", f"newswatch.sample/f{i}/")
        s = s.replace("newswatch.sample,", f"newswatch.sample.f{i},")
        s = re.sub(r"(<guid[^>]*>)", rf"\g<1>f{i}-", s)
        name = f"f{i:05d}.xml"
        (root / "feeds" / name).write_text(s, encoding="utf-8")
        names.append(name)
    return names


@contextlib.contextmanager
def feed_farm(root: Path, n: int) -> Iterator[Path]:
    """Serve ``n`` generated feeds on 127.0.0.1; yields the feed-list file for ``--feeds``."""
    from flows.demo.feedserver import FeedServer

    names = make_farm(root, n)
    with FeedServer(root) as srv:
        listing = root / "feeds.txt"
        listing.write_text("".join(srv.url(f"feeds/{x}") + "\n" for x in names), encoding="utf-8")
        yield listing


# -- the Prefect API shared by the children -------------------------------------------------


@contextlib.contextmanager
def prefect_api(home: Path | None = None) -> Iterator[str]:
    """A temporary Prefect API server; yields its URL (PREFECT_API_URL for the children).
    ``home``: a throw-away PREFECT_HOME (only when prefect is not imported yet)."""
    saved = dict(os.environ)
    if home is not None and "prefect" not in sys.modules:  # else settings are read already
        os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    import socket

    from prefect.server.api.server import SubprocessASGIServer

    with socket.socket() as sock:  # a port of its own: SubprocessASGIServer() with no port is
        sock.bind(("127.0.0.1", 0))  # the process-wide ephemeral API, which must not be stopped
        port = int(sock.getsockname()[1])
    server = SubprocessASGIServer(port=port)
    try:
        server.start(timeout=180)
        yield server.api_url
    finally:
        server.stop()
        os.environ.clear()
        os.environ.update(saved)


# -- running the CLI ------------------------------------------------------------------------


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    err_path: Path
    out_path: Path
    started: float
    rc: int | None = None
    maxrss_kb: int = 0
    killed: bool = False
    ended: float = 0.0

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def poll(self) -> bool:
        """Reap the child if it has ended; True when it has.  While it runs, sample its peak
        RSS (see :func:`tree_hwm_kb`)."""
        if self.rc is not None:
            return True
        self.maxrss_kb = max(self.maxrss_kb, tree_hwm_kb(self.proc.pid))
        pid, status, _usage = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.rc = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.rc
        self.ended = time.monotonic()
        return True

    def wait(self, timeout: float = CHILD_TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while not self.poll():
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"child timed out after {timeout:.0f} s:\n{self.stderr[-3000:]}")
            time.sleep(0.02)
        assert self.rc is not None
        return self.rc

    def kill(self) -> None:
        """SIGKILL the whole process group (the CLI and its worker processes)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.killed = True
        while not self.poll():
            time.sleep(0.01)
        self.killed = self.rc == -signal.SIGKILL

    def wait_for(self, marker: str, timeout: float = CHILD_TIMEOUT) -> bool:
        """Wait until ``marker`` appears on stderr; False if the child ended first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.stderr:
                return True
            if self.poll():
                return marker in self.stderr
            time.sleep(0.01)
        return False


def _status_kb(pid: int, field: str) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(x) for x in (task / "children").read_text().split()]
    return out


def tree_hwm_kb(pid: int) -> int:
    """Peak RSS so far of the process ``pid`` (its VmHWM) or, when it has worker processes,
    of the largest one of them.  Sampled from /proc while the child runs: ``ru_maxrss`` from
    ``wait4`` is no use here, as Linux carries the forking parent's (this harness's) peak over
    into the child across fork+exec."""
    best = _status_kb(pid, "VmHWM")
    for child in _children(pid):
        best = max(best, tree_hwm_kb(child))
    return best


def start(args: list[str], env: dict[str, str], workdir: Path) -> Run:
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"{time.monotonic_ns()}"
    out_path, err_path = workdir / f"{tag}.out", workdir / f"{tag}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", *args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    return Run(proc, err_path, out_path, time.monotonic())


def child_env(api_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_SMTP_")}
    env.update(
        {
            "PREFECT_API_URL": api_url,
            "PREFECT_LOGGING_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "NEWSWATCH_LOCK_WAIT": "60",
        }
    )
    env.update(extra)
    return env


def poll_args(listing: Path, db: Path, now: str = POLL_NOW) -> list[str]:
    return [
        "poll",
        "--config",
        str(ROOT / "monitors.toml"),
        "--feeds",
        str(listing),
        "--db",
        str(db),
        "--now",
        now,
    ]


def digest_args(db: Path, out: Path, now: datetime) -> list[str]:
    return [
        "digest",
        "--config",
        str(ROOT / "monitors.toml"),
        "--db",
        str(db),
        "--out",
        str(out),
        "--now",
        now.isoformat(),
    ]


# -- store checks ---------------------------------------------------------------------------


def integrity(db: Path) -> list[str]:
    """Open the store as the next run would, and list every inconsistency found."""
    import duckdb

    from monitors.errors import StoreError
    from monitors.store.db import Store

    try:
        store = Store(db, lock_wait=10)
    except (StoreError, duckdb.Error) as e:
        return [f"store does not open: {e}"]
    problems = []
    checks = {
        "kept article without article_topics rows": (
            "SELECT count(*) FROM articles a WHERE a.kept AND NOT EXISTS "
            "(SELECT 1 FROM article_topics t WHERE t.article = a.id)"
        ),
        "article_topics row without its article": (
            "SELECT count(*) FROM article_topics t WHERE t.article NOT IN (SELECT id FROM articles)"
        ),
        "figure without its article": (
            "SELECT count(*) FROM figures f WHERE f.article NOT IN (SELECT id FROM articles)"
        ),
        "quote without its article": (
            "SELECT count(*) FROM quotes q WHERE q.article NOT IN (SELECT id FROM articles)"
        ),
        "figure of an article not kept": (
            "SELECT count(*) FROM figures f JOIN articles a ON a.id = f.article WHERE NOT a.kept"
        ),
        "figure_change without its article": (
            "SELECT count(*) FROM figure_changes c WHERE c.article NOT IN (SELECT id FROM articles)"
        ),
        "duplicate articles (id)": "SELECT count(*) - count(DISTINCT id) FROM articles",
        "duplicate articles (url)": "SELECT count(*) - count(DISTINCT url) FROM articles",
        "duplicate article_topics": "SELECT count(*) - count(DISTINCT (article, topic)) "
        "FROM article_topics",
        "duplicate figures": "SELECT count(*) - count(DISTINCT (article, idx)) FROM figures",
        "duplicate quotes": "SELECT count(*) - count(DISTINCT (article, idx)) FROM quotes",
        "duplicate feeds": "SELECT count(*) - count(DISTINCT url) FROM feeds",
        "duplicate digests": "SELECT count(*) - count(DISTINCT id) FROM digests",
        "duplicate digest_facts": "SELECT count(*) - count(DISTINCT (digest, kind, key)) "
        "FROM digest_facts",
    }
    try:
        for name, sql in checks.items():
            n = store.con.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{name}: {n}")
    except duckdb.Error as e:
        problems.append(f"query failed: {e}")
    finally:
        store.close()
    return problems


def snapshot(db: Path) -> dict[str, set[tuple[Any, ...]]]:
    """The identity of every row the poll writes, for comparing a killed-and-rerun store with a
    clean one."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {
            "feeds": "SELECT url, last_status FROM feeds",
            "articles": "SELECT id, url, kept, content_hash FROM articles",
            "article_topics": "SELECT article, topic FROM article_topics",
            "figures": "SELECT article, idx, fact_key FROM figures",
            "quotes": "SELECT article, idx, quote_key FROM quotes",
            "figure_changes": "SELECT article, old_text, new_text FROM figure_changes",
        }
        return {t: set(con.execute(sql).fetchall()) for t, sql in q.items()}
    finally:
        con.close()


def diff(clean: dict[str, set], got: dict[str, set]) -> tuple[int, int, dict[str, int]]:
    lost = {t: len(clean[t] - got[t]) for t in clean}
    extra = sum(len(got[t] - clean[t]) for t in clean)
    return sum(lost.values()), extra, {t: n for t, n in lost.items() if n}


def running_runs(db: Path) -> int:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0])
    finally:
        con.close()


# -- results --------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    tried: int = 0
    crashes: int = 0
    rows_lost: int | str = "-"
    duplicate_emails: int | str = "-"
    peak_rss_mb: float | None = None
    ok: bool = True
    notes: list[str] = field(default_factory=list)

    def fail(self, why: str) -> None:
        self.ok = False
        self.notes.append(why)


def source_hash() -> str:
    """A hash of newswatch's code: a round whose code changed under it (someone editing the
    work tree during a run) is reported as such, not as lost rows."""
    h = hashlib.sha256()
    for p in sorted(
        [*ROOT.glob("monitors/*.py"), *ROOT.glob("flows/*.py"), *ROOT.glob("reports/*.py")]
    ):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def mb(kb: int) -> float:
    return round(kb / 1024, 1)


# -- kill -9 during poll --------------------------------------------------------------------


def poll_kills(
    api: str, listing: Path, work: Path, kills: int, rng: random.Random, per_round: int = 4
) -> Case:
    case = Case("kill -9 during poll")
    work.mkdir(parents=True, exist_ok=True)
    env = child_env(api)
    clean_db = work / "clean.duckdb"
    run = start(poll_args(listing, clean_db), env, work / "logs")
    if run.wait() != 0:
        case.fail(f"clean run failed: {run.stderr[-2000:]}")
        return case
    clean_time = run.ended - run.started
    clean = snapshot(clean_db)
    code = source_hash()
    case.peak_rss_mb = mb(run.maxrss_kb)
    problems_clean = integrity(clean_db)
    if problems_clean:
        case.fail(f"a clean run already fails the checks: {problems_clean}")
    lost_total = extra_total = 0
    early = 0
    killed = 0
    rounds = max(1, -(-kills // per_round))
    done = 0
    for r in range(rounds):
        db = work / f"poll-round{r}.duckdb"
        for _ in range(min(per_round, kills - done)):
            done += 1
            run = start(poll_args(listing, db), env, work / "logs")
            if rng.random() < 0.5:
                time.sleep(rng.uniform(0.2, clean_time * 1.05))
                where = "uniform"
            else:
                run.wait_for("analysed ")
                time.sleep(rng.uniform(0.0, 2.5))
                where = "write phase"
            if run.poll():
                early += 1  # finished before the kill came
                if run.rc != 0:
                    case.crashes += 1
                    case.notes.append(f"run exited {run.rc} before its kill ({where})")
            else:
                run.kill()
                killed += 1
            case.tried += 1
            if db.exists():
                problems = integrity(db)
                if problems:
                    case.crashes += 1
                    case.fail(f"after a kill ({where}): {'; '.join(problems)}")
        final = start(poll_args(listing, db), env, work / "logs")
        if final.wait() != 0:
            case.crashes += 1
            case.fail(f"re-run after kills exited {final.rc}: {final.stderr[-1500:]}")
            continue
        problems = integrity(db)
        if problems:
            case.crashes += 1
            case.fail(f"after the re-run: {'; '.join(problems)}")
        got = snapshot(db)
        if source_hash() != code:
            case.fail(
                f"round {r}: newswatch's source changed during the run; its rows are "
                f"not comparable (run again on a quiet work tree)"
            )
            code = source_hash()
        lost, extra, by_table = diff(clean, got)
        lost_total += lost
        extra_total += extra
        if lost or extra:
            evidence = Path(tempfile.gettempdir()) / f"newswatch-reliability-evidence-{os.getpid()}"
            evidence.mkdir(exist_ok=True)
            shutil.copy(db, evidence / db.name)
            shutil.copy(clean_db, evidence / clean_db.name)
            gone = sorted(clean["articles"] - got["articles"])[:2]
            came = sorted(got["articles"] - clean["articles"])[:2]
            case.fail(
                f"round {r}: {lost} rows lost {by_table}, {extra} extra; e.g. clean "
                f"{gone} vs re-run {came}; stores kept in {evidence}"
            )
        case.notes.append(f"round {r}: {running_runs(db)} runs left 'running' by kills")
    case.rows_lost = lost_total
    case.notes.insert(
        0,
        f"{killed} killed, {early} finished before the kill; clean run "
        f"{clean_time:.1f} s, {len(clean['articles'])} articles, "
        f"{len(clean['figures'])} figures, {len(clean['quotes'])} quotes; "
        f"{extra_total} extra rows",
    )
    if case.crashes:
        case.ok = False
    return case


# -- kill -9 during the digest --------------------------------------------------------------


def message_id(now: datetime) -> str:
    """The Message-ID flows/digest.py gives the window ending at ``now`` (UTC)."""
    wid = hashlib.sha256(now.astimezone(UTC).isoformat().encode()).hexdigest()[:16]
    return f"<digest.{wid}@newswatch.local>"


def digest_kills(
    api: str, polled_db: Path, work: Path, kills: int, rng: random.Random, windows: int = 4
) -> Case:
    import duckdb

    from flows.demo.smtpsink import SmtpSink

    case = Case("kill -9 during digest (SMTP)")
    work.mkdir(parents=True, exist_ok=True)
    db = work / "digest.duckdb"
    shutil.copy(polled_db, db)
    out = work / "digests"
    per_window = [kills // windows + (1 if i < kills % windows else 0) for i in range(windows)]
    resends = 0
    between = 0
    with SmtpSink() as sink:
        env = child_env(api, **sink.env())
        # timing of one clean digest (on a throw-away copy, its mail not counted)
        probe_db = work / "digest-probe.duckdb"
        shutil.copy(polled_db, probe_db)
        probe = start(digest_args(probe_db, work / "probe", DIGEST_FIRST), env, work / "logs")
        if probe.wait() != 0:
            case.fail(f"clean digest failed: {probe.stderr[-2000:]}")
            return case
        clean_time = probe.ended - probe.started
        case.peak_rss_mb = mb(probe.maxrss_kb)
        sink.received.clear()
        nows = [DIGEST_FIRST + timedelta(days=i) for i in range(windows)]
        for now, n_kills in zip(nows, per_window, strict=True):
            for _ in range(n_kills):
                run = start(digest_args(db, out, now), env, work / "logs")
                mode = rng.choice(("uniform", "after sending", "after accept"))
                hit = False
                if mode == "uniform":
                    time.sleep(rng.uniform(0.2, clean_time * 1.05))
                elif mode == "after sending":
                    run.wait_for("sending digest")
                    time.sleep(rng.uniform(0.0, 0.15))
                else:  # the moment the sink has accepted the message: before it is marked
                    seen = len(sink.received)
                    while len(sink.received) == seen and not run.poll():
                        time.sleep(0.0005)
                    hit = len(sink.received) > seen
                if run.poll():
                    if run.rc != 0:
                        case.crashes += 1
                        case.fail(f"digest exited {run.rc} before its kill: {run.stderr[-800:]}")
                else:
                    run.kill()
                    between += hit
                case.tried += 1
                resends += run.stderr.count("re-sending it with the same Message-ID")
                problems = integrity(db)
                if problems:
                    case.crashes += 1
                    case.fail(f"after a kill: {'; '.join(problems)}")
            for _attempt in range(3):
                final = start(digest_args(db, out, now), env, work / "logs")
                if final.wait() == 0:
                    break
                case.notes.append(
                    f"re-run of {now:%m-%d} exited {final.rc}: "
                    f"{final.stderr.strip().splitlines()[-1:]}"
                )
            else:
                case.crashes += 1
                case.fail(f"window {now:%Y-%m-%d} never completed")
            resends += final.stderr.count("re-sending it with the same Message-ID")
        time.sleep(0.5)  # the sink's last DATA
        received = [(m.message["Message-ID"], m.message["Subject"]) for m in sink.received]
    by_window: dict[str, set[str]] = {message_id(n): set() for n in nows}
    copies: dict[str, int] = {}
    strays = 0
    for mid, _subject in received:
        copies[mid] = copies.get(mid, 0) + 1
        if mid in by_window:
            by_window[mid].add(mid)
        else:
            strays += 1
    con = duckdb.connect(str(db), read_only=True)
    status = dict(con.execute("SELECT message_id, status FROM digests").fetchall())
    con.close()
    duplicates = strays  # a message for no expected window is a wrong e-mail
    identical = sum(max(0, c - 1) for c in copies.values())
    for now in nows:
        mid = message_id(now)
        if not copies.get(mid):
            case.fail(f"window {now:%Y-%m-%d}: no e-mail received")
        if status.get(mid) != "sent":
            case.fail(f"window {now:%Y-%m-%d}: store says {status.get(mid)!r}, not 'sent'")
    case.duplicate_emails = duplicates
    if duplicates:
        case.fail(f"{duplicates} e-mails with an unexpected Message-ID")
    case.notes.insert(
        0,
        f"{windows} windows, {len(received)} e-mails received, "
        f"{identical} identical re-sends (same Message-ID, after a kill "
        f"between send and mark; {between} kills the moment the sink had "
        f"accepted a message), "
        f"{resends} re-sends logged",
    )
    if case.crashes:
        case.ok = False
    return case


# -- concurrent runs ------------------------------------------------------------------------

LOCK_MESSAGE = "in use by another newswatch process"


COMBOS = (("poll", "60"), ("poll", "1"), ("digest", "60"), ("digest", "1"))


def concurrent(
    api: str,
    listing: Path,
    work: Path,
    polled_db: Path,
    combos: tuple[tuple[str, str], ...] = COMBOS,
) -> list[Case]:
    """A forced poll holds the store; a second poll or digest starts while it runs, with
    NEWSWATCH_LOCK_WAIT as given."""
    from flows.demo.smtpsink import SmtpSink

    cases = []
    work.mkdir(parents=True, exist_ok=True)
    with SmtpSink() as sink:
        for second_kind, wait in combos:
            case = Case(f"concurrent poll + {second_kind}, NEWSWATCH_LOCK_WAIT={wait}")
            db = work / f"conc-{second_kind}-{wait}.duckdb"
            if second_kind == "digest":
                shutil.copy(polled_db, db)  # something to write a digest about
                forget_validators(db)  # so the first (forced) poll does its full work
            env = child_env(api, NEWSWATCH_LOCK_WAIT=wait, **sink.env())
            # the first run is a forced poll (the farm is polled again in full)
            first = start([*poll_args(listing, db), "--force"], env, work / "logs")
            first.wait_for("polling ")  # it holds the store from here on
            second_args = (
                poll_args(listing, db)
                if second_kind == "poll"
                else digest_args(db, work / "conc-digests", DIGEST_FIRST)
            )
            second = start(second_args, env, work / "logs")
            rc1, rc2 = first.wait(), second.wait()
            case.tried = 2
            err = first.stderr + second.stderr
            if "Could not set lock" in err and LOCK_MESSAGE not in second.stderr:
                case.crashes += 1
                case.fail("raw DuckDB lock error")
            if "Traceback" in err:
                case.crashes += 1
                case.fail("a traceback: " + err[err.index("Traceback") :][:800])
            if rc1 != 0:
                case.crashes += 1
                case.fail(f"first run exited {rc1}")
            if wait == "60":
                if rc2 != 0:
                    case.crashes += 1
                    case.fail(
                        f"second run exited {rc2} though it could wait 60 s: {second.stderr[-600:]}"
                    )
                case.notes.append(
                    f"second waited and completed (exit {rc2}) in "
                    f"{second.ended - second.started:.1f} s"
                )
            else:
                lines = [x for x in second.stderr.splitlines() if LOCK_MESSAGE in x]
                if rc2 != 1 or not lines:
                    case.fail(
                        f"expected exit 1 with {LOCK_MESSAGE!r}, got {rc2}: {second.stderr[-600:]}"
                    )
                else:
                    case.notes.append(f"second exited {rc2}: {lines[0].strip()[:160]}")
            problems = integrity(db)
            if problems:
                case.crashes += 1
                case.fail("; ".join(problems))
            case.peak_rss_mb = mb(max(first.maxrss_kb, second.maxrss_kb))
            cases.append(case)
    return cases


def forget_validators(db: Path) -> None:
    import duckdb

    con = duckdb.connect(str(db))
    con.execute("UPDATE feeds SET etag = NULL, last_modified = NULL")
    con.close()


# -- memory ---------------------------------------------------------------------------------

HOSTILE_BODIES = (
    ("50 MB feed (Content-Length)", "/big?length=1"),
    ("50 MB feed (no Content-Length)", "/big?length=0"),
    ("gzip bomb (1.1 MB -> 1.15 GB)", "/gzip-bomb"),
)


def memory(
    api: str,
    work: Path,
    listing: Path,
    budget_mb: float = 200.0,
    bodies: tuple[tuple[str, str], ...] = HOSTILE_BODIES,
) -> list[Case]:
    """Poll each hostile body alone; its peak RSS may exceed a one-small-feed poll's by at
    most ``budget_mb``."""
    from tests.faultserver import FaultServer

    env = child_env(api)
    cases = []
    work.mkdir(parents=True, exist_ok=True)
    with FaultServer() as srv:
        one = work / "one.txt"
        one.write_text(listing.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
        base = start(poll_args(one, work / "mem-base.duckdb"), env, work / "logs")
        base.wait()
        baseline = mb(base.maxrss_kb)
        for label, path in bodies:
            case = Case(f"memory: {label}")
            lst = work / f"mem-{len(cases)}.txt"
            lst.write_text(srv.url(path) + "\n", encoding="utf-8")
            run = start(poll_args(lst, work / f"mem-{len(cases)}.duckdb"), env, work / "logs")
            rc = run.wait()
            case.tried = 1
            case.peak_rss_mb = mb(run.maxrss_kb)
            failed = re.search(r"failed: \S+: (.*)", run.stdout)
            case.notes.append(
                f"exit {rc}; baseline (one small feed) {baseline} MB; feed "
                f"outcome: {failed.group(1)[:120] if failed else 'stored'}"
            )
            if rc != 0:
                case.crashes += 1
                case.fail(f"exit {rc}: {run.stderr[-500:]}")
            if case.peak_rss_mb - baseline > budget_mb:
                case.fail(
                    f"peak RSS {case.peak_rss_mb} MB exceeds the baseline by more than "
                    f"{budget_mb} MB"
                )
            cases.append(case)
    return cases


# -- load -----------------------------------------------------------------------------------


def config_with_feeds(path: Path, urls: list[str]) -> Path:
    """monitors.toml with its [[feeds]] replaced by ``urls``."""
    text = (ROOT / "monitors.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\[\[feeds\]\]\n(?:(?:name|url|tags) = .*\n)*", "", text)
    text += "".join(f'\n[[feeds]]\nname = "farm {i}"\nurl = "{u}"\n' for i, u in enumerate(urls))
    path.write_text(text, encoding="utf-8")
    return path


LOAD_BASE_FEEDS = 500  # one batch ([polling].batch_size): the memory a poll may need


def load(api: str, work: Path, n: int, budget_mb: float = 200.0) -> list[Case]:
    """Poll ``n`` feeds: listed in the config (the way a big deployment lists them), and
    given with --feeds FILE.  Peak RSS may exceed a poll of one batch of feeds
    (``LOAD_BASE_FEEDS``) by at most ``budget_mb``: memory must not grow with the feed list."""
    import duckdb

    work.mkdir(parents=True, exist_ok=True)
    cases = []
    with feed_farm(work / "load-farm", n) as listing:
        urls = listing.read_text(encoding="utf-8").splitlines()
        config = config_with_feeds(work / "load.toml", urls)
        first = work / "load-base.txt"
        first.write_text("\n".join(urls[:LOAD_BASE_FEEDS]) + "\n", encoding="utf-8")
        base = start(poll_args(first, work / "load-base.duckdb"), child_env(api), work / "logs")
        base.wait(timeout=3600)
        baseline = mb(base.maxrss_kb)
        for how in ("config", "--feeds"):
            case = Case(
                f"load: {n:,} feeds in the {how}"
                if how == "config"
                else f"load: {n:,} feeds with --feeds FILE"
            )
            db = work / f"load-{how.strip('-')}.duckdb"
            args = (
                ["poll", "--config", str(config), "--db", str(db), "--now", POLL_NOW]
                if how == "config"
                else poll_args(listing, db)
            )
            run = start(args, child_env(api), work / "logs")
            rc = run.wait(timeout=3600)
            cases.append(case)
            case.tried = 1
            case.peak_rss_mb = mb(run.maxrss_kb)
            elapsed = run.ended - run.started
            if rc != 0:
                case.crashes += 1
                last = [x for x in run.stderr.splitlines() if "error" in x.lower()]
                case.fail(f"exit {rc} after {elapsed:.0f} s: {(last or ['?'])[-1][:300]}")
                continue
            m = re.search(
                r"poll: (\d+) feeds.*?: (\d+) with items, (\d+) not modified, "
                r"(\d+) failed",
                run.stdout,
            )
            con = duckdb.connect(str(db), read_only=True)
            rows = con.execute(
                "SELECT count(*), count(*) FILTER (WHERE last_status = 'new'), "
                "count(*) FILTER (WHERE last_status = 'error') FROM feeds"
            ).fetchone()
            articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
            con.close()
            summary = tuple(int(x) for x in m.groups()) if m else None
            case.notes.append(
                f"{elapsed:.0f} s; summary (feeds, with items, not modified, "
                f"failed) = {summary}; feeds table: {rows[0]} rows ({rows[1]} "
                f"new, {rows[2]} errors); {articles} articles; baseline (a poll "
                f"of {LOAD_BASE_FEEDS} feeds) {baseline} MB"
            )
            if case.peak_rss_mb - baseline > budget_mb:
                case.fail(
                    f"peak RSS {case.peak_rss_mb} MB exceeds the {LOAD_BASE_FEEDS}-feed "
                    f"baseline by more than {budget_mb} MB"
                )
            if not summary or summary[0] != n or summary[1] + summary[2] + summary[3] != n:
                case.fail(f"summary does not account for {n} feeds: {summary}")
            if rows[0] != n:
                case.fail(f"feeds table has {rows[0]} rows, expected {n}")
            problems = integrity(db)
            if problems:
                case.crashes += 1
                case.fail("; ".join(problems))
    return cases


# -- report ---------------------------------------------------------------------------------


def table(cases: list[Case]) -> str:
    head = (
        "| case | tried | crashes | rows lost | duplicate emails | peak RSS (MB) | ok |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    )
    body = "".join(
        f"| {c.name} | {c.tried} | {c.crashes} | {c.rows_lost} | {c.duplicate_emails} | "
        f"{c.peak_rss_mb if c.peak_rss_mb is not None else '-'} | "
        f"{'yes' if c.ok else '**no**'} |\n"
        for c in cases
    )
    notes = "".join(f"- **{c.name}**: " + "; ".join(c.notes) + "\n" for c in cases if c.notes)
    return head + body + "\n" + notes


def write_doc(text: str, header: str) -> None:
    block = f"{BEGIN}\n{header}\n\n{text}{END}"
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Reliability\n\n{BEGIN}\n{END}\n"
    if BEGIN in doc and END in doc:
        doc = doc[: doc.index(BEGIN)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc += "\n" + block + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--quick",
        action="store_true",
        help="fewer kills (8 each), a 50-feed farm, no 10,000-feed load run",
    )
    ap.add_argument(
        "--kills", type=int, help="kills for the poll and for the digest (default 24, quick 8)"
    )
    ap.add_argument("--feeds", type=int, help="feeds in the farm (default 200, quick 50)")
    ap.add_argument("--load-feeds", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument(
        "--only",
        help="comma-separated steps to run: poll,digest,concurrency,memory,load (default: all)",
    )
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/reliability.md")
    args = ap.parse_args(argv)
    kills = args.kills or (8 if args.quick else 24)
    n_feeds = args.feeds or (50 if args.quick else 200)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="newswatch-reliability-"))
    started = time.monotonic()
    cases: list[Case] = []
    try:
        with (
            prefect_api(work / "prefect-home") as api,
            feed_farm(work / "farm", n_feeds) as listing,
        ):
            print(f"work dir {work}; seed {args.seed}; Prefect API {api}", flush=True)
            steps = [
                ("poll kills", lambda: [poll_kills(api, listing, work / "poll", kills, rng)]),
                (
                    "digest kills",
                    lambda: [
                        digest_kills(
                            api, work / "poll" / "clean.duckdb", work / "digest", kills, rng
                        )
                    ],
                ),
                (
                    "concurrency",
                    lambda: concurrent(api, listing, work / "conc", work / "poll" / "clean.duckdb"),
                ),
                ("memory", lambda: memory(api, work / "mem", listing)),
            ]
            if not args.quick:
                steps.append(("load", lambda: load(api, work / "load", args.load_feeds)))
            wanted = set(args.only.split(",")) if args.only else None
            for name, step in steps:
                if wanted and name.split()[0] not in wanted:
                    continue
                t0 = time.monotonic()
                got = step()
                cases.extend(got)
                for c in got:
                    print(
                        f"  {c.name}: tried {c.tried}, crashes {c.crashes}, rows lost "
                        f"{c.rows_lost}, duplicate emails {c.duplicate_emails}, peak "
                        f"{c.peak_rss_mb} MB, {'ok' if c.ok else 'FAILED'}",
                        flush=True,
                    )
                print(f"{name}: {time.monotonic() - t0:.0f} s", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text = table(cases)
    print()
    print(text)
    header = (
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `python scripts/reliability.py"
        f"{' --quick' if args.quick else ''}` (seed {args.seed}, {kills} kills each, "
        f"{n_feeds}-feed farm) in {time.monotonic() - started:.0f} s on {os.cpu_count()} "
        f"CPUs."
    )
    if not args.no_doc:
        write_doc(text, header)
    return 0 if all(c.ok for c in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
