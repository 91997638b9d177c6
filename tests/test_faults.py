"""The fetcher and the poll pipeline against a real, misbehaving HTTP server (tests/faultserver.py).

Every feed must end with an outcome (new items, not modified, or an error whose reason names what
happened), no exception may escape, a hanging feed must not hold the others back, memory must stay
bounded on huge and bomb bodies, and a second poll must be conditional.  Timeouts are 1 s, so the
whole module runs in a few seconds (the flow tests, marked ``slow``, take longer).
"""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from monitors.config import PollSettings
from monitors.decide.schedule import plan_requests
from monitors.ingest.fetch import FetchRequest, FetchResult, fetch_all, fetch_pages
from monitors.ingest.parse import parse_feed
from monitors.model import FeedConfig, FeedOutcome
from monitors.store.db import FeedState
from tests.faultserver import FaultServer, gzip_bomb

try:
    from monitors.pipeline import read_feed
except ImportError:  # before read_feed moved out of monitors.decide.schedule
    from monitors.decide.schedule import read_feed  # type: ignore[attr-defined, no-redef]

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SETTINGS = PollSettings(timeout_seconds=1, max_concurrency=16, max_body_bytes=10_000_000)
MB = 1024 * 1024


@pytest.fixture(scope="module")
def srv():
    gzip_bomb()  # build the bomb (~0.5 s) before any timing-sensitive test
    with FaultServer() as server:
        yield server


def poll(
    srv: FaultServer,
    paths: list[str],
    settings: PollSettings = SETTINGS,
    states: dict[str, FeedState] | None = None,
    on_result=None,
) -> dict[str, tuple[FetchResult, FeedOutcome]]:
    """fetch_all + read_feed over ``paths``, as the poll flow does; keyed by path."""
    feeds = [FeedConfig(name=p, url=srv.url(p)) for p in paths]
    results = fetch_all(plan_requests(feeds, states or {}), settings, on_result=on_result)
    out = {}
    for feed, result in zip(feeds, results, strict=True):
        outcome, _articles = read_feed(feed, result, NOW)
        out[feed.name] = (result, outcome)
    return out


# -- one concurrent poll of every endpoint -------------------------------------------------------

# path -> (outcome status, words the reason must contain (any of each tuple), items)
EXPECTED: dict[str, tuple[str, tuple[tuple[str, ...], ...], int]] = {
    "/ok": ("new", (), 2),
    "/slow?s=0.2": ("new", (), 2),
    "/slow?s=5": ("error", (("timed out", "timeout"),), 0),
    "/hang": ("error", (("timed out", "timeout"),), 0),
    "/trickle?s=10": ("error", (("timed out", "timeout", "deadline"),), 0),
    "/reset": ("error", (), 0),
    "/500": ("error", (("500",),), 0),
    "/429": ("error", (("429",),), 0),
    "/redirect-loop": ("error", (("redirect",),), 0),
    "/redirect-chain?n=5": ("new", (), 2),
    "/redirect-chain?n=6": ("error", (("redirect",),), 0),
    "/big": ("error", (("too large",), ("content-length",)), 0),
    "/big?length=0": ("error", (("too large",),), 0),
    "/gzip-bomb": ("error", (("too large", "decompress", "bomb"),), 0),
    "/liar-charset": ("new", (("windows-1252", "encoding"),), 1),
    "/html": ("error", (("html",),), 0),
    "/json": ("error", (("json",),), 0),
    "/empty": ("error", (("empty",),), 0),
    "/etag": ("new", (), 2),
    "/last-modified": ("new", (), 2),
    "/ttl": ("new", (), 2),
    "/max-age": ("new", (), 2),
    "/no-such-path": ("error", (("404",),), 0),
}


@pytest.fixture(scope="module")
def everything(srv: FaultServer):
    """Poll every endpoint at once; remember when each result arrived."""
    arrived: dict[str, float] = {}
    started = time.monotonic()
    base = srv.url("")

    def on_result(r: FetchResult) -> None:
        arrived[r.url.removeprefix(base.rstrip("/"))] = time.monotonic() - started

    out = poll(srv, list(EXPECTED), on_result=on_result)
    return out, arrived, time.monotonic() - started


