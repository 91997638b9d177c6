"""The overlapped batch (monitors.stream) stores what the stages one after another stored.

Both run against the same real HTTP server on loopback (the sample feeds, each listed eight times
under another URL, so items recur across feeds; the Danube Post items are summaries whose pages
carry the figures), each into its own real DuckDB store, twice: a cold poll, then a poll that
gets every feed again (no validators), whose items are all stored unchanged.  The stores'
articles, topics, figures, quotes and figure changes must be equal row for row.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.demo.feedserver import FeedServer
from monitors.config import load_config
from monitors.ingest.fetch import FetchRequest, fetch_all, fetch_pages
from monitors.ingest.fulltext import wants_full_text
from monitors.model import FeedConfig, Processed
from monitors.pipeline import analyse_articles, read_feeds, with_pages
from monitors.store.db import Store
from monitors.stream import read_batch

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PAGES: list[int] = []  # pages wanted by each overlapped poll
TABLES = ("articles", "article_topics", "figures", "quotes", "figure_changes")


def stages_one_after_another(
    feeds: list[FeedConfig], store: Store, cfg, now: datetime
) -> list[Processed]:
    """The poll batch before issue 18: fetch all, read all, pages, analyse all."""
    results = fetch_all([FetchRequest(f.url) for f in feeds], cfg.polling)
    articles = [a for _, items in read_feeds(feeds, results, now) for a in items]
    known = store.existing_hashes([a.id for a in articles])
    wanted = [
        i for i, a in enumerate(articles) if known.get(a.id) != a.feed_hash and wants_full_text(a)
    ]
    pages = fetch_pages([articles[i].url for i in wanted], cfg.polling, allow_private=True)
    fetched = [(i, p.body) for i, p in zip(wanted, pages, strict=True) if p.ok and p.body]
    for (i, _), a in zip(fetched, with_pages([(articles[i], b) for i, b in fetched]), strict=True):
        articles[i] = a
    return analyse_articles(articles, cfg.topics)


def overlapped(feeds: list[FeedConfig], store: Store, cfg, now: datetime, pool: bool):
    read = read_batch(
        feeds,
        [FetchRequest(f.url) for f in feeds],
        cfg.polling,
        cfg.topics,
        now,
        store.existing_hashes,
        allow_private=True,
        use_pool=pool,
    )
    assert not read.pages_failed
    PAGES.append(read.pages_wanted)
    return read.processed


def dump(path: Path) -> dict[str, list[tuple]]:
    with Store(str(path)) as store:
        return {t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}


def compare(tmp_path: Path, pool: bool) -> None:
    cfg = load_config(ROOT / "monitors.toml")
    PAGES.clear()
    with FeedServer(SAMPLES) as srv:  # every item of the samples
        names = sorted(p.name for p in (SAMPLES / "feeds").glob("*.xml"))
        feeds = [
            FeedConfig(f"{n} {k}", srv.url(f"/feeds/{n}?copy={k}")) for k in range(8) for n in names
        ]
        counts = {}
        for label, run in (
            ("before", stages_one_after_another),
            ("after", lambda f, s, c, t: overlapped(f, s, c, t, pool)),
        ):
            with Store(str(tmp_path / f"{label}.duckdb")) as store:
                for now in (NOW, NOW.replace(hour=18)):  # cold, then all stored unchanged
                    counts[label, now] = store.upsert_articles(run(feeds, store, cfg, now), now)
    before, after = dump(tmp_path / "before.duckdb"), dump(tmp_path / "after.duckdb")
    assert before["articles"] and before["article_topics"] and before["figures"]
    with Store(str(tmp_path / "before.duckdb")) as store:
        [(paged,)] = store.con.execute(
            "SELECT count(*) FROM articles WHERE source_hash <> content_hash"
        ).fetchall()
    assert paged > 0  # some articles' text came from their page
    for table in TABLES:
        assert after[table] == before[table], table
    assert counts["after", NOW] == counts["before", NOW]
    second = NOW.replace(hour=18)
    assert counts["after", second] == counts["before", second]
    assert counts["after", second].unchanged == counts["after", NOW].new
    assert PAGES[0] > 0 and PAGES[1] == 0  # pages of items stored unchanged are not refetched


def test_overlapped_batch_stores_the_same_in_process(tmp_path: Path) -> None:
    compare(tmp_path, pool=False)


@pytest.mark.slow
def test_overlapped_batch_stores_the_same_with_workers(tmp_path: Path) -> None:
    compare(tmp_path, pool=True)
