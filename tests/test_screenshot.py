"""scripts/screenshot_digest renders HTML in headless Chromium at email widths."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_digest"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"
)

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>digest</title>
<style>
  body { margin: 0; background: #ffffff; color: #111111; font: 16px sans-serif; }
  @media (prefers-color-scheme: dark) { body { background: #102030; color: #eeeeee; } }
  .block { height: 900px; background: #2b6cb0; }
</style></head>
<body><table width="100%"><tr><td><h1>Daily digest</h1>
<p>Two figures and one quote. A line long enough to wrap at phone width.</p></td></tr></table>
<div class="block"></div><p>end</p></body></html>
"""


def png_header(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120
    )


def test_script_is_executable_with_a_python_shebang():
    assert SCRIPT.read_text().startswith("#!/usr/bin/env python3\n")
    assert SCRIPT.stat().st_mode & 0o111


@pytest.mark.slow
@needs_chromium
def test_screenshots_at_each_width_full_page(tmp_path):
    html = tmp_path / "digest.html"
    html.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "shots"
    proc = run(html, "--out", out, "--widths", "600,375")
    assert proc.returncode == 0, proc.stderr
    written = [Path(line) for line in proc.stdout.split()]
    assert written == [out / "digest-600.png", out / "digest-375.png"]
    for path, width in zip(written, (600, 375), strict=True):
        w, h = png_header(path)
        assert w == width
        assert h > 900  # the whole page, not just one viewport's worth
        assert path.stat().st_size > 2000


@pytest.mark.slow
@needs_chromium
def test_dark_mode_writes_separate_files(tmp_path):
    html = tmp_path / "digest.html"
    html.write_text(PAGE, encoding="utf-8")
    proc = run(html, "--widths", "375", "--dark")
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "digest-375-dark.png"
    assert proc.stdout.split() == [str(path)]
    assert png_header(path)[0] == 375
    light = run(html, "--widths", "375")
    assert light.returncode == 0, light.stderr
    assert (tmp_path / "digest-375.png").read_bytes() != path.read_bytes()


def test_missing_chromium_exits_2(tmp_path):
    html = tmp_path / "digest.html"
    html.write_text(PAGE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(html)],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert "chromium not found" in proc.stderr
    assert not list(tmp_path.glob("*.png"))
