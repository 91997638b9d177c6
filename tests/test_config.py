from __future__ import annotations

from pathlib import Path

import pytest

from monitors.config import load_config
from monitors.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_default_config_is_valid_and_lists_real_feeds() -> None:
    cfg = load_config(ROOT / "monitors.toml")
    assert len(cfg.feeds) >= 10
    assert all(f.url.startswith("https://") for f in cfg.feeds)
    assert {t.name for t in cfg.topics} == {"nato-spending", "ukraine-aid"}
    assert cfg.digest.timezone == "Europe/Brussels"
    assert cfg.store_path == "data/newswatch.duckdb"
    assert cfg.store_memory_limit == "96MB"


def test_store_url_and_shards_are_read(tmp_path: Path) -> None:
    p = _write(tmp_path, '[store]\nurl = "postgresql://nw@db.example/nw"\n[polling]\nshards = 3\n')
    cfg = load_config(p)
    assert cfg.store_path == "postgresql://nw@db.example/nw" and cfg.polling.shards == 3
    assert cfg.polling.shard_stall_seconds == 900  # the default


def test_store_memory_limit_is_read(tmp_path: Path) -> None:
    p = _write(tmp_path, '[store]\nmemory_limit = " 1.5 GiB "\n')
    assert load_config(p).store_memory_limit == "1.5 GiB"


def _write(tmp_path: Path, text: str) -> Path:
    base = (ROOT / "monitors.toml").read_text(encoding="utf-8")
    topics = base[base.index("[topics.") :] if "[topics." in base else ""
    p = tmp_path / "bad.toml"
    p.write_text(text + "\n" + topics, encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("snippet", "field"),
    [
        ('[[feeds]]\nname = "x"\n', "feeds[0].url: missing"),
        ('[[feeds]]\nname = "x"\nurl = "ftp://example.org/feed"\n', "feeds[0].url"),
        ('[[feeds]]\nname = "x"\nurl = "https://a.example/f"\ncolour = 1\n', "feeds[0].colour"),
        ('[digest]\ntimezone = "Mars/Olympus"\n', "digest.timezone"),
        ('[digest]\nrecipients = ["not-an-address"]\n', "digest.recipients"),
        ("[digest]\nmax_new_figures = 0\n", "digest.max_new_figures"),
        ('[polling]\ntimeout_seconds = "soon"\n', "polling.timeout_seconds"),
        ("[surprise]\n", "surprise: unknown section"),
        ('[store]\nmemory_limit = "lots"\n', "store.memory_limit: must be a size"),
        ("[store]\nmemory_limit = 96\n", "store.memory_limit"),
        ('[store]\nmemory = "1GB"\n', "store.memory: unknown field"),
        ('[store]\nurl = "mysql://db/nw"\n', "store.url: must be a PostgreSQL URL"),
        ('[store]\npath = "a.duckdb"\nurl = "postgresql://db/nw"\n', "store: give path"),
        ("[polling]\nshards = 0\n", "polling.shards: must be an integer >= 1"),
        (
            "[polling]\nshard_stall_seconds = 5\n",
            "polling.shard_stall_seconds: must be an integer >= 10",
        ),
    ],
)
def test_errors_name_file_and_field(tmp_path: Path, snippet: str, field: str) -> None:
    p = _write(tmp_path, snippet)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(p) in str(e.value)
    assert field in str(e.value)


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "broken.toml"
    p.write_text('[digest\ntitle = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml: invalid TOML.*line 1"):
        load_config(p)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
