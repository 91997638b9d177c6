"""``newswatch export`` writes the two ledgers (issue 17 item 3) beside the archive's tables: run
in a subprocess on a real store holding ledger figures, the files read back with DuckDB, checked
against ``newswatch ledger --json`` from the same store and against schema.json."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.test_cli_store import newswatch
from tests.test_ledgers import write_ledger_store


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger_store(tmp_path_factory.mktemp("export-ledger") / "store.duckdb")


def _read(path: Path, fmt: str) -> list[dict]:
    con = duckdb.connect()
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    cur = con.execute(f"SELECT * FROM {reader}(?)", [str(path)])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_both_ledgers_as_flat_rows(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    before = db.stat().st_mtime_ns
    r = newswatch("export", str(out), f"--{fmt}", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert db.stat().st_mtime_ns == before  # read-only: the temporary tables live in memory
    lines = r.stdout.splitlines()
    assert f"{out / 'spending'}.{fmt}: 3 rows" in lines and f"{out / 'aid'}.{fmt}: 4 rows" in lines

    spending = _read(out / f"spending.{fmt}", fmt)
    assert [(x["name"], x["measure"]) for x in spending] == [
        ("NATO", "share_of_gdp"),
        ("Germany", "share_of_gdp"),
        ("Germany", "amount"),
    ]
    de = next(x for x in spending if x["name"] == "Germany" and x["measure"] == "share_of_gdp")
    assert (de["value"], de["unit"], de["kind"], de["year"]) == (
        2.4,
        "percent_gdp",
        "planned",
        2027,
    )
    assert de["previous_value"] == 2.1 and de["previous_url"] == "https://news.test/de-actual"
    assert de["outlet"] == "http://feeds.test/Wire.xml" and de["date"] == date(2026, 11, 26)
    assert de["sentence"].startswith("Germany will spend 2.4% of GDP")
    eur = next(x for x in spending if x["name"] == "Germany" and x["measure"] == "amount")
    assert (eur["value"], eur["unit"], eur["previous_value"]) == (9e10, "EUR", None)
    assert not {x["name"] for x in spending} & {"Japan", "Air Shield Coalition"}

    # the same cells as `newswatch ledger --json` on the same store
    data = json.loads(newswatch("ledger", "--json", "--db", str(db), cwd=tmp_path).stdout)
    cells = [
        (row["name"], c["url"], c["value"])
        for row in data["spending"]["rows"]
        for c in (row["gdp"], row["amount"])
        if c
    ]
    assert [(x["name"], x["url"], x["value"]) for x in spending] == cells
    aid = _read(out / f"aid.{fmt}", fmt)
    entries = [(row["donor"], e["url"]) for row in data["aid"]["rows"] for e in row["entries"]]
    assert [(x["donor"], x["url"]) for x in aid] == entries
    ca = [x for x in aid if x["donor"] == "Canada"]
    assert {x["total"] for x in ca} == {3.5e8} and {x["currency"] for x in ca} == {"USD"}
    assert [x["kind"] for x in ca] == ["military", "humanitarian"]
    eu = [x for x in aid if x["donor"] == "EU"]
    assert {x["total"] for x in eu} == {None} and any(x["cumulative"] for x in eu)
    assert all(x["no_total"].startswith("a source gives a running total") for x in eu)
    proceeds = next(x for x in eu if x["value"] == 7e9)
    assert proceeds["reports"] == 2

    schema = json.loads((out / "schema.json").read_text())
    by_table = {t["table"]: t for t in schema["tables"]}
    assert list(by_table) == ["articles", "article_topics", "figures", "quotes", "spending", "aid"]
    for name, rows in (("spending", spending), ("aid", aid)):
        t = by_table[name]
        assert t["file"] == f"{name}.{fmt}" and t["rows"] == len(rows)
        assert [c["name"] for c in t["columns"]] == list(rows[0])
    types = {c["name"]: c["type"] for c in by_table["spending"]["columns"]}
    assert (types["date"], types["year"], types["value"]) == ("DATE", "INTEGER", "DOUBLE")
    md = (out / "schema.md").read_text()
    assert "## spending (spending." in md and "| `previous_value` | DOUBLE |" in md
    assert "## aid (aid." in md and "| `no_total` | VARCHAR |" in md


def test_since_applies_to_the_ledgers(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "since"
    r = newswatch("export", str(out), "--since", "2026-11-25", "--db", str(db), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    spending = _read(out / "spending.parquet", "parquet")
    # only the day-2 and day-3 reports count: Germany's earlier 2.1 % is outside the window
    de = next(x for x in spending if x["name"] == "Germany" and x["measure"] == "share_of_gdp")
    assert (de["value"], de["previous_value"]) == (2.4, None)
    assert "NATO" not in {x["name"] for x in spending}
    aid = _read(out / "aid.parquet", "parquet")
    assert all(x["date"] >= date(2026, 11, 25) for x in aid) and aid
    assert "Canada" in {x["donor"] for x in aid}