@pytest.mark.parametrize("path", list(EXPECTED))
def test_every_feed_ends_with_the_right_outcome_and_reason(everything, path: str) -> None:
    results, _arrived, _total = everything
    result, outcome = results[path]
    status, words, items = EXPECTED[path]
    assert outcome.status == status, (path, outcome)
    if status == "error":
        assert result.status == "error" or result.ok  # fetched, but the body was refused
        assert outcome.error and outcome.error.strip(), f"{path}: an error needs a reason"
    for alternatives in words:
        assert any(w in (outcome.error or "").lower() for w in alternatives), (path, outcome.error)
    assert outcome.items == items


def test_the_whole_poll_is_bounded_by_the_per_feed_deadline(everything) -> None:
    _results, arrived, total = everything
    assert len(arrived) == len(EXPECTED)  # on_result was called once per feed
    # the slowest feed (/trickle) is cut by the total deadline (3 x 1 s); nothing waits for
    # /slow?s=5 or /hang beyond their own read timeout
    assert total < SETTINGS.timeout_seconds * 3 + 2.5, arrived


def test_429_exposes_retry_after_and_names_it(everything) -> None:
    results, _arrived, _total = everything
    result, outcome = results["/429"]
    assert result.http_status == 429
    assert result.retry_after == 120
    assert "retry after 120" in (outcome.error or "")


def test_a_lying_charset_is_decoded_as_what_it_is(everything) -> None:
    results, _arrived, _total = everything
    result, _outcome = results["/liar-charset"]
    parsed = parse_feed(result.url, result.body, result.headers)
    assert parsed.entries[0].title == "“Defence” café – summit"
    assert "windows-1252" in (parsed.warning or "")


def test_the_user_agent_names_newswatch(srv: FaultServer, everything) -> None:
    agents = {r.headers.get("user-agent", "") for r in srv.hits("/ok")}
    assert agents and all("newswatch" in a for a in agents)


def test_a_reset_mid_body_says_so(everything) -> None:
    results, _arrived, _total = everything
    _result, outcome = results["/reset"]
    reason = (outcome.error or "").lower()
    assert any(w in reason for w in ("reset", "closed", "incomplete", "ended early")), reason


# -- isolation: a bad feed never holds the others back -------------------------------------------


def test_ok_arrives_while_hang_and_slow_are_still_pending(srv: FaultServer) -> None:
    arrived: dict[str, float] = {}
    started = time.monotonic()
    paths = ["/hang", "/slow?s=5", "/ok?id=a", "/500", "/ok?id=b", "/trickle?s=10"]

    def on_result(r: FetchResult) -> None:
        arrived[r.url.rsplit("/", 1)[1]] = time.monotonic() - started

    out = poll(srv, paths, on_result=on_result)
    assert [out[p][1].status for p in paths] == ["error", "error", "new", "error", "new", "error"]
    for ok in ("ok?id=a", "ok?id=b", "500"):
        assert arrived[ok] < 0.6, arrived  # long before the 1 s read timeout
        assert arrived[ok] < arrived["hang"] and arrived[ok] < arrived["slow?s=5"]
    # the hanging ones end at their own timeout, not later
    assert arrived["hang"] < SETTINGS.timeout_seconds + 0.8, arrived
    assert arrived["slow?s=5"] < SETTINGS.timeout_seconds + 0.8, arrived


def test_hangs_filling_every_slot_delay_others_by_one_timeout_at_most(srv: FaultServer) -> None:
    settings = replace(SETTINGS, max_concurrency=2)
    arrived: dict[str, float] = {}
    started = time.monotonic()

    def on_result(r: FetchResult) -> None:
        arrived[r.url.rsplit("/", 1)[1]] = time.monotonic() - started

    out = poll(srv, ["/hang", "/slow?s=5", "/ok?id=late"], settings, on_result=on_result)
    assert out["/ok?id=late"][1].status == "new"
    assert arrived["ok?id=late"] < SETTINGS.timeout_seconds + 0.8, arrived


def test_no_exception_escapes_on_unusable_urls(srv: FaultServer) -> None:
    urls = [
        "http://127.0.0.1:1/refused",
        "not a url",
        "ftp://127.0.0.1/feed",
        "http://",
        "http://no-such-host.invalid/feed",
        srv.url("/ok"),
    ]
    results = fetch_all([FetchRequest(u) for u in urls], SETTINGS)
    assert [r.status for r in results] == ["error"] * (len(urls) - 1) + ["ok"]
    assert all(r.error for r in results[:-1]), [r.error for r in results]
    assert "connect" in (results[0].error or "").lower()


