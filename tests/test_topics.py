"""Unit tests for monitors/nlp/topics/__init__.py with the default rules of monitors.toml: invented
articles that are and are not about a topic, the error classes of docs/relevance.md, robustness
and speed.  The rule language's own tests are in test_topic_rules.py, feed items in
test_topic_feed_items.py.

All passages are short invented texts (no corpus, no network).
"""

from __future__ import annotations

from typing import Any

import pytest

from monitors.nlp.topics import match_topics
from tests.factories import growth
from tests.topic_helpers import load_default_rules, topics_of


@pytest.fixture(scope="module")
def default_rules() -> list[Any]:
    return load_default_rules()


# ---------------------------------------------------------------- default rules: positives

NATO_POSITIVE = (
    "Allies agree to lift defence spending to 5% of GDP",
    "NATO leaders agreed on Wednesday to raise their defence spending target to 5% of GDP "
    "by 2035, with 3.5% for core military needs.\n\n"
    "The new pledge replaces the 2% of GDP benchmark set in 2014. Several allies, including "
    "Spain, said they would struggle to meet the goal.\n\n"
    "Germany said its defence budget would double, while Poland already spends more than 4% "
    "on defence. Burden sharing has been a long-running complaint in Washington.",
)

UKRAINE_POSITIVE = (
    "US announces $2 billion military aid package for Ukraine",
    "The United States will send a new $2 billion military aid package to Ukraine, including "
    "Patriot interceptors and artillery shells, the Pentagon said.\n\n"
    "The package brings total US security assistance to Kyiv to more than $60 billion. "
    "European allies pledged further support at the Ukraine Defense Contact Group.\n\n"
    "Zelensky thanked Washington for the aid and said air defence deliveries were urgent.",
)

BOTH = (
    "NATO allies boost defence budgets and pledge more aid for Ukraine",
    "NATO defence ministers agreed to raise military spending towards 3.5% of GDP as the "
    "alliance debated burden sharing.\n\n"
    "Ministers also pledged €40 billion in military aid to Ukraine next year and promised "
    "faster weapons deliveries to Kyiv.\n\n"
    "Several allies said their defence budgets would grow by a third. Germany promised to "
    "send more Patriot systems to Ukraine as part of the support package.",
)


def test_nato_spending_positive(default_rules: list[Any]) -> None:
    [m] = match_topics(*NATO_POSITIVE, default_rules)
    assert m.topic == "nato-spending"
    assert m.terms and m.sentences and len(m.sentences) <= 3
    assert "nato-spending" in m.rule


def test_ukraine_aid_positive(default_rules: list[Any]) -> None:
    assert topics_of(*UKRAINE_POSITIVE, default_rules) == {"ukraine-aid"}


def test_both_topics_can_match(default_rules: list[Any]) -> None:
    assert topics_of(*BOTH, default_rules) == {"nato-spending", "ukraine-aid"}


# ---------------------------------------------------------------- default rules: hard negatives

MARKET_ROUNDUP = (
    "Stocks slip as investors weigh rate outlook",
    "European stocks fell on Tuesday, with the STOXX 600 down 0.4% and futures on the Nasdaq "
    "flat, as traders weighed the rate outlook and bond yields rose.\n\n"
    "Energy shares led losses as Brent crude eased. Analysts said the war in Ukraine and "
    "tariffs kept investors cautious.\n\n"
    "In Asia, the Nikkei gained 0.3% and the Hang Seng index slipped. Defence stocks were "
    "little changed; the dollar index rose.",
)

FOOTBALL = (
    "United's defence holds firm in derby win",
    "Manchester United's defence held firm as they beat City 1-0 in the Premier League on "
    "Sunday, with the centre-back pair dominant.\n\n"
    "The coach praised the defence after a third clean sheet this season. 'Our defensive "
    "shape was perfect,' he said, as the club climbed to fourth.\n\n"
    "The striker scored the winning goal in the 78th minute; the defender was named player "
    "of the match.",
)

GDP_GROWTH = (
    "Euro zone GDP grows 0.3% in second quarter",
    "The euro zone economy grew 0.3% in the second quarter, beating forecasts, as GDP growth "
    "in Spain offset a contraction in Germany.\n\n"
    "Economists said inflation and higher rates were weighing on growth. Government spending "
    "and exports supported output.\n\n"
    "Germany's GDP contracted 0.1%, raising fears of a recession, while France grew 0.2%.",
)

GRAIN = (
    "Ukraine's grain exports rise as Black Sea corridor holds",
    "Ukraine's grain exports rose 12% in October as ships used the Black Sea corridor, the "
    "agriculture ministry in Kyiv said.\n\n"
    "Wheat and corn shipments led the increase, and farmers expect a bigger harvest next "
    "season. Ukraine thanked partners for support of its ports.\n\n"
    "Traders said wheat futures in Chicago fell on the news.",
)

BATTLEFIELD = (
    "Russian drones hit Kharkiv as fighting rages in east",
    "Russian drones struck Kharkiv overnight, killing three people, Ukrainian officials said, "
    "as fighting raged near Pokrovsk.\n\n"
    "Ukraine's air force said it shot down 40 of 55 drones. Zelensky called for stronger "
    "air defence.\n\n"
    "Russia's defence ministry claimed the capture of a village in the Donetsk region.",
)

NATO_MEMBERSHIP = (
    "NATO says Ukraine's path to membership is irreversible",
    "NATO leaders said at their summit that Ukraine's path to membership of the alliance was "
    "irreversible, but gave no timeline.\n\n"
    "Secretary General Mark Rutte said allies stood with Kyiv. Hungary and Slovakia voiced "
    "reservations about enlargement.\n\n"
    "Russia said any NATO expansion to its borders was a threat.",
)


