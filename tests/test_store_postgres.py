"""The store on a real PostgreSQL server (issue 19): the same flows, the same stored rows, the
same digest as the DuckDB file; several writers at once without duplicates.

The server is Debian's PostgreSQL, started in a temporary directory by :mod:`tests.pgserver`
(``tasks.py test`` installs the package when it is missing).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import flows  # noqa: F401
from flows.demo.feedserver import FeedServer
from monitors.config import load_config
from monitors.errors import StoreError
from monitors.ingest.fetch import FetchRequest
from monitors.model import FeedConfig
from monitors.store.db import Store
from monitors.store.search import SearchFilter, query_terms, search
from monitors.stream import read_batch
from tests import pgserver
from tests.storedump import TABLES, dump

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
CONFIG = str(ROOT / "monitors.toml")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pg():
    if pgserver.binaries() is None:
        pytest.skip("PostgreSQL is not installed (tasks.py test installs it with apt-get as root)")
    server = pgserver.start()
    yield server
    server.stop()


def sample_feeds(srv: FeedServer, copies: int) -> list[dict[str, str]]:
    names = sorted(p.name for p in (SAMPLES / "feeds").glob("*.xml"))
    return [
        {"name": f"{n} {k}", "url": srv.url(f"/feeds/{n}?copy={k}")}
        for k in range(copies)
        for n in names
    ]


@pytest.mark.slow
def test_poll_and_digest_on_postgres_store_and_show_what_duckdb_does(
    pg: pgserver.PgServer, tmp_path: Path
) -> None:
    from flows.digest import daily_digest
    from flows.poll import poll_feeds

    stores = {"duckdb": str(tmp_path / "nw.duckdb"), "postgres": pg.create_db("flows")}
    pages = {}
    with FeedServer(SAMPLES) as srv:
        feeds = sample_feeds(srv, 3)
        for name, db in stores.items():
            first = poll_feeds(config=CONFIG, db=db, now=NOW, feeds=feeds, allow_private=True)
            assert first["failed"] == 0 and first["kept_new"] > 5 and first["quotes_new"] > 5
            again = poll_feeds(  # every feed again: nothing stored twice
                config=CONFIG, db=db, now=NOW + timedelta(hours=1), feeds=feeds, force=True
            )
            assert again["articles_new"] == 0 and again["figures_new"] == 0
            done = daily_digest(
                config=CONFIG, db=db, now=NOW + timedelta(hours=8), out=str(tmp_path / name)
            )
            assert done["new_figures"] > 0 and done["new_quotes"] > 0
            pages[name] = Path(done["html"]).read_text(encoding="utf-8")
    assert pages["postgres"] == pages["duckdb"]
    duck, post = dump(stores["duckdb"]), dump(stores["postgres"])
    for table in TABLES:
        assert post[table] == duck[table], table
    assert duck["digest_facts"]  # the ledger holds what the page reported, on both

    # the search index: the same documents, ranked the same
    for db in stores.values():
        with Store(db) as store:
            terms = query_terms(store.con, "defence spending GDP")
            assert terms == ["defence", "spending", "gdp"]
            hits = search(store.con, terms, SearchFilter(), limit=5)
            pages[db] = [(h.kind, h.article, h.idx, round(h.score, 6)) for h in hits]
    assert pages[stores["postgres"]] == pages[stores["duckdb"]] and pages[stores["duckdb"]]


def test_writers_at_once_store_each_article_once(pg: pgserver.PgServer) -> None:
    """Three connections store overlapping batches at the same moment: every article once,
    each fact's first-seen time the same on every row of it, counts adding up."""
    url = pg.create_db("writers")
    cfg = load_config(ROOT / "monitors.toml")
    with FeedServer(SAMPLES) as srv:
        names = sorted(p.name for p in (SAMPLES / "feeds").glob("*.xml"))
        feeds = [FeedConfig(f"{n} {k}", srv.url(f"/feeds/{n}?copy={k}")) for k in range(2)
                 for n in names]  # fmt: skip
        read = read_batch(feeds, [FetchRequest(f.url) for f in feeds], cfg.polling, cfg.topics,
                          NOW, lambda ids: {}, allow_private=True, use_pool=False)  # fmt: skip
    batch = read.processed
    assert len({p.article.id for p in batch}) < len(batch)  # the copies share articles
    Store(url).close()  # migrated once, before the race
    counts, errors = [], []
    start = threading.Barrier(3)

    def write(k: int) -> None:
        try:
            with Store(url) as store:
                start.wait()
                counts.append(store.upsert_articles(batch[k::2] + batch[: k + 1], NOW))
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with Store(url) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM articles").fetchall()]
        assert sorted(ids) == sorted({p.article.id for p in batch})
        assert sum(c.new for c in counts) == len(ids)
        [(spread,)] = store.con.execute(
            "SELECT count(*) FROM (SELECT fact_key FROM figures GROUP BY fact_key "
            "HAVING count(DISTINCT first_seen_at) > 1) s"
        ).fetchall()
        assert spread == 0


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError) as e:
        Store("postgresql://nw:s3cret@127.0.0.1:1/newswatch")
    assert "cannot connect to the PostgreSQL store" in str(e.value)
    assert "s3cret" not in str(e.value) and "nw:***@127.0.0.1:1" in str(e.value)
