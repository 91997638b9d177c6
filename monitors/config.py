"""Load and validate ``monitors.toml``.

Every problem raises :class:`ConfigError` with a message that names the file and the field,
e.g. ``monitors.toml: feeds[3].url: must be an http(s) URL``.  The result is a frozen
:class:`Config`; nothing else in newswatch reads the TOML file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitors.errors import ConfigError
from monitors.model import FeedConfig

DEFAULT_CONFIG = "monitors.toml"
DEFAULT_STORE_PATH = "data/newswatch.duckdb"  # its directory is made on first poll
# DuckDB's memory for a poll's writes.  Its own default is 80 % of the machine's RAM, and it
# keeps what it took: 1,000 feeds peaked at ~380 MB of RSS, 304 MB at 128MB, 291 MB at 96MB
# (bench/poll.py, 250 hosts); at 50MB the search index of one batch ran out.  A batch that runs
# out is retried once without the limit (monitors/store/memory.py).
DEFAULT_MEMORY_LIMIT = "96MB"
_MEMORY_RE = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


@dataclass(frozen=True)
class PollSettings:
    timeout_seconds: float = 20.0
    max_concurrency: int = 128
    batch_size: int = 250
    max_per_host: int = 4
    max_body_bytes: int = 10_000_000
    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch)"
    shards: int = 1  # child flow runs a poll is split into (docs/scale.md)
    # a running shard run that stores no batch for this long is presumed dead (its machine
    # gone) and started again elsewhere
    shard_stall_seconds: int = 900


@dataclass(frozen=True)
class DigestSettings:
    title: str = "newswatch digest"
    timezone: str = "Europe/Brussels"
    recipients: tuple[str, ...] = ()
    out_dir: str = "data/digests"
    max_new_figures: int = 25
    max_new_quotes: int = 15
    max_stories_per_topic: int = 40
    archive_url: str | None = None  # where <date>.html is published, for the e-mail's links
    when_empty: str = "note"  # a day with nothing new: "note" (short e-mail) or "skip"


@dataclass(frozen=True)
class Config:
    source: str
    feeds: tuple[FeedConfig, ...]
    topics: tuple[Any, ...]  # monitors.nlp.topics.TopicRule values
    store_path: str = DEFAULT_STORE_PATH
    store_memory_limit: str = DEFAULT_MEMORY_LIMIT  # [store] memory_limit, for polls
    polling: PollSettings = field(default_factory=PollSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)
    alerts: tuple[Any, ...] = ()  # monitors.decide.alerts.AlertRule values ([[alerts]])


def load_config(path: str | Path = DEFAULT_CONFIG) -> Config:
    """Read and validate the config file at ``path``."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(f"{p}: config file not found") from e
    except OSError as e:
        raise ConfigError(f"{p}: cannot read config file: {e.strerror or e}") from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: not UTF-8 text ({e})") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: invalid TOML: {e}") from e
    return parse_config(data, str(p))


def parse_config(data: dict[str, Any], source: str) -> Config:
    """Validate a parsed TOML document; ``source`` names the file in error messages."""
    from monitors.nlp.topics import parse_topics

    known = {"store", "polling", "digest", "feeds", "topics", "alerts"}
    for key in data:
        if key not in known:
            raise ConfigError(
                f"{source}: {key}: unknown section (expected one of {', '.join(sorted(known))})"
            )
    store = _table(data, "store", source)
    _check_keys(store, {"path", "url", "memory_limit"}, "store", source)
    polling = _table(data, "polling", source)
    digest = _table(data, "digest", source)
    feeds = _parse_feeds(data.get("feeds", []), source)
    topics_table = _table(data, "topics", source)
    if not topics_table:
        raise ConfigError(f"{source}: topics: at least one topic must be configured")
    topics = tuple(parse_topics(topics_table, source))
    alerts = parse_alerts(data.get("alerts", []), source, tuple(t.name for t in topics))
    return Config(
        source=source,
        feeds=feeds,
        topics=topics,
        store_path=_store_location(store, source),
        store_memory_limit=_memory(store, source),
        polling=_parse_polling(polling, source),
        digest=_parse_digest(digest, source),
        alerts=alerts,
    )