@pytest.mark.parametrize(
    "article",
    [MARKET_ROUNDUP, FOOTBALL, GDP_GROWTH, GRAIN, BATTLEFIELD, NATO_MEMBERSHIP],
    ids=[
        "market-roundup",
        "football-defence",
        "gdp-growth",
        "grain-exports",
        "battlefield",
        "nato-membership",
    ],
)
def test_hard_negatives_are_dropped(article: tuple[str, str], default_rules: list[Any]) -> None:
    assert topics_of(*article, default_rules) == set()


def test_passing_mention_is_not_enough(default_rules: list[Any]) -> None:
    text = (
        "The prime minister spent the day in Lyon opening a hospital and talking about "
        "schools.\n\nShe also met farmers about water prices.\n\n"
        "Asked about NATO, she said allies should spend 2% of GDP on defence, then returned "
        "to health policy."
    )
    assert topics_of("PM opens hospital in Lyon", text, default_rules) == set()


# ---------------------------------------------------------------- robustness and speed


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", "%%%", "???", "a" * 5000, "é" * 100])
def test_odd_inputs_do_not_raise(text: str, default_rules: list[Any]) -> None:
    assert match_topics(text, text, default_rules) == []


def test_matching_time_grows_linearly_with_the_text(default_rules: list[Any]) -> None:
    part = "\n\n".join([NATO_POSITIVE[1], UKRAINE_POSITIVE[1], MARKET_ROUNDUP[1]])
    assert len(part * 50) > 40_000

    def match(n: int) -> None:
        match_topics("title", "\n\n".join([part] * n), default_rules)

    assert growth(match, 5, 50) < 25  # linear ~10


# ------------------------------------------------ error classes of docs/relevance.md


def test_passing_criticism_of_aid_is_not_aid(default_rules: list[Any]) -> None:
    title = "Senator says she had a useful call with Zelensky about the war"
    text = (
        "The senator spoke with the Ukrainian president for half an hour on Tuesday.\n\n"
        "She has criticized US military aid to Kyiv in the past.\n\n"
        "Her allies have also criticized sending weapons to Ukraine.\n\n"
        "The two discussed the front line, prisoner exchanges and the coming winter.\n\n"
        "A spokesman said the call was friendly and that more talks were planned."
    )
    assert "ukraine-aid" not in topics_of(title, text, default_rules)


def test_recruitment_bonus_is_not_an_aid_amount(default_rules: list[Any]) -> None:
    title = "Region offers volunteers a $15,000 bonus to fight in Ukraine"
    text = (
        "The regional government raised the sign-on bonus for contract soldiers again.\n\n"
        "Recruits who enlist to fight in Ukraine get $15,000 up front."
    )
    assert "ukraine-aid" not in topics_of(title, text, default_rules)


def test_pause_in_the_fighting_is_not_an_aid_halt(default_rules: list[Any]) -> None:
    title = "What a ceasefire would mean for European bonds"
    text = (
        "A pause in the ongoing conflict between Russia and Ukraine may help ease fiscal "
        "pressure, strategists said.\n\nRebuilding Ukraine could cost $400 billion, an "
        "estimate that lifted cement makers.\n\nBond yields fell on the news."
    )
    assert "ukraine-aid" not in topics_of(title, text, default_rules)
    halted = (
        "Washington halts military aid to Ukraine",
        "The administration paused all military aid to Ukraine on Monday, officials said.",
    )
    assert "ukraine-aid" in topics_of(*halted, default_rules)


def test_contact_group_meeting_alone_is_not_aid(default_rules: list[Any]) -> None:
    title = "Defense secretary heads to Brussels"
    text = (
        "The secretary will attend the Ukraine Defense Contact Group in Brussels.\n\n"
        "He will also meet troops at a base in Germany.\n\n"
        "Officials said no decision on force levels in Europe had been made.\n\n"
        "The trip is his first abroad since taking office."
    )
    assert "ukraine-aid" not in topics_of(title, text, default_rules)


def test_non_nato_defence_budgets_are_not_nato_spending(default_rules: list[Any]) -> None:
    for title, text in [
        (
            "Serbia vows to boost defense spending",
            "Serbia's president vowed to increase defense spending and buy new jets.",
        ),
        (
            "Indo-Pacific partners lift defense budgets",
            "Japan raised its defense budget by 17 percent.\n\nAustralia will increase defense "
            "spending to 2.3 percent of GDP.\n\nThe ROK defense budget grew 4.2 percent.",
        ),
        (
            "Think tank tallies military outlays",
            "Russian military spending grew by 42 percent to $146 billion, the report said.\n\n"
            "Russia's defence budget now takes 6.7% of GDP.\n\nThe report is published yearly.",
        ),
    ]:
        assert "nato-spending" not in topics_of(title, text, default_rules), title


def test_one_spending_bullet_on_a_long_list_is_not_enough(default_rules: list[Any]) -> None:
    bullets = [
        f"Item {i}: The administration did thing number {i} for the country." for i in range(12)
    ]
    bullets.insert(
        6,
        "Boosting Alliances: The President secured a deal requiring NATO members "
        "to raise defense spending to 5% of GDP.",
    )
    text = "\n\n".join(bullets)
    assert "nato-spending" not in topics_of("A year of achievements", text, default_rules)


def test_headline_saying_military_aid_keeps_the_article(default_rules: list[Any]) -> None:
    title = "Why Ukraine's minerals are key to keeping US military aid flowing"
    text = "\n\n".join(
        ["Ukraine has offered the US a stake in its mineral industry for continued military aid."]
        + [
            f"Paragraph {i} describes lithium and titanium deposits in the region."
            for i in range(20)
        ]
    )
    assert "ukraine-aid" in topics_of(title, text, default_rules)
