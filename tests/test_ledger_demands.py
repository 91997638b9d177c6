"""A demand made of others is not a ledger value (the Feb 2025 wire-copy audit, issue 17).

The one wrong row of that audit was "US: 5% of GDP", read from a sentence saying the US president
wants the allies to be spending 5% of *their* GDP; the same copy has "the president's demand to
lift the NATO target to 5% of GDP from 2%", where only the 2% is the alliance's target.  The
sentences here are written for the test (no corpus text), with the same shapes."""

from __future__ import annotations

from pathlib import Path

from monitors.decide.ledgers import aid_ledger, spending_ledger
from monitors.store.db import Store
from monitors.store.ledgers import ledger_figures
from tests.factories import T0
from tests.test_ledgers import figure, story

STORIES = [
    story(
        "us-plan",
        0,
        "nato-spending",
        figure(
            "5% of GDP",
            5.0,
            "percent_gdp",
            "US",
            "A senator laid out a plan to raise U.S. military spending to 5% of GDP.",
        ),
    ),
    story(
        "us-demand",
        1,
        "nato-spending",
        figure(
            "5 percent of their GDP",
            5.0,
            "percent_gdp",
            "US",
            "The president told NATO members he wants them to be spending 5 percent of their GDP.",
        ),
        figure(
            "4.7% of GDP",
            4.7,
            "percent_gdp",
            "Poland",
            "Poland wants its defence budget to reach 4.7% of GDP this year.",
        ),
    ),
    story(
        "nato-demand",
        2,
        "nato-spending",
        figure(
            "5% of GDP",
            5.0,
            "percent_gdp",
            "NATO",
            "Analysts noted the president's demand to lift the NATO spending target to 5% of GDP "
            "from 2%.",
        ),
        figure(
            "2%",
            2.0,
            "percent_gdp",
            "NATO",
            "Analysts noted the president's demand to lift the NATO spending target to 5% of GDP "
            "from 2%.",
        ),
    ),
    story(
        "eu-asked",
        1,
        "ukraine-aid",
        figure(
            "€5bn",
            5e9,
            "EUR",
            "EU",
            "Kyiv urged the EU to provide €5bn more in military aid for Ukraine this spring.",
        ),
        figure(
            "€2bn",
            2e9,
            "EUR",
            "EU",
            "The EU pledged €2bn in military aid for Ukraine on Monday.",
        ),
    ),
]


def rows(tmp_path: Path):
    db = tmp_path / "demands.duckdb"
    with Store(db) as s:
        for p in STORIES:
            s.upsert_articles([p], p.article.published_at or T0)
    with Store(db, read_only=True) as s:
        return ledger_figures(s.con)


def test_a_demand_of_others_is_not_the_demanders_share(tmp_path: Path) -> None:
    ledger = {r.name: r for r in spending_ledger(rows(tmp_path))}
    us = ledger["US"]
    # the later "wants them to be spending 5 percent of their GDP" is left out: the plan stays
    assert us.gdp is not None and us.gdp.url.endswith("/us-plan") and us.gdp.kind == "planned"
    assert us.gdp_previous is None
    # "wants its budget to reach" is the subject's own plan, not a demand of others
    pl = ledger["Poland"]
    assert pl.gdp is not None and pl.gdp.value == 4.7 and pl.gdp.url.endswith("/us-demand")


def test_a_demanded_target_is_not_the_alliances_target(tmp_path: Path) -> None:
    nato = {r.name: r for r in spending_ledger(rows(tmp_path))}["NATO"]
    # "demand to lift the target to 5% ... from 2%": the target is still 2%
    assert nato.gdp is not None and (nato.gdp.value, nato.gdp.kind) == (2.0, "target")
    assert nato.gdp.url.endswith("/nato-demand") and nato.gdp_previous is None


def test_an_amount_urged_on_a_donor_is_not_its_pledge(tmp_path: Path) -> None:
    eu = {r.donor: r for r in aid_ledger(rows(tmp_path))}["EU"]
    assert [(e.cell.value, e.cell.kind) for e in eu.entries] == [(2e9, "military")]
