"""Fetch feeds over HTTP with httpx: bounded concurrency, conditional GET, a body-size cap.

The only module that talks HTTP.  Every feed ends with a :class:`FetchResult` whose ``status`` is
``"ok"`` (a body), ``"not_modified"`` (HTTP 304) or ``"error"`` (with a reason naming what went
wrong); a failure is a value, never an exception out of :func:`fetch_all`.  Tests inject an
``httpx`` transport or point the client at a real local server.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import re
import ssl
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from monitors.config import PollSettings
from monitors.model import FetchRequest

__all__ = [
    "FetchRequest",
    "FetchResult",
    "PageFetcher",
    "fetch_all",
    "fetch_all_async",
    "fetch_pages",
]

MAX_REDIRECTS = 5
ACCEPT_ENCODING = "gzip, deflate"  # the encodings _read_capped inflates with a bound
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: str  # "ok" | "not_modified" | "error"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    final_url: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def retry_after(self) -> float | None:
        """Seconds the server asked us to wait (Retry-After, on 429/503), if any."""
        return parse_retry_after(self.headers.get("retry-after"))

    @property
    def max_age(self) -> float | None:
        """Cache-Control max-age in seconds, if the server sent one."""
        m = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", self.headers.get("cache-control", ""))
        return float(m.group(1)) if m else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BodyTooLarge(Exception):
    pass


def fetch_all(
    requests: Sequence[FetchRequest],
    settings: PollSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
) -> list[FetchResult]:
    """Fetch every request concurrently; results come back in the order of ``requests``."""
    report = None if on_result is None else (lambda _i, r: on_result(r))
    return asyncio.run(fetch_all_async(requests, settings, transport=transport, on_result=report))


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context (httpx's default: certifi's CA bundle, or SSL_CERT_FILE/SSL_CERT_DIR) for
    every client of the process: building one reads the CA bundle (~23 ms of CPU), and a poll
    built two per batch (the feeds' client and the pages')."""
    return httpx.create_ssl_context()


async def fetch_all_async(
    requests: Sequence[FetchRequest],
    settings: PollSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_result: Callable[[int, FetchResult], None] | None = None,
) -> list[FetchResult]:
    """:func:`fetch_all` inside a running event loop; ``on_result(i, result)`` is called as
    each request ``i`` ends (so its body can be worked on while the others download)."""
    limits = httpx.Limits(
        max_connections=settings.max_concurrency, max_keepalive_connections=settings.max_concurrency
    )
    timeout = httpx.Timeout(settings.timeout_seconds, connect=min(10.0, settings.timeout_seconds))
    semaphore = asyncio.Semaphore(settings.max_concurrency)
    per_host: dict[str, asyncio.Semaphore] = {}
    async with httpx.AsyncClient(
        transport=transport,
        verify=tls_context(),
        limits=limits,
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": ACCEPT_ENCODING,
        },
    ) as client:

        async def one(i: int, req: FetchRequest) -> FetchResult:
            host = _host(req.url)
            host_sem = per_host.setdefault(host, asyncio.Semaphore(settings.max_per_host))
            async with host_sem, semaphore:
                result = await fetch_one(client, req, settings)
            if on_result is not None:
                on_result(i, result)
            return result

        return list(await asyncio.gather(*(one(i, r) for i, r in enumerate(requests))))


