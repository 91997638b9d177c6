"""The store's DuckDB memory limit ([store] memory_limit): set on a real file, refused clearly
when DuckDB cannot take it, and lifted, not fatal, when a batch needs more."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from monitors.errors import StoreError
from monitors.store.db import Store
from tests.factories import T0, fig, processed, quote


def _setting(store: Store) -> str:
    return store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def _big_batch(n: int = 300) -> list:
    words = 3000  # distinct terms, so the search index of the batch is large
    return [
        processed(
            f"m{i}",
            figures=[fig()],
            quotes=[quote()],
            text=" ".join(f"w{i}x{j}" for j in range(words)),
        )
        for i in range(n)
    ]


def test_the_limit_is_set_after_the_migrations(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        unbounded = _setting(s)
    with Store(tmp_path / "s.duckdb", memory_limit="96MB") as s:
        assert _setting(s) == "91.5 MiB"  # 96,000,000 bytes, as DuckDB prints it
        assert s.memory_limit == "96MB"
    assert unbounded != "91.5 MiB"


def test_a_limit_duckdb_refuses_names_the_store_and_the_setting(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with pytest.raises(StoreError, match=r"s\.duckdb: \[store\] memory_limit '12 parsecs'"):
        Store(db, memory_limit="12 parsecs")
    with Store(db) as s:  # the refused open changed nothing and left the file usable
        assert s.count("articles") == 0


def test_a_batch_that_outgrows_the_limit_is_stored_whole_and_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    batch = _big_batch()
    with Store(tmp_path / "s.duckdb", memory_limit="8MB") as s:
        with caplog.at_level(logging.WARNING, logger="monitors.store.db"):
            counts = s.upsert_articles(batch, T0)
        assert (counts.new, counts.figures_new, counts.quotes_new) == (300, 1, 1)
        assert (s.count("articles"), s.count("figures"), s.count("quotes")) == (300, 300, 300)
        assert s.memory_limit is None and _setting(s) != "7.6 MiB"
        again = s.upsert_articles(batch, T0)  # nothing twice after the retry
        assert (again.new, again.unchanged) == (0, 300)
        assert s.count("articles") == 300
    said = [r.getMessage() for r in caplog.records]
    assert any("upsert_articles needed more than memory_limit 8MB" in m for m in said), said


def test_a_batch_within_the_limit_keeps_it(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb", memory_limit="256MB") as s:
        s.upsert_articles(_big_batch(20), T0)
        assert s.memory_limit == "256MB" and _setting(s) == "244.1 MiB"
        assert s.count("articles") == 20
