"""Alert matching (issue 17, point 4): the pure matcher over plain rows, and the whole
decision on a real DuckDB store polled day by day (flows.alerts.find_alerts, the alerts table).
The Prefect side is tested end to end in tests/test_alerts_server.py."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb

from flows.alerts import ALERT_LOOKBACK, find_alerts
from monitors.config import Config
from monitors.decide.alerts import (
    AlertRule,
    Speaker,
    event_id,
    match_alerts,
    short,
    speaker_matches,
)
from monitors.store.alerts import alerted, record_alerts
from monitors.store.db import Store
from monitors.store.migrations import MIGRATIONS
from tests.factories import T0, fig_row, quote_row
from tests.test_ledgers import AID, SPENDING

BIG_AID = AlertRule("big-aid", "figure", unit="USD", min=1e9, topic="ukraine-aid")
AID_SENTENCE = "Germany will send Ukraine a new military aid package worth {text}, officials said."


def aid_row(key: str, text: str, value: float, unit: str = "USD", url: str = "https://a.test/1"):
    return replace(
        fig_row(key, "Wire", url, text=text, subject="Germany", value=value, unit=unit),
        sentence=AID_SENTENCE.format(text=text),
    )


TOPICS = {"https://a.test/1": ("ukraine-aid",), "https://a.test/2": ("ukraine-aid",)}


def test_a_figure_rule_takes_its_unit_size_and_topic_only() -> None:
    rows = [
        aid_row("big", "$2.5 billion", 2.5e9),
        aid_row("small", "$500 million", 5e8),
        aid_row("euro", "€2 billion", 2e9, unit="EUR"),
        replace(aid_row("asked", "$3 billion", 3e9), question=True),  # a reporter's question
        replace(  # a big dollar figure not about aid to Ukraine
            aid_row("gdp", "$4 trillion", 4e12),
            sentence="Germany's economy is worth $4 trillion, the statistics office said.",
        ),
    ]
    alerts = match_alerts([BIG_AID], rows, [], article_topics=TOPICS)
    assert [a.fact for a in alerts] == ["big"]
    a = alerts[0]
    assert (a.rule, a.kind, a.event, a.name) == (
        "big-aid",
        "figure",
        "newswatch.alert.figure",
        "$2.5 billion (Germany)",
    )
    assert a.resource_id == "newswatch.figure.big"
    assert a.payload["text"] == "$2.5 billion" and a.payload["value"] == 2.5e9
    assert a.payload["url"] == "https://a.test/1" and a.payload["sentence"].startswith("Germany")
    # no minimum, any currency: the euro amount too; a subject filter folds 'Berlin' to Germany
    anything = AlertRule("any", "figure", unit="money", subjects=("Berlin",))
    assert {a.fact for a in match_alerts([anything], rows, [])} == {"big", "small", "euro", "gdp"}
    assert match_alerts([replace(anything, subjects=("France",))], rows, []) == []


def test_the_same_fact_alerts_once_from_its_first_report_and_never_again() -> None:
    later = replace(
        aid_row("big", "$2.5 billion", 2.5e9, url="https://a.test/2"),
        first_seen_at=T0 + timedelta(hours=1),
    )
    first = aid_row("big", "$2.5 billion", 2.5e9)
    alerts = match_alerts([BIG_AID], [later, first], [], article_topics=TOPICS)
    assert [(a.fact, a.article) for a in alerts] == [("big", "https://a.test/1")]
    # in one article the body's sentence stands for the fact, not the headline's
    headline = replace(
        first,
        idx=0,
        sentence="Germany pledges $2.5 billion to Ukraine",
        article_title="Germany pledges $2.5 billion to Ukraine",
    )
    body = replace(first, idx=1)
    (alert,) = match_alerts([BIG_AID], [headline, body], [], article_topics=TOPICS)
    assert alert.payload["sentence"] == body.sentence
    done = [("big-aid", "big")]
    assert match_alerts([BIG_AID], [later, first], [], article_topics=TOPICS, alerted=done) == []
    # another rule on the same fact is another alert, with its own event id
    other = replace(BIG_AID, name="any-aid", min=None)
    both = match_alerts([BIG_AID, other], [first], [], article_topics=TOPICS, alerted=done)
    assert [a.rule for a in both] == ["any-aid"]
    assert both[0].event_id == event_id("any-aid", "big") != event_id("big-aid", "big")
    assert event_id("big-aid", "big") == event_id("big-aid", "big")  # stable across runs
    assert isinstance(event_id("big-aid", "big"), uuid.UUID)


def test_a_watched_speaker_matches_by_name_or_alias_as_whole_words() -> None:
    hegseth = Speaker("Pete Hegseth", ("Hegseth",))
    rutte = Speaker("Mark Rutte")
    assert speaker_matches("Pete Hegseth", hegseth)
    assert speaker_matches("Defense Secretary Pete Hegseth", hegseth)
    assert speaker_matches("HEGSETH", hegseth)  # the alias, case folded
    assert not speaker_matches("Hegsethson", hegseth)
    assert not speaker_matches(None, hegseth)
    assert speaker_matches("NATO Secretary General Mark Rutte", rutte)
    assert not speaker_matches("Rutte", rutte)  # a surname alone only when it is an alias
    assert not speaker_matches("Mark Carney", rutte)


def test_a_quote_rule_alerts_on_the_watched_speakers_quotes() -> None:
    rule = AlertRule("rutte", "quote", speakers=(Speaker("Mark Rutte"),))
    quotes = [
        quote_row("q1", "Wire", "https://a.test/1", text="We must spend more, and faster."),
        quote_row("q2", "Wire", "https://a.test/2", speaker="Pete Hegseth"),
        quote_row("q3", "Wire", "https://a.test/3", speaker=None),
    ]
    alerts = match_alerts([rule], [], quotes)
    assert [a.fact for a in alerts] == ["q1"]
    assert alerts[0].event == "newswatch.alert.quote"
    assert alerts[0].resource_id == "newswatch.quote.q1"
    assert alerts[0].payload["speaker"] == "Mark Rutte"
    assert alerts[0].payload["watched"] == "Mark Rutte"
    assert alerts[0].name == "Mark Rutte: “We must spend more, and faster.”"
    # a topic: only quotes in articles kept for it
    on_topic = replace(rule, topic="nato-spending")
    assert match_alerts([on_topic], [], quotes, article_topics=TOPICS) == []
    kept = {"https://a.test/1": ("nato-spending",)}
    assert [a.fact for a in match_alerts([on_topic], [], quotes, article_topics=kept)] == ["q1"]


def test_a_long_label_is_cut_at_a_word() -> None:
    text = (
        "We will stand with Ukraine for as long as it takes, whatever the cost, said the minister"
    )
    assert short(text) == "We will stand with Ukraine for as long as it takes…"  # no "whate…"
    assert short("  Short   enough ") == "Short enough"


RULES = (
    BIG_AID,
    AlertRule("gdp", "gdp-change"),
    AlertRule("gdp-france", "gdp-change", allies=("France",)),
)


def poll_day_by_day(db: Path, rules: tuple[AlertRule, ...] = RULES) -> list:
    """Store the ledger stories one by one at their publication time, as polls would, and
    after each let flows.alerts.find_alerts decide and the store record (what the task does
    around the Prefect events)."""
    cfg = Config(source="test", feeds=(), topics=(), alerts=rules)
    raised = []
    with Store(db) as s:
        for p in sorted(SPENDING + AID, key=lambda p: p.article.published_at):
            when = p.article.published_at
            s.upsert_articles([p], when)
            found = find_alerts(s, cfg, when)
            record_alerts(s.con, found, when)
            raised += found
    return raised


def test_on_a_real_store_an_allys_share_of_gdp_changing_alerts_once(tmp_path: Path) -> None:
    raised = poll_day_by_day(tmp_path / "a.duckdb")
    gdp = [a for a in raised if a.kind == "gdp-change"]
    # Germany went from 2.1 % (day 0) to 2.4 % (day 2, confirmed on day 3: no second alert);
    # NATO's 3.5 % has no previous value; France is never reported
    assert [(a.rule, a.name) for a in gdp] == [("gdp", "Germany: 2.1% of GDP → 2.4% of GDP")]
    p = gdp[0].payload
    assert p["ally"] == "Germany" and p["value"] == 2.4 and p["previous"]["value"] == 2.1
    # the payload's kind is the alert's, as for every alert; the ledger measure has its own key
    assert p["kind"] == "gdp-change" and p["measure"] in ("actual", "planned", "target")
    assert p["url"].endswith("/de-raise") and p["previous"]["url"].endswith("/de-actual")
    assert gdp[0].resource_id == f"newswatch.figure.{p['fact_key']}"
    # the big aid figures, once each: none below USD 1 bn, none in euros
    assert sorted(a.payload["text"] for a in raised if a.rule == "big-aid") == ["$1.5bn", "$2bn"]
    con = duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True)
    rows = con.execute("SELECT rule, fact, event_id FROM alerts ORDER BY raised_at").fetchall()
    con.close()
    assert sorted(rows) == sorted((a.rule, a.fact, str(a.event_id)) for a in raised)


def test_a_second_pass_and_a_new_rule_do_not_replay_old_facts(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    poll_day_by_day(db)
    cfg = Config(source="test", feeds=(), topics=(), alerts=RULES)
    last = max(p.article.published_at for p in SPENDING + AID)
    with Store(db) as s:
        assert find_alerts(s, cfg, last) == []  # everything recent was recorded
        assert len(alerted(s.con, ["big-aid", "gdp"])) == 3
        # a rule added later alerts on facts first seen in the last 24 hours only
        anything = Config(
            source="test", feeds=(), topics=(), alerts=(AlertRule("all", "figure", unit="money"),)
        )
        late = find_alerts(s, anything, last)
        first_seen = dict(
            s.con.execute(
                "SELECT fact_key, min(first_seen_at) FROM figures GROUP BY fact_key"
            ).fetchall()
        )
        assert late, "the last day's figures alert for the new rule"
        assert all(first_seen[a.fact] >= last - ALERT_LOOKBACK for a in late)
        older = {k for k, t in first_seen.items() if t < last - ALERT_LOOKBACK}
        assert older and not older & {a.fact for a in late}
        assert find_alerts(s, anything, last + ALERT_LOOKBACK + timedelta(hours=1)) == []


def test_the_alerts_migration_is_recorded_and_recording_twice_keeps_one_row(
    tmp_path: Path,
) -> None:
    assert "0010_alerts" in [name for name, _ in MIGRATIONS]
    db = tmp_path / "m.duckdb"
    alert = match_alerts(
        [BIG_AID], [aid_row("big", "$2.5 billion", 2.5e9)], [], article_topics=TOPICS
    )
    with Store(db) as s:
        assert "0010_alerts" in s.applied_migrations()
        record_alerts(s.con, alert, T0)
        record_alerts(s.con, alert, T0 + timedelta(hours=1))  # a re-raised alert
        assert s.con.execute("SELECT count(*), min(raised_at) FROM alerts").fetchone() == (1, T0)
    with Store(db) as s:  # reopened: nothing applied again
        assert s.migrate() == []
        assert alerted(s.con, ["big-aid"]) == {("big-aid", "big")}
