"""A local farm of thousands of feeds with distinct articles, for the sharded-poll test and
``bench/scale.py`` (issue 19): a real HTTP server on 127.0.0.1.

Feed ``k`` (``/f/<k>.xml``) is an RSS document of one item.  Every ``ON_TOPIC``-th feed carries
one item of the repository's sample feeds (``samples/``, their own invented wording), its
link and guid made unique to the feed (``/k<k>/articles/...``: the same story as a different
article of a different outlet), with the sample's page behind the link (the Danube Post
items are summaries whose figures are only on the page); the other feeds carry a short
off-topic note of their own.  With ``hosts`` > 1 the feeds and their pages are spread
over that many loopback addresses (as a real list spans many sites, so that per-host
politeness is not what limits a poll).  Every request waits ``latency`` seconds; an ``ETag`` answers
``If-None-Match`` with 304 (the demo server's handling).
"""

from __future__ import annotations

import email.utils
import re
import threading
import time
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

from flows.demo.feedserver import FeedServer

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ON_TOPIC = 6  # one feed in six carries a sample story
_ITEM = re.compile(r"<item\b.*?</item>", re.S)
NOTE = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Farm feed {k}</title><link>{base}/</link>
<description>Feed {k} of the local farm</description>
{item}
</channel></rss>"""
OFF_TOPIC = """<item><title>Harbour note {k}</title><link>{base}/k{k}/notes/{k}</link>
<guid>farm-note-{k}</guid><pubDate>{date}</pubDate>
<description>Note {k}: the ferry timetable for the winter season is unchanged and the harbour
office opens at nine on weekdays, the port authority said in its weekly bulletin.</description>
</item>"""


class ShardFarm(FeedServer):
    """``feeds`` feeds on one loopback server (the demo's :class:`FeedServer`, its HTTP
    handling, ETags and request log, with the farm's paths); use as a context manager."""

    def __init__(
        self, feeds: int, latency: float = 0.0, now: datetime | None = None, hosts: int = 1
    ) -> None:
        super().__init__(SAMPLES, now or datetime(2026, 11, 26, 12, tzinfo=UTC))
        if not 1 <= hosts <= 250:
            raise ValueError(f"hosts: 1 to 250, not {hosts}")
        self.feeds = feeds
        self.latency = latency
        self.hosts = hosts
        self.items = self._sample_items()
        self._others: list[ThreadingHTTPServer] = []

    def __enter__(self) -> ShardFarm:
        """Listen on 127.0.0.1 and, with ``hosts`` > 1, on 127.0.0.2 ... on the same port (all
        loopback on Linux): feed ``k`` and its article pages live on host ``k % hosts``."""
        super().__enter__()
        port = self.httpd.server_address[1]
        for h in range(2, self.hosts + 1):
            srv = ThreadingHTTPServer((f"127.0.0.{h}", port), self.httpd.RequestHandlerClass)
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            self._others.append(srv)
        return self

    def __exit__(self, *exc: object) -> None:
        for srv in self._others:
            srv.shutdown()
            srv.server_close()
        super().__exit__(*exc)

    def base(self, k: int) -> str:
        """The origin that serves feed ``k``."""
        return f"http://127.0.0.{k % self.hosts + 1}:{self.httpd.server_address[1]}"

    def _sample_items(self) -> list[str]:
        """Every item of the sample feeds, links pointing at ``/articles/`` of this server."""
        items = []
        for f in sorted((SAMPLES / "feeds").glob("*.xml")):
            body, _ = super().resolve(f"feeds/{f.name}")
            if body:
                items += _ITEM.findall(body.decode("utf-8"))
        return items

    def feed_urls(self) -> list[str]:
        return [f"{self.base(k)}/f/{k}.xml" for k in range(self.feeds)]

    def on_topic(self) -> int:
        """How many feeds carry a sample story."""
        return len(range(0, self.feeds, ON_TOPIC))

    def feed(self, k: int) -> bytes:
        if k % ON_TOPIC == 0:
            block = self.items[(k // ON_TOPIC) % len(self.items)]
            block = block.replace(self.url("articles/"), f"{self.base(k)}/k{k}/articles/")
            block = re.sub(r"<guid([^>]*)>(.*?)</guid>", rf"<guid\1>\2-farm-{k}</guid>", block)
        else:
            date = email.utils.format_datetime(datetime(2026, 11, 25, 9, k % 60, tzinfo=UTC))
            block = OFF_TOPIC.format(k=k, base=self.base(k), date=date)
        return NOTE.format(k=k, base=self.base(k), item=block).encode("utf-8")

    def resolve(self, path: str) -> tuple[bytes | None, str]:
        if self.latency:
            time.sleep(self.latency)
        m = re.fullmatch(r"/f/(\d+)\.xml", path)
        if m and int(m.group(1)) < self.feeds:
            return self.feed(int(m.group(1))), "application/rss+xml; charset=utf-8"
        m = re.fullmatch(r"/k\d+/(articles/.*)", path)
        if m:
            return super().resolve(m.group(1))
        return None, ""
