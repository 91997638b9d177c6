"""A real HTTP server on 127.0.0.1 that serves sample feeds as they stood at a given time.

Used by ``newswatch demo`` and the integration tests.  Feeds under ``<root>/feeds`` are served at
``/feeds/<name>``, minus the items published after the server's ``now`` (so replaying three days
shows three days of news arriving), with ``ETag`` support (a second poll gets 304).  The
placeholder host ``http://newswatch.sample/`` in the files is rewritten to this server, and
article pages under ``<root>/articles`` are served at ``/articles/<path>``.

Every item a feed links on the placeholder host has a page: the file under ``articles/`` when
there is one (the truncated Danube Post items, whose figures are only on the page), else a
page made from the item itself: its title, its outlet and the item's own text (the sample
data's invented words; nothing is copied from elsewhere).  So the demo's full-text fetches of
summary-only items all succeed, and a made-up page adds nothing the feed did not say (no
headline in the body: the extracted text is the item's, and the analysis is unchanged).
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import re
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from monitors.errors import FeedError
from monitors.ingest.parse import parse_feed
from monitors.model import Entry

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


def item_page(outlet: str, entry: Entry) -> bytes:
    """An outlet's article page for a feed item: its own text, the headline only in <title>."""
    body = entry.content_html or entry.summary_html
    title = entry.title
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} | {html.escape(outlet)}</title></head>\n"
        f'<body><header><p><a href="/">{html.escape(outlet)}</a></p></header>\n'
        f"<main><article>{body}</article></main>\n"
        "<footer><p>A sample page served by the newswatch demo.</p></footer></body></html>\n"
    ).encode()


class FeedServer:
    """Serve ``root`` on 127.0.0.1 in a background thread. Use as a context manager."""

    def __init__(self, root: str | Path, now: datetime | None = None) -> None:
        self.root = Path(root)
        self.now = now
        self._pages: dict[str, bytes] | None = None
        self._pages_lock = threading.Lock()
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
            page = self.item_pages().get(rel) if rel.startswith("articles/") else None
            return (page, "text/html; charset=utf-8") if page else (None, "")
        data = target.read_bytes()
        if rel.startswith("feeds/") and target.suffix in (".xml", ".rss", ".atom"):
            text = data.decode("utf-8")
            text = feed_as_of(text, self.now).replace(PLACEHOLDER, self.url("articles/"))
            ctype = "application/atom+xml" if "<feed" in text[:500] else "application/rss+xml"
            return text.encode("utf-8"), ctype + "; charset=utf-8"
        if target.suffix == ".html":
            return data, "text/html; charset=utf-8"
        return data, "application/octet-stream"

    def item_pages(self) -> dict[str, bytes]:
        """A page for each item the feeds link on the placeholder host, by path
        (``articles/<outlet>/...``); built once, from the feed files as they are on disk."""
        with self._pages_lock:  # the server answers on many threads
            if self._pages is None:
                pages: dict[str, bytes] = {}
                for f in sorted((self.root / "feeds").glob("*.xml")):
                    try:
                        parsed = parse_feed(f.name, f.read_bytes())
                    except FeedError:
                        continue  # a deliberately broken test feed links nothing
                    for e in parsed.entries:
                        if e.link and e.link.startswith(PLACEHOLDER):
                            path = "articles/" + e.link[len(PLACEHOLDER) :].split("?", 1)[0]
                            pages.setdefault(path, item_page(parsed.title, e))
                self._pages = pages
            return self._pages

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
