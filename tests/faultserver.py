"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, for the fetcher's fault tests.

Use it as a context manager::

    with FaultServer() as srv:
        fetch_all([FetchRequest(srv.url("/hang"))], settings)
        assert srv.count("/hang") == 1

Endpoints (query parameters in brackets):

    /ok [id]              a valid RSS feed (two items; ``id`` makes the items distinct; their
                          links point at /article/..., an HTML page on this server)
    /slow [s=2]           the /ok feed after ``s`` seconds
    /trickle [s=5]        headers at once, then one body byte every 0.25 s for ``s`` seconds
    /hang                 reads the request, never answers (until the server stops)
    /reset                headers and half the body, then a TCP reset (SO_LINGER 0)
    /500                  HTTP 500
    /429 [after=120]      HTTP 429 with ``Retry-After: <after>``
    /redirect-loop        302 to itself
    /redirect-chain [n]   ``n`` redirects, then the /ok feed
    /big [length=1]       a 50 MB body streamed in 64 KiB chunks, with Content-Length (length=1)
                          or without it (length=0, the end is the connection closing)
    /gzip-bomb            ~1.1 MB of gzip (Content-Encoding: gzip) that inflates to ~1.15 GB
    /liar-charset         ``charset=utf-8`` in the header and the XML declaration, but the body
                          is windows-1252 with bytes that are invalid UTF-8
    /html /json /empty    an HTML page, a JSON document, a 0-byte body
    /etag                 the /ok feed with ``ETag: "v1"``; ``If-None-Match: "v1"`` gets 304
    /last-modified        the /ok feed with a Last-Modified; If-Modified-Since >= it gets 304
    /ttl                  an RSS feed with ``<ttl>120</ttl>``
    /max-age              the /ok feed with ``Cache-Control: max-age=3600``

Every request is recorded (path, query, lower-cased headers, arrival time) before it is answered,
and the server tracks how many requests are in flight at once (``max_in_flight``).  The server
speaks HTTP/1.0 (one request per connection), so a client's connection count is visible too.
"""

from __future__ import annotations

import email.utils
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BIG_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024
LAST_MODIFIED = "Mon, 23 Nov 2026 10:00:00 GMT"
ETAG = '"v1"'

_RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Fault server {name}</title><link>http://example.org/</link>
<description>test feed</description>{extra}
<item><title>NATO allies agree to raise defence spending {id}</title>
<link>{base}/article/{id}/nato-spending</link><guid>fault-{id}-1</guid>
<pubDate>Mon, 23 Nov 2026 09:00:00 GMT</pubDate>
<description>Allies agreed on Monday to spend 3.5% of GDP on defence by 2035, the
secretary-general said. The package is worth EUR 50 billion over five years.</description></item>
<item><title>Ukraine receives new air-defence aid {id}</title>
<link>{base}/article/{id}/ukraine-aid</link><guid>fault-{id}-2</guid>
<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate>
<description>Germany pledged a further EUR 2 billion in military aid to Ukraine for air
defence, the ministry said in a statement on Monday.</description></item>
</channel></rss>
"""

