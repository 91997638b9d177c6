"""The default topic rules on feed items: invented headlines with one- or two-sentence
summaries (the shape most real feeds give), and the project's own invented sample feeds with their
answer key (no corpus, no network).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.topic_helpers import load_default_rules, topics_of

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def default_rules() -> list[Any]:
    return load_default_rules()


# ---------------------------------------------------------------- default rules: short feed items
# Invented title + one or two sentence summaries, the shape most real feeds give.

SHORT_NATO = [
    (
        "Portugal to lift defence budget to 2.4% of GDP next year",
        "Lisbon will add 900 million euros to military spending, the finance ministry said. "
        "The move brings Portugal closer to the alliance's new target.",
    ),
    (
        "Finland approves record defence spending",
        "Parliament backed a budget that raises defence outlays by a fifth.",
    ),
    (
        "Allies agree to spend 3.5% of GDP on core defence",
        "NATO defence ministers signed off on the new goal in Brussels on Thursday.",
    ),
    (
        "EU approves first defence loans under new rearmament scheme",
        "Eight member states will borrow a combined 40 billion euros for air defence and drones.",
    ),
    (
        "Canada under pressure to meet NATO's 2% spending target",
        "Allies said Ottawa was not paying its fair share.",
    ),
]

SHORT_UKRAINE = [
    (
        "Norway pledges $750m for Ukrainian drones",
        "The money will buy long-range and interceptor drones, the defence ministry said.",
    ),
    (
        "Donor coalition pledges $1.5 billion for Ukraine's air defence",
        "Ten countries will pay for interceptors and radars before winter.",
    ),
    (
        "Sweden to send Ukraine 20 more armoured vehicles",
        "The package also includes artillery ammunition, the government said.",
    ),
    (
        "US pauses weapons deliveries to Kyiv",
        "The Pentagon said shipments of some munitions were on hold pending a review.",
    ),
    (
        "EU agrees €5bn loan for Ukraine backed by frozen Russian assets",
        "The money will go to the budget and to energy repairs.",
    ),
]

SHORT_NEGATIVES = [
    (
        "Stocks edge higher; oil steady",
        "European shares rose 0.3% as traders shrugged off the war in Ukraine. Bond yields eased.",
    ),
    (
        "City's defence holds firm in derby draw",
        "The centre-back pair kept a clean sheet as the league leaders were held 0-0.",
    ),
    (
        "Economy grows 0.4% in third quarter",
        "GDP growth beat forecasts as consumer spending picked up.",
    ),
    (
        "Ukraine's grain exports climb in October",
        "Wheat and corn shipments through the Black Sea corridor rose, traders said.",
    ),
    (
        "Russian drones hit Odesa port overnight",
        "Ukraine's air force said it shot down 30 of 40 drones; two people were hurt.",
    ),
    (
        "NATO summit opens with Ukraine membership talks",
        "Leaders will discuss Kyiv's path to joining the alliance, but no timeline is expected.",
    ),
]


@pytest.mark.parametrize("item", SHORT_NATO, ids=lambda x: x[0][:40])
def test_short_nato_items_are_kept(item: tuple[str, str], default_rules: list[Any]) -> None:
    assert "nato-spending" in topics_of(*item, default_rules)


@pytest.mark.parametrize("item", SHORT_UKRAINE, ids=lambda x: x[0][:40])
def test_short_ukraine_items_are_kept(item: tuple[str, str], default_rules: list[Any]) -> None:
    assert "ukraine-aid" in topics_of(*item, default_rules)


@pytest.mark.parametrize("item", SHORT_NEGATIVES, ids=lambda x: x[0][:40])
def test_short_hard_negatives_are_dropped(item: tuple[str, str], default_rules: list[Any]) -> None:
    assert topics_of(*item, default_rules) == set()


# ---------------------------------------------------------------- the sample feeds' answer key

MINI_KEY = {  # tests/data/feeds, from the "Test fixtures" table of samples/README.md
    "portugal-budget": {"nato-spending"},
    "norway-drones": {"ukraine-aid"},
    "harbour-city-win": set(),
    "markets-firm": set(),
    "denmark-defence": {"nato-spending"},
    "czech-gdp": set(),
    "storm-warning": set(),
}


def _answer_key() -> dict[str, set[str]]:
    text = (REPO / "samples" / "README.md").read_text(encoding="utf-8")
    key: dict[str, set[str]] = {}
    for slug, topic in re.findall(
        r"^\| \d\d:\d\d \| [^|]+ \| `([a-z0-9-]+)` \| "
        r"(\*\*off-topic\*\*|nato-spending|ukraine-aid)",
        text,
        re.M,
    ):
        key[slug] = set() if topic.startswith("**") else {topic}
    key.update(MINI_KEY)
    return key


def _sample_items() -> list[tuple[str, str, str]]:
    feedparser = pytest.importorskip("feedparser")
    from monitors.ingest.text import fragment_to_text

    files = sorted((REPO / "samples" / "feeds").glob("*.xml"))
    files += [
        REPO / "tests" / "data" / "feeds" / "mini.rss",
        REPO / "tests" / "data" / "feeds" / "mini.atom",
    ]
    items = []
    for f in files:
        for e in feedparser.parse(str(f)).entries:
            content = e.get("content")
            html = content[0].value if content else e.get("summary", "")
            slug = e.get("link", "").rstrip("/").split("/")[-1]
            items.append((slug, e.get("title", ""), fragment_to_text(html)))
    return items


def test_sample_feeds_follow_the_answer_key(default_rules: list[Any]) -> None:
    key = _answer_key()
    items = _sample_items()
    assert len(items) == 46 and len(key) == 46
    wrong = [
        (slug, topics_of(title, text, default_rules), key[slug])
        for slug, title, text in items
        if topics_of(title, text, default_rules) != key[slug]
    ]
    assert wrong == []


# ---------------------------------------- default rules: headline-only and short-summary aid


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Pressure builds over F-16 jets for Ukraine ahead of summit",
            "Leaders meet in Vilnius on Tuesday.",
        ),
        (
            "Berlin to send two more Patriot systems to Kyiv",
            "The defence ministry confirmed the decision on Monday evening.",
        ),
        (
            "Only more artillery shells can help Ukraine hold the line",
            "Europe should pay for humanitarian needs so Washington can provide tanks and rockets.",
        ),
        (
            "Ukraine to receive long-range rockets from Western allies",
            "Four governments agreed the plan at a meeting in London.",
        ),
        (
            "Canada to deploy patrol aircraft to assist Ukraine",
            "The crews will operate from Poland for six months.",
        ),
        (
            "Minister defends decision to send cluster munitions",
            "The government said Ukraine would be defenceless without the cluster munitions "
            "it sent.",
        ),
    ],
)
def test_short_aid_items_are_kept(default_rules: list[Any], title: str, text: str) -> None:
    assert "ukraine-aid" in topics_of(title, text, default_rules)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "General killed by British-supplied cruise missile, Ukrainian officials say",
            "Russian channels later confirmed the report.",
        ),
        (
            "When a famine killed 3 million in Ukraine",
            "Growing up in Ukraine, we learnt never to waste bread.",
        ),
        (
            "What Beijing wants from the war",
            "Beijing is happy to let Russia, Ukraine and Ukraine's arms suppliers pay the bill.",
        ),
        (
            "Alliance caution risks emboldening Moscow",
            "Until it joins, Kyiv needs security assurances from its allies.",
        ),
        (
            "Our daily briefing on the war",
            "Shelling continued near the river overnight. The government sent arms to Ukraine last "
            "month. Power cuts hit the capital. A court jailed a blogger. Grain ships left port. "
            "Here is what else you need to know.",
        ),
    ],
)
def test_short_non_aid_items_are_not_kept(default_rules: list[Any], title: str, text: str) -> None:
    assert "ukraine-aid" not in topics_of(title, text, default_rules)


def test_defence_bill_with_an_amount_is_spending(default_rules: list[Any]) -> None:
    assert "nato-spending" in topics_of(
        "Senate panel takes up giant defense bill",
        "The committee will vote on the $850 billion annual defense policy bill on Thursday.",
        default_rules,
    )
    for title, text in [
        (
            "Lawmakers fight over abortion rules in the defense spending bill",
            "Conservatives want amendments on diversity programs and other hot-button issues in "
            "the annual defense spending bill.",
        ),
        (
            "Leader skips summit dinner after long talks",
            "He has already spent many hours with NATO leaders, an adviser said.",
        ),
    ]:
        assert "nato-spending" not in topics_of(title, text, default_rules), title


def test_european_defence_headline_with_spending_body(default_rules: list[Any]) -> None:
    body = "\n\n".join(
        [
            "Key points: shares rose and futures were flat in early trade.",
            "Defence stocks fell briefly on peace hopes before buyers returned.",
        ]
        + [f"Line {i} on other markets." for i in range(14)]
        + [
            "Military budgets are rising and NATO members plan to lift their defence spending.",
            "Analysts cite the push to raise the NATO target to 5% of GDP from 2%.",
        ]
    )
    assert "nato-spending" in topics_of(
        "European defence: the long boom begins", body, default_rules
    )
    assert "nato-spending" not in topics_of("Global equities roundup", body, default_rules)


@pytest.mark.parametrize(
    ("title", "text", "want"),
    [
        # headline-only and short wire items, phrased the ways agencies phrase them
        ("US announces $2 billion security assistance package for Ukraine", "", {"ukraine-aid"}),
        ("Germany pledges more Patriot systems for Kyiv", "", {"ukraine-aid"}),
        ("Netherlands unveils new arms package for Ukraine", "", {"ukraine-aid"}),
        ("EU agrees 50 billion euro facility for Ukraine", "", {"ukraine-aid"}),
        ("Weapons deliveries to Ukraine slow as stockpiles run low", "", {"ukraine-aid"}),
        ("Congress stalls on Ukraine aid", "", {"ukraine-aid"}),
        (
            "Sweden sends 10 Leopard tanks to Ukraine",
            "The tanks will arrive in the spring.",
            {"ukraine-aid"},
        ),
        (
            "Patriot systems for Kyiv: Berlin and Washington agree deal",
            "The two governments will share the cost.",
            {"ukraine-aid"},
        ),
        ("Denmark to raise defence budget to 3% of GDP", "", {"nato-spending"}),
        (
            "Military spending in Europe hits record, think tank says",
            "NATO members led the increase.",
            {"nato-spending"},
        ),
        ("Canada pledges to meet NATO 2% target by 2032", "", {"nato-spending"}),
        (
            "Italy's defence budget rises 10%",
            "The government approved the increase on Friday.",
            {"nato-spending"},
        ),
        (
            "Spain resists NATO's 5% spending target",
            "Madrid says 2.1% of GDP is enough.",
            {"nato-spending"},
        ),
        (
            "Belgium unveils 4 billion euro rearmament plan",
            "The government will buy jets and drones.",
            {"nato-spending"},
        ),
        # the words without the topic
        ("Liverpool's defence crumbles in 3-0 loss", "The coach blamed the midfield.", set()),
        (
            "Ukraine's GDP grows 5% as economy recovers",
            "The central bank raised its forecast.",
            set(),
        ),
        ("Ukraine grain exports fall as Black Sea corridor closes", "Wheat prices rose.", set()),
        ("Stocks fall as war in Ukraine weighs on markets", "The S&P 500 fell 1%.", set()),
        ("Russian missiles hit Kyiv apartment block", "Three people were killed.", set()),
        (
            "Ukraine's drone makers race to scale up",
            "Dozens of start-ups now build drones at home.",
            set(),
        ),
        (
            "NATO summit opens with Sweden's membership in focus",
            "Leaders gather in Vilnius.",
            set(),
        ),
        ("Japan boosts defence budget to record", "The plan funds counterstrike missiles.", set()),
    ],
)
def test_wire_headlines(default_rules: list[Any], title: str, text: str, want: set[str]) -> None:
    assert topics_of(title, text, default_rules) == want
