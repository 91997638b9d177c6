"""Benchmark: poll a local farm of N real feeds with newswatch and with lemon24/reader.

    .venv/bin/python bench/poll.py               # 1,000 feeds, 200 ms, farms of 8 and 250 hosts
    .venv/bin/python bench/poll.py --hosts 250   # the 250-host farm only
    .venv/bin/python bench/poll.py --quick       # 100 feeds
    .venv/bin/python bench/poll.py --skip-reader # newswatch only
    .venv/bin/python bench/poll.py --baseline main --skip-prefect  # this tree vs main, plain

The farm serves feeds built from ../shared/corpus/feeds (the RSS/Atom files as they are; the
rumca-js JSON entry dumps turned into RSS in memory), N feeds cycling over those documents.  Each
copy's item links and ids are rewritten to point at the farm (``/a/<feed>/<original path>``), so
every feed carries distinct articles and full-text fetching stays on this machine.  Every request
waits ``--latency`` ms; ETag / If-None-Match gets 304.  Feeds, and so their article pages, are
spread over K loopback addresses (127.0.0.1 .. 127.0.0.K, one listening socket each): 250 is
shaped like a real feed list, 8 shows that the per-host limits hold.  Each farm in ``--hosts``
is run in turn, every contender against it, so the ratios of a farm come from the same run.

Each contender runs in its own subprocess, which does a cold poll (empty store) then a warm one
(everything answers 304) and reports both times and two peaks of resident memory: the
process's own (its ``VmHWM``; ``ru_maxrss`` would not do, as Linux carries it over from the
parent that started the child: this runner, which holds the farm) and its process tree's (the
process with its worker processes, summed, sampled every 0.25 s by a sampling process):

    newswatch (plain)   the poll flow's code run as plain function calls (Prefect's @flow/@task
                        wrappers and run logger stubbed out)
    newswatch (Prefect) the ``poll-feeds`` Prefect flow itself
    reader              lemon24/reader: update_feeds(workers=16) cold,
                        update_feeds_iter(scheduled=False, workers=16) warm; installed on demand
                        into bench/.venv-reader (or skipped with a message)
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from memory import TreeSampler, peak_rss_mb
from pollreport import print_farm, print_timelines

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CORPUS = Path(os.environ.get("NEWSWATCH_CORPUS", ROOT.parent / "shared" / "corpus"))
READER_VENV = BENCH / ".venv-reader"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ARTICLE = """<!DOCTYPE html><html><head><title>{title}</title></head><body><article>
<h1>{title}</h1>{paras}</article></body></html>"""


# -- the feed documents ---------------------------------------------------------------------------


def json_dump_to_rss(path: Path) -> bytes | None:
    """A rumca-js ``*_entries.json`` dump (a list of parsed entries) as an RSS 2.0 document."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(entries, list) or not entries:
        return None
    source = str(entries[0].get("source") or "https://example.org/feed")
    items = []
    for e in entries:
        if not isinstance(e, dict) or not e.get("link"):
            continue
        pub = ""
        try:
            when = datetime.fromisoformat(str(e.get("date_published")))
            pub = f"<pubDate>{format_datetime(when)}</pubDate>"
        except (TypeError, ValueError):
            pass
        items.append(
            f"<item><title>{html.escape(str(e.get('title') or ''))}</title>"
            f"<link>{html.escape(e['link'])}</link><guid>{html.escape(e['link'])}</guid>{pub}"
            f"<description>{html.escape(str(e.get('description') or ''))}</description></item>"
        )
    if not items:
        return None
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(source)}</title><link>{html.escape(source)}</link>"
        f"<description>rumca-js dump</description>{''.join(items)}</channel></rss>\n"
    ).encode()


def load_documents() -> list[tuple[str, bytes]]:
    root = CORPUS / "feeds"
    if not root.is_dir():
        sys.exit(f"bench: no corpus at {root} (set NEWSWATCH_CORPUS)")
    docs = []
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".json":
            body = json_dump_to_rss(p)
        elif p.suffix in (".xml", ".rss", ".atom"):
            body = p.read_bytes()
        else:
            body = None
        if body:
            docs.append((p.relative_to(root).as_posix(), body))
    return docs


# item links, guids, Atom ids and link hrefs, rdf:about: the URL's origin is replaced
_URL_SLOTS = [
    re.compile(rb"(<link(?:\s[^>]*)?>\s*(?:<!\[CDATA\[)?\s*)(https?://[^/<\s\"'\]]+)"),
    re.compile(rb"(<guid(?:\s[^>]*)?>\s*(?:<!\[CDATA\[)?\s*)(https?://[^/<\s\"'\]]+)"),
    re.compile(rb"(<id>\s*)(https?://[^/<\s]+)"),
    re.compile(rb"(<link\s[^>]*?href=[\"'])(https?://[^/\"']+)"),
    re.compile(rb"(\srdf:about=[\"'])(https?://[^/\"']+)"),
]


