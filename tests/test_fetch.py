"""The fetcher, against httpx's MockTransport (pure, no sockets)."""

from __future__ import annotations

import gzip

import httpx

from monitors.config import PollSettings
from monitors.ingest.fetch import FetchRequest, fetch_all

SETTINGS = PollSettings(timeout_seconds=5, max_concurrency=4, max_body_bytes=10_000)


def handler(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/ok":
        return httpx.Response(
            200,
            content=b"<rss/>",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 23 Nov 2026 10:00:00 GMT"},
        )
    if path == "/cond":
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=b"<rss/>", headers={"ETag": '"v1"'})
    if path == "/boom":
        return httpx.Response(500)
    if path == "/big":
        return httpx.Response(200, content=b"x" * 20_000)
    if path == "/bomb":
        payload = gzip.compress(b"a" * 1_000_000)
        return httpx.Response(200, content=payload, headers={"Content-Encoding": "gzip"})
    if path == "/ua":
        return httpx.Response(200, content=request.headers["User-Agent"].encode())
    if path == "/loop":
        return httpx.Response(302, headers={"Location": "/loop"})
    raise httpx.ConnectError("connection refused", request=request)


def fetch(*reqs: FetchRequest):
    return fetch_all(list(reqs), SETTINGS, transport=httpx.MockTransport(handler))


def test_ok_records_validators() -> None:
    [r] = fetch(FetchRequest("http://t/ok"))
    assert r.status == "ok" and r.body == b"<rss/>"
    assert r.etag == '"v1"' and r.last_modified.startswith("Mon, 23 Nov")


def test_conditional_get_gives_not_modified() -> None:
    [first, second] = fetch(FetchRequest("http://t/cond"), FetchRequest("http://t/cond", '"v1"'))
    assert first.status == "ok"
    assert second.status == "not_modified" and second.error is None


def test_failures_are_values_with_reasons() -> None:
    results = fetch(
        FetchRequest("http://t/boom"),
        FetchRequest("http://t/big"),
        FetchRequest("http://t/bomb"),
        FetchRequest("http://t/refused"),
        FetchRequest("http://t/loop"),
    )
    reasons = [r.error for r in results]
    assert all(r.status == "error" for r in results)
    assert reasons[0].startswith("HTTP 500")
    assert "body too large" in reasons[1]
    assert "after decompression" in reasons[2]
    assert "cannot connect" in reasons[3]
    assert "too many redirects" in reasons[4]


def test_user_agent_names_newswatch() -> None:
    [r] = fetch(FetchRequest("http://t/ua"))
    assert r.body.startswith(b"newswatch/")


def test_results_keep_request_order() -> None:
    urls = [f"http://t/{p}" for p in ("ok", "boom", "ok", "refused")]
    assert [r.url for r in fetch(*(FetchRequest(u) for u in urls))] == urls


def test_a_page_waiting_for_its_host_holds_no_share_of_the_buffer() -> None:
    """PageFetcher.get(hold=...) takes the caller's share once the host's turn has come: a
    long queue on one host (2 at a time) must not keep another host's pages waiting."""
    import asyncio

    from monitors.ingest.fetch import PER_HOST_PAGES, PageFetcher

    done: list[str] = []
    held = {"now": 0, "most": 0}

    async def slow_or_fast(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.2 if request.url.host == "127.0.0.1" else 0.01)
        return httpx.Response(200, content=b"<html><body>page</body></html>")

    async def run() -> None:
        hold = asyncio.Semaphore(4)
        settings = PollSettings(timeout_seconds=5, max_concurrency=16, max_body_bytes=10_000)
        async with PageFetcher(
            settings, allow_private=True, transport=httpx.MockTransport(slow_or_fast)
        ) as pages:

            async def one(url: str) -> None:
                page = await pages.get(url, hold=hold)
                held["now"] += 1
                held["most"] = max(held["most"], held["now"])
                assert page.ok, page.error
                done.append(url)
                await asyncio.sleep(0)
                held["now"] -= 1
                hold.release()

            slow = [f"http://127.0.0.1/a{i}" for i in range(12)]
            fast = [f"http://127.0.0.2/b{i}" for i in range(4)]
            await asyncio.gather(*(one(u) for u in slow + fast))
        for _ in range(4):  # every share was given back
            assert not hold.locked()
            await hold.acquire()
        assert hold.locked()

    asyncio.run(run())
    assert len(done) == 16
    # the fast host's pages finish while the slow host still has most of its queue
    last_fast = max(done.index(u) for u in done if "127.0.0.2" in u)
    assert last_fast < 2 * PER_HOST_PAGES + 4, done


def test_every_client_shares_one_verifying_tls_context() -> None:
    import ssl

    from monitors.ingest.fetch import tls_context

    ctx = tls_context()
    assert ctx is tls_context()  # built once per process, not per client
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert ctx.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded


def test_feeds_use_max_concurrency_and_pages_at_most_max_pages_at_once() -> None:
    """Feeds (mostly cheap 304s) go [polling].max_concurrency at a time; article pages, whose
    extraction is CPU work, at most MAX_PAGES_AT_ONCE, however high max_concurrency is."""
    import asyncio

    from monitors.ingest.fetch import MAX_PAGES_AT_ONCE, PER_HOST_PAGES, PageFetcher

    hosts = 2 * MAX_PAGES_AT_ONCE // PER_HOST_PAGES  # enough hosts to exceed the cap
    flight = {"now": 0, "most": 0}

    async def counting(request: httpx.Request) -> httpx.Response:
        flight["now"] += 1
        flight["most"] = max(flight["most"], flight["now"])
        await asyncio.sleep(0.05)
        flight["now"] -= 1
        return httpx.Response(304 if request.url.path == "/feed" else 200, content=b"<p>x</p>")

    settings = PollSettings(timeout_seconds=5, max_concurrency=2 * MAX_PAGES_AT_ONCE)
    urls = [f"http://127.0.{h // 200}.{h % 200 + 1}" for h in range(hosts)]
    feeds = fetch_all(
        [FetchRequest(f"{u}/feed", '"v"') for u in urls for _ in range(PER_HOST_PAGES)],
        settings,
        transport=httpx.MockTransport(counting),
    )
    assert all(r.status == "not_modified" for r in feeds)
    assert flight["most"] == 2 * MAX_PAGES_AT_ONCE

    flight["most"] = 0

    async def pages() -> None:
        async with PageFetcher(
            settings, allow_private=True, transport=httpx.MockTransport(counting)
        ) as fetcher:
            got = await asyncio.gather(
                *(fetcher.get(f"{u}/a{i}") for u in urls for i in range(PER_HOST_PAGES))
            )
        assert all(p.ok for p in got)

    asyncio.run(pages())
    assert flight["most"] == MAX_PAGES_AT_ONCE
