"""The reliability harness's machinery (scripts/reliability.py runs it): the feed farm, the
shared Prefect API, running the CLI as a child and sampling its memory, the store checks, and the
:class:`Case` a scenario reports.  Imported as ``reliability_harness`` (scripts/ is on sys.path
when a script there runs, and tests/test_reliability.py puts it there).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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
    for p in sorted(p for pkg in ("monitors", "flows", "reports") for p in (ROOT / pkg).rglob("*")):
        if p.is_file() and p.suffix in {".py", ".toml", ".html", ".txt"}:
            h.update(p.relative_to(ROOT).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def mb(kb: int) -> float:
    return round(kb / 1024, 1)
