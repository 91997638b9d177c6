"""Helpers shared by the flows and the CLI: finding the config, reading ``--now``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from monitors.config import DEFAULT_CONFIG, Config, load_config, validate_feed_url
from monitors.errors import ConfigError
from monitors.model import FeedConfig

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_config_path() -> Path:
    """./monitors.toml when present, else the one shipped beside the package."""
    here = Path(DEFAULT_CONFIG)
    if here.exists():
        return here
    return REPO_ROOT / DEFAULT_CONFIG


def resolve_config(path: str | None) -> Config:
    return load_config(path or default_config_path())


def resolve_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        return now.replace(tzinfo=UTC)
    return now.astimezone(UTC)


def parse_now(value: str, timezone: str = "UTC") -> datetime:
    """``--now``: an ISO 8601 timestamp, or a date meaning the end of that day (in ``timezone``)."""
    text = value.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime.combine(d, time(23, 59, 59), ZoneInfo(timezone)).astimezone(UTC)
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as e:
        raise ConfigError(f"--now: not an ISO 8601 date or timestamp: {value!r}") from e
    return resolve_now(dt)


def feeds_from_param(feeds: list[dict[str, str]]) -> tuple[FeedConfig, ...]:
    out = []
    for i, f in enumerate(feeds):
        if not isinstance(f, dict) or "url" not in f:
            raise ConfigError(f"feeds[{i}]: expected an object with a url")
        validate_feed_url(f["url"], f"feeds[{i}].url")
        out.append(
            FeedConfig(
                name=f.get("name") or f["url"], url=f["url"], tags=tuple(f.get("tags") or ())
            )
        )
    return tuple(out)