def _table(data: dict[str, Any], name: str, source: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: {name}: must be a table ([{name}])")
    return value


def _check_keys(table: dict[str, Any], allowed: set[str], where: str, source: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{source}: {where}.{key}: unknown field (expected one of "
                f"{', '.join(sorted(allowed))})"
            )


def _str(table: dict[str, Any], key: str, where: str, source: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{source}: {where}.{key}: must be a non-empty string")
    if "\r" in value or "\n" in value:
        raise ConfigError(f"{source}: {where}.{key}: must not contain line breaks")
    return value


def _store_location(store: dict[str, Any], source: str) -> str:
    """``[store] path`` (the DuckDB file) or ``[store] url`` (a PostgreSQL server shared by
    several workers, docs/scale.md); the password belongs in ~/.pgpass or $PGPASSWORD, not
    here."""
    if "url" not in store:
        return _str(store, "path", "store", source, DEFAULT_STORE_PATH)
    if "path" in store:
        raise ConfigError(f"{source}: store: give path (a DuckDB file) or url, not both")
    url = _str(store, "url", "store", source, "")
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"{source}: store.url: must be a PostgreSQL URL (postgresql://user@host/db)"
        )
    return url


def _memory(store: dict[str, Any], source: str) -> str:
    value = _str(store, "memory_limit", "store", source, DEFAULT_MEMORY_LIMIT)
    if not _MEMORY_RE.fullmatch(value.strip()):
        raise ConfigError(
            f'{source}: store.memory_limit: must be a size such as "96MB" or "1GB" '
            f"(KB, MB, GB, TB or KiB, MiB, GiB, TiB), got {value!r}"
        )
    return value.strip()


def _int(
    table: dict[str, Any], key: str, where: str, source: str, default: int, minimum: int = 1
) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{source}: {where}.{key}: must be an integer >= {minimum}")
    return value


def _parse_feeds(value: Any, source: str) -> tuple[FeedConfig, ...]:
    if not isinstance(value, list):
        raise ConfigError(f"{source}: feeds: must be an array of tables ([[feeds]])")
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        where = f"feeds[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{source}: {where}: must be a table with name and url")
        _check_keys(item, {"name", "url", "tags"}, where, source)
        if "url" not in item:
            raise ConfigError(f"{source}: {where}.url: missing")
        url = _str(item, "url", where, source, "")
        validate_feed_url(url, f"{source}: {where}.url")
        name = _str(item, "name", where, source, url)
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ConfigError(f"{source}: {where}.tags: must be a list of strings")
        if url in seen:
            raise ConfigError(f"{source}: {where}.url: duplicate of feeds[{seen[url]}].url")
        seen[url] = i
        feeds.append(FeedConfig(name=name, url=url, tags=tuple(tags)))
    return tuple(feeds)


def validate_feed_url(url: str, where: str) -> None:
    """Raise ConfigError unless ``url`` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018  (raises ValueError for a malformed host, e.g. "[::1")
    except ValueError as e:
        raise ConfigError(f"{where}: not a valid URL ({e}): {url!r}") from e
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: must be an http(s) URL, got {url!r}")
    if any(c in url for c in "\r\n\t "):
        raise ConfigError(f"{where}: must not contain whitespace, got {url!r}")


def _parse_polling(table: dict[str, Any], source: str) -> PollSettings:
    _check_keys(
        table,
        {
            "timeout_seconds",
            "max_concurrency",
            "batch_size",
            "max_per_host",
            "max_body_bytes",
            "user_agent",
            "shards",
            "shard_stall_seconds",
        },
        "polling",
        source,
    )
    timeout = table.get("timeout_seconds", 20)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ConfigError(f"{source}: polling.timeout_seconds: must be a number > 0")
    return PollSettings(
        timeout_seconds=float(timeout),
        max_concurrency=_int(table, "max_concurrency", "polling", source, 128),
        batch_size=_int(table, "batch_size", "polling", source, 250),
        max_per_host=_int(table, "max_per_host", "polling", source, 4),
        max_body_bytes=_int(table, "max_body_bytes", "polling", source, 10_000_000, 1024),
        user_agent=_str(table, "user_agent", "polling", source, PollSettings.user_agent),
        shards=_int(table, "shards", "polling", source, 1),
        shard_stall_seconds=_int(table, "shard_stall_seconds", "polling", source, 900, 10),
    )


def _parse_digest(table: dict[str, Any], source: str) -> DigestSettings:
    _check_keys(
        table,
        {
            "title",
            "timezone",
            "recipients",
            "out_dir",
            "max_new_figures",
            "max_new_quotes",
            "max_stories_per_topic",
            "archive_url",
            "when_empty",
        },
        "digest",
        source,
    )
    archive_url = table.get("archive_url")
    if archive_url is not None:
        validate_feed_url(
            _str(table, "archive_url", "digest", source, ""), f"{source}: digest.archive_url"
        )
    when_empty = table.get("when_empty", "note")
    if when_empty not in ("note", "skip"):
        raise ConfigError(
            f'{source}: digest.when_empty: must be "note" or "skip", got {when_empty!r}'
        )
    tz = _str(table, "timezone", "digest", source, "Europe/Brussels")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"{source}: digest.timezone: unknown time zone {tz!r}") from e
    recipients = table.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise ConfigError(f"{source}: digest.recipients: must be a list of e-mail addresses")
    for r in recipients:
        if "@" not in r or any(c in r for c in "\r\n<>,; "):
            raise ConfigError(f"{source}: digest.recipients: not an e-mail address: {r!r}")
    return DigestSettings(
        title=_str(table, "title", "digest", source, DigestSettings.title),
        timezone=tz,
        recipients=tuple(recipients),
        out_dir=_str(table, "out_dir", "digest", source, DigestSettings.out_dir),
        max_new_figures=_int(table, "max_new_figures", "digest", source, 25),
        max_new_quotes=_int(table, "max_new_quotes", "digest", source, 15),
        max_stories_per_topic=_int(table, "max_stories_per_topic", "digest", source, 40),
        archive_url=archive_url.rstrip("/") + "/" if archive_url else None,
        when_empty=when_empty,
    )


# -- [[alerts]] (issue 17) -------------------------------------------------------------------
_ALERT_FIELDS = {
    "figure": {"name", "kind", "unit", "min", "topic", "subjects"},
    "gdp-change": {"name", "kind", "allies"},
    "quote": {"name", "kind", "speakers", "topic"},
}


def parse_alerts(value: Any, source: str, topics: tuple[str, ...]) -> tuple[Any, ...]:
    """The ``[[alerts]]`` rules as :class:`monitors.decide.alerts.AlertRule` values.  An error
    names the file, the rule (its index and name) and the field:
    ``monitors.toml: alerts[1] (big-aid).min: must be a number >= 0``."""
    if not isinstance(value, list):
        raise ConfigError(f"{source}: alerts: must be an array of tables ([[alerts]])")
    rules = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ConfigError(f"{source}: alerts[{i}]: must be a table with name and kind")
        name = item.get("name")
        where = (
            f"alerts[{i}] ({name})" if isinstance(name, str) and name.strip() else f"alerts[{i}]"
        )
        rule = _parse_alert(item, where, source, topics)
        if rule.name in seen:
            raise ConfigError(
                f"{source}: {where}.name: duplicate of alerts[{seen[rule.name]}].name"
            )
        seen[rule.name] = i
        rules.append(rule)
    return tuple(rules)


def _parse_alert(item: dict[str, Any], where: str, source: str, topics: tuple[str, ...]) -> Any:
    from monitors.decide.alerts import KINDS, AlertRule

    if "name" not in item:
        raise ConfigError(f"{source}: {where}.name: missing")
    name = _str(item, "name", where, source, "")
    if not all(c.isalnum() or c in "-_." for c in name):
        raise ConfigError(
            f"{source}: {where}.name: letters, digits, '-', '_' and '.' only, got {name!r}"
        )
    kind = item.get("kind")
    if kind not in KINDS:
        raise ConfigError(
            f"{source}: {where}.kind: must be one of {', '.join(KINDS)}, got {kind!r}"
        )
    _check_keys(item, _ALERT_FIELDS[kind], where, source)
    topic = item.get("topic")
    if topic is not None and topic not in topics:
        raise ConfigError(
            f"{source}: {where}.topic: not a configured topic (one of {', '.join(topics)}), "
            f"got {topic!r}"
        )
    if kind == "figure":
        unit, minimum = _alert_unit(item, where, source)
        subjects = _strings(item, "subjects", where, source)
        return AlertRule(name, kind, unit=unit, min=minimum, topic=topic, subjects=subjects)
    if kind == "gdp-change":
        return AlertRule(name, kind, allies=_allies(item, where, source))
    return AlertRule(name, kind, topic=topic, speakers=_speakers(item, where, source))


def _strings(item: dict[str, Any], key: str, where: str, source: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{source}: {where}.{key}: must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _alert_unit(item: dict[str, Any], where: str, source: str) -> tuple[str, float | None]:
    from monitors.decide.alerts import ANY_CURRENCY, UNITS

    if "unit" not in item:
        raise ConfigError(f'{source}: {where}.unit: missing (e.g. "USD" or "percent_gdp")')
    unit = item["unit"]
    is_code = isinstance(unit, str) and len(unit) == 3 and unit.isalpha() and unit.isupper()
    if not is_code and unit not in UNITS:
        raise ConfigError(
            f'{source}: {where}.unit: an ISO 4217 currency code ("USD") or one of '
            f"{', '.join(UNITS)}, got {unit!r}"
        )
    minimum = item.get("min")
    if minimum is None:
        return unit, None
    if isinstance(minimum, bool) or not isinstance(minimum, int | float) or minimum < 0:
        raise ConfigError(f"{source}: {where}.min: must be a number >= 0")
    if unit == ANY_CURRENCY:
        raise ConfigError(
            f'{source}: {where}.min: needs one currency (unit = "USD", ...): amounts in '
            f"different currencies are not compared"
        )
    return unit, float(minimum)


def _allies(item: dict[str, Any], where: str, source: str) -> tuple[str, ...]:
    from monitors.decide.ledgers import spending_names
    from monitors.nlp.actors import canonical_actor

    names = spending_names()
    out = []
    for ally in _strings(item, "allies", where, source):
        name = canonical_actor(ally)
        if name not in names:
            raise ConfigError(
                f"{source}: {where}.allies: {ally!r} is not a row of the spending ledger "
                f"(a NATO member, or NATO)"
            )
        out.append(name)
    return tuple(out)


def _speakers(item: dict[str, Any], where: str, source: str) -> tuple[Any, ...]:
    from monitors.decide.alerts import Speaker, words

    value = item.get("speakers")
    if not isinstance(value, list) or not value:
        raise ConfigError(
            f"{source}: {where}.speakers: must be a non-empty list of names or "
            f"{{name = ..., aliases = [...]}} tables"
        )
    out = []
    for j, s in enumerate(value):
        at = f"{where}.speakers[{j}]"
        if isinstance(s, str):
            s = {"name": s}
        if not isinstance(s, dict):
            raise ConfigError(f"{source}: {at}: must be a name or a table with name and aliases")
        _check_keys(s, {"name", "aliases"}, at, source)
        if "name" not in s:
            raise ConfigError(f"{source}: {at}.name: missing")
        name = _str(s, "name", at, source, "")
        aliases = _strings(s, "aliases", at, source)
        for n in (name, *aliases):
            if not words(n):
                raise ConfigError(f"{source}: {at}: {n!r} has no letters or digits to match")
        out.append(Speaker(name.strip(), aliases))
    return tuple(out)
