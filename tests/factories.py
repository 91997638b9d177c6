"""Small builders for test data (plain dataclasses, no I/O)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from monitors.decide.keys import content_hash
from monitors.ingest.urls import article_id
from monitors.model import Article, Figure, Processed, Quote, TopicMatch
from monitors.store.rows import FigureRow, QuoteRow, WindowArticle

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def article(
    slug: str,
    text: str = "Body text.",
    title: str | None = None,
    feed: str = "http://feeds.test/a.xml",
    when: datetime = T0,
    url: str | None = None,
) -> Article:
    url = url or f"https://news.test/{slug}"
    title = title or slug.replace("-", " ").title()
    return Article(
        id=article_id(url),
        url=url,
        feed_url=feed,
        title=title,
        text=text,
        published_at=when,
        fetched_at=when,
        content_hash=content_hash(title, text),
    )


def fig(
    text: str = "3.5% of GDP",
    value: float = 3.5,
    unit: str = "percent_gdp",
    subject: str | None = "NATO",
    sentence: str | None = None,
) -> Figure:
    return Figure(
        text=text,
        value=value,
        low=value,
        high=value,
        unit=unit,
        subject=subject,
        sentence=sentence or f"Allies agreed on {text}.",
    )


def quote(
    text: str = "We will spend more", speaker: str | None = "Mark Rutte", role: str | None = None
) -> Quote:
    return Quote(text=text, speaker=speaker, role=role, sentence=f'"{text}," he said.')


def processed(
    slug: str,
    *,
    figures=(),
    quotes=(),
    topic: str | None = "nato-spending",
    text: str = "Body text.",
    feed: str = "http://feeds.test/a.xml",
    title: str | None = None,
    url: str | None = None,
) -> Processed:
    topics = (TopicMatch(topic, 9.0, "test rule", ("nato", "spending"), ("s",)),) if topic else ()
    a = article(slug, text, title, feed=feed, url=url)
    return Processed(a, topics, tuple(figures), tuple(quotes))


# Rows as the store's window queries return them, for tests that need many (the e-mail's
# size and linear-time tests); tests/test_digest.py reads its rows back from a real store.
def fig_row(
    key: str,
    feed: str,
    url: str,
    text: str = "3.5% of GDP",
    subject: str | None = "NATO",
    value: float = 3.5,
    unit: str = "percent_gdp",
) -> FigureRow:
    return FigureRow(
        article=url,
        idx=0,
        text=text,
        value=value,
        low=value,
        high=value,
        unit=unit,
        of=None,
        qualifier=None,
        approx=False,
        subject=subject,
        sentence=f"Allies agreed to spend {text}.",
        fact_key=key,
        first_seen_at=T0,
        span_start=None,
        question=False,
        url=url,
        article_title="t",
        feed=feed,
        feed_name=feed,
        published_at=T0,
        cluster_id=url,
    )


def quote_row(
    key: str,
    feed: str,
    url: str,
    text: str = "We must spend more",
    speaker: str | None = "Mark Rutte",
) -> QuoteRow:
    return QuoteRow(
        article=url,
        idx=0,
        text=text,
        speaker=speaker,
        role="NATO Secretary General",
        sentence="s",
        quote_key=key,
        first_seen_at=T0,
        url=url,
        article_title="t",
        feed=feed,
        feed_name=feed,
        published_at=None,
        cluster_id=url,
    )


def art_row(aid: str, feed: str, cluster: str, title: str = "Allies agree") -> WindowArticle:
    return WindowArticle(
        id=aid,
        url=f"https://n.test/{aid}",
        title=title,
        feed=feed,
        feed_name=feed,
        published_at=T0,
        fetched_at=T0,
        updated_at=T0,
        cluster_id=cluster,
        topic="nato-spending",
        score=9.0,
        rule="r",
        terms='["nato", "gdp"]',
        evidence="[]",
    )


def growth(work: Callable[[int], object], small: int, big: int, repeat: int = 3) -> float:
    """How much more CPU ``work(big)`` costs than ``work(small)`` (best of ``repeat`` each).

    A ratio measured in one run, so it does not depend on the machine's speed or load: for
    ``big = 10 * small`` linear work gives about 10 and quadratic work about 100.  Tests use it
    to guard against super-linear blow-ups; speed itself is measured by the scripts in bench/.
    """

    def best(n: int) -> float:
        times = []
        for _ in range(repeat):
            t0 = time.process_time()
            work(n)
            times.append(time.process_time() - t0)
        return max(min(times), 1e-6)

    work(small)  # warm caches and compiled regexes
    return best(big) / best(small)
