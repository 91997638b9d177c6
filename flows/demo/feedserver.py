"""A real HTTP server on 127.0.0.1 that serves sample feeds as they stood at a given time.

Used by ``newswatch demo`` and the integration tests.  Feeds under ``<root>/feeds`` are served at
``/feeds/<name>``, minus the items published after the server's ``now`` (so replaying three days
shows three days of news arriving), with ``ETag`` support (a second poll gets 304).  The
placeholder host ``http://newswatch.sample/`` in the files is rewritten to this server, and
article pages under ``<root>/articles`` are served at ``/articles/<path>``.
"""

from __future__ import annotations

import email.utils
import hashlib
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PLACEHOLDER = "http://newswatch.sample/"
_ITEM = re.compile(r"<(item|entry)\b.*?</\1>", re.S)
_DATE = re.compile(r"<(pubDate|published|updated|dc:date)>\s*(.*?)\s*</\1>", re.S)


def item_time(block: str) -> datetime | None:
    m = _DATE.search(block)
    if not m:
        return None
    raw = m.group(2)
    try:
        if m.group(1) == "pubDate":
            dt = email.utils.parsedate_to_datetime(raw)
        else:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def feed_as_of(xml: str, now: datetime | None) -> str:
    """The feed document without the items published after ``now``."""
    if now is None:
        return xml

    def keep(m: re.Match[str]) -> str:
        t = item_time(m.group(0))
        return m.group(0) if t is None or t <= now else ""

    return _ITEM.sub(keep, xml)


class FeedServer:
    """Serve ``root`` on 127.0.0.1 in a background thread. Use as a context manager."""

    def __init__(self, root: str | Path, now: datetime | None = None) -> None:
        self.root = Path(root)
        self.now = now
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                body, ctype = server.resolve(self.path.split("?", 1)[0])
                if body is None:
                    self.send_error(404, "not found")
                    return
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def resolve(self, path: str) -> tuple[bytes | None, str]:
        rel = path.lstrip("/")
        target = (self.root / rel).resolve()
        if not target.is_relative_to(self.root.resolve()):
            return None, ""
        if rel.startswith("articles/") and not target.suffix:
            target = target.with_suffix(".html")
        if not target.is_file():
            return None, ""
        data = target.read_bytes()
        if rel.startswith("feeds/") and target.suffix in (".xml", ".rss", ".atom"):
            text = data.decode("utf-8")
            text = feed_as_of(text, self.now).replace(PLACEHOLDER, self.url("articles/"))
            ctype = "application/atom+xml" if "<feed" in text[:500] else "application/rss+xml"
            return text.encode("utf-8"), ctype + "; charset=utf-8"
        if target.suffix == ".html":
            return data, "text/html; charset=utf-8"
        return data, "application/octet-stream"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
