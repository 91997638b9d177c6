"""Copies, not events: a headline shared by round-up editions or recurring briefings merges
nothing by itself; only bodies that are copies do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitors.nlp.dedupe import DedupeDoc, cluster_documents, is_duplicate
from tests.test_dedupe import OTHER_STORY_SAME_EVENT, STORY

T0 = datetime(2025, 2, 13, 7, 0, tzinfo=UTC)
INTRO = "The latest Market Talks covering energy. Published throughout the day."
ITEMS = [f"{900 + 5 * i:04d} GMT - {p}" for i, p in enumerate(STORY + OTHER_STORY_SAME_EVENT)]


def edition(id_: str, items: list[str], hours: int = 0, title: str = "") -> DedupeDoc:
    return DedupeDoc(
        id_,
        title or "Energy & Utilities Roundup: Market Talk",
        "\n\n".join([INTRO, *items]),
        T0 + timedelta(hours=hours),
    )


def test_round_up_editions_with_new_items_are_different_stories() -> None:
    first = edition("e1", ITEMS[:6])
    later = edition("e2", ITEMS[3:9], hours=2)  # three items dropped, three added
    grown = edition("e3", ITEMS[:9], hours=3)  # every item of e1 kept, three added
    assert not is_duplicate(first, later)
    assert not is_duplicate(first, grown)
    assert len(set(cluster_documents([first, later, grown]).values())) == 3


def test_copies_of_one_round_up_edition_merge() -> None:
    a = edition("a", ITEMS[:6])
    b = edition("b", ITEMS[:6], hours=1)  # the same edition re-posted by a second outlet
    assert is_duplicate(a, b)


def test_timestamped_items_mark_a_round_up_whatever_its_headline() -> None:
    a = edition("a", ITEMS[:6], title="Energy desk notes for traders this morning")
    b = edition("b", ITEMS[2:8], hours=2, title="Energy desk notes for traders this morning")
    assert not is_duplicate(a, b)


def test_a_recurring_headline_over_different_bodies_does_not_merge() -> None:
    title = "Press Briefing by the Press Secretary and the Security Adviser"
    a = DedupeDoc("a", title, "\n\n".join(STORY), T0)
    b = DedupeDoc("b", title, "\n\n".join(OTHER_STORY_SAME_EVENT), T0 + timedelta(days=1))
    same_day = DedupeDoc("c", title, "\n\n".join(OTHER_STORY_SAME_EVENT), T0)
    assert not is_duplicate(a, b)
    assert not is_duplicate(a, same_day)  # they share one paragraph of five
    # a re-scrape of one briefing under its headline still merges
    assert is_duplicate(a, DedupeDoc("d", title, "\n\n".join(STORY), T0 + timedelta(hours=5)))
