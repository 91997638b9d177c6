"""The digest audit (eval/digest_audit.py) runs in CI on the labelled sets: a digest of real
articles, replayed through the real flows, must not fall below the floors pinned at the
measured blind values (eval/digest_floors.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.digest_audit import FLOORS, check_floors, judge, shown_items, summarise

ROOT = Path(__file__).resolve().parent.parent


def test_the_audit_judges_what_a_reader_sees() -> None:
    page = (
        '<tr class="fact" data-kind="figure" data-key="k1"><td><span class="new">NEW</span> '
        '<span class="val">$1.5bn</span><br><span class="meta">USD 1.5 bn</span></td>'
        "<td>Allies pledged <mark>$1.5bn</mark> for air defence.</td><td>NATO</td>"
        '<td><a href="http://x/audit/000">Wire</a></td></tr>'
        '<blockquote class="fact" data-kind="quote" data-key="q1">“We will keep them '
        'flowing,”<br><span class="src">— <strong>Jane Roe</strong> · '
        '<a href="http://x/audit/000">Wire</a></span></blockquote>'
    )
    text = "T\n\nAllies pledged $1.5bn for air defence. “We will keep them flowing,” Roe said."
    s = text.index("$1.5bn")
    q = text.index("We will")
    label = {
        "path": "p",
        "text": text,
        "figures": [
            {
                "start": s,
                "end": s + 6,
                "value": 1.5e9,
                "low": 1.5e9,
                "high": 1.5e9,
                "unit": "USD",
                "subject": "Germany",
                "subject_alt": [],
                "topic": "ukraine-aid",
                "question": False,
            }
        ],
        "quotes": [{"start": q, "end": q + 24, "speaker": "Jane Roe", "statement": True}],
    }
    items = shown_items(page)
    items[0] |= {"value": 1.5e9, "unit": "USD"}
    judged = judge(items, {"http://x/audit/000": label})
    assert judged[0]["errors"] == ["subject wrong"] and judged[1]["errors"] == []
    summary = summarise(judged)
    assert summary["digest_item_precision"] == 0.5 and summary["figure_subject_wrong"] == 1


def test_floors_are_checked_both_ways() -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    name, f = next(iter(floors.items()))
    ok = {k: v for k, v in f.items()}
    assert check_floors(ok, name) == []
    worse = dict(
        ok,
        digest_item_precision=ok["digest_item_precision"] - 0.01,
        facts_shown_twice=ok["facts_shown_twice"] + 1,
    )
    assert len(check_floors(worse, name)) == 2


@pytest.mark.corpus
@pytest.mark.slow
def test_blind_digest_meets_its_floors(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from eval.digest_audit import main

    code = main(
        [
            str(ROOT / "eval" / "digest_blind_labels.jsonl"),
            "--corpus",
            str(corpus),
            "--floors",
            "--show",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "digest item precision" in out
