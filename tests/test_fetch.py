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
