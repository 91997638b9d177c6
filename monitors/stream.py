"""One batch of a poll with its stages overlapped: fetch feeds, read them, fetch pages, analyse.

The stages run at once in one event loop: each feed is handed to a worker process for parsing
as soon as it has downloaded (in small chunks), each parsed feed's summary-only items go to the
page fetcher while the others go straight to analysis, and each fetched page goes to a worker
that extracts its text and analyses the article.  So the network waits for nothing and the
workers are busy while there is work; at most ``2 x workers`` chunks are in flight, and the
chunks carry plain values (a feed's body, an article's title and text) one way and compact
results (the articles of a feed, an article's analysis) back.

What is decided is what the stages one after another decided (the articles, in feed order, each
with the same text and the same analysis):

* a page is fetched for an item that :func:`~monitors.ingest.fulltext.wants_full_text` and that
  is not stored unchanged (its feed hash is the stored one), as before; a URL that two items of a
  batch share is fetched once;
* an item stored unchanged is not analysed: the store counts it as unchanged and writes nothing
  for it, whatever its analysis (``monitors.decide.articles.sort_batch``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import Any

from monitors import timeline
from monitors.config import PollSettings
from monitors.ingest.fetch import FetchRequest, FetchResult, PageFetcher, fetch_all_async
from monitors.ingest.fulltext import wants_full_text, with_body
from monitors.model import Article, FeedConfig, FeedOutcome, Processed
from monitors.nlp.extract import Extraction
from monitors.nlp.topics import TopicRule
from monitors.parallel import shared_pool, workers
from monitors.pipeline import (
    FeedBody,
    analyse_chunk,
    page_chunk,
    read_chunk,
    rules_ref,
    warm_up,
)

MIN_FEEDS_FOR_POOL = 32  # fewer feeds are worked on in this process
PARSE_CHUNK = 4  # feeds per parsing job
ANALYSE_CHUNK = 32  # articles per analysis job
PAGE_CHUNK = 8  # pages per extraction + analysis job
# article pages fetching or fetched and waiting for extraction, at most (a share is taken once
# the page's host has its turn: PageFetcher.get(hold=...)).  A bound for batches far larger than
# the default: at 64 or 128 it throttled a 250-feed batch (~2,600 pages) by a fifth of the cold
# poll and saved no memory (bench/poll.py, 1,000 feeds, 250 hosts: 48.4 s at 128, 38.7 s at 1,024,
# peak RSS 385 and 382 MB); what bounds memory is the batch size
PAGE_BUFFER = 1024

Logger = logging.Logger | logging.LoggerAdapter


@dataclass
class BatchRead:
    """A batch's feeds fetched and read: results (bodies dropped once parsed), outcomes in feed
    order, and the articles analysed, in feed then item order."""

    results: list[FetchResult]
    outcomes: list[FeedOutcome]
    processed: list[Processed]
    pages_wanted: int = 0
    pages_failed: list[tuple[str, str]] = field(default_factory=list)


def read_batch(
    feeds: Sequence[FeedConfig],
    requests: Sequence[FetchRequest],
    settings: PollSettings,
    rules: Sequence[TopicRule],
    now: datetime,
    stored_hashes: Callable[[list[str]], dict[str, str]],
    *,
    allow_private: bool = False,
    logger: Logger | None = None,
    use_pool: bool | None = None,
) -> BatchRead:
    """Fetch ``requests`` (one per feed), read, fetch the pages wanted and analyse, overlapped.
    ``stored_hashes(ids)`` gives the stored feed hash of the ids already stored."""
    pool = len(feeds) >= MIN_FEEDS_FOR_POOL and workers() > 1 if use_pool is None else use_pool
    run = _Batch(feeds, settings, tuple(rules), now, stored_hashes, allow_private, pool, logger)
    # the batch is kept on ``run``, not returned by the coroutine: on leaving asyncio.run, Python
    # 3.11's Runner asks signal.getsignal() about its SIGINT handler, which formats the handler
    # -- a partial holding the main task, whose repr is its result's: a full repr of the batch
    # (111 MB and seconds of CPU for 500 feeds)
    asyncio.run(run.go(requests))
    assert run.read is not None
    return run.read


class _Batch:
    def __init__(
        self,
        feeds: Sequence[FeedConfig],
        settings: PollSettings,
        rules: tuple[TopicRule, ...],
        now: datetime,
        stored_hashes: Callable[[list[str]], dict[str, str]],
        allow_private: bool,
        use_pool: bool,
        logger: Logger | None,
    ) -> None:
        self.feeds, self.settings, self.now = feeds, settings, now
        self.rules = rules_ref(rules)  # pickled once, unpickled once per worker
        self.stored_hashes = stored_hashes
        self.allow_private = allow_private
        self.pool = shared_pool() if use_pool else None
        self.log = logger or logging.getLogger(__name__)
        self.results: list[FetchResult | None] = [None] * len(feeds)
        self.outcomes: list[FeedOutcome | None] = [None] * len(feeds)
        self.articles: list[list[Article]] = [[] for _ in feeds]
        self.done: list[list[Processed | None]] = [[] for _ in feeds]
        self.to_parse: list[int] = []
        self.to_analyse: list[tuple[int, int]] = []
        self.to_extract: list[tuple[int, int, bytes]] = []
        self.parsing: list[asyncio.Future] = []
        self.fetching: list[asyncio.Future] = []
        self.working: list[asyncio.Future] = []
        self.pages_by_url: dict[str, asyncio.Future[FetchResult]] = {}
        self.page_users: dict[str, int] = {}
        self.pages_wanted = 0
        self.pages_failed: list[tuple[str, str]] = []
        self.fetched = 0
        self.last_log = time.monotonic()
        self.read: BatchRead | None = None

    async def go(self, requests: Sequence[FetchRequest]) -> None:
        self.slots = asyncio.Semaphore(2 * workers() if self.pool else 1)
        self.page_budget = asyncio.Semaphore(PAGE_BUFFER)
        if self.pool is not None:  # start the workers while the first feeds download
            warm = [self._cpu("warm-up", warm_up) for _ in range(workers())]
            self.working += [asyncio.ensure_future(w) for w in warm]
        async with PageFetcher(self.settings, self.allow_private) as pages:
            self.page_fetcher = pages
            with timeline.span("fetch feeds"):
                await fetch_all_async(requests, self.settings, on_result=self._fetched)
            self._flush_parse()
            await asyncio.gather(*self.parsing)
            await asyncio.gather(*self.fetching)
        self._flush_extract()
        self._flush_analyse(last=True)
        while self.working:  # a job's end can queue no more work now, but be safe
            jobs, self.working = self.working, []
            await asyncio.gather(*jobs)
        self.read = BatchRead(
            results=[r for r in self.results if r is not None],
            outcomes=[o for o in self.outcomes if o is not None],
            processed=[p for row in self.done for p in row if p is not None],
            pages_wanted=self.pages_wanted,
            pages_failed=self.pages_failed,
        )

    # -- running a chunk: in a worker process, or here for a small batch -----------------------
    async def _cpu(self, stage: str, fn: Callable[..., Any], *args: Any) -> Any:
        async with self.slots:
            started = time.monotonic()
            if self.pool is None:
                out = fn(*args)
            else:
                loop = asyncio.get_running_loop()
                out = await loop.run_in_executor(self.pool, partial(fn, *args))
            timeline.add(stage, started, time.monotonic())
            return out

    # -- feeds ---------------------------------------------------------------------------------
    def _fetched(self, i: int, result: FetchResult) -> None:
        timeline.add("fetch feeds: request", time.monotonic() - result.elapsed, time.monotonic())
        self.results[i] = result
        self.to_parse.append(i)
        self.fetched += 1
        if time.monotonic() - self.last_log > 2 or self.fetched == len(self.feeds):
            self.last_log = time.monotonic()
            self.log.info("fetched %d/%d feeds", self.fetched, len(self.feeds))
        if len(self.to_parse) >= PARSE_CHUNK:
            self._flush_parse()

    def _flush_parse(self) -> None:
        if self.to_parse:
            chunk, self.to_parse = self.to_parse, []
            self.parsing.append(asyncio.ensure_future(self._parse(chunk)))

    async def _parse(self, chunk: list[int]) -> None:
        pairs = []
        for i in chunk:
            r = self.results[i]
            assert r is not None
            pairs.append((self.feeds[i], FeedBody(r.url, r.status, r.body, r.headers, r.error)))
            self.results[i] = replace(r, body=b"")  # health needs the headers, not the body
        read = await self._cpu("parse feeds", read_chunk, pairs, self.now)
        ids = [a.id for _, items in read for a in items]
        known = self.stored_hashes(ids) if ids else {}
        for i, (outcome, items) in zip(chunk, read, strict=True):
            self._note_outcome(i, outcome)
            self.outcomes[i], self.articles[i] = outcome, items
            self.done[i] = [None] * len(items)
            for j, a in enumerate(items):
                if known.get(a.id) == a.feed_hash:
                    self.done[i][j] = Processed(a)  # stored unchanged: the store skips it
                elif wants_full_text(a):
                    self.fetching.append(asyncio.ensure_future(self._page(i, j, a)))
                else:
                    self.to_analyse.append((i, j))
        if len(self.to_analyse) >= ANALYSE_CHUNK:
            self._flush_analyse()

    def _note_outcome(self, i: int, outcome: FeedOutcome) -> None:
        feed = self.feeds[i]
        if outcome.status == "error":
            named = f"{feed.name} ({feed.url})" if feed.name != feed.url else feed.url
            self.log.warning("feed %s failed: %s", named, outcome.error)
        elif outcome.error:
            self.log.info("feed %s: %s", feed.name, outcome.error)

    # -- pages ---------------------------------------------------------------------------------
    async def _page(self, i: int, j: int, article: Article) -> None:
        """Fetch one item's page (a URL two items share once, while both wait for it) and
        queue it for extraction.  Each item holds a share of ``PAGE_BUFFER`` until its page is
        extracted: the item that fetches the page from when its host's turn comes (never while
        it waits for the host), an item sharing a page already asked for once that page is in."""
        self.pages_wanted += 1
        url = article.url
        fut = self.pages_by_url.get(url)
        fetching = fut is None
        if fut is None:
            fut = asyncio.ensure_future(self._get_page(url))
            self.pages_by_url[url] = fut
        self.page_users[url] = self.page_users.get(url, 0) + 1
        page = await fut
        if not fetching:
            await self.page_budget.acquire()
        self.page_users[url] -= 1
        if not self.page_users[url] and page.body:
            del self.pages_by_url[url], self.page_users[url]  # its HTML is not kept
        if page.ok and page.body:
            self.to_extract.append((i, j, page.body))
            if len(self.to_extract) >= PAGE_CHUNK or self.page_budget.locked():
                self._flush_extract()
        else:
            self.page_budget.release()
            self.pages_failed.append((url, page.error or "empty page"))
            self.to_analyse.append((i, j))  # its summary is used
            if len(self.to_analyse) >= ANALYSE_CHUNK:
                self._flush_analyse()

    async def _get_page(self, url: str) -> FetchResult:
        started = time.monotonic()
        page = await self.page_fetcher.get(url, hold=self.page_budget)
        timeline.add("fetch pages: request", started, time.monotonic())
        return page

    def _flush_extract(self) -> None:
        if self.to_extract:
            chunk, self.to_extract = self.to_extract, []
            self.working.append(asyncio.ensure_future(self._extract(chunk)))

    async def _extract(self, chunk: list[tuple[int, int, bytes]]) -> None:
        items = [
            (self.articles[i][j].title, self.articles[i][j].text, body) for i, j, body in chunk
        ]
        try:
            out = await self._cpu("pages + analyse", page_chunk, items, self.rules)
        finally:
            for _ in chunk:
                self.page_budget.release()
        for (i, j, _), (body, ex) in zip(chunk, out, strict=True):
            a = self.articles[i][j]
            self._finish(i, j, a if body is None else with_body(a, body), ex)

    # -- analysis ------------------------------------------------------------------------------
    def _flush_analyse(self, last: bool = False) -> None:
        """Hand the analysis queue to workers in full chunks (and the rest, when ``last``)."""
        while len(self.to_analyse) >= (1 if last else ANALYSE_CHUNK):
            chunk, self.to_analyse = (
                self.to_analyse[:ANALYSE_CHUNK],
                self.to_analyse[ANALYSE_CHUNK:],
            )
            self.working.append(asyncio.ensure_future(self._analyse(chunk)))

    async def _analyse(self, chunk: list[tuple[int, int]]) -> None:
        items = [(self.articles[i][j].title, self.articles[i][j].text) for i, j in chunk]
        out = await self._cpu("analyse", analyse_chunk, items, self.rules)
        for (i, j), ex in zip(chunk, out, strict=True):
            self._finish(i, j, self.articles[i][j], ex)

    def _finish(self, i: int, j: int, article: Article, ex: Extraction) -> None:
        self.done[i][j] = Processed(article, ex.topics, ex.figures, ex.quotes)
