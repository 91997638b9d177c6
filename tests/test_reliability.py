"""The fast subset of scripts/reliability.py, for CI: a few kill -9s of a real poll and a real
digest (SMTP to a local sink), concurrent runs on one DuckDB file, and a gzip bomb's memory.

Each case runs the real CLI (``python -m flows.cli``) as a subprocess against a small feed farm
on 127.0.0.1, with one temporary Prefect API server shared by the children.  The full harness
(more kills, a 200-feed farm, the 10,000-feed load run) is ``python scripts/reliability.py``;
its figures are in docs/reliability.md.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import reliability as rel  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with rel.prefect_api() as url:  # PREFECT_HOME as tests/conftest.py sets it
        yield url


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with rel.feed_farm(tmp_path_factory.mktemp("farm"), 40) as listing:
        yield listing


@pytest.fixture(scope="module")
def polled(api: str, farm: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three kills of a poll (then a re-run), on one store; the clean store for later tests."""
    work = tmp_path_factory.mktemp("poll")
    case = rel.poll_kills(api, farm, work, kills=3, rng=random.Random(8), per_round=3)
    return {"case": case, "clean": work / "clean.duckdb"}


def explain(case: rel.Case) -> str:
    return f"{case.name}: " + "; ".join(case.notes)


def test_kill_9_during_poll_loses_and_doubles_nothing(polled: dict) -> None:
    case = polled["case"]
    assert case.tried == 3
    assert case.crashes == 0, explain(case)
    assert case.rows_lost == 0, explain(case)
    assert case.ok, explain(case)


def test_kill_9_during_digest_sends_each_window_once(
    api: str, polled: dict, tmp_path: Path
) -> None:
    case = rel.digest_kills(
        api, polled["clean"], tmp_path, kills=2, rng=random.Random(3), windows=2
    )
    assert case.crashes == 0, explain(case)
    assert case.duplicate_emails == 0, explain(case)
    assert case.ok, explain(case)  # includes: every window ends 'sent' with one Message-ID


@pytest.mark.parametrize(
    "combo", [("poll", "1"), ("digest", "60")], ids=["poll+poll,wait=1s", "poll+digest,wait=60s"]
)
def test_concurrent_runs_wait_or_fail_clearly(
    api: str, farm: Path, polled: dict, tmp_path: Path, combo: tuple[str, str]
) -> None:
    (case,) = rel.concurrent(api, farm, tmp_path, polled["clean"], combos=(combo,))
    assert case.crashes == 0, explain(case)
    assert case.ok, explain(case)
    if combo[1] == "1":
        assert any(rel.LOCK_MESSAGE in n for n in case.notes), explain(case)


def test_gzip_bomb_keeps_memory_bounded(api: str, farm: Path, tmp_path: Path) -> None:
    (case,) = rel.memory(
        api, tmp_path, farm, budget_mb=200.0, bodies=(("gzip bomb", "/gzip-bomb"),)
    )
    assert case.crashes == 0, explain(case)
    assert case.ok, explain(case)
    assert case.peak_rss_mb is not None and case.peak_rss_mb < 600, explain(case)
    assert "body too large" in explain(case)


def test_a_long_feed_list_file_is_polled(api: str, tmp_path: Path) -> None:
    listing = tmp_path / "many.txt"
    # a closed port: every feed fails at once, which is fine; the run itself must complete
    listing.write_text(
        "".join(
            f"http://127.0.0.1:9/feeds/a-rather-long-feed-name-{i:05d}.xml\n" for i in range(6000)
        ),
        encoding="utf-8",
    )
    run = rel.start(
        rel.poll_args(listing, tmp_path / "many.duckdb"), rel.child_env(api), tmp_path / "logs"
    )
    assert run.wait(timeout=600) == 0, run.stderr[-500:]
    assert "poll: 6000 feeds" in run.stdout
