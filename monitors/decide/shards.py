"""Which shard of a sharded poll polls a feed (issue 19): a stable hash of the feed URL, so a
feed stays in its shard from one poll to the next and on every machine, whatever the order of
the feed list, and shards come out within a few percent of one another in size."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from monitors.model import FeedConfig


def shard_of(url: str, shards: int) -> int:
    """The shard (0 .. shards-1) that polls the feed at ``url``."""
    if shards < 1:
        raise ValueError(f"shards must be >= 1, not {shards}")
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_feeds(feeds: Sequence[FeedConfig], shard: int, shards: int) -> list[FeedConfig]:
    """The feeds of ``shard``, in the list's order."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard must be in 0..{shards - 1}, not {shard}")
    return [f for f in feeds if shard_of(f.url, shards) == shard]
