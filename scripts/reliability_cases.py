"""The reliability scenarios (scripts/reliability.py runs them): kill -9 during a poll and
during a digest, concurrent runs on one store, memory under hostile feeds, and the load run.  Each
returns :class:`~reliability_harness.Case` values; the figures are in docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reliability_harness import (
    DIGEST_FIRST,
    POLL_NOW,
    ROOT,
    Case,
    Run,
    child_env,
    diff,
    digest_args,
    feed_farm,
    integrity,
    mb,
    poll_args,
    running_runs,
    snapshot,
    source_hash,
    start,
)

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


def _kill_moment(run: Run, mode: str, rng: random.Random, clean_time: float, sink: Any) -> bool:
    """Wait for the moment ``mode`` names to kill a digest; True when that moment was the sink's
    accepting a message (a kill between send and mark)."""
    if mode == "uniform":
        time.sleep(rng.uniform(0.2, clean_time * 1.05))
    elif mode == "after sending":
        run.wait_for("sending digest")
        time.sleep(rng.uniform(0.0, 0.15))
    else:  # the moment the sink has accepted the message: before it is marked
        seen = len(sink.received)
        while len(sink.received) == seen and not run.poll():
            time.sleep(0.0005)
        return len(sink.received) > seen
    return False


@dataclass
class _Window:
    """One digest window's run: where it writes, how long a clean digest takes, the mail sink."""

    db: Path
    out: Path
    logs: Path
    env: dict[str, str]
    clean_time: float
    sink: Any


def _digest_window(
    case: Case, w: _Window, now: datetime, n_kills: int, rng: random.Random
) -> tuple[int, int]:
    """Kill the digest of the window ending at ``now`` ``n_kills`` times, then re-run it until
    it completes; (re-sends logged, kills the moment the sink had accepted a message)."""
    resends = between = 0
    for _ in range(n_kills):
        run = start(digest_args(w.db, w.out, now), w.env, w.logs)
        mode = rng.choice(("uniform", "after sending", "after accept"))
        hit = _kill_moment(run, mode, rng, w.clean_time, w.sink)
        if run.poll():
            if run.rc != 0:
                case.crashes += 1
                case.fail(f"digest exited {run.rc} before its kill: {run.stderr[-800:]}")
        else:
            run.kill()
            between += hit
        case.tried += 1
        resends += run.stderr.count("re-sending it with the same Message-ID")
        problems = integrity(w.db)
        if problems:
            case.crashes += 1
            case.fail(f"after a kill: {'; '.join(problems)}")
    for _attempt in range(3):
        final = start(digest_args(w.db, w.out, now), w.env, w.logs)
        if final.wait() == 0:
            break
        case.notes.append(
            f"re-run of {now:%m-%d} exited {final.rc}: {final.stderr.strip().splitlines()[-1:]}"
        )
    else:
        case.crashes += 1
        case.fail(f"window {now:%Y-%m-%d} never completed")
    resends += final.stderr.count("re-sending it with the same Message-ID")
    return resends, between


def _check_mail(case: Case, received: list[tuple[str, str]], nows: list[datetime], db: Path) -> int:
    """Fail ``case`` for a window without its e-mail or not marked 'sent', and count the e-mails
    for no expected window (wrong e-mails); returns the identical re-sends."""
    import duckdb

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
    return identical


def digest_kills(
    api: str, polled_db: Path, work: Path, kills: int, rng: random.Random, windows: int = 4
) -> Case:
    from flows.demo.smtpsink import SmtpSink

    case = Case("kill -9 during digest (SMTP)")
    work.mkdir(parents=True, exist_ok=True)
    db = work / "digest.duckdb"
    shutil.copy(polled_db, db)
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
        w = _Window(db, work / "digests", work / "logs", env, probe.ended - probe.started, sink)
        case.peak_rss_mb = mb(probe.maxrss_kb)
        sink.received.clear()
        nows = [DIGEST_FIRST + timedelta(days=i) for i in range(windows)]
        for now, n_kills in zip(nows, per_window, strict=True):
            got, hits = _digest_window(case, w, now, n_kills, rng)
            resends += got
            between += hits
        time.sleep(0.5)  # the sink's last DATA
        received = [(m.message["Message-ID"], m.message["Subject"]) for m in sink.received]
    identical = _check_mail(case, received, nows, db)
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
HOLD_S = 12  # seconds the first run of a concurrent case keeps the store (a slow feed)


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
    from tests.faultserver import FaultServer

    cases = []
    work.mkdir(parents=True, exist_ok=True)
    with SmtpSink() as sink, FaultServer() as srv:
        # the first poll also fetches one feed that answers after HOLD_S seconds, so it still
        # holds the store when the second run (a few seconds to start) asks for it; the farm
        # alone polls in about a second, which let a second run find the store free
        held = work / "held-feeds.txt"
        held.write_text(
            listing.read_text(encoding="utf-8") + srv.url(f"/slow?s={HOLD_S}") + "\n",
            encoding="utf-8",
        )
        for second_kind, wait in combos:
            case = Case(f"concurrent poll + {second_kind}, NEWSWATCH_LOCK_WAIT={wait}")
            db = work / f"conc-{second_kind}-{wait}.duckdb"
            if second_kind == "digest":
                shutil.copy(polled_db, db)  # something to write a digest about
                forget_validators(db)  # so the first (forced) poll does its full work
            env = child_env(api, NEWSWATCH_LOCK_WAIT=wait, **sink.env())
            # the first run is a forced poll (the farm is polled again in full)
            first = start([*poll_args(held, db), "--force"], env, work / "logs")
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


LOAD_BASE_FEEDS = 500  # two batches ([polling].batch_size 250): the memory a poll may need


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
