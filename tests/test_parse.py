"""Parsing fixture feeds at the boundary: an empty body, entities, a Latin-1 feed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitors.errors import FeedError
from monitors.ingest.normalise import normalise_entry
from monitors.ingest.parse import parse_feed

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"


def test_an_empty_feed_is_a_clear_error_naming_the_feed() -> None:
    with pytest.raises(FeedError, match=r"http://x/empty\.xml: empty body"):
        parse_feed("http://x/empty.xml", (FEEDS / "empty.xml").read_bytes())


def test_escaped_entities_come_out_as_text_once() -> None:
    feed = parse_feed("http://x/e.rss", (FEEDS / "entities.rss").read_bytes())
    articles = [normalise_entry(e, datetime(2026, 11, 21, tzinfo=UTC)) for e in feed.entries]
    titles = [a.title for a in articles if a]
    # double-escaped ampersands and named references in titles are decoded, once
    assert titles == [
        "NATO & EU agree joint air-defence purchases",
        "Ukraine aid: €2bn package – “a lifeline”",
        "Café owners & bakers face higher energy bills",
    ]
    assert "“Buying together is buying faster,”" in articles[0].text


def test_a_latin1_feed_is_decoded() -> None:
    feed = parse_feed("http://x/l.rss", (FEEDS / "latin1.rss").read_bytes())
    assert feed.title == "Le Courrier de Liège"
    assert any("premières neiges" in e.title for e in feed.entries)
