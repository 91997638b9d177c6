"""Shared helpers of the topic tests (test_topics.py, test_topic_rules.py,
test_topic_feed_items.py)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from monitors.nlp.topics import match_topics, parse_topics

REPO = Path(__file__).resolve().parent.parent


@cache
def _default_rules() -> tuple[Any, ...]:
    with (REPO / "monitors.toml").open("rb") as f:
        data = tomllib.load(f)
    return tuple(parse_topics(data["topics"], "monitors.toml"))


def load_default_rules() -> list[Any]:
    """The shipped rules of monitors.toml, parsed once per test session."""
    return list(_default_rules())


def topics_of(title: str, text: str, rules: list[Any]) -> set[str]:
    return {m.topic for m in match_topics(title, text, rules)}


def one_cue(**cue: Any) -> dict[str, Any]:
    return {"t": {"threshold": 1.0, "min_sentences": 1, "cues": [{"weight": 1.0, **cue}]}}
