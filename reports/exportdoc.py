"""The ``schema.md`` and ``schema.json`` that ``newswatch export`` writes beside the tables
(pure: what was written in, text out)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from monitors.store.export import Written


def schema_json(written: Sequence[Written], fmt: str, since: datetime | None) -> str:
    return (
        json.dumps(
            {
                "format": fmt,
                "since": since.isoformat() if since else None,
                "tables": [
                    {
                        "table": w.table,
                        "file": w.path.name,
                        "rows": w.rows,
                        "row": w.row_is,
                        "columns": [
                            {"name": c.name, "type": c.type, "meaning": c.meaning}
                            for c in w.columns
                        ],
                    }
                    for w in written
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def schema_md(written: Sequence[Written], fmt: str, since: datetime | None) -> str:
    window = (
        f"articles published (else first seen) since {since.isoformat()}"
        if since
        else ("the whole archive")
    )
    out = [
        "# newswatch export",
        "",
        f"Format: {fmt}; {window}. Times are UTC. Join the tables on `articles.id` = "
        "`article_topics.article` = `figures.article` = `quotes.article`. The ledgers "
        "(`spending`, `aid`) are built by `newswatch ledger`'s rules from the figures of the "
        "same window (the latest value within it); their `article` is `articles.id` and "
        "their `fact_key` is `figures.fact_key`.",
    ]
    for w in written:
        out += ["", f"## {w.table} ({w.path.name}, {w.rows} rows)", "", f"One row: {w.row_is}.", ""]
        out += ["| column | type | meaning |", "| --- | --- | --- |"]
        out += [f"| `{c.name}` | {c.type} | {c.meaning} |" for c in w.columns]
    return "\n".join(out) + "\n"
