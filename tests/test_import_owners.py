"""Each outside library enters through one module (in the manner of reader's
test_lazy_imports.py): a new import of it elsewhere is a design change, made here on purpose."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flows", "monitors", "reports")

OWNERS = {
    "feedparser": {"monitors/ingest/parse.py"},
    "httpx": {"monitors/ingest/fetch.py"},
    "duckdb": {"monitors/store/db.py", "monitors/store/migrations.py", "monitors/store/memory.py"},
    "psycopg": {"monitors/store/postgres.py"},  # the shared PostgreSQL store (issue 19)
    "jinja2": {"reports/render.py"},
    "trafilatura": {"monitors/ingest/text.py"},
    "yaml": {"monitors/ingest/articles.py"},
    "css_inline": {"reports/email.py"},
    "aiosmtpd": {"flows/demo/smtpsink.py"},
    "prefect_email": {"flows/digest.py"},
    # Prefect is the wiring: only flows/ (never monitors/ or reports/); flows/interrupt.py starts
    # Prefect's temporary API server so that Ctrl-C does not reach it
    "prefect": {
        "flows/digest.py",
        "flows/poll.py",
        "flows/shards.py",  # a sharded poll starts and watches its poll-shard runs
        "flows/backfill.py",
        "flows/interrupt.py",
        "flows/logs.py",
        "flows/alerts.py",  # the poll's alert events (emit_event) and their automation's setup
        "flows/local_runs.py",  # no heartbeats for runs against the ephemeral API
    },
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


def test_each_outside_library_is_imported_only_by_its_owner() -> None:
    seen: dict[str, set[str]] = {lib: set() for lib in OWNERS}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            for lib in imports_of(path) & set(OWNERS):
                seen[lib].add(rel)
    assert seen == OWNERS


def test_no_module_imports_another_modules_private_names() -> None:
    bad = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ImportFrom)
                    and node.module
                    and node.module.split(".")[0] in PACKAGES
                ):
                    bad += [
                        f"{path.relative_to(ROOT)}: {node.module}.{a.name}"
                        for a in node.names
                        if a.name.startswith("_")
                    ]
    assert sorted(set(bad)) == []
