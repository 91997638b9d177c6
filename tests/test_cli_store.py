"""Which commands may create a store, and the one-line refusals of every other (issue 15).

Each test runs the real command line in a subprocess against a real DuckDB file. Every refusal
here happens before Prefect starts, so these tests are fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from monitors.errors import StoreRefused
from monitors.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.read()
"""
# every command that opens a store, with the arguments it needs besides --db
STORE_COMMANDS = {
    "poll": ["poll"],
    "run": ["run"],
    "digest": ["digest"],
    "feeds": ["feeds"],
    "topics test": ["topics", "test", "nato-spending"],
}
MAY_NOT_CREATE = ["digest", "feeds", "topics test"]


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env["PYTHONPATH"] = str(ROOT)
    env.setdefault("PREFECT_HOME", str(ROOT / ".prefect-test"))
    return env | extra


def newswatch(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(**env),
    )


def one_error_line(r: subprocess.CompletedProcess) -> str:
    """stderr is exactly one ``newswatch: error:`` line (no traceback, nothing else)."""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("newswatch: error: "), r.stderr
    return lines[0]


def foreign_duckdb(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE notes (x INTEGER)")
    con.execute("INSERT INTO notes VALUES (42)")
    con.close()


@pytest.mark.parametrize("command", MAY_NOT_CREATE)
def test_a_missing_store_is_refused_and_not_created(tmp_path: Path, command: str) -> None:
    db = tmp_path / "typo.duckdb"
    r = newswatch(*STORE_COMMANDS[command], "--db", str(db), cwd=tmp_path)
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(db) in line and "no such store" in line
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no store, no .wal, no data/


@pytest.mark.parametrize("command", sorted(STORE_COMMANDS))
def test_a_foreign_duckdb_file_is_refused_and_left_alone(tmp_path: Path, command: str) -> None:
    db = tmp_path / "theirs.duckdb"
    foreign_duckdb(db)
    before = db.read_bytes()
    r = newswatch(*STORE_COMMANDS[command], "--db", str(db), cwd=tmp_path)
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(db) in line and "did not create" in line and "notes" in line
    assert db.read_bytes() == before
    con = duckdb.connect(str(db), read_only=True)
    tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    con.close()
    assert tables == [("notes",)]


@pytest.mark.parametrize("command", ["feeds", "digest"])
def test_a_file_that_is_not_duckdb_is_refused(tmp_path: Path, command: str) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("my notes\n", encoding="utf-8")
    r = newswatch(*STORE_COMMANDS[command], "--db", str(db), cwd=tmp_path)
    assert r.returncode == 2
    assert "not a DuckDB database" in one_error_line(r)
    assert db.read_text(encoding="utf-8") == "my notes\n"


@pytest.mark.parametrize("command", ["poll", "run"])
def test_poll_and_run_refuse_a_missing_directory_without_create(
    tmp_path: Path, command: str
) -> None:
    db = tmp_path / "no" / "such" / "dir" / "x.duckdb"
    r = newswatch(*STORE_COMMANDS[command], "--db", str(db), cwd=tmp_path)
    assert r.returncode == 2
    line = one_error_line(r)
    assert str(db.parent) in line and "--create" in line
    assert not (tmp_path / "no").exists()


def test_lock_held_by_another_process_is_one_line_and_exit_1(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for command in ("digest", "feeds"):
            r = newswatch(
                *STORE_COMMANDS[command], "--db", str(db), cwd=tmp_path, NEWSWATCH_LOCK_WAIT="1"
            )
            assert r.returncode == 1, r.stderr
            assert "Traceback" not in r.stderr
            errors = [x for x in r.stderr.splitlines() if x.startswith("newswatch: error: ")]
            assert len(errors) == 1 and "in use by another" in errors[0] and str(db) in errors[0]
            # besides the error, at most the warning that it is waiting for the other process
            assert all("in use" in x for x in r.stderr.splitlines()), r.stderr
    finally:
        holder.communicate("", timeout=30)


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(tmp_path: Path, where: str) -> None:
    db = tmp_path / "typo.duckdb"
    args = ["feeds", "--db", str(db)]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    r = newswatch(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback (most recent call last)" in r.stderr and "StoreRefused" in r.stderr
    assert r.stderr.splitlines()[-1].startswith("newswatch: error: ")
    assert not db.exists()


def test_store_create_and_make_dirs(tmp_path: Path) -> None:
    with pytest.raises(StoreRefused, match="no such store"):
        Store(tmp_path / "a.duckdb", create=False)
    with pytest.raises(StoreRefused, match="no such directory"):
        Store(tmp_path / "d" / "a.duckdb", make_dirs=False)
    assert list(tmp_path.iterdir()) == []
    Store(tmp_path / "a.duckdb", make_dirs=False).close()  # an existing directory is fine
    Store(tmp_path / "a.duckdb", create=False).close()  # and so is an existing store
    Store(tmp_path / "d" / "a.duckdb").close()  # the library default still makes directories
    assert (tmp_path / "d" / "a.duckdb").exists()


def test_read_only_refuses_a_store_with_an_older_schema(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    last = con.execute("SELECT max(name) FROM schema_migrations").fetchone()
    assert last is not None
    con.execute("DELETE FROM schema_migrations WHERE name = ?", [last[0]])
    con.close()
    with pytest.raises(StoreRefused, match="older than this newswatch"):
        Store(db, read_only=True)
    Store(db).close()  # a writer migrates it
    Store(db, read_only=True).close()
