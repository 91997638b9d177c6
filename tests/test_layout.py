"""The layout's guards (issue 13): what each layer may import, and how long a module may grow.

The direction of the data path is the direction of imports: ``ingest`` reads the network,
``nlp`` and ``decide`` are pure, ``store`` only speaks SQL, ``reports`` renders plain data and
``flows`` wires them with Prefect.  A new import across these lines is a design change, made here
on purpose.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 600  # "no module over ~600 lines"
SIZED = ("flows", "monitors", "reports", "tests", "bench", "eval", "scripts")

IO_LIBRARIES = {"httpx", "duckdb", "prefect", "feedparser", "trafilatura", "aiosmtpd"}
# layer (a folder of the repo) -> modules and libraries it must not import
FORBIDDEN = {
    "monitors/nlp": IO_LIBRARIES
    | {"monitors.ingest.fetch", "monitors.store", "monitors.decide", "flows", "reports"},
    "monitors/decide": IO_LIBRARIES
    | {"monitors.ingest.fetch", "monitors.store.db", "monitors.store.migrations", "flows"}
    | {"reports"},
    "monitors/store": {"httpx", "prefect", "feedparser", "monitors.ingest.fetch", "flows"}
    | {"reports"},
    "monitors/ingest": {"duckdb", "prefect", "monitors.store", "flows", "reports"},
    "monitors": {"prefect", "flows", "reports"},
    "reports": {"prefect", "httpx", "duckdb", "monitors.ingest.fetch", "monitors.store.db"}
    | {"flows"},
}


def modules_imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


def violates(module: str, forbidden: set[str]) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    bad = [
        f"{path.relative_to(ROOT)} imports {m}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for m in sorted(modules_imported(path))
        if violates(m, FORBIDDEN[layer])
    ]
    assert bad == []


def test_no_module_is_over_600_lines() -> None:
    paths = [p for d in SIZED for p in (ROOT / d).rglob("*.py")] + [ROOT / "tasks.py"]
    long = {
        str(p.relative_to(ROOT)): n
        for p in paths
        if not any(part.startswith(".venv") for part in p.parts)  # bench/.venv-reader too
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import duckdb\nfrom monitors.store.db import Store\nfrom . import x\n")
    found = modules_imported(src)
    assert found == {"duckdb", "monitors.store.db"}
    assert violates("monitors.store.db", FORBIDDEN["monitors/nlp"])
    assert not violates("monitors.storey", {"monitors.store"})
