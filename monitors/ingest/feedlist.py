"""Read a plain feed list (``newswatch poll --feeds FILE``): one feed a line, ``#`` comments.

A line is a URL, optionally followed by whitespace and a name::

    https://news.example.org/rss.xml
    https://other.example.net/feed   Other Example News

A feed listed without a name is named by its URL until it has been fetched, then by its
channel ``<title>`` (see :func:`monitors.decide.health.feed_name`); a name given here always
wins over the channel title.
"""

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
        parts = line.strip().split(None, 1)
        if not parts or parts[0].startswith("#"):
            continue
        url = parts[0]
        given = " ".join(parts[1].split()) if len(parts) > 1 else ""
        name = given if given and not given.startswith("#") else url  # "URL  # note"
        validate_feed_url(url, f"{p}:{n}")
        if url not in seen:
            seen.add(url)
            feeds.append(FeedConfig(name=name, url=url))
    if not feeds:
        raise ConfigError(f"{p}: feed list has no URLs")
    return tuple(feeds)
