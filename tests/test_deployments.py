"""prefect.yaml against the flows, without a server: every flow has a deployment whose
entrypoint imports, and every deployment's parameters validate against its flow."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pytest
import yaml
from prefect import Flow
from prefect.exceptions import ParameterTypeError
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema

import flows
from flows.params import check_date_range

ROOT = Path(__file__).resolve().parent.parent
SPEC = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
DEPLOYMENTS = {d["name"]: d for d in SPEC["deployments"]}

# what an operator passes at run time on top of the deployment's own parameters
RUN_PARAMETERS: dict[str, dict[str, Any]] = {
    "poll-feeds": {
        "feeds": [{"url": "https://example.org/feed.xml", "name": "Example"}],
        "db": "data/newswatch.duckdb",
        "allow_private": False,
        "force": True,
        "now": "2026-11-20T18:00:00+00:00",
    },
    "daily-digest": {
        "out": "data/digests",
        "now": "2026-11-21T06:00:00Z",
        "smtp_block": "newswatch-smtp",
    },
    "run": {"force": True},
    "poll-shard": {
        "shard": 1,
        "shards": 3,
        "run": "poll-2026-11-20T18:00:00+00:00",
        "db": "postgresql://newswatch@db.example/newswatch",
        "now": "2026-11-20T18:00:00+00:00",
        "feeds_file": "feeds.txt",
    },
    "backfill": {"start": "2026-11-01", "end": "2026-11-21", "send": False},
}


def all_flows() -> dict[str, Flow]:
    """Every Prefect flow defined in a module of the flows package, by function name."""
    found: dict[str, Flow] = {}
    for info in pkgutil.iter_modules(flows.__path__):
        module = importlib.import_module(f"flows.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, Flow) and obj.fn.__module__ == module.__name__:
                found[obj.fn.__name__] = obj
    return found


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_the_flows_are_the_ones_we_expect() -> None:
    assert set(all_flows()) == {"poll_feeds", "poll_shard", "daily_digest", "run_all", "backfill"}


def test_every_flow_has_a_deployment_whose_entrypoint_imports(in_repo: Path) -> None:
    by_entrypoint: dict[str, str] = {}
    for name, dep in DEPLOYMENTS.items():
        path, func = dep["entrypoint"].split(":")
        assert (in_repo / path).is_file(), f"{name}: {path} does not exist"
        loaded = load_flow_from_entrypoint(dep["entrypoint"], use_placeholder_flow=False)
        assert isinstance(loaded, Flow), name
        by_entrypoint[func] = name
    missing = set(all_flows()) - set(by_entrypoint)
    assert not missing, f"flows without a deployment in prefect.yaml: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(DEPLOYMENTS))
def test_deployment_parameters_validate(name: str, in_repo: Path) -> None:
    dep = DEPLOYMENTS[name]
    flow = load_flow_from_entrypoint(dep["entrypoint"], use_placeholder_flow=False)
    params = dict(dep.get("parameters") or {})
    # as the server does when the deployment is created (required ones come at run time)...
    schema = parameter_schema(flow).model_dump_for_openapi()
    unknown = set(params) - set(schema["properties"])
    assert not unknown, f"{name}: parameters the flow does not take: {sorted(unknown)}"
    jsonschema.validate(params, {**schema, "required": []})
    # ... and as the engine does when a run starts, with what an operator would pass
    run = params | RUN_PARAMETERS[name]
    jsonschema.validate(run, schema)
    flow.validate_parameters(run)
    assert (in_repo / params["config"]).is_file()


def test_deployments_share_one_process_pool_and_run_one_at_a_time() -> None:
    assert set(DEPLOYMENTS) == {"poll-feeds", "poll-shard", "daily-digest", "run", "backfill"}
    # a sharded poll's children: their own pool, no one-at-a-time limit, never scheduled
    deployments = dict(DEPLOYMENTS)
    shard = deployments.pop("poll-shard")
    assert shard["work_pool"]["name"] == "newswatch-shards"
    assert "concurrency_limit" not in shard and shard["schedules"] == []
    for name, dep in deployments.items():
        assert dep["work_pool"]["name"] == "newswatch", name
        env = dep["work_pool"]["job_variables"]["env"]
        assert set(env["PREFECT_LOGGING_EXTRA_LOGGERS"].split(",")) == {"monitors", "reports"}
        assert dep["concurrency_limit"]["limit"] == 1, name
    assert DEPLOYMENTS["poll-feeds"]["schedules"] == [
        {"interval": 1800, "timezone": "Europe/Brussels"}
    ]
    assert DEPLOYMENTS["daily-digest"]["schedules"] == [
        {"cron": "0 7 * * *", "timezone": "Europe/Brussels"}
    ]
    assert DEPLOYMENTS["backfill"]["schedules"] == []
    assert DEPLOYMENTS["run"]["schedules"] == []
    # the worker runs the flows in the checkout the deployment was made from
    (step,) = SPEC["pull"]
    assert step == {
        "prefect.deployments.steps.set_working_directory": {"directory": "{{ checkout.stdout }}"}
    }
    assert SPEC["build"][0]["prefect.deployments.steps.run_shell_script"]["id"] == "checkout"


@pytest.mark.parametrize(
    ("flow_name", "params", "message"),
    [
        ("backfill", {"start": "2026-13-01", "end": "2026-11-21"}, "start"),
        ("backfill", {"start": "2026-11-01"}, "end"),
        ("poll_feeds", {"allow_private": "perhaps"}, "allow_private"),
        ("poll_feeds", {"feeds": "https://example.org/feed.xml"}, "feeds"),
        ("daily_digest", {"now": "yesterday-ish"}, "now"),
    ],
)
def test_a_bad_parameter_is_refused_before_the_run_starts(
    flow_name: str, params: dict, message: str
) -> None:
    flow = all_flows()[flow_name]
    with pytest.raises(ParameterTypeError, match=message):
        flow.validate_parameters(params)
    schema = parameter_schema(flow).model_dump_for_openapi()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(params, schema, format_checker=jsonschema.FormatChecker())


def test_date_range_checks() -> None:
    assert check_date_range(date(2026, 2, 27), date(2026, 3, 2)) == [
        date(2026, 2, 27),
        date(2026, 2, 28),
        date(2026, 3, 1),
        date(2026, 3, 2),
    ]
    assert check_date_range(date(2026, 1, 1), date(2026, 12, 31))[-1] == date(2026, 12, 31)
    with pytest.raises(ValueError, match=r"start \(2026-03-02\) is after end \(2026-02-27\)"):
        check_date_range(date(2026, 3, 2), date(2026, 2, 27))
    with pytest.raises(ValueError, match=r"covers 367 days .* at most 366 days"):
        check_date_range(date(2025, 1, 1), date(2026, 1, 2))
    with pytest.raises(ValueError, match="in the future"):
        check_date_range(date(2026, 1, 1), date(2026, 1, 3), today=date(2026, 1, 2))


@pytest.mark.slow
def test_backfill_rejects_a_bad_range_at_once(tmp_path: Path) -> None:
    from flows.backfill import backfill

    db = tmp_path / "nw.duckdb"
    with pytest.raises(ValueError, match="is after end"):
        backfill(
            start=date(2026, 11, 21),
            end=date(2026, 11, 19),
            db=str(db),
            config=str(ROOT / "monitors.toml"),
        )
    with pytest.raises(ValueError, match="at most 366 days"):
        backfill(
            start=date(2024, 1, 1),
            end=date(2026, 1, 1),
            db=str(db),
            config=str(ROOT / "monitors.toml"),
        )
    assert not db.exists(), "a refused backfill must not touch the store"


@pytest.mark.slow
def test_backfill_rerenders_recorded_digests_and_fills_gaps(data_dir: Path, tmp_path: Path) -> None:
    from flows.backfill import backfill
    from flows.demo.feedserver import FeedServer
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    config = str(ROOT / "monitors.toml")
    db, out = tmp_path / "nw.duckdb", tmp_path / "digests"
    with FeedServer(data_dir) as srv:
        poll_feeds(
            config=config,
            db=str(db),
            now=datetime(2026, 11, 20, 18, tzinfo=UTC),
            feeds=[{"name": "Mini", "url": srv.url("feeds/mini.rss")}],
            allow_private=True,
        )
    first = daily_digest(
        config=config, db=str(db), out=str(out), now=datetime(2026, 11, 21, 6, tzinfo=UTC)
    )
    assert first["date"] == "2026-11-21" and first["new_figures"] >= 1
    original = Path(first["html"]).read_text(encoding="utf-8")
    Path(first["html"]).unlink()

    result = backfill(
        start=date(2026, 11, 19),
        end=date(2026, 11, 21),
        config=config,
        db=str(db),
        out=str(out),
        now=datetime(2026, 11, 22, 12, tzinfo=UTC),
    )
    rows = {r["date"]: r for r in result["digests"]}
    assert set(rows) == {"2026-11-19", "2026-11-20", "2026-11-21"}
    # the recorded digest: same window, same facts new, same file, re-written
    assert rows["2026-11-21"]["digest"] == "re-rendered"
    assert rows["2026-11-21"]["new figures"] == first["new_figures"]
    assert rows["2026-11-21"]["html"] == first["html"]
    assert Path(first["html"]).read_text(encoding="utf-8") == original
    # the days before it get the part of their day that no digest covers: no fact twice
    assert rows["2026-11-20"]["digest"] == "new"
    assert rows["2026-11-20"]["window"].endswith("2026-11-20 06:00")
    assert sum(r["new figures"] for r in rows.values()) == first["new_figures"]
    assert all(r["delivery"] == "not sent" for r in rows.values())
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM digests").fetchone()[0] == 3
    finally:
        con.close()