def test_a_url_with_a_control_character_is_an_error_value(srv: FaultServer) -> None:
    results = fetch_all(
        [FetchRequest(srv.url("/ok") + "\x00"), FetchRequest(srv.url("/ok"))], SETTINGS
    )
    assert results[0].status == "error" and results[0].error
    assert results[1].ok


def test_a_malformed_ipv6_url_is_an_error_value_not_an_exception(srv: FaultServer) -> None:
    results = fetch_all([FetchRequest("http://[::1"), FetchRequest(srv.url("/ok"))], SETTINGS)
    assert results[0].status == "error" and results[0].error
    assert results[1].ok


# -- bounded memory ------------------------------------------------------------------------------


def peak_mb(fn) -> tuple[float, object]:
    tracemalloc.start()
    try:
        value = fn()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / MB, value


@pytest.mark.parametrize("path", ["/big", "/big?length=0"])
def test_a_50_mb_body_is_cut_off_with_bounded_memory(srv: FaultServer, path: str) -> None:
    peak, results = peak_mb(lambda: fetch_all([FetchRequest(srv.url(path))], SETTINGS))
    assert results[0].status == "error" and "too large" in results[0].error
    assert peak < 100, f"{path}: peak {peak:.0f} MB"


def test_a_gzip_bomb_is_refused(srv: FaultServer) -> None:
    [result] = fetch_all([FetchRequest(srv.url("/gzip-bomb"))], SETTINGS)
    assert result.status == "error" and "too large" in result.error
    assert srv.count("/gzip-bomb") >= 1


def test_a_gzip_bomb_keeps_memory_bounded(srv: FaultServer) -> None:
    peak, results = peak_mb(lambda: fetch_all([FetchRequest(srv.url("/gzip-bomb"))], SETTINGS))
    assert results[0].status == "error"
    assert peak < 100, f"peak {peak:.0f} MB while refusing a gzip bomb"


# -- conditional requests --------------------------------------------------------------------------


def test_second_poll_is_conditional_and_gets_304(srv: FaultServer) -> None:
    paths = ["/etag", "/last-modified"]
    before = {
        p: (srv.count(p), srv.count(p, "if-none-match"), srv.count(p, "if-modified-since"))
        for p in paths
    }
    first = poll(srv, paths)
    assert [first[p][1].status for p in paths] == ["new", "new"]
    states = {r.url: FeedState(r.url, r.etag, r.last_modified, 0, None) for r, _o in first.values()}
    assert states[srv.url("/etag")].etag == '"v1"'
    assert states[srv.url("/last-modified")].last_modified
    second = poll(srv, paths, states=states)
    assert [second[p][1].status for p in paths] == ["not_modified", "not_modified"]
    assert all(second[p][1].error is None for p in paths)
    assert srv.count("/etag") - before["/etag"][0] == 2
    assert srv.count("/etag", "if-none-match") - before["/etag"][1] == 1
    assert srv.count("/last-modified", "if-modified-since") - before["/last-modified"][2] == 1


# -- per-host limits -------------------------------------------------------------------------------


def test_feeds_on_one_host_are_fetched_at_most_max_per_host_at_once() -> None:
    settings = replace(SETTINGS, max_concurrency=16, max_per_host=2)
    with FaultServer("127.0.0.1") as a, FaultServer("127.0.0.2") as b:
        reqs = [FetchRequest(s.url(f"/slow?s=0.3&id={i}")) for s in (a, b) for i in range(6)]
        started = time.monotonic()
        results = fetch_all(reqs, settings)
        took = time.monotonic() - started
    assert all(r.ok for r in results)
    assert a.max_in_flight <= 2 and b.max_in_flight <= 2
    assert a.max_in_flight == 2 and b.max_in_flight == 2  # the two hosts ran side by side
    assert took < 6 * 0.3  # 3 rounds of 0.3 s, not 12 sequential ones nor 6 rounds


def test_article_pages_are_fetched_at_most_two_at_once_per_host() -> None:
    with FaultServer() as fresh:  # max_in_flight counts every request the server holds
        urls = [fresh.url(f"/slow?s=0.3&id=page{i}") for i in range(6)]
        pages = fetch_pages(urls, SETTINGS, allow_private=True)
    assert all(p.ok for p in pages)
    assert fresh.max_in_flight == 2


