"""Unit tests for monitors/nlp/topics.py: the rule language, the matcher and the default rules.

All passages are short invented texts, plus the project's own invented sample feeds (no corpus,
no network).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from monitors.errors import ConfigError
from monitors.nlp.topics import match_topics, parse_topics
from tests.factories import growth

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def default_rules() -> list[Any]:
    with (REPO / "monitors.toml").open("rb") as f:
        data = tomllib.load(f)
    return parse_topics(data["topics"], "monitors.toml")


def topics_of(title: str, text: str, rules: list[Any]) -> set[str]:
    return {m.topic for m in match_topics(title, text, rules)}


def one_cue(**cue: Any) -> dict[str, Any]:
    return {"t": {"threshold": 1.0, "min_sentences": 1, "cues": [{"weight": 1.0, **cue}]}}


# ---------------------------------------------------------------- parsing errors name the field


@pytest.mark.parametrize(
    ("tables", "field"),
    [
        ({"t": {"cues": [{"any": ["x"], "weight": 1}]}}, "topics.t.threshold"),
        ({"t": {"threshold": "high", "cues": [{"any": ["x"], "weight": 1}]}}, "topics.t.threshold"),
        ({"t": {"threshold": 1}}, "topics.t.cues"),
        ({"t": {"threshold": 1, "cues": [{"any": ["x"]}]}}, "topics.t.cues[0].weight"),
        ({"t": {"threshold": 1, "cues": [{"weight": 1}]}}, "topics.t.cues[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "all": ["a", "b"], "weight": 1}]}},
            "topics.t.cues[0]",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"near": ["a", "b"], "weight": 1}]}},
            "topics.t.cues[0].within",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"near": ["a", "b"], "within": "ten", "weight": 1}]}},
            "topics.t.cues[0].within",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["@nope"], "weight": 1}]}},
            "topics.t.cues[0].any[0]",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": [""], "weight": 1}]}}, "topics.t.cues[0].any[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": 1, "colour": "red"}]}},
            "topics.t.cues[0].colour",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": 1, "zones": ["footer"]}]}},
            "topics.t.cues[0].zones",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": ["x"], "weight": -1}]}}, "topics.t.cues"),
        (
            {"t": {"threshold": 1, "terms": {"a": [3]}, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.terms.a[0]",
        ),
        (
            {"t": {"threshold": 1, "bogus": 1, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.bogus",
        ),
        (
            {"t": {"threshold": 1, "cues": [{"all": ["only-one"], "weight": 1}]}},
            "topics.t.cues[0].all",
        ),
        ({"t": {"threshold": 1, "cues": [{"any": ["*"], "weight": 1}]}}, "topics.t.cues[0].any[0]"),
        (
            {"t": {"threshold": 1, "cues": [{"any": ["a**"], "weight": 1}]}},
            "topics.t.cues[0].any[0]",
        ),
        (
            {"t": {"threshold": 1, "window": -1, "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.window",
        ),
        (
            {"t": {"threshold": 1, "title_alone": "yes", "cues": [{"any": ["x"], "weight": 1}]}},
            "topics.t.title_alone",
        ),
    ],
)
def test_parse_errors_name_file_and_field(tables: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_topics(tables, "conf/monitors.toml")
    msg = str(exc.value)
    assert msg.startswith(f"conf/monitors.toml: {field}:"), msg


def test_topics_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"^m\.toml: topics:"):
        parse_topics(["x"], "m.toml")  # type: ignore[arg-type]


def test_default_rules_parse(default_rules: list[Any]) -> None:
    assert [r.name for r in default_rules] == ["nato-spending", "ukraine-aid"]


# ---------------------------------------------------------------- terms, stems and wildcards


def test_terms_case_insensitive_word_boundary_and_wildcards() -> None:
    rules = parse_topics(one_cue(any=["spend*", "defen?e", "% of gdp"]), "t")
    assert topics_of("", "Allies SPENDING more.", rules) == {"t"}
    assert topics_of("", "The Defense ministry.", rules) == {"t"}
    assert topics_of("", "It reached 3.5% of GDP.", rules) == {"t"}
    assert topics_of("", "Overspend is not a match, nor is defenestration.", rules) == set()


def test_phrase_matches_across_hyphen_but_not_across_paragraphs() -> None:
    rules = parse_topics(one_cue(any=["defence spending"]), "t")
    assert topics_of("", "A defence-spending rise.", rules) == {"t"}
    assert topics_of("", "More defence\n\nspending news.", rules) == set()


def test_all_needs_every_group_in_one_sentence() -> None:
    rules = parse_topics(one_cue(all=["nato", ["budget", "spending"]]), "t")
    assert topics_of("", "NATO agreed a budget.", rules) == {"t"}
    assert topics_of("", "NATO met. The budget was cut.", rules) == set()


def test_none_vetoes_the_sentence() -> None:
    rules = parse_topics(one_cue(any=["gdp"], none=["growth"]), "t")
    assert topics_of("", "GDP growth was 2%.", rules) == set()
    assert topics_of("", "GDP growth was 2%. Spend 2% of GDP.", rules) == {"t"}


# ---------------------------------------------------------------- proximity


def test_proximity_within_n_words() -> None:
    rules = parse_topics(
        one_cue(near=["nato", ["spending", "budget", "gdp", "target"]], within=15), "t"
    )
    assert topics_of("", "NATO leaders on Tuesday agreed a new spending goal.", rules) == {"t"}
    far = "NATO " + "word " * 20 + "spending."
    assert topics_of("", far, rules) == set()
    near_before = "Spending pledges were the main item at the NATO meeting."
    assert topics_of("", near_before, rules) == {"t"}


def test_proximity_with_three_groups() -> None:
    rules = parse_topics(one_cue(near=["sent", "tanks", "ukraine"], within=6), "t")
    assert topics_of("", "Germany sent tanks to Ukraine.", rules) == {"t"}
    assert topics_of("", "Germany sent tanks to Poland.", rules) == set()


# ---------------------------------------------------------------- weights, negatives, threshold


def test_negative_cue_subtracts() -> None:
    tables = {
        "t": {
            "threshold": 2.0,
            "min_sentences": 1,
            "cues": [
                {"name": "pos", "any": ["budget"], "weight": 1.0, "max_hits": 5},
                {"name": "neg", "any": ["stocks"], "weight": -1.0, "max_hits": 5},
            ],
        }
    }
    rules = parse_topics(tables, "t")
    text = "The budget rose. The budget doubled. The budget grew."
    [m] = match_topics("", text, rules)
    assert m.score == pytest.approx(3.0 * 1.5 / 1.5 + 0.5 * 2) or m.score > 2
    assert "pos" in m.rule
    assert topics_of("", text + " Stocks fell. Stocks rose. Stocks were flat.", rules) == set()


def test_title_weighs_more_than_body() -> None:
    tables = {
        "t": {
            "threshold": 2.5,
            "min_sentences": 1,
            "lead_paragraphs": 0,
            "cues": [{"any": ["budget"], "weight": 1.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("Budget day", "Nothing else.", rules) == {"t"}  # 3.0 in the title
    assert topics_of("Day", "The budget.", rules) == set()  # 1.0 in the body


def test_max_hits_saturates_frequency() -> None:
    rules = parse_topics(one_cue(any=["aid"], max_hits=2), "t")
    [m] = match_topics("", "Aid. " * 10, rules)
    assert m.score == pytest.approx(3.0)  # 2 hits x 1.5 (lead)


def test_min_sentences_and_explanation() -> None:
    tables = {
        "t": {
            "threshold": 1.0,
            "min_sentences": 2,
            "cues": [{"name": "kw", "any": ["aid"], "weight": 1.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("", "Aid aid aid.", rules) == set()
    [m] = match_topics("", "Aid arrived.\n\nMore aid later.", rules)
    assert m.topic == "t" and m.terms == ("aid",)
    assert m.sentences == ("Aid arrived.", "More aid later.")
    assert "kw" in m.rule


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


# ---------------------------------------------------------------- headline, short items, window


def test_headline_alone_keeps_a_short_item_unless_contradicted() -> None:
    tables = {
        "t": {
            "threshold": 100.0,
            "title_alone": 2.0,
            "title_veto": 0.5,
            "short_article": 10,
            "cues": [
                {"name": "pos", "any": ["budget"], "weight": 2.0},
                {"name": "neg", "any": ["stocks"], "weight": -1.0},
            ],
        }
    }
    rules = parse_topics(tables, "t")
    [m] = match_topics("Budget rises", "Nothing else here.", rules)
    assert "headline" in m.rule
    assert topics_of("Budget rises", "Stocks fell.", rules) == set()  # contradicted
    assert topics_of("Other news", "The budget rises.", rules) == set()  # not in the headline
    long_body = " ".join(f"Sentence {i} is about weather." for i in range(20))
    assert topics_of("Budget rises", long_body, rules) == set()  # long text never supports it


def test_short_article_lowers_threshold_and_min_sentences() -> None:
    tables = {
        "t": {
            "threshold": 8.0,
            "min_sentences": 3,
            "short_article": 40,
            "lead_paragraphs": 0,
            "cues": [{"any": ["aid"], "weight": 2.0}],
        }
    }
    rules = parse_topics(tables, "t")
    assert topics_of("Aid arrives", "The aid came by road.", rules) == {"t"}  # 6 + 2 >= 4
    long_text = "Aid came. " + " ".join(f"Line {i} says little." for i in range(50))
    assert topics_of("Aid arrives", long_text, rules) == set()  # 3 sentences needed


def test_window_scores_the_best_passage_only() -> None:
    tables = {
        "t": {
            "threshold": 3.0,
            "min_sentences": 1,
            "window": 5,
            "lead_paragraphs": 0,
            "cues": [{"any": ["aid"], "weight": 1.0, "max_hits": 10}],
        }
    }
    rules = parse_topics(tables, "t")
    filler = " ".join(f"Line {i} says little." for i in range(10))
    spread = "\n\n".join(["Aid one.", filler, "Aid two.", filler, "Aid three.", filler])
    together = "\n\n".join(["Aid one. Aid two. Aid three.", filler, filler, filler])
    assert topics_of("", spread, rules) == set()
    [m] = match_topics("", together, rules)
    assert "passage" in m.rule


def test_consecutive_stars_are_rejected_with_a_hint() -> None:
    with pytest.raises(ConfigError, match=r"'\*\*' is the same as '\*'"):
        parse_topics(one_cue(any=["spend**"]), "m.toml")


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


def test_table_rules_split_sentences() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 2.0,
                "min_sentences": 1,
                "cues": [{"name": "pair", "all": ["alpha", "beta"], "weight": 2.0}],
            }
        },
        "test",
    )
    assert topics_of("", "alpha and beta in one sentence", rules) == {"t"}
    assert topics_of("", "alpha news | --- | --- | | beta news", rules) == set()
    assert topics_of("", "alpha news | | beta news", rules) == set()


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


# ------------------------------------------------ feed items: headline-only and short-summary aid


def test_headline_and_lead_are_read_together_for_near() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 1.0,
                "min_sentences": 1,
                "cues": [
                    {"name": "pair", "near": ["shells", "ukraine"], "within": 6, "weight": 1.0}
                ],
            }
        },
        "test",
    )
    # the headline names the subject, the summary the delivery: one passage for 'near'
    assert topics_of("Ukraine war", "Allies promise more shells this winter.", rules) == {"t"}
    # other paragraphs stay apart
    assert (
        topics_of("Ukraine war", "Weather report.\n\nAllies promise more shells.", rules) == set()
    )


def test_short_texts_of_five_or_more_sentences_need_two_evidence_sentences() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 4.0,
                "min_sentences": 3,
                "short_article": 40,
                "cues": [{"name": "b", "any": ["budget"], "weight": 4.0}],
            }
        },
        "test",
    )
    one = "The budget was approved."
    filler = [f"Item {i} covers the local weather." for i in range(6)]
    assert topics_of("News", " ".join([one, *filler[:2]]), rules) == {"t"}  # 3 sentences
    assert topics_of("News", " ".join([one, *filler]), rules) == set()  # 7 sentences, 1 on topic
    assert topics_of("Budget news", " ".join([one, *filler]), rules) == {"t"}  # headline agrees


def test_groups_are_shared_between_cues_and_leading_wildcards_still_match() -> None:
    rules = parse_topics(
        {
            "t": {
                "threshold": 1.0,
                "min_sentences": 1,
                "terms": {"k": ["kyiv", "ukrain*"]},
                "cues": [
                    {"name": "a", "near": ["aid", "@k"], "within": 3, "weight": 1.0},
                    {"name": "b", "near": ["arms", "@k"], "within": 3, "weight": 1.0},
                    {"name": "c", "any": ["?uros"], "weight": 1.0},
                ],
            }
        },
        "test",
    )
    assert rules[0].cues[0].groups[1] is rules[0].cues[1].groups[1]
    [m] = match_topics("", "New aid for Ukraine and arms for Kyiv.", rules)
    assert "a x1" in m.rule and "b x1" in m.rule
    assert topics_of("", "It costs ten euros.", rules) == {"t"}


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