def _host(url: str) -> str:
    """The host for per-host limits; a malformed URL gets its own bucket (and fails later)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return url


async def fetch_one(
    client: httpx.AsyncClient, req: FetchRequest, settings: PollSettings
) -> FetchResult:
    """Fetch one feed, honouring its validators; never raises for network or HTTP failures."""
    headers: dict[str, str] = {}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    started = time.monotonic()
    deadline = settings.timeout_seconds * 3  # total budget per feed, over all reads

    def error(
        reason: str, status: int | None = None, hdrs: dict[str, str] | None = None
    ) -> FetchResult:
        return FetchResult(
            req.url,
            "error",
            http_status=status,
            error=reason,
            headers=hdrs or {},
            elapsed=time.monotonic() - started,
        )

    try:
        async with asyncio.timeout(deadline):
            async with client.stream("GET", req.url, headers=headers) as resp:
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code == 304:
                    return FetchResult(
                        req.url,
                        "not_modified",
                        headers=hdrs,
                        http_status=304,
                        etag=req.etag,
                        last_modified=req.last_modified,
                        final_url=str(resp.url),
                        elapsed=time.monotonic() - started,
                    )
                if resp.status_code >= 400:
                    reason = f"HTTP {resp.status_code} {resp.reason_phrase}".strip()
                    wait = parse_retry_after(hdrs.get("retry-after"))
                    if wait is not None:
                        reason += f" (server asks to retry after {wait:.0f} s)"
                    return error(reason, resp.status_code, hdrs)
                body = await _read_capped(resp, settings.max_body_bytes)
                return FetchResult(
                    req.url,
                    "ok",
                    body=body,
                    headers=hdrs,
                    http_status=resp.status_code,
                    etag=hdrs.get("etag"),
                    last_modified=hdrs.get("last-modified"),
                    final_url=str(resp.url),
                    elapsed=time.monotonic() - started,
                )
    except _FAILURES as e:
        return error(_failure(e, deadline))


# what fetch_one turns into an "error" result instead of raising
_FAILURES = (
    TimeoutError,
    BodyTooLarge,
    httpx.HTTPError,
    httpx.InvalidURL,  # malformed URL
    ValueError,
    UnicodeError,  # bad header bytes
)


def _failure(e: BaseException, deadline: float) -> str:
    """The reason shown for a failed fetch; the most specific kind first (an ``except`` chain's
    order: httpx's timeouts, connect and read errors are all HTTPErrors)."""
    if isinstance(e, TimeoutError):
        return f"timed out after {deadline:.0f} s in total"
    if isinstance(e, BodyTooLarge):
        return str(e)
    if isinstance(e, httpx.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if isinstance(e, httpx.TimeoutException):
        return f"timed out ({type(e).__name__})"
    if isinstance(e, httpx.ConnectError):
        return f"cannot connect: {_reason(e)}"
    if isinstance(e, httpx.DecodingError):
        return f"bad content encoding: {_reason(e)}"
    if isinstance(e, httpx.ReadError):
        return f"connection broken while reading: {_reason(e)}"
    if isinstance(e, httpx.HTTPError):
        return f"{type(e).__name__}: {_reason(e)}"
    return f"invalid request: {e}"


async def _read_capped(resp: httpx.Response, cap: int) -> bytes:
    """The body, decoded, refusing more than ``cap`` bytes. gzip and deflate are inflated here
    with an output limit per step, so a decompression bomb costs at most ``cap`` bytes of memory
    (httpx's own decoder inflates a whole network read at once)."""
    declared = resp.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(f"body too large: Content-Length {declared} > limit {cap} bytes")
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if resp.is_stream_consumed:  # an in-memory response (tests' MockTransport): already read
        if len(resp.content) > cap:
            raise BodyTooLarge(
                f"body too large: more than {cap} bytes"
                + (" (after decompression)" if encoding != "identity" else "")
            )
        return resp.content
    if encoding not in ("gzip", "x-gzip", "deflate", "identity", ""):
        return await _read_decoded(resp, cap)  # anything else: httpx decodes, we count
    inflater = None
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    chunks: list[bytes] = []
    size = 0
    async for raw in resp.aiter_raw():
        if encoding == "deflate" and inflater is None:
            # "deflate" is zlib-wrapped by the standard, raw deflate by some servers
            inflater = zlib.decompressobj(zlib.MAX_WBITS if raw[:1] == b"\x78" else -zlib.MAX_WBITS)
        data = raw
        while data:
            if inflater is None:
                out, data = data, b""
            else:
                try:
                    out = inflater.decompress(data, cap - size + 1)
                except zlib.error as e:
                    raise httpx.DecodingError(f"corrupt {encoding} body: {e}") from e
                data = inflater.unconsumed_tail
            size += len(out)
            if size > cap:
                raise BodyTooLarge(
                    f"body too large: more than {cap} bytes"
                    + (" (after decompression)" if inflater else "")
                )
            chunks.append(out)
    if inflater is not None:
        chunks.append(inflater.flush())
    return b"".join(chunks)


async def _read_decoded(resp: httpx.Response, cap: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge(f"body too large: more than {cap} bytes (after decompression)")
        chunks.append(chunk)
    return b"".join(chunks)


def _reason(e: BaseException) -> str:
    """A readable reason; httpx's transport errors often carry the cause only in __context__
    (e.g. ReadError() for "Connection reset by peer")."""
    text = str(e).strip()
    if text and text != type(e).__name__:
        return text
    cause = e.__cause__ or e.__context__
    for _ in range(4):
        if cause is None:
            break
        cause_text = str(cause).strip()
        if cause_text and cause_text != type(cause).__name__:
            return cause_text
        cause = cause.__cause__ or cause.__context__
    if isinstance(e, httpx.ReadError | httpx.RemoteProtocolError):
        return "the connection was closed before the body ended"
    return type(e).__name__


# -- article pages (full text) ------------------------------------------------------------

PER_HOST_PAGES = 2
# article pages downloading at once, at most (and never more than [polling].max_concurrency):
# a page costs CPU once it is in (extraction, analysis), so more at once only queues work the
# two cores already have -- at 128 the cold poll of bench/poll.py (1,000 feeds, 250 hosts) took
# 45.4 s against 37.6 s at 64, while feeds, mostly 304s, gain from 128 (warm 4.50 -> 2.82 s)
MAX_PAGES_AT_ONCE = 64


def fetch_pages(
    urls: Sequence[str],
    settings: PollSettings,
    *,
    allow_private: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[FetchResult]:
    """Fetch article pages politely: at most PER_HOST_PAGES requests at once per host, every
    URL and redirect hop checked against SSRF (see monitors.ingest.netguard)."""
    return asyncio.run(_fetch_pages(urls, settings, allow_private, transport))


async def _fetch_pages(
    urls: Sequence[str],
    settings: PollSettings,
    allow_private: bool,
    transport: httpx.AsyncBaseTransport | None,
) -> list[FetchResult]:
    async with PageFetcher(settings, allow_private, transport=transport) as pages:
        return list(await asyncio.gather(*(pages.get(u) for u in urls)))


class PageFetcher:
    """Article pages inside a running event loop, one client for a whole batch: at most
    PER_HOST_PAGES requests at once per host and MAX_PAGES_AT_ONCE in all, every URL and
    redirect hop checked against SSRF.  A request waits for its host's turn *before* it takes
    one of the overall slots, so a feed's many links on one host never hold slots that pages of
    other hosts could use."""

    def __init__(
        self,
        settings: PollSettings,
        allow_private: bool,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.allow_private = allow_private
        at_once = min(settings.max_concurrency, MAX_PAGES_AT_ONCE)
        self._overall = asyncio.Semaphore(at_once)
        self._per_host: dict[str, asyncio.Semaphore] = {}
        self._verdicts: dict[tuple[str, int], str | None] = {}  # one DNS check per host
        timeout = httpx.Timeout(
            settings.timeout_seconds, connect=min(10.0, settings.timeout_seconds)
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=tls_context(),
            timeout=timeout,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=at_once, max_keepalive_connections=at_once),
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,*/*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    async def __aenter__(self) -> PageFetcher:
        await self._client.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.__aexit__(*exc)

    async def get(self, url: str, hold: asyncio.Semaphore | None = None) -> FetchResult:
        """One page (following up to MAX_REDIRECTS checked redirects); never raises for network
        or HTTP failures.

        ``hold``, when given, is acquired once the host's turn has come (before the overall
        slot) and stays held for the caller to release when it is done with the page: a bound
        on pages being fetched or waiting to be processed that never counts a page still
        waiting for its host (which would let one host's queue hold every share)."""
        sem = self._per_host.setdefault(_host(url), asyncio.Semaphore(PER_HOST_PAGES))
        async with sem:
            if hold is not None:
                await hold.acquire()
            try:
                async with self._overall:
                    return await _fetch_page(
                        self._client, url, self.settings, self.allow_private, self._verdicts
                    )
            except BaseException:
                if hold is not None:
                    hold.release()
                raise


async def _fetch_page(
    client: httpx.AsyncClient,
    url: str,
    settings: PollSettings,
    allow_private: bool,
    verdicts: dict[tuple[str, int], str | None] | None = None,
) -> FetchResult:
    from monitors.ingest.netguard import check_url

    started = time.monotonic()
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        refusal = await check_url(current, allow_private, verdicts)
        if refusal:
            return FetchResult(url, "error", error=refusal, elapsed=time.monotonic() - started)
        result = await fetch_one(client, FetchRequest(current), settings)
        if result.http_status in (301, 302, 303, 307, 308):
            location = result.headers.get("location")
            if not location:
                return FetchResult(url, "error", error="redirect without Location")
            current = str(httpx.URL(current).join(location))
            continue
        return FetchResult(
            url,
            result.status,
            body=result.body,
            headers=result.headers,
            http_status=result.http_status,
            error=result.error,
            final_url=current,
            elapsed=time.monotonic() - started,
        )
    return FetchResult(url, "error", error=f"too many redirects (more than {MAX_REDIRECTS})")