def test_article_pages_on_loopback_are_refused_unless_allowed(srv: FaultServer) -> None:
    [page] = fetch_pages([srv.url("/article/x")], SETTINGS)
    assert page.status == "error" and page.error
    assert any(w in page.error.lower() for w in ("private", "loopback", "refus")), page.error
    [loop] = fetch_pages([srv.url("/redirect-loop")], SETTINGS, allow_private=True)
    assert loop.status == "error" and "redirect" in loop.error


# -- the whole poll flow (Prefect, DuckDB) ---------------------------------------------------------


def flow_feeds(srv: FaultServer, paths: list[str]) -> list[dict[str, str]]:
    return [{"name": p, "url": srv.url(p)} for p in paths]


def feed_rows(db: Path) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [
            "url",
            "etag",
            "last_modified",
            "failures",
            "next_poll_at",
            "last_status",
            "last_error",
        ]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM feeds").fetchall()
    finally:
        con.close()
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def article_count(db: Path) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_flow_second_poll_is_conditional_and_stores_nothing_new(
    srv: FaultServer, tmp_path: Path
) -> None:
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    paths = ["/etag", "/last-modified", "/ok?id=flow", "/500"]
    first = poll_feeds(
        config=CONFIG, db=str(db), now=NOW, feeds=flow_feeds(srv, paths), allow_private=True
    )
    assert first["new"] == 3 and first["failed"] == 1
    articles = article_count(db)
    assert articles >= 6
    inm, ims = srv.count("/etag", "if-none-match"), srv.count("/last-modified", "if-modified-since")
    second = poll_feeds(
        config=CONFIG,
        db=str(db),
        now=NOW + timedelta(hours=2),
        feeds=flow_feeds(srv, paths),
        allow_private=True,
    )
    assert second["not_modified"] == 2 and second["articles_new"] == 0
    assert srv.count("/etag", "if-none-match") == inm + 1
    assert srv.count("/last-modified", "if-modified-since") == ims + 1
    assert article_count(db) == articles
    rows = feed_rows(db)
    assert rows[srv.url("/500")]["failures"] == 2
    assert "500" in rows[srv.url("/500")]["last_error"]


@pytest.mark.slow
def test_flow_third_poll_is_still_conditional(srv: FaultServer, tmp_path: Path) -> None:
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    paths = ["/etag", "/last-modified"]
    for hours in (0, 2, 4):
        summary = poll_feeds(
            config=CONFIG,
            db=str(db),
            now=NOW + timedelta(hours=hours),
            feeds=flow_feeds(srv, paths),
            allow_private=True,
        )
    assert summary["not_modified"] == 2, summary
    rows = feed_rows(db)
    assert rows[srv.url("/etag")]["etag"] == '"v1"'
    assert rows[srv.url("/last-modified")]["last_modified"]


@pytest.mark.slow
def test_flow_honours_retry_after_max_age_and_ttl(srv: FaultServer, tmp_path: Path) -> None:
    from flows.poll import poll_feeds

    db = tmp_path / "nw.duckdb"
    paths = ["/429?after=7200", "/max-age", "/ttl", "/500", "/ok?id=sched"]
    poll_feeds(config=CONFIG, db=str(db), now=NOW, feeds=flow_feeds(srv, paths), allow_private=True)
    rows = feed_rows(db)
    due = {p: rows[srv.url(p)]["next_poll_at"] - NOW for p in paths}
    assert due["/429?after=7200"] >= timedelta(hours=2), due
    assert due["/max-age"] >= timedelta(hours=1), due
    assert due["/ttl"] >= timedelta(minutes=120), due
    assert timedelta(0) < due["/500"] <= timedelta(hours=1), due
    assert timedelta(0) < due["/ok?id=sched"] <= timedelta(hours=1), due

    # 45 minutes later only the feeds that are due are asked again
    counts = {p: srv.count(p.split("?")[0]) for p in paths}
    later = poll_feeds(
        config=CONFIG,
        db=str(db),
        now=NOW + timedelta(minutes=45),
        feeds=flow_feeds(srv, paths),
        allow_private=True,
    )
    asked = {p for p in paths if srv.count(p.split("?")[0]) > counts[p]}
    assert asked == {"/500", "/ok?id=sched"}, asked
    assert later["skipped"] == 3
