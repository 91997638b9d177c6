"""Which shard of a sharded poll polls a feed (issue 19): a stable hash of the feed URL's host,
so that

* a feed stays in its shard from one poll to the next and on every machine, whatever the order
  of the feed list;
* every feed of one site is polled by one shard, so ``[polling] max_per_host`` still bounds
  the requests in flight to that site across all workers (hashing the whole URL would let each
  of N shards send it ``max_per_host`` at once), and one worker keeps its connections;
* shards come out close in size when the list spans many sites, as real lists do (a list with
  a few very large sites gives uneven shards: the price of the per-host bound).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from urllib.parse import urlsplit

from monitors.model import FeedConfig


def host_of(url: str) -> str:
    """The part of ``url`` that names the site: its host (lower case) and port."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
        return f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # a malformed port: the URL as it is (its fetch will say what is wrong)
        return url.strip().lower()


def shard_of(url: str, shards: int) -> int:
    """The shard (0 .. shards-1) that polls the feed at ``url``."""
    if shards < 1:
        raise ValueError(f"shards must be >= 1, not {shards}")
    digest = hashlib.blake2b(host_of(url).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_feeds(feeds: Sequence[FeedConfig], shard: int, shards: int) -> list[FeedConfig]:
    """The feeds of ``shard``, in the list's order."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard must be in 0..{shards - 1}, not {shard}")
    return [f for f in feeds if shard_of(f.url, shards) == shard]
