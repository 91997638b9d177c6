"""Duplicate clustering on short invented passages."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from monitors.nlp.dedupe import (
    DedupeDoc,
    cluster_documents,
    is_duplicate,
    normalise_for_dedupe,
    shingles,
)
from tests.factories import growth

T0 = datetime(2025, 2, 13, 9, 0, tzinfo=UTC)

STORY = [
    "Defence ministers from the alliance agreed on Thursday to draw up new plans for the "
    "northern flank, after a day of talks that officials described as the most difficult in "
    "years over how to share the cost of air defence along the eastern border.",
    "The ministers asked military planners to report back before the summer summit with "
    "options for rotating fighter squadrons through three Baltic airfields, two diplomats "
    "involved in the discussions said on condition of anonymity.",
    "Several smaller members argued that the larger economies should carry a bigger part of "
    "the bill, while others warned that a fight over money would send the wrong signal to "
    "Moscow at a sensitive moment for the talks on a ceasefire.",
    "A final decision on the funding formula was pushed back to a meeting of finance "
    "officials next month, which one diplomat said gave everyone time to consult their "
    "parliaments and avoid a public quarrel.",
    "The alliance secretary general told reporters after the session that the plans were a "
    "practical step and that nobody around the table questioned the need to strengthen the "
    "defences of the members closest to the front line.",
]
OTHER_STORY_SAME_EVENT = [
    "The United States defence secretary told allies at the meeting in Brussels on Thursday "
    "that Washington expected European governments to take over most of the conventional "
    "defence of the continent within the next few years.",
    "His remarks, delivered behind closed doors and later confirmed by two officials, drew a "
    "sharp response from several eastern members who said the timetable was unrealistic and "
    "would leave gaps in training and ammunition stocks.",
    "The ministers asked military planners to report back before the summer summit with "
    "options for rotating fighter squadrons through three Baltic airfields, two diplomats "
    "involved in the discussions said on condition of anonymity.",
    "The secretary said the administration would keep its nuclear umbrella over the "
    "alliance but that Europe should prepare to spend far more of its own money on tanks, "
    "artillery and air defence, starting with this year's budgets.",
    "Officials from France and Germany said they would present a joint proposal on a new "
    "European defence fund at the next summit, though details remained unclear.",
]


def doc(
    id_: str,
    paragraphs: list[str],
    title: str = "Allies agree new plans for northern flank after difficult talks",
    published: datetime | None = T0,
    url: str | None = None,
) -> DedupeDoc:
    return DedupeDoc(id_, title, "\n\n".join(paragraphs), published, url)


def test_normalise_strips_dateline_byline_agency_and_boilerplate() -> None:
    text = (
        "By Jane Doe and John Roe\n\n"
        "BRUSSELS, Feb 13 (Reuters) - Ministers agreed new plans on Thursday.\n\n"
        "The plans cover three airfields.\n\n"
        "Sign up for our daily briefing newsletter.\n\n"
        "(Reporting by Jane Doe; Editing by Ann Smith)"
    )
    out = normalise_for_dedupe("Allies agree plans", text)
    assert (
        out == "allies agree plans ministers agreed new plans on thursday the plans cover "
        "three airfields"
    )
    assert "reuters" not in normalise_for_dedupe("", "WASHINGTON (AP) — The Senate voted.")
    assert normalise_for_dedupe("", "(CNN) — The Senate voted.") == "the senate voted"
    assert normalise_for_dedupe("", "KYIV, Ukraine — Drones struck overnight.") == (
        "drones struck overnight"
    )


def test_shingles_are_deterministic_word_kgrams() -> None:
    a = shingles("one two three four five six", k=5)
    assert len(a) == 2
    assert a == shingles("One, two; three four FIVE six!", k=5)
    assert shingles("one two", k=5) and len(shingles("one two", k=5)) == 1
    assert shingles("", k=5) == frozenset()


def test_exact_copy_with_different_dateline_and_byline_matches() -> None:
    wire = doc(
        "wire",
        [
            "BRUSSELS, Feb 13 (Reuters) - " + STORY[0],
            *STORY[1:],
            "(Reporting by Jane Doe; Editing by Ann Smith)",
        ],
    )
    copy = doc("copy", ["By Jane Doe", STORY[0], *STORY[1:], "Sign up for our newsletter"])
    assert is_duplicate(wire, copy)


def test_truncated_copies_match_the_full_article() -> None:
    full = doc("full", STORY)
    summary = doc("summary", STORY[:1])
    first_half = doc("half", STORY[:2])
    assert is_duplicate(full, summary)
    assert is_duplicate(full, first_half)
    result = cluster_documents([summary, full, first_half])
    assert len(set(result.values())) == 1


def test_different_story_on_the_same_event_does_not_merge() -> None:
    a = doc("a", STORY)
    b = doc(
        "b",
        OTHER_STORY_SAME_EVENT,
        title="US tells European allies to take over defence of the continent",
    )
    assert not is_duplicate(a, b)
    result = cluster_documents([a, b])
    assert result["a"] != result["b"]


def test_paragraph_lifted_into_a_roundup_does_not_merge() -> None:
    item = doc("item", STORY[1:2], title="Planners to report on Baltic airfield rotations")
    roundup = doc(
        "roundup",
        OTHER_STORY_SAME_EVENT + STORY[2:],
        title="Defence roundup: what ministers said in Brussels",
    )
    assert not is_duplicate(item, roundup)


def test_updated_story_under_same_headline_matches() -> None:
    first = doc("v1", STORY[:4], published=T0)
    update = doc(
        "v2",
        [STORY[0], "UPDATE: the meeting ended late on Thursday evening.", *STORY[1:]],
        published=T0 + timedelta(hours=20),
    )
    assert is_duplicate(first, update)


def test_one_url_alone_never_merges_but_a_rescrape_with_updated_text_does() -> None:
    url = "https://news.example.com/world/allies-plans?utm_source=rss"
    a = doc("a", STORY[:1], url=url)
    b = doc(
        "b",
        OTHER_STORY_SAME_EVENT[:1],
        title="Something else entirely here",
        url="https://news.example.com/world/allies-plans/",
    )
    assert cluster_documents([a, b])["a"] != cluster_documents([a, b])["b"]
    # the same page fetched again after an update: three paragraphs kept, two rewritten
    first = doc("first", STORY, url=url)
    updated = doc("updated", [*STORY[:3], *OTHER_STORY_SAME_EVENT[3:]], title="New", url=url)
    assert len(set(cluster_documents([first, updated]).values())) == 1


def test_time_window_and_undated_docs() -> None:
    a = doc("a", STORY, published=T0)
    late = doc("late", STORY, published=T0 + timedelta(days=30))
    undated = doc("undated", STORY, published=None)
    result = cluster_documents([a, late, undated])
    assert result["a"] == result["undated"]
    # "late" is outside the window of "a" but still linked through the undated copy
    assert cluster_documents([a, late])["a"] != cluster_documents([a, late])["late"]
    assert len(set(cluster_documents([a, late], window=None).values())) == 1


def test_cluster_id_is_the_earliest_then_most_complete_member() -> None:
    full = doc("full", STORY, published=T0 + timedelta(hours=1))
    early_summary = doc("summary", STORY[:1], published=T0)
    copy = doc("copy", STORY, published=T0 + timedelta(hours=1))
    result = cluster_documents([full, copy, early_summary])
    assert set(result.values()) == {"summary"}
    result = cluster_documents([doc("x", STORY[:2], published=None), doc("y", STORY, None)])
    assert set(result.values()) == {"y"}


def test_every_doc_gets_a_cluster_and_empty_docs_are_alone() -> None:
    docs = [doc("a", STORY), doc("empty1", [""], title=""), doc("empty2", [""], title="")]
    result = cluster_documents(docs)
    assert set(result) == {"a", "empty1", "empty2"}
    assert result["empty1"] != result["empty2"]


def test_clustering_grows_linearly_with_the_number_of_documents() -> None:
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(5000)]
    base = [" ".join(rng.choice(vocab) for _ in range(600)) for _ in range(500)]

    def docs(n: int) -> list[DedupeDoc]:
        return [DedupeDoc(f"d{i}", f"title {i}", base[i % (n // 2)], T0) for i in range(n)]

    result = cluster_documents(docs(1000))
    assert result["d1"] == result["d501"]
    assert result["d1"] != result["d2"]
    assert growth(lambda n: cluster_documents(docs(n)), 100, 1000, repeat=2) < 25  # linear ~10


def test_a_story_syndicated_under_one_headline_costs_linear_comparisons(monkeypatch) -> None:
    import monitors.nlp.dedupe as dedupe

    calls = [0]
    confirm = dedupe._confirm

    def counting(a, b):
        calls[0] += 1
        return confirm(a, b)

    monkeypatch.setattr(dedupe, "_confirm", counting)
    copies = [doc(f"c{i}", STORY, url=f"https://outlet{i}.example/story") for i in range(600)]
    others = [
        doc(f"o{i}", OTHER_STORY_SAME_EVENT, url=f"https://other{i}.example/x") for i in range(3)
    ]
    result = cluster_documents(copies + others)
    assert len({result[f"c{i}"] for i in range(600)}) == 1
    assert result["o0"] == result["o2"] != result["c0"]
    assert calls[0] < 3 * 603  # all pairs under the one headline would be ~180,000


def test_a_copy_under_one_headline_bridges_the_groups_it_matches() -> None:
    half = len(STORY) // 2 + 1
    head = doc("head", STORY[:half], published=T0)
    tail = doc("tail", STORY[half - 1 :], published=T0 + timedelta(hours=1))
    full = doc("full", STORY, published=T0 + timedelta(hours=2))
    result = cluster_documents([head, tail, full])
    assert result["head"] == result["tail"] == result["full"] == "head"
