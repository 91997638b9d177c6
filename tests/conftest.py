"""Shared fixtures. Prefect runs on a project-local PREFECT_HOME with telemetry off."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.prefectserver import CommandFailed, Prefect, running_server

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PREFECT_HOME", str(ROOT / ".prefect-test"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")

CORPUS = Path(os.environ.get("NEWSWATCH_CORPUS", ROOT.parent / "shared" / "corpus"))
DATA = ROOT / "tests" / "data"


@pytest.fixture
def corpus() -> Path:
    """The shared corpus, read in place; tests using it are marked `corpus` and skip without it."""
    if not (CORPUS / "articles").is_dir():
        pytest.skip(
            f"corpus tests need ../shared/corpus (looked in {CORPUS}); "
            f"set NEWSWATCH_CORPUS to point elsewhere"
        )
    return CORPUS


@pytest.fixture(scope="session")
def corpus_texts() -> list[tuple[Path, str]]:
    """Every article of the shared corpus (corpus/articles: .md, .html, .html.gz) with its text,
    read once per session: loading costs ~18 s and several whole-corpus checks share it."""
    if not (CORPUS / "articles").is_dir():
        pytest.skip(
            f"corpus tests need ../shared/corpus (looked in {CORPUS}); "
            f"set NEWSWATCH_CORPUS to point elsewhere"
        )
    from monitors.ingest.articles import load_article

    paths = sorted(
        p for p in (CORPUS / "articles").rglob("*") if p.name.endswith((".md", ".html", ".html.gz"))
    )
    return [(p, load_article(p).full_text) for p in paths]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[Prefect]:
    """A real ``prefect server start`` (tests/prefectserver.py) for the ``server`` tests."""
    try:
        with running_server(tmp_path) as cli:
            yield cli
    except CommandFailed as e:
        pytest.fail(str(e))
