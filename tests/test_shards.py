"""Sharded polls (issue 19): a stable split of the feed list, and a poll in shards stores what
one unsharded poll stores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import flows  # noqa: F401
from monitors.decide.shards import shard_feeds, shard_of
from monitors.model import FeedConfig
from monitors.store.db import Store
from tests.shardfarm import ShardFarm

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_shards_partition_the_list_stably_and_evenly_by_site() -> None:
    feeds = [FeedConfig(f"f{k}", f"https://news{k % 600}.example/{k}.xml") for k in range(3000)]
    parts = [shard_feeds(feeds, k, 3) for k in range(3)]
    assert sorted(f.url for p in parts for f in p) == sorted(f.url for f in feeds)
    assert all(850 < len(p) < 1150 for p in parts), [len(p) for p in parts]
    # the order of the list does not move a feed to another shard
    assert [shard_of(f.url, 3) for f in reversed(feeds)] == [shard_of(f.url, 3) for f in feeds][
        ::-1
    ]
    # every feed of one site is in one shard (max_per_host holds across the workers) ...
    site = {shard_of(f"https://News7.example:443/{p}", 3) for p in ("a.xml", "b/rss", "c?x=1")}
    assert site == {shard_of("https://news7.example:443/", 3)}
    # ... and the port is part of the site
    assert len({shard_of(f"http://127.0.0.1:{p}/f.xml", 7) for p in range(8000, 8040)}) > 1
    with pytest.raises(ValueError, match="shards"):
        shard_of("https://x.example/", 0)


def dump(db: str) -> dict[str, list[tuple]]:
    with Store(db) as s:
        return {
            t: s.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("articles", "article_topics", "figures", "quotes", "feeds")
        }


@pytest.mark.slow
def test_a_poll_in_three_shards_stores_and_digests_what_one_poll_does(tmp_path: Path) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    pages = {}
    with ShardFarm(300, hosts=12) as farm:
        listing = tmp_path / "feeds.txt"
        listing.write_text("\n".join(farm.feed_urls()) + "\n")
        for shards in (1, 3):
            db = str(tmp_path / f"s{shards}.duckdb")
            out = poll_feeds(
                config=CONFIG, db=db, now=NOW, feeds_file=str(listing), allow_private=True,
                shards=shards,
            )  # fmt: skip
            assert out["feeds"] == 300 and out["failed"] == 0 and out["articles_new"] == 300
            done = daily_digest(
                config=CONFIG, db=db, now=NOW + timedelta(hours=2), out=str(tmp_path / f"d{shards}")
            )
            pages[shards] = Path(done["html"]).read_text(encoding="utf-8")
    assert pages[3] == pages[1]
    assert dump(str(tmp_path / "s3.duckdb")) == dump(str(tmp_path / "s1.duckdb"))
    with Store(str(tmp_path / "s3.duckdb")) as s:
        shards = s.con.execute(
            "SELECT count(*) FROM runs WHERE flow LIKE 'poll-shard %' AND status = 'ok'"
        ).fetchone()[0]
    assert shards == 3


def test_a_restarted_shard_run_carries_on_the_counts_of_the_attempt_it_replaces() -> None:
    from dataclasses import asdict

    from flows.poll import PollSummary, carried_over

    killed = PollSummary(
        feeds=250, new=240, not_modified=0, failed=10, articles_new=240, articles_updated=0,
        kept_new=40, figures_new=7, quotes_new=3, failures=(("a", "timeout"),),
    )  # fmt: skip
    # the restart finds 1,000 feeds, of which the 250 polled before the kill are not due
    rest = PollSummary(
        feeds=1000, skipped=250, new=750, not_modified=0, failed=0, articles_new=750,
        articles_updated=0, kept_new=120, figures_new=20, quotes_new=9,
    )  # fmt: skip
    whole = carried_over(json.loads(json.dumps(asdict(killed))), rest)
    assert (whole.feeds, whole.skipped, whole.new, whole.failed) == (1000, 0, 990, 10)
    assert (whole.articles_new, whole.kept_new, whole.figures_new) == (990, 160, 27)
    assert whole.failures == (("a", "timeout"),)
    assert carried_over(None, rest) == rest
