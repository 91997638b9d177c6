"""The ledgers (issue 17 item 1) built from a real DuckDB store written by the Store class from
real-looking Processed rows: one row per ally, latest value wins, previous value kept, doubtful
subjects left out, aid kinds and totals, and the CSV/JSON shapes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitors.decide.ledgers import (
    aid_ledger,
    aid_names,
    figure_year,
    spending_ledger,
    spending_names,
)
from monitors.model import Figure, Processed, TopicMatch
from monitors.nlp.actors import canonical_actor
from monitors.store.db import Store
from monitors.store.ledgers import ledger_figures
from reports import ledgers as out
from tests.factories import T0, article


def figure(text: str, value: float, unit: str, subject: str | None, sentence: str, **kw) -> Figure:
    low, high = kw.pop("low", value), kw.pop("high", value)
    start = sentence.find(text)
    return Figure(
        text=text,
        value=value,
        low=low,
        high=high,
        unit=unit,
        subject=subject,
        sentence=sentence,
        start=start,
        end=start + len(text),
        sentence_start=0,
        **kw,
    )


def story(slug: str, day: int, topic: str, *figures: Figure, feed: str = "Wire") -> Processed:
    """An article published ``day`` days after T0 whose text holds the figures' sentences."""
    text = " ".join(f.sentence for f in figures)
    a = article(slug, text, when=T0 + timedelta(days=day), feed=f"http://feeds.test/{feed}.xml")
    return Processed(a, (TopicMatch(topic, 9.0, "r", ("t",), ("s",)),), tuple(figures), ())


SPENDING = [
    story(
        "de-actual",
        0,
        "nato-spending",
        figure(
            "2.1% of GDP",
            2.1,
            "percent_gdp",
            "Germany",
            "Germany will spend 2.1% of GDP on defence next year.",
        ),
    ),
    story(
        "de-raise",
        2,
        "nato-spending",
        figure(
            "2.4% of GDP",
            2.4,
            "percent_gdp",
            "Berlin",
            "Berlin will raise defence spending to 2.4% of GDP next year, the ministry said.",
        ),
    ),
    story(
        "de-confirm",
        3,
        "nato-spending",
        figure(
            "2.4% of GDP",
            2.4,
            "percent_gdp",
            "Germany",
            "Germany will spend 2.4% of GDP on defence next year, officials confirmed.",
        ),
        figure(
            "€90bn",
            9e10,
            "EUR",
            "Germany",
            "The defence budget will reach €90bn, the finance ministry said.",
        ),
    ),
    story(
        "nato-target",
        1,
        "nato-spending",
        figure(
            "3.5% of GDP",
            3.5,
            "percent_gdp",
            "the alliance",
            "The alliance agreed to spend 3.5% of GDP on core defence by 2035.",
        ),
    ),
    story(
        "no-subject",
        4,
        "nato-spending",
        figure("9% of GDP", 9.0, "percent_gdp", None, "Defence spending will rise to 9% of GDP."),
    ),
    story(
        "not-a-member",
        4,
        "nato-spending",
        figure(
            "7% of GDP",
            7.0,
            "percent_gdp",
            "Air Shield Coalition",
            "The Air Shield Coalition will spend 7% of GDP on defence.",
        ),
        figure(
            "6% of GDP",
            6.0,
            "percent_gdp",
            "Japan",
            "Japan will raise defence spending to 6% of GDP, allies heard.",
        ),
    ),
]

