#!/usr/bin/env python3
"""Print the code's layout: each package, each module with its line count and the first line of
its docstring.  ``docs/design.md`` ("The layout") is this output, and
``tests/test_layout.py`` checks that every module it lists exists and every module is listed.

usage: python scripts/layout.py [--markdown]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flows", "monitors", "reports")


def first_line(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    line = doc.strip().split("\n\n")[0].replace("\n", " ")
    return line.split(". ")[0].rstrip(".") if line else ""


def modules() -> list[Path]:
    """Every module of the three packages, package by package (``__init__`` first)."""
    out = []
    for pkg in PACKAGES:
        paths = sorted((ROOT / pkg).rglob("*.py"), key=lambda p: (p.parent.parts, p.name))
        out += sorted(paths, key=lambda p: (p.parent.as_posix(), p.name != "__init__.py", p.name))
    return out


def layout(markdown: bool) -> str:
    rows = []
    for path in modules():
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        what = first_line(path)
        if path.name == "__init__.py":
            rel = rel.removesuffix("__init__.py")
            if markdown:
                rows.append(f"| **`{rel}`** | | {what} |")
                continue
        rows.append(
            f"| `{rel}` | {lines} | {what} |" if markdown else f"{rel:44} {lines:5}  {what}"
        )
    if markdown:
        rows = ["| module | lines | what it holds |", "| --- | ---: | --- |", *rows]
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--markdown", action="store_true", help="a Markdown table (for docs/design.md)")
    print(layout(ap.parse_args().markdown))


if __name__ == "__main__":
    main()
