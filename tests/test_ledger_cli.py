"""``newswatch ledger`` in a subprocess against a real DuckDB store (issue 17 item 1): the text,
JSON and CSV outputs, the read-only open, and the refusals (exit 2, one line, nothing touched)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.test_cli_store import foreign_duckdb, newswatch, one_error_line
from tests.test_ledgers import write_ledger_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger_store(tmp_path_factory.mktemp("ledger") / "store.duckdb")


def test_text_prints_both_ledgers_with_sources(db: Path, tmp_path: Path) -> None:
    r = newswatch("ledger", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("== Defence spending by ally ==\nNATO\n")
    assert "== Aid to Ukraine by donor ==" in r.stdout
    german = r.stdout.split("\nGermany\n", 1)[1].split("\n\n", 1)[0]
    assert "2.4% of GDP" in german and "planned 2027" in german
    assert "    previously  2.1% of GDP" in german and "https://news.test/de-actual" in german
    assert "EUR 90 bn" in german
    assert "Air Shield" not in r.stdout and "no report (31): Belgium, Canada" in r.stdout
    assert "  total USD 350 m (2 reported amounts)" in r.stdout
    assert "  no EUR total: a source gives a running total" in r.stdout
    assert r.stderr == ""


def test_json_and_csv(db: Path, tmp_path: Path) -> None:
    r = newswatch("ledger", "aid", "--json", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["ledger"] == "aid" and [x["donor"] for x in data["rows"]] == ["EU", "Canada"]
    both = json.loads(newswatch("ledger", "--json", "--db", str(db), cwd=tmp_path).stdout)
    assert set(both) == {"spending", "aid"} and len(both["spending"]["rows"]) == 33
    r = newswatch(
        "ledger", "spending", "--csv", "--since", "2026-11-25", "--db", str(db), cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    de = next(x for x in rows if x["name"] == "Germany")
    # since 25 Nov (Brussels time) only the day-2 and day-3 reports count: no previous value
    assert (de["gdp_value"], de["gdp_previous_value"]) == ("2.4", "")
    assert next(x for x in rows if x["name"] == "NATO")["gdp_value"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csv"], "name one ledger"),
        (["aid", "--since", "last week"], "--since: not a date"),
    ],
)
def test_usage_errors_exit_2(db: Path, tmp_path: Path, args: list[str], message: str) -> None:
    r = newswatch("ledger", *args, "--db", str(db), cwd=tmp_path)
    assert r.returncode == 2 and message in one_error_line(r) and r.stdout == ""


def test_a_missing_or_foreign_store_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "typo.duckdb"
    r = newswatch("ledger", "--db", str(missing), cwd=tmp_path)
    assert r.returncode == 2 and "no such store" in one_error_line(r)
    assert not missing.exists()
    theirs = tmp_path / "theirs.duckdb"
    foreign_duckdb(theirs)
    before = theirs.read_bytes()
    r = newswatch("ledger", "spending", "--db", str(theirs), cwd=tmp_path)
    assert r.returncode == 2 and "did not create" in one_error_line(r)
    assert theirs.read_bytes() == before


def test_the_store_is_opened_read_only(db: Path, tmp_path: Path) -> None:
    before = db.stat().st_mtime_ns
    r = newswatch("ledger", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0 and db.stat().st_mtime_ns == before
