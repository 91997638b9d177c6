#!/usr/bin/env python3
"""Write PolNeAR's article texts where eval/quote_sets.py reads them (issue 14's round-6 set).

PolNeAR (https://github.com/networkdynamics/PolNeAR) is 1,008 articles of US election coverage
(2016) by seven publishers.  ``eval/quotes8_blind_labels.jsonl`` labels 42 of them (our own
labellers, who read only the texts: PolNeAR's attribution annotations are not used), by offsets
into ``load_article(<root>/data/<split>/text/<name>.txt).full_text``; no text is stored in this
repository.  This copies ``data/{train,dev,test}/text/*.txt`` and ``data/metadata.tsv`` from a
PolNeAR checkout (a work tree, or a bare git directory: read with ``git show``) into ``DEST``
(default: ``$NEWSWATCH_POLNEAR`` or ``../polnear`` beside this checkout).

usage: python scripts/polnear_texts.py SOURCE [DEST]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "eval"))
from quote_sets import POLNEAR

WANTED = ("data/train/text/", "data/dev/text/", "data/test/text/")


def listing(source: Path) -> list[str]:
    if (source / "data").is_dir():
        return [
            str(p.relative_to(source)) for p in sorted((source / "data").rglob("*")) if p.is_file()
        ]
    out = subprocess.run(
        ["git", "--git-dir", str(source), "ls-tree", "-r", "--name-only", "HEAD"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout.splitlines()


def read(source: Path, name: str) -> bytes:
    if (source / "data").is_dir():
        return (source / name).read_bytes()
    return subprocess.run(
        ["git", "--git-dir", str(source), "show", f"HEAD:{name}"], check=True, capture_output=True
    ).stdout


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    source = Path(argv[0])
    dest = Path(argv[1]) if len(argv) > 1 else POLNEAR
    names = [
        n for n in listing(source)
        if (n.startswith(WANTED) and n.endswith(".txt")) or n == "data/metadata.tsv"
    ]  # fmt: skip
    if not names:
        print(f"{source}: no PolNeAR texts (data/<split>/text/*.txt) found", file=sys.stderr)
        return 1
    for n in names:
        target = dest / n
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(read(source, n))
    print(f"wrote {len(names)} files under {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
