"""The daily-digest flow publishes a Prefect table artifact per ledger (issue 17 item 1): the flow
run on Prefect's ephemeral API against a real DuckDB store holding ledger figures, and the
artifacts read back from that API by the flow run's id."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import flows  # noqa: F401
from reports.ledger_tables import AID_COLUMNS, SPENDING_COLUMNS
from tests.factories import T0
from tests.test_flows import CONFIG
from tests.test_ledgers import write_ledger_store

pytestmark = pytest.mark.slow


def _artifacts(flow_run_id: object) -> dict[str, list[dict]]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    out = {}
    for a in found:
        if a.type == "table":  # stored as JSON text
            out[a.key] = json.loads(a.data) if isinstance(a.data, str) else a.data
        else:
            out[a.key] = a.data
    return out


def test_the_digest_run_publishes_both_ledgers_as_table_artifacts(tmp_path: Path) -> None:
    from flows.digest import daily_digest

    db = write_ledger_store(tmp_path / "store.duckdb")
    state = daily_digest(
        config=CONFIG, db=str(db), now=T0 + timedelta(days=5), out=str(tmp_path), return_state=True
    )
    assert state.is_completed(), state
    got = _artifacts(state.state_details.flow_run_id)
    assert {"ledger-spending", "ledger-aid", "digest-summary", "new-figures"} <= set(got)

    spending = got["ledger-spending"]
    assert [(r["name"], r["measure"]) for r in spending] == [
        ("NATO", "share_of_gdp"),
        ("Germany", "share_of_gdp"),
        ("Germany", "amount"),
    ]
    assert all(list(r) == list(SPENDING_COLUMNS) for r in spending)
    de = spending[1]
    assert (de["value"], de["kind"], de["year"], de["date"]) == (2.4, "planned", 2027, "2026-11-26")
    assert (de["previous_value"], de["previous_url"]) == (2.1, "https://news.test/de-actual")
    assert de["sentence"].startswith("Germany will spend 2.4% of GDP")

    aid = got["ledger-aid"]
    assert all(list(r) == list(AID_COLUMNS) for r in aid)
    assert [(r["donor"], r["text"]) for r in aid] == [
        ("EU", "€7bn"),
        ("EU", "€140bn"),
        ("Canada", "US$300m"),
        ("Canada", "US$50m"),
    ]
    assert {r["total"] for r in aid if r["donor"] == "Canada"} == {3.5e8}
    assert aid[1]["cumulative"] is True and aid[1]["total"] is None


def test_the_artifacts_hold_only_what_was_reported_before_the_digest(tmp_path: Path) -> None:
    """A digest run for an earlier ``now`` (a replay) does not show later reports."""
    from flows.digest import daily_digest

    db = write_ledger_store(tmp_path / "store.duckdb")
    state = daily_digest(
        config=CONFIG, db=str(db), now=T0 + timedelta(days=1, hours=12), out=str(tmp_path),
        return_state=True,
    )  # fmt: skip
    got = _artifacts(state.state_details.flow_run_id)
    spending = [(r["name"], r["text"], r["previous_text"]) for r in got["ledger-spending"]]
    assert spending == [("NATO", "3.5% of GDP", None), ("Germany", "2.1% of GDP", None)]
    aid = [(r["donor"], r["text"], r["total"]) for r in got["ledger-aid"]]
    assert aid == [("EU", "€7bn", 7e9), ("Canada", "US$300m", 3e8)]
