"""Archive files: atomic, and readable as a web server publishing ``archive_url`` needs them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.archive import write_digest


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_archive_files_honour_the_umask(tmp_path: Path, umask: None, mask: int, mode: int) -> None:
    os.umask(mask)
    html, text = write_digest(tmp_path / "out", "2026-12-06", "<p>x</p>", "x")
    assert html.read_text() == "<p>x</p>" and text.read_text() == "x"
    assert {stat.S_IMODE(p.stat().st_mode) for p in (html, text)} == {mode}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2026-12-06.html",
        "2026-12-06.txt",
    ]  # no temporary file left behind


def test_a_rewrite_replaces_the_file_and_keeps_the_mode(tmp_path: Path, umask: None) -> None:
    os.umask(0o022)
    write_digest(tmp_path, "d", "old", "old")
    html, _ = write_digest(tmp_path, "d", "new", "new")
    assert html.read_text() == "new"
    assert stat.S_IMODE(html.stat().st_mode) == 0o644