# windows-1252 bytes that are not valid UTF-8: curly quotes (0x93 0x94), e-acute (0xE9), a dash
LIAR_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
    b"<title>Caf\xe9 news</title><link>http://example.org/</link><description>x</description>"
    b"<item><title>\x93Defence\x94 caf\xe9 \x96 summit</title>"
    b"<link>http://example.org/liar/1</link><guid>liar-1</guid>"
    b"<description>The minister said \x93we will pay\x94 at the caf\xe9.</description></item>"
    b"</channel></rss>\n"
)
HTML_BODY = (
    b"<!DOCTYPE html>\n<html><head><title>Not a feed</title></head>"
    b"<body><h1>Welcome</h1><p>This is a web page.</p></body></html>\n"
)
JSON_BODY = b'{"version": "https://jsonfeed.org/version/1", "items": []}\n'


ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Article {path}</title></head><body><article>
<h1>Allies agree to raise defence spending</h1>
<p>NATO allies agreed on Monday to spend 3.5% of GDP on defence by 2035, the secretary-general
said at the summit. The package is worth EUR 50 billion over five years, officials said.</p>
<p>"We will pay our share," the minister said after the meeting ({path}).</p>
</article></body></html>
"""


def rss(
    name: str = "ok", item_id: str = "0", ttl: int | None = None, base: str = "http://example.org"
) -> bytes:
    """A two-item RSS feed; item links point at ``base``/article/... (the server itself)."""
    extra = f"\n<ttl>{ttl}</ttl>" if ttl is not None else ""
    return _RSS.format(name=name, id=item_id, extra=extra, base=base).encode("utf-8")


_rss_at = rss
_bomb: bytes | None = None
_bomb_lock = threading.Lock()


def gzip_bomb(megabytes: int = 1100) -> bytes:
    """A valid gzip member of ``megabytes`` MiB of zeros (after "<rss>"), about 1 KiB per MiB.

    Built from one compressed MiB repeated: each block ends with a full flush, so it does not
    depend on what came before; the trailer carries the right CRC-32 and size."""
    global _bomb
    with _bomb_lock:
        if _bomb is None:
            c = zlib.compressobj(9, zlib.DEFLATED, 31)
            head = c.compress(b"<rss>") + c.flush(zlib.Z_FULL_FLUSH)
            zeros = b"\0" * (1 << 20)
            block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
            crc = zlib.crc32(b"<rss>")
            for _ in range(megabytes):
                crc = zlib.crc32(zeros, crc)
            size = 5 + megabytes * len(zeros)
            # 03 00: an empty final fixed-Huffman block; then CRC-32 and ISIZE (mod 2**32)
            _bomb = (
                head + block * megabytes + b"\x03\x00" + struct.pack("<II", crc, size & 0xFFFFFFFF)
            )
        return _bomb


@dataclass(frozen=True)
class Recorded:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


class FaultServer:
    """Serve the fault endpoints on ``host`` (default 127.0.0.1), in background threads."""

    def __init__(self, host: str = "127.0.0.1", big_bytes: int = BIG_BYTES) -> None:
        self.big_bytes = big_bytes
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                split = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(split.query).items()}
                rec = Recorded(
                    split.path,
                    query,
                    {k.lower(): v for k, v in self.headers.items()},
                    time.monotonic(),
                )
                with server._lock:
                    server.requests.append(rec)
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    server.dispatch(self, rec)
                except (
                    BrokenPipeError,
                    ConnectionResetError,
                    ConnectionAbortedError,
                    TimeoutError,
                ):
                    pass  # the client gave up (as it should on /big, /hang, ...)
                finally:
                    with server._lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 128
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    # -- context manager and addresses ------------------------------------------------------
    def __enter__(self) -> FaultServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()  # releases /hang and /slow handlers
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    # -- what the clients did -----------------------------------------------------------------
    def hits(self, path: str, header: str | None = None) -> list[Recorded]:
        with self._lock:
            reqs = list(self.requests)
        return [
            r for r in reqs if r.path == path and (header is None or header.lower() in r.headers)
        ]

    def count(self, path: str, header: str | None = None) -> int:
        """Requests for ``path`` (carrying ``header``, when given)."""
        return len(self.hits(path, header))

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    # -- the endpoints --------------------------------------------------------------------------
    def dispatch(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        """Answer ``rec`` from the endpoint tables below (404 for an unknown path)."""
        if rec.path.startswith("/article/"):
            return self.send(h, 200, ARTICLE_HTML.format(path=rec.path).encode(), "text/html")
        fixed = _FIXED.get(rec.path)
        if fixed is not None:
            return self.send(h, *fixed)
        route = _ROUTES.get(rec.path)
        if route is None:
            return self.send(h, 404, b"not found\n", "text/plain")
        return route(self, h, rec)

    def feed(self, name: str, item_id: str, ttl: int | None = None) -> bytes:
        """A one-item RSS feed whose links point back at this server."""
        return _rss_at(name, item_id, ttl, self.base_url)

    def ok(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        self.send(h, 200, self.feed("ok", rec.query.get("id", "0")))

    def slow(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        if not self.stopping.wait(float(rec.query.get("s", "2"))):
            self.send(h, 200, self.feed("slow", rec.query.get("id", "slow")))

    def hang(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        self.stopping.wait(600)

    def too_many(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        retry = {"Retry-After": rec.query.get("after", "120")}
        self.send(h, 429, b"slow down\n", "text/plain", retry)

    def redirect_chain(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        n = int(rec.query.get("n", "3"))
        if n > 0:
            self.send(h, 302, b"", "text/plain", {"Location": f"/redirect-chain?n={n - 1}"})
        else:
            self.send(h, 200, self.feed("chain", "chain"))

    def etag(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        if rec.headers.get("if-none-match") == ETAG:
            self.send(h, 304, None, None, {"ETag": ETAG})
        else:
            self.send(h, 200, self.feed("etag", "etag"), extra={"ETag": ETAG})

    def last_modified(self, h: BaseHTTPRequestHandler, rec: Recorded) -> None:
        ims = rec.headers.get("if-modified-since")
        if ims and _not_modified_since(ims):
            self.send(h, 304, None, None, {"Last-Modified": LAST_MODIFIED})
        else:
            self.send(h, 200, self.feed("lm", "lm"), extra={"Last-Modified": LAST_MODIFIED})

    @staticmethod
    def send(
        h: BaseHTTPRequestHandler,
        status: int,
        body: bytes | None,
        ctype: str | None = "application/rss+xml; charset=utf-8",
        extra: dict[str, str] | None = None,
    ) -> None:
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        if body is not None:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body:
            h.wfile.write(body)

    def trickle(self, h: BaseHTTPRequestHandler, seconds: float) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.end_headers()
        h.wfile.write(b"<")
        h.wfile.flush()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.stopping.wait(0.25):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    def reset(self, h: BaseHTTPRequestHandler) -> None:
        body = rss("reset", "reset") * 20
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 2])
        h.wfile.flush()
        time.sleep(0.05)
        # SO_LINGER with a zero timeout: close() sends RST instead of FIN
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    def big(self, h: BaseHTTPRequestHandler, with_length: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/rss+xml")
        if with_length:
            h.send_header("Content-Length", str(self.big_bytes))
        h.end_headers()
        chunk = b"<!-- padding -->" * (CHUNK // 16)
        sent = 0
        while sent < self.big_bytes and not self.stopping.is_set():
            piece = chunk[: self.big_bytes - sent]
            h.wfile.write(piece)
            sent += len(piece)


# endpoints whose answer never changes: path -> (status, body, content type[, extra headers])
_FIXED: dict[str, tuple[Any, ...]] = {
    "/500": (500, b"internal error\n", "text/plain"),
    "/redirect-loop": (302, b"", "text/plain", {"Location": "/redirect-loop"}),
    "/liar-charset": (200, LIAR_BODY, "application/rss+xml; charset=utf-8"),
    "/html": (200, HTML_BODY, "text/html; charset=utf-8"),
    "/json": (200, JSON_BODY, "application/json"),
    "/empty": (200, b"", "application/rss+xml"),
}

# the other endpoints: path -> handler(server, request handler, recorded request)
_ROUTES: dict[str, Callable[[FaultServer, BaseHTTPRequestHandler, Recorded], None]] = {
    "/ok": FaultServer.ok,
    "/slow": FaultServer.slow,
    "/trickle": lambda s, h, rec: s.trickle(h, float(rec.query.get("s", "5"))),
    "/hang": FaultServer.hang,
    "/reset": lambda s, h, rec: s.reset(h),
    "/429": FaultServer.too_many,
    "/redirect-chain": FaultServer.redirect_chain,
    "/big": lambda s, h, rec: s.big(h, with_length=rec.query.get("length", "1") != "0"),
    "/gzip-bomb": lambda s, h, rec: s.send(
        h, 200, gzip_bomb(), "application/rss+xml", {"Content-Encoding": "gzip"}
    ),
    "/etag": FaultServer.etag,
    "/last-modified": FaultServer.last_modified,
    "/ttl": lambda s, h, rec: s.send(h, 200, s.feed("ttl", "ttl", ttl=120)),
    "/max-age": lambda s, h, rec: s.send(
        h, 200, s.feed("max-age", "max-age"), extra={"Cache-Control": "max-age=3600"}
    ),
}


def _not_modified_since(value: str) -> bool:
    try:
        since = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since >= email.utils.parsedate_to_datetime(LAST_MODIFIED)
