"""The run log: one row a poll or digest run, so a run can tell that the one before it was
killed (``running`` still) or interrupted, and say so.

A mixin of :class:`monitors.store.db.Store` (which holds the connection), like
:mod:`monitors.store.digests`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


class RunLog:
    """The ``runs`` table's writes and reads."""

    con: Any  # the Store's DuckDB connection

    def start_run(self, run_id: str, flow: str, now: datetime) -> None:
        self.con.execute(
            "INSERT INTO runs (id, flow, started_at, status) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [run_id, flow, now, "running"],
        )

    def close_interrupted_runs(self, flow: str, now: datetime) -> int:
        """Mark runs of ``flow`` still 'running' as 'interrupted' and say how many there were.

        Only one process writes the store at a time, so at the start of a run any run still
        'running' was killed before it finished."""
        n = self.con.execute(
            "SELECT count(*) FROM runs WHERE flow = ? AND status = 'running'", [flow]
        ).fetchone()[0]
        if n:
            self.con.execute(
                "UPDATE runs SET status = 'interrupted', finished_at = ? "
                "WHERE flow = ? AND status = 'running'",
                [now, flow],
            )
        return n

    def last_run_status(self, flow: str) -> str | None:
        """The status of the latest finished run of ``flow`` (None before the first).  Run ids
        end in the real UTC start time, so they sort in the order the runs happened."""
        row = self.con.execute(
            "SELECT status FROM runs WHERE flow = ? AND status <> 'running' "
            "ORDER BY id DESC LIMIT 1",
            [flow],
        ).fetchone()
        return row[0] if row else None

    def finish_run(self, run_id: str, now: datetime, status: str, counts: dict[str, Any]) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
            [now, status, json.dumps(counts, default=str), run_id],
        )

    def run_counts(self, pattern: str) -> list[dict[str, Any]]:
        """The recorded counts of the finished (``ok``) runs whose id is LIKE ``pattern``
        (the shards of a sharded poll: ``"<parent id> shard %"``), in id order."""
        rows = self.con.execute(
            "SELECT counts FROM runs WHERE id LIKE ? AND status = 'ok' ORDER BY id", [pattern]
        ).fetchall()
        return [json.loads(r[0]) for r in rows if r[0]]

    def note_progress(self, run_id: str, counts: dict[str, Any]) -> None:
        """Record a running run's counts so far (a shard run records them after each batch,
        so a restarted shard can carry on from them)."""
        self.con.execute(
            "UPDATE runs SET counts = ? WHERE id = ?", [json.dumps(counts, default=str), run_id]
        )

    def recorded_counts(self, run_id: str) -> dict[str, Any] | None:
        """The counts recorded for ``run_id`` (None when it has no row or none yet)."""
        row = self.con.execute("SELECT counts FROM runs WHERE id = ?", [run_id]).fetchone()
        return json.loads(row[0]) if row and row[0] else None
