"""canonical_url / article_id: one spelling per article address."""

from __future__ import annotations

import pytest

from monitors.ingest.urls import article_id, canonical_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/a/", "https://example.com/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=x&gclid=y&mc_cid=1&mc_eid=2", "https://example.com/a"),
        (
            "https://example.com/a?ocid=x&cmpid=y&smid=z&taid=t&ref=rss&src=home",
            "https://example.com/a",
        ),
        ("https://example.com/a?at_medium=RSS&at_campaign=KARANGA", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/world/story/amp", "https://example.com/world/story"),
        ("https://example.com/amp/world/story", "https://example.com/world/story"),
        ("https://example.com/world/story.amp", "https://example.com/world/story"),
        ("https://example.com/world/story.amp.html", "https://example.com/world/story.html"),
        ("https://example.com/world/story?amp", "https://example.com/world/story"),
        ("https://example.com/world/story?amp=1", "https://example.com/world/story"),
        ("https://example.com/world/story?outputType=amp", "https://example.com/world/story"),
        ("https://amp.example.com/world/story", "https://example.com/world/story"),
        (
            "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/world/story",
            "https://www.example.com/world/story",
        ),
        (
            "https://example.com/2024/07/01/politics/story/index.html",
            "https://example.com/2024/07/01/politics/story",
        ),
    ],
)
def test_canonical_url(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_meaningful_params_and_paths_are_kept() -> None:
    assert canonical_url("https://example.com/article?id=12") != canonical_url(
        "https://example.com/article?id=13"
    )
    # "amp" inside a word is not an AMP marker
    assert canonical_url("https://example.com/camp/ample-story") == (
        "https://example.com/camp/ample-story"
    )
    assert canonical_url("https://example.com/p?format=pdf") == "https://example.com/p?format=pdf"


def test_variants_share_one_canonical_form() -> None:
    variants = [
        "https://www.example.com/world/nato-summit-story",
        "https://WWW.example.com/world/nato-summit-story/",
        "https://www.example.com/world/nato-summit-story?utm_source=twitter#top",
        "https://www.example.com/world/nato-summit-story/amp/",
        "https://www.example.com:443/world/nato-summit-story?fbclid=abc",
    ]
    assert len({canonical_url(v) for v in variants}) == 1


def test_not_a_url_is_returned_stripped() -> None:
    assert canonical_url("  urn:uuid:1234 ") == "urn:uuid:1234"
    assert canonical_url("") == ""


def test_article_id_is_stable_short_hex() -> None:
    a = article_id(canonical_url("https://example.com/a?utm_source=x"))
    assert a == article_id("https://example.com/a")
    assert len(a) == 16
    int(a, 16)
    assert a != article_id("https://example.com/b")