def localise(doc: bytes, origin: bytes) -> bytes:
    for rx in _URL_SLOTS:
        doc = rx.sub(lambda m: m.group(1) + origin, doc)
    return doc


# -- the farm ---------------------------------------------------------------------------------


class Farm:
    """An asyncio HTTP/1.1 server (keep-alive) on several loopback addresses, in a thread."""

    def __init__(self, n_feeds: int, hosts: int, latency: float) -> None:
        self.latency = latency
        self.hosts = [f"127.0.0.{i + 1}" for i in range(hosts)]
        self.ports: dict[str, int] = {}
        self.docs = load_documents()
        self.n = n_feeds
        self.bodies: dict[str, tuple[bytes, str]] = {}
        self.requests = 0
        self.not_modified = 0
        self.articles = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def feed_urls(self) -> list[str]:
        return [self._feed_url(i) for i in range(self.n)]

    def _feed_url(self, i: int) -> str:
        host = self.hosts[i % len(self.hosts)]
        return f"http://{host}:{self.ports[host]}/feed/{i}"

    def _build(self) -> None:
        for i in range(self.n):
            host = self.hosts[i % len(self.hosts)]
            _name, doc = self.docs[i % len(self.docs)]
            body = localise(doc, f"http://{host}:{self.ports[host]}/a/{i}".encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            self.bodies[f"/feed/{i}"] = (body, etag)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            for host in self.hosts:
                srv = await asyncio.start_server(self._handle, host, 0, backlog=1024)
                self.ports[host] = srv.sockets[0].getsockname()[1]
            self._build()
            self.ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                parts = line.decode("latin-1").split()
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                self.requests += 1
                await asyncio.sleep(self.latency)
                path = parts[1].split("?", 1)[0] if len(parts) > 1 else "/"
                status, body, extra = self._answer(path, headers)
                head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *extra]
                close = headers.get("connection", "").lower() == "close"
                if close:
                    head.append("Connection: close")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _answer(self, path: str, headers: dict[str, str]) -> tuple[str, bytes, list[str]]:
        if path in self.bodies:
            body, etag = self.bodies[path]
            if headers.get("if-none-match") == etag:
                self.not_modified += 1
                return "304 Not Modified", b"", [f"ETag: {etag}"]
            return "200 OK", body, [f"ETag: {etag}", "Content-Type: application/xml"]
        if path.startswith("/a/"):
            self.articles += 1
            title = html.escape(path.rsplit("/", 1)[-1].replace("-", " ")[:80] or "article")
            paras = "".join(
                f"<p>Paragraph {k} of {title}: allies discussed defence budgets and aid to "
                f"Ukraine at length, officials said, without giving new figures.</p>"
                for k in range(8)
            )
            return (
                "200 OK",
                ARTICLE.format(title=title, paras=paras).encode(),
                ["Content-Type: text/html; charset=utf-8"],
            )
        return "404 Not Found", b"not found\n", ["Content-Type: text/plain"]

    def __enter__(self) -> Farm:
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError("the farm did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


# -- contenders (each runs in a child process) ----------------------------------------------------


def as_the_cli_runs(flow_fn: Callable[..., dict]) -> Callable[..., dict]:
    """The flow run as ``newswatch poll`` runs it: no heartbeats against the ephemeral API
    (flows/local_runs.py; a revision from before it runs the flow as it is)."""
    try:
        from flows.local_runs import local_run_settings
    except ImportError:
        return flow_fn

    def run(**kw: object) -> dict:
        with local_run_settings():
            return flow_fn(**kw)

    return run


def child_newswatch(urls: list[str], workdir: Path, mode: str, root: Path = ROOT) -> dict:
    """Poll cold then warm with the code under ``root`` (this tree, or a ``--baseline``
    revision's copy); in plain mode also the seconds of each stage and their timeline."""
    sys.path.insert(0, str(root))
    os.environ.setdefault("PREFECT_HOME", str(workdir / "prefect-home"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import logging

    import flows.poll as fp

    try:  # a baseline revision may predate the timeline
        from monitors import timeline
    except ImportError:
        timeline = None
    spans: list[tuple[str, float, float]] = []
    feeds = [{"url": u, "name": f"feed {i}"} for i, u in enumerate(urls)]
    db = str(workdir / f"newswatch-{mode}-{root.name}.duckdb")
    config = str(root / "monitors.toml")
    if mode == "plain":
        # the flow's own code, minus Prefect: tasks become their functions, the run logger a
        # plain logger; poll_feeds.fn is the undecorated flow function
        from prefect import Task
        from prefect.utilities.annotations import quote

        def timed(name: str, fn):
            def run(*a, **k):
                # what Prefect's task engine does with a quote()d input: hand over its value
                a = tuple(x.unquote() if isinstance(x, quote) else x for x in a)
                k = {n: x.unquote() if isinstance(x, quote) else x for n, x in k.items()}
                t = time.monotonic()
                try:
                    return fn(*a, **k)
                finally:
                    spans.append((name, t, time.monotonic()))

            return run

        for name in dir(fp):
            obj = getattr(fp, name)
            if isinstance(obj, Task):
                setattr(fp, name, timed(obj.name, obj.fn))
        fp.get_run_logger = lambda: logging.getLogger("newswatch.bench")
        run = fp.poll_feeds.fn
    else:
        # start Prefect's ephemeral API (a one-off cost of ~10-30 s) before timing anything
        from prefect import flow

        started = time.perf_counter()
        flow(name="bench-warm-up")(lambda: None)()
        startup = time.perf_counter() - started
        run = as_the_cli_runs(fp.poll_feeds)
    if timeline is not None:
        timeline.enable()
    out: dict = {"prefect_startup": startup} if mode == "prefect" else {}
    for label, when in (("cold", NOW), ("warm", NOW + timedelta(hours=13))):
        spans.clear()
        if timeline is not None:
            timeline.take()
        started = time.perf_counter()
        t0 = time.monotonic()
        summary = run(config=config, db=db, now=when, feeds=feeds, allow_private=True)
        out[label] = time.perf_counter() - started
        every = spans + (timeline.take() if timeline is not None else [])
        out[label + "_timeline"] = [(s, round(a - t0, 3), round(b - t0, 3)) for s, a, b in every]
        out[label + "_stages"] = {
            k: round(v, 2) for k, v in stage_seconds(spans).items() if v > 0.005
        }
        out[label + "_summary"] = {
            k: summary.get(k)
            for k in (
                "feeds",
                "new",
                "not_modified",
                "failed",
                "articles_new",
                "kept_new",
                "skipped",
            )
        }
    out["rss_mb"] = peak_rss_mb()
    return out


def stage_seconds(spans: list[tuple[str, float, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, a, b in spans:
        out[name] = out.get(name, 0.0) + b - a
    return out


READER_CHILD = r"""
import json, resource, sys, time
from reader import make_reader
urls, db = json.loads(sys.argv[1]), sys.argv[2]
r = make_reader(db)
for u in urls:
    r.add_feed(u)
out = {}
t = time.perf_counter()
r.update_feeds(workers=16)
out["cold"] = time.perf_counter() - t
errors = sum(1 for f in r.get_feeds() if f.last_exception)
t = time.perf_counter()
n = 0
for _ in r.update_feeds_iter(scheduled=False, workers=16):
    n += 1
out["warm"] = time.perf_counter() - t
counts = r.get_entry_counts()
out["cold_summary"] = {"feeds": len(urls), "failed": errors, "entries": counts.total}
out["warm_summary"] = {"updated": n}
for line in open("/proc/self/status"):  # VmHWM: ru_maxrss holds the parent's peak (the farm)
    if line.startswith("VmHWM:"):
        out["rss_mb"] = int(line.split()[1]) / 1024
out.setdefault("rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


def ensure_reader(quiet: bool) -> Path | None:
    """bench/.venv-reader/bin/python with `reader` importable, creating it on demand."""
    py = READER_VENV / "bin" / "python"
    check = [str(py), "-c", "import reader, sgmllib"]
    if py.exists() and _run_ok(check):
        return py
    print(f"bench: installing lemon24/reader into {READER_VENV} ...", flush=True)
    if not py.exists() and not _run_ok([sys.executable, "-m", "venv", str(READER_VENV)]):
        return None
    (READER_VENV / ".gitignore").write_text("*\n")
    # reader vendors feedparser, which imports sgmllib (the sgmllib3k distribution)
    if not _run_ok([str(py), "-m", "pip", "install", "-q", "reader", "sgmllib3k"], quiet=quiet):
        return None
    return py if _run_ok(check) else None


def _run_ok(cmd: list[str], quiet: bool = True) -> bool:
    try:
        r = subprocess.run(cmd, capture_output=quiet, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def run_child(cmd: list[str], label: str) -> dict | None:
    print(f"bench: running {label} ...", flush=True)
    started = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        sampler = TreeSampler(child.pid)
        stdout, stderr = child.communicate()
        tree_peak = sampler.stop()
    r = subprocess.CompletedProcess(cmd, child.returncode, stdout, stderr)
    if r.returncode != 0:
        print(f"bench: {label} failed (exit {r.returncode}):\n{r.stderr[-3000:]}")
        return None
    try:
        out = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        print(f"bench: {label} printed no result:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        return None
    out["tree_rss_mb"] = max(tree_peak, out.get("rss_mb", 0.0))
    print(f"bench: {label} done in {time.perf_counter() - started:.1f} s", flush=True)
    if "prefect_startup" in out:
        print(
            f"    Prefect's ephemeral API started in {out['prefect_startup']:.1f} s "
            f"(before timing; not counted)"
        )
    for phase in ("cold", "warm"):
        print(f"    {phase}: {json.dumps(out.get(phase + '_summary'))}")
        if out.get(phase + "_stages"):
            print(f"    {phase} stages (s): {json.dumps(out[phase + '_stages'])}")
    return out


# -- main ---------------------------------------------------------------------------------------


def export_revision(rev: str, dest: Path) -> Path:
    """A copy of the tree at ``rev`` (``git archive``), to run as the baseline contender."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def contenders(args: argparse.Namespace, work: Path) -> list[tuple[str, str, Path | None]]:
    """(label, child mode, code root) of each newswatch contender, in running order."""
    out = [("newswatch (plain)", "plain", ROOT)]
    if args.baseline:
        base = export_revision(args.baseline, work / f"baseline-{args.baseline[:12]}")
        out.append((f"baseline {args.baseline[:12]} (plain)", "plain", base))
    if not args.skip_prefect:
        out.append(("newswatch (Prefect)", "prefect", ROOT))
    return out


def run_farm(
    n: int, hosts: int, args: argparse.Namespace, work: Path, reader_py: Path | None
) -> dict[str, dict | None]:
    """Every contender against one farm of ``n`` feeds on ``hosts`` loopback addresses."""
    results: dict[str, dict | None] = {}
    work = work / f"farm-{hosts}"  # a store per farm and contender: each farm starts cold
    work.mkdir()
    with Farm(n, hosts, args.latency / 1000) as farm:
        urls = farm.feed_urls()
        (work / "urls.json").write_text(json.dumps(urls))
        print(
            f"bench: {n} feeds from {len(farm.docs)} corpus documents on "
            f"{len(farm.hosts)} loopback addresses, {args.latency:.0f} ms per request, "
            f"{os.cpu_count()} CPUs",
            flush=True,
        )
        for label, mode, root in contenders(args, work):
            cmd = [sys.executable, __file__, "--child", mode, "--urls", str(work / "urls.json")]
            cmd += ["--workdir", str(work), "--root", str(root)]
            results[label] = run_child(cmd, label)
        if reader_py is not None:
            db = work / "reader.sqlite"
            results["reader"] = run_child(
                [str(reader_py), "-c", READER_CHILD, json.dumps(urls), str(db)], "reader"
            )
        print(
            f"bench: the farm answered {farm.requests} requests ({farm.not_modified} with "
            f"304, {farm.articles} article pages)"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=1000, help="number of feeds (default 1000)")
    ap.add_argument("--latency", type=float, default=200, help="ms per request (default 200)")
    ap.add_argument(
        "--hosts",
        default="8,250",
        help="loopback addresses to spread the feeds over; a comma list runs one farm after "
        "another in the same run (default 8,250)",
    )
    ap.add_argument("--quick", action="store_true", help="100 feeds")
    ap.add_argument("--skip-reader", action="store_true", help="do not run lemon24/reader")
    ap.add_argument("--skip-prefect", action="store_true", help="do not run the Prefect flow")
    ap.add_argument(
        "--baseline",
        metavar="REV",
        help="also run the plain calls of git revision REV (its tree exported to a temp dir)",
    )
    ap.add_argument("--child", choices=["plain", "prefect"], help=argparse.SUPPRESS)
    ap.add_argument("--urls", help=argparse.SUPPRESS)
    ap.add_argument("--workdir", help=argparse.SUPPRESS)
    ap.add_argument("--root", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        urls = json.loads(Path(args.urls).read_text())
        root = Path(args.root) if args.root else ROOT
        print(json.dumps(child_newswatch(urls, Path(args.workdir), args.child, root)))
        return 0

    n = 100 if args.quick else args.feeds
    farms = [int(h) for h in str(args.hosts).split(",") if h.strip()]
    if any(not 1 <= h <= 254 for h in farms):
        ap.error("--hosts: each farm needs 1 to 254 loopback addresses")
    reader_py = None if args.skip_reader else ensure_reader(quiet=True)
    if not args.skip_reader and reader_py is None:
        print("bench: lemon24/reader could not be installed; skipping it")
    by_farm: dict[int, dict[str, dict | None]] = {}
    with tempfile.TemporaryDirectory(prefix="nw-bench-") as tmp:
        for hosts in farms:
            by_farm[hosts] = run_farm(n, hosts, args, Path(tmp), reader_py)
    for hosts, results in by_farm.items():
        print_farm(results, n, hosts, args.latency)
    print_timelines(by_farm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
