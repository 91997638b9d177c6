"""The demo replaces its store on every run: it must never delete a file it did not make."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from monitors.store.db import Store

ROOT = Path(__file__).resolve().parent.parent


def _demo(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "demo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=ROOT,
    )


def test_demo_refuses_to_replace_a_store_it_did_not_make(tmp_path: Path) -> None:
    db = tmp_path / "archive.duckdb"
    Store(db).close()
    before = db.read_bytes()
    r = _demo("--db", str(db), "--out", str(tmp_path / "out"))
    assert r.returncode == 2, r.stderr
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and str(db) in lines[0] and "not made by the demo" in lines[0]
    assert "Traceback" not in r.stderr
    assert db.read_bytes() == before  # untouched
    assert not (tmp_path / "out").exists()


def test_a_marked_demo_store_or_a_missing_file_is_accepted(tmp_path: Path) -> None:
    from flows.demo.run import MARKER, check_demo_store

    check_demo_store(tmp_path / "new.duckdb")  # absent: the demo creates it
    db = tmp_path / "old-demo.duckdb"
    Store(db).close()
    Path(str(db) + MARKER).write_text("made by newswatch demo\n")
    check_demo_store(db)  # an earlier demo's store: replaced
