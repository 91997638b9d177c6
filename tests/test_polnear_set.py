"""Round 6's blind quote set reads PolNeAR's texts from outside the repository (issue 14):
scripts/polnear_texts.py writes them, eval/quote_sets.py loads them where they are present."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))
import quote_sets as qs  # noqa: E402

ARTICLE = "A headline.\n\nSenator Jane Roe said on Tuesday: \u201cWe will vote no.\u201d\n"


def run_script(source: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    script = ROOT / "scripts" / "polnear_texts.py"
    return subprocess.run(
        [sys.executable, str(script), str(source), str(dest)], capture_output=True, text=True
    )


def polnear_checkout(tmp: Path) -> Path:
    src = tmp / "PolNeAR"
    for split in ("train", "test"):
        (src / "data" / split / "text").mkdir(parents=True)
        (src / "data" / split / "attributions").mkdir(parents=True)
    (src / "data" / "test" / "text" / "nyt_2016-10-01_a-headline.txt").write_text(ARTICLE)
    (src / "data" / "test" / "attributions" / "nyt_2016-10-01_a-headline.ann").write_text("T1\n")
    (src / "data" / "metadata.tsv").write_text("compartment\tfilename\n")
    return src


def test_the_texts_are_copied_and_the_annotations_are_not(tmp_path: Path) -> None:
    dest = tmp_path / "polnear"
    done = run_script(polnear_checkout(tmp_path), dest)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 files" in done.stdout
    assert (dest / "data/test/text/nyt_2016-10-01_a-headline.txt").read_text() == ARTICLE
    assert not list(dest.rglob("*.ann"))


def test_a_checkout_without_texts_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty" / "data").mkdir(parents=True)
    done = run_script(tmp_path / "empty", tmp_path / "out")
    assert done.returncode == 1 and "no PolNeAR texts" in done.stderr


def test_a_label_loads_from_the_polnear_root_with_its_outlet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = polnear_checkout(tmp_path)
    path = "polnear/data/test/text/nyt_2016-10-01_a-headline.txt"
    monkeypatch.setattr(qs, "POLNEAR", root)
    text = qs.load_text(tmp_path / "no-corpus", path)
    start = text.index("We will")
    label = {
        "path": path,
        "sha1": hashlib.sha1(text.encode()).hexdigest(),
        "quotes": [{"start": start, "end": start + 15, "speaker": "Jane Roe"}],
    }
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "x.jsonl").write_text(json.dumps(label) + "\n")
    monkeypatch.setattr(qs, "ROOT", tmp_path)
    monkeypatch.setitem(qs.SETS, "x", "x.jsonl")
    (doc,) = qs.load_set("x", tmp_path / "no-corpus")
    assert doc.outlet == "nytimes.com"
    assert doc.text[doc.quotes[0].start : doc.quotes[0].end] == "We will vote no"


def test_the_set_is_left_out_where_its_texts_are_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(qs.EXTERNAL, "quotes8_blind", tmp_path / "absent")
    assert not qs.available("quotes8_blind")
    monkeypatch.setitem(qs.EXTERNAL, "quotes8_blind", tmp_path)
    assert qs.available("quotes8_blind")  # the label file is in eval/
