"""`newswatch search` and `newswatch export` (issue 17 items 2-3) on a real DuckDB store written
by the Store's own write path, through the real command line in a subprocess."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from monitors.model import Processed, TopicMatch
from monitors.store import search
from monitors.store.db import Store
from tests.factories import article, fig, quote
from tests.test_cli_store import newswatch, one_error_line

DAY1 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _p(slug: str, text: str, *, when: datetime, topic: str = "nato-spending", quotes=(), figs=()):
    topics = (TopicMatch(topic, 9.0, "test rule", ("nato",), ("s",)),)
    return Processed(article(slug, text, when=when), topics, tuple(figs), tuple(quotes))


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.upsert_articles(
            [
                _p(
                    "hegseth-europe",
                    "Hegseth told Europe to spend more. Europe must carry its own defence, "
                    "Hegseth said in Brussels.",
                    when=DAY2,
                    quotes=[quote("Europe must carry its own defence", "Pete Hegseth")],
                ),
                _p(
                    "budget-note",
                    "The finance ministry published a budget note. It mentions Europe once.",
                    when=DAY1,
                    figs=[fig("2% of GDP", 2.0, sentence="Europe spends 2% of GDP on defence.")],
                ),
                _p(
                    "kyiv-aid",
                    "Japan sends generators to Kyiv under an aid package.",
                    when=DAY2,
                    topic="ukraine-aid",
                    quotes=[quote("The aid package will help Europe too", "Yoko Kamikawa")],
                ),
            ],
            DAY2,
        )
    return path


def _search(db: Path, *args: str) -> dict:
    r = newswatch("search", *args, "--json", "--db", str(db), cwd=db.parent)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_better_match_ranks_first_and_the_words_are_marked(store_path: Path) -> None:
    out = _search(store_path, "Hegseth Europe", "--kind", "article")
    hits = out["hits"]
    assert out["terms"] == ["hegseth", "europe"]
    assert [h["title"] for h in hits] == ["Hegseth Europe", "Budget Note"]  # kyiv: no term
    assert hits[0]["score"] > hits[1]["score"]
    assert "**Hegseth**" in hits[0]["marked"] and "**Europe**" in hits[0]["marked"]
    assert hits[0]["source"] == "http://feeds.test/a.xml"  # no feeds row: the feed URL
    assert hits[0]["date"].startswith("2026-11-24")


def test_filters_kind_speaker_topic_since(store_path: Path) -> None:
    quotes = _search(store_path, "Europe", "--speaker", "hegseth")["hits"]
    assert [(h["kind"], h["speaker"]) for h in quotes] == [("quote", "Pete Hegseth")]
    figures = _search(store_path, "Europe", "--kind", "figure")["hits"]
    assert [h["figure"] for h in figures] == ["2% of GDP"]
    aid = _search(store_path, "Europe", "--topic", "ukraine-aid")["hits"]
    assert {h["title"] for h in aid} == {"Kyiv Aid"} and aid
    recent = _search(store_path, "Europe", "--since", "2026-11-22")["hits"]
    assert recent and all(h["date"] >= "2026-11-22" for h in recent)
    assert "Budget Note" not in {h["title"] for h in recent}
    assert len(_search(store_path, "Europe", "--limit", "2")["hits"]) == 2


def test_text_blocks_and_no_match(store_path: Path) -> None:
    r = newswatch("search", "Hegseth", "--db", str(store_path), cwd=store_path.parent)
    assert r.returncode == 0, r.stderr
    first = r.stdout.split("\n\n")[0].splitlines()
    assert first[0].startswith("1. [") and "2026-11-24" in first[0]
    assert "**Hegseth**" in first[1] and first[2].endswith("<https://news.test/hegseth-europe>")
    r = newswatch("search", "zeppelin", "--db", str(store_path), cwd=store_path.parent)
    assert r.returncode == 0 and r.stdout.strip() == "no match for zeppelin"


def test_index_follows_an_updated_article_and_a_rolled_back_batch(store_path: Path) -> None:
    with Store(store_path) as s:
        terms = search.query_terms(s.con, "zeppelin")
        new = _p("budget-note", "Now about a zeppelin.", when=DAY1)
        s.upsert_articles([new], DAY2)  # the text changed: re-indexed in the same transaction
        assert [h.title for h in search.search(s.con, terms, search.SearchFilter())] == [
            "Budget Note"
        ]
        assert search.search(s.con, ["finance"], search.SearchFilter()) == []
        s.con.execute("BEGIN TRANSACTION")
        search.reindex_articles(s.con, [new.article.id])
        s.con.execute("DELETE FROM search_postings")
        s.con.execute("ROLLBACK")  # what an interrupted poll does
        assert search.index_counts(s.con) == (3, 3)
        assert len(search.search(s.con, terms, search.SearchFilter())) == 1


def test_refusals(tmp_path: Path, store_path: Path) -> None:
    r = newswatch("search", "x", "--db", str(tmp_path / "missing.duckdb"), cwd=tmp_path)
    assert r.returncode == 2 and "no such store" in one_error_line(r)
    assert not (tmp_path / "missing.duckdb").exists()
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE t (x INT)").close()
    r = newswatch("export", str(tmp_path / "out"), "--db", str(foreign), cwd=tmp_path)
    assert r.returncode == 2 and "did not create" in one_error_line(r)
    assert not (tmp_path / "out").exists()
    r = newswatch("search", "x", "--topic", "nope", "--db", str(store_path), cwd=tmp_path)
    assert r.returncode == 2 and "no topic 'nope'" in one_error_line(r)
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    r = newswatch("export", str(full), "--db", str(store_path), cwd=tmp_path)
    assert r.returncode == 2 and "not empty" in one_error_line(r)
    assert [p.name for p in full.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_round_trips(tmp_path: Path, store_path: Path, fmt: str) -> None:
    out = tmp_path / "export"
    r = newswatch("export", str(out), f"--{fmt}", "--db", str(store_path), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    tables = ("articles", "article_topics", "figures", "quotes", "spending", "aid")
    assert r.stdout.splitlines() == [f"{out / t}.{fmt}: {n} rows" for t, n in
                                     zip(tables, (3, 3, 1, 2, 1, 0), strict=True)] + [
        str(out / "schema.md"), str(out / "schema.json")]  # fmt: skip
    schema = json.loads((out / "schema.json").read_text())
    con = duckdb.connect(str(store_path), read_only=True)
    for t in schema["tables"][:4]:  # the ledgers: tests/test_export_ledgers.py
        cols = ", ".join(c["name"] for c in t["columns"] if c["name"] != "feed_name")
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        path = str(out / t["file"])
        got = con.execute(f"SELECT {cols} FROM {reader}(?) ORDER BY ALL", [path]).fetchall()
        want = con.execute(f"SELECT {cols} FROM {t['table']} ORDER BY ALL").fetchall()
        assert len(got) == t["rows"] and got == want, t["table"]
    assert "| `speaker` | VARCHAR |" in (out / "schema.md").read_text()
    r = newswatch("export", str(out), "--since", "2026-11-22", "--force", "--db", str(store_path),
                  cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0 and r.stdout.splitlines()[0].endswith(": 2 rows"), r.stdout