AID = [
    story(
        "ca-interceptors",
        0,
        "ukraine-aid",
        figure(
            "US$300m",
            3e8,
            "USD",
            "Canada",
            "Canada will pay for US$300m of air-defence interceptors for Ukraine.",
        ),
    ),
    story(
        "ca-energy",
        2,
        "ukraine-aid",
        figure(
            "US$50m",
            5e7,
            "USD",
            "Ottawa",
            "Ottawa pledged US$50m in humanitarian aid to Ukraine for winter shelters.",
        ),
        feed="Other",
    ),
    story(
        "eu-proceeds",
        1,
        "ukraine-aid",
        figure(
            "€7bn",
            7e9,
            "EUR",
            "EU",
            "The EU released €7bn for Ukraine from the proceeds of immobilised Russian assets.",
        ),
    ),
    story(
        "eu-proceeds-copy",
        2,
        "ukraine-aid",
        figure(
            "€7 billion",
            7e9,
            "EUR",
            "Brussels",
            "Brussels released €7 billion for Ukraine from frozen Russian assets on Tuesday.",
        ),
        feed="Other",
    ),
    story(
        "eu-running-total",
        3,
        "ukraine-aid",
        figure(
            "€140bn",
            1.4e11,
            "EUR",
            "EU",
            "The EU approved new aid for Ukraine, bringing its total support to €140bn.",
        ),
    ),
    story(
        "coalition",
        1,
        "ukraine-aid",
        figure(
            "$1.5bn",
            1.5e9,
            "USD",
            "Air Shield Coalition",
            "The Air Shield Coalition pledged $1.5bn for Ukraine's air defence.",
        ),
        figure(
            "$2bn",
            2e9,
            "USD",
            "Ukraine",
            "Ukraine needs $2bn in military aid from partners next month.",
        ),
    ),
]


def write_ledger_store(db: Path) -> Path:
    """A real store holding the SPENDING and AID stories, each stored at its publication."""
    with Store(db) as s:
        for p in SPENDING + AID:
            s.upsert_articles([p], p.article.published_at or T0)
    return db


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return write_ledger_store(tmp_path / "ledger.duckdb")


def read_rows(db: Path, since: datetime | None = None):
    with Store(db, read_only=True) as s:
        return ledger_figures(s.con, since)


def test_the_tables_name_known_actors_and_the_32_members() -> None:
    names = spending_names()
    assert names[0] == "NATO" and len(names) == 33 and len(set(names)) == 33
    assert all(canonical_actor(n) == n for n in names + aid_names())
    assert "Ukraine" not in aid_names() and "Russia" not in aid_names()
    assert canonical_actor("Washington") == "US" and "US" in names


def test_one_row_per_ally_latest_wins_previous_kept(store_path: Path) -> None:
    rows = {r.name: r for r in spending_ledger(read_rows(store_path))}
    assert list(rows) == list(spending_names())
    de = rows["Germany"]
    assert de.gdp is not None and de.gdp.value == 2.4  # the latest report wins
    assert de.gdp.url.endswith("/de-confirm") and de.gdp.kind == "planned"
    assert de.gdp.year == T0.year + 1 and de.gdp.date == (T0 + timedelta(days=3)).date()
    assert "officials confirmed" in (de.gdp.sentence or "")
    # 2.4 was first reported on day 2 (confirmed on day 3); before that it was 2.1
    assert de.gdp_previous is not None and de.gdp_previous.value == 2.1
    assert de.gdp_previous.url.endswith("/de-actual")
    assert de.amount is not None and de.amount.value == 9e10 and de.amount.unit == "EUR"
    assert de.amount_previous is None
    nato = rows["NATO"]
    assert nato.gdp is not None and (nato.gdp.kind, nato.gdp.year) == ("target", 2035)
    assert nato.gdp_previous is None
    assert rows["France"].gdp is None and rows["France"].amount is None


def test_doubtful_subjects_are_left_out(store_path: Path) -> None:
    spending = spending_ledger(read_rows(store_path))
    values = {r.gdp.value for r in spending if r.gdp} | {
        r.gdp_previous.value for r in spending if r.gdp_previous
    }
    assert values == {2.4, 2.1, 3.5}  # not 9 (no subject), 7 (coalition), 6 (Japan)
    donors = {r.donor for r in aid_ledger(read_rows(store_path))}
    assert donors == {"EU", "Canada"}  # not the coalition, not Ukraine


