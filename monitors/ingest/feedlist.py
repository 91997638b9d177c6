"""Read a plain feed list (``newswatch poll --feeds FILE``): one URL per line, ``#`` comments."""

from __future__ import annotations

from pathlib import Path

from monitors.config import validate_feed_url
from monitors.errors import ConfigError
from monitors.model import FeedConfig


def read_feed_list(path: str | Path) -> tuple[FeedConfig, ...]:
    """The feeds a list file names; errors name the file and line."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as e:
        raise ConfigError(f"{p}: feed list not found") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{p}: cannot read feed list: {e}") from e
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        validate_feed_url(url, f"{p}:{n}")
        if url not in seen:
            seen.add(url)
            feeds.append(FeedConfig(name=url, url=url))
    if not feeds:
        raise ConfigError(f"{p}: feed list has no URLs")
    return tuple(feeds)
