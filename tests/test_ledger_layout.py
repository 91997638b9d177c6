"""The digest with its "Ledger changes", full ledgers and charts in headless Chromium (issue 17):
at 375 and 600 px nothing reaches past the viewport, the ledger tables keep usable columns (a
phone stacks them) and every chart is loaded and scaled to the page
(``scripts/screenshot_digest --measure``, as tests/test_layout_widths.py does)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reports.email import inline_css
from reports.render import chart_file, render_email_html, render_html
from tests.test_ledger_section import charts, rows, with_ledgers  # noqa: F401 (rows: fixture)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "screenshot_digest"
CELLS = "table.ledger tr.row > td"
MOVES = ".move"
IMG = "img"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
        reason="chromium is not installed (apt-get install chromium)",
    ),
]


def measure(page: Path, *selectors: str) -> list[dict]:
    args = ["--measure", "--widths", "375,600"]
    for s in selectors:
        args += ["--columns", s]
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), str(page), *args], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_the_ledger_section_tables_and_charts_fit_phone_and_email_widths(
    tmp_path: Path,
    rows: list,  # noqa: F811
) -> None:
    d = with_ledgers(rows, 1.5, 3.5)
    cs = charts(rows)
    for c in cs:  # the archive page's charts, beside it
        (tmp_path / chart_file("digest", c)).write_bytes(c.png)
    archive = tmp_path / "digest.html"
    archive.write_text(render_html(d, charts=cs, stem="digest"), encoding="utf-8")
    email = tmp_path / "email.html"
    html = inline_css(render_email_html(d, charts=cs))
    for c in cs:  # as a mail client shows the inline parts
        html = html.replace(f"cid:{c.name}@newswatch", chart_file("digest", c))
    email.write_text(html, encoding="utf-8")

    for page, what in ((archive, "archive"), (email, "e-mail")):
        for r in measure(page, MOVES, IMG, *([CELLS] if page == archive else [])):
            w = r["width"]
            assert r["n_overflowing"] == 0 and r["scroll_width"] <= w, (what, w, r["overflowing"])
            assert r["columns"][MOVES]["0"] >= min(w, 600) - 60, (what, r)  # full-width lines
            assert min(w, 560) * 0.8 <= r["columns"][IMG]["0"] <= min(w, 560), (what, r)
            if page == archive:
                cols = r["columns"][CELLS]
                if w == 375:  # stacked: every cell as wide as the page
                    assert min(cols.values()) >= 300, r
                else:  # ally, share, amount / donor, amount, kind, source
                    assert min(cols.values()) >= 80, r