def test_aid_kinds_one_entry_per_fact_and_totals(store_path: Path) -> None:
    rows = {r.donor: r for r in aid_ledger(read_rows(store_path))}
    ca = rows["Canada"]
    assert [(e.cell.value, e.cell.kind) for e in ca.entries] == [
        (3e8, "military"),
        (5e7, "humanitarian"),
    ]
    assert ca.totals == {"USD": 3.5e8} and ca.no_total == {}
    eu = rows["EU"]
    assert [(e.cell.value, e.reports, e.cumulative) for e in eu.entries] == [
        (7e9, 2, False),  # two outlets, one fact, first report shown
        (1.4e11, 1, True),
    ]
    assert eu.entries[0].cell.kind == "financial"
    assert eu.entries[0].cell.url.endswith("/eu-proceeds")
    assert eu.totals == {} and "running total" in eu.no_total["EUR"]


def test_since_leaves_out_earlier_reports(store_path: Path) -> None:
    since = T0 + timedelta(days=2) - timedelta(hours=1)
    rows = {r.name: r for r in spending_ledger(read_rows(store_path, since))}
    assert rows["Germany"].gdp.value == 2.4 and rows["Germany"].gdp_previous is None
    assert rows["NATO"].gdp is None
    aid = aid_ledger(read_rows(store_path, since))
    assert [(r.donor, e.cell.value) for r in aid for e in r.entries] == [
        ("EU", 7e9),  # only its day-2 copy is left
        ("EU", 1.4e11),
        ("Canada", 5e7),
    ]
    assert aid[0].entries[0].cell.url.endswith("/eu-proceeds-copy")


def test_until_leaves_out_later_reports(store_path: Path) -> None:
    """What a digest for an earlier ``now`` publishes: nothing reported at or after it."""
    with Store(store_path, read_only=True) as s:
        rows = ledger_figures(s.con, until=T0 + timedelta(days=2))
    spending = {r.name: r for r in spending_ledger(rows)}
    assert spending["Germany"].gdp.value == 2.1 and spending["Germany"].amount is None
    assert spending["NATO"].gdp.value == 3.5
    aid = aid_ledger(rows)
    assert [(r.donor, e.cell.value) for r in aid for e in r.entries] == [
        ("EU", 7e9),
        ("Canada", 3e8),
    ]


def test_csv_and_json_shapes(store_path: Path) -> None:
    figures = read_rows(store_path)
    spending, aid = spending_ledger(figures), aid_ledger(figures)
    table = list(csv.DictReader(io.StringIO(out.spending_csv(spending))))
    assert len(table) == 33 and list(table[0]) == out.SPENDING_CSV
    de = next(r for r in table if r["name"] == "Germany")
    assert (de["gdp_value"], de["gdp_previous_value"], de["amount_unit"]) == ("2.4", "2.1", "EUR")
    assert de["gdp_url"].startswith("https://news.test/")
    assert next(r for r in table if r["name"] == "France")["gdp_value"] == ""
    lines = list(csv.DictReader(io.StringIO(out.aid_csv(aid))))
    assert list(lines[0]) == out.AID_CSV and len(lines) == 4
    ca = [r for r in lines if r["donor"] == "Canada"]
    assert {r["total"] for r in ca} == {"350000000.0"}
    data = json.loads(out.to_json(out.spending_data(spending)))
    row = next(r for r in data["rows"] if r["name"] == "Germany")
    assert row["gdp"]["value"] == 2.4 and row["gdp_previous"]["value"] == 2.1
    assert set(row["gdp"]) == {*out.CELL_FIELDS, "low", "high", "qualifier", "title", "sentence"}
    aid_data = json.loads(out.to_json(out.aid_data(aid)))
    assert [r["donor"] for r in aid_data["rows"]] == ["EU", "Canada"]
    assert aid_data["rows"][1]["totals"] == {"USD": 3.5e8}


def test_target_year_ignores_a_past_year() -> None:
    d = datetime(2026, 11, 24, tzinfo=UTC).date()
    s = "NATO's old guideline of 2% of GDP, agreed in 2014, now looks modest."
    assert figure_year(s, d, "target") is None
    assert figure_year("a 2027 budget that sets spending at 4.8%", d, "planned") == 2027
    assert figure_year("spent 1.9% last year", d, "actual") == 2025
