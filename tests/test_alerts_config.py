"""``[[alerts]]`` in monitors.toml (issue 17, point 4): the shipped file has no rule on, its
commented example parses once uncommented, and a bad rule is a ConfigError naming the file,
the rule (index and name) and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitors.config import load_config
from monitors.decide.alerts import AlertRule, Speaker
from monitors.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = (ROOT / "monitors.toml").read_text(encoding="utf-8")


def with_rules(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "monitors.toml"
    path.write_text(rules + "\n" + SHIPPED, encoding="utf-8")  # top-level keys come first
    return path


def test_the_shipped_config_raises_no_alert() -> None:
    assert load_config(ROOT / "monitors.toml").alerts == ()


def test_the_commented_example_parses_once_uncommented(tmp_path: Path) -> None:
    lines = SHIPPED.splitlines()
    start = lines.index("# [[alerts]]")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("# --- feeds:"))
    example = "\n".join(re.sub(r"^# ?", "", line) for line in lines[start:end])
    rules = load_config(with_rules(tmp_path, example)).alerts
    assert rules == (
        AlertRule("big-aid", "figure", unit="USD", min=1e9, topic="ukraine-aid"),
        AlertRule("gdp-share-changed", "gdp-change"),
        AlertRule(
            "watched-speakers",
            "quote",
            speakers=(Speaker("Pete Hegseth", ("Hegseth",)), Speaker("Mark Rutte")),
        ),
    )
    assert [r.event for r in rules] == [
        "newswatch.alert.figure",
        "newswatch.alert.gdp-change",
        "newswatch.alert.quote",
    ]


def test_allies_and_subjects_are_kept_canonical(tmp_path: Path) -> None:
    cfg = load_config(
        with_rules(
            tmp_path,
            '[[alerts]]\nname = "de"\nkind = "gdp-change"\n'
            'allies = ["Berlin", "the United States"]\n'
            '[[alerts]]\nname = "any"\nkind = "figure"\nunit = "money"\nsubjects = ["EU"]\n',
        )
    )
    assert cfg.alerts[0].allies == ("Germany", "US")
    assert cfg.alerts[1] == AlertRule("any", "figure", unit="money", subjects=("EU",))


BAD = [
    ("alerts = 3", "alerts: must be an array of tables ([[alerts]])"),
    ('[[alerts]]\nkind = "figure"', "alerts[0].name: missing"),
    ('[[alerts]]\nname = "big aid"\nkind = "quote"', "alerts[0] (big aid).name: letters, digits"),
    ('[[alerts]]\nname = "x"', "alerts[0] (x).kind: must be one of figure, gdp-change, quote"),
    ('[[alerts]]\nname = "x"\nkind = "figures"', "alerts[0] (x).kind: must be one of"),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "USD"\nspeakers = ["A B"]',
        "alerts[0] (x).speakers: unknown field (expected one of kind, min, name, subjects, "
        "topic, unit)",
    ),
    ('[[alerts]]\nname = "x"\nkind = "figure"', "alerts[0] (x).unit: missing"),
    ('[[alerts]]\nname = "x"\nkind = "figure"\nunit = "usd"', "alerts[0] (x).unit: an ISO 4217"),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "USD"\nmin = -1',
        "alerts[0] (x).min: must be a number >= 0",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "USD"\nmin = "1bn"',
        "alerts[0] (x).min: must be a number >= 0",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "money"\nmin = 1e9',
        "alerts[0] (x).min: needs one currency",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "USD"\ntopic = "weather"',
        "alerts[0] (x).topic: not a configured topic (one of nato-spending, ukraine-aid), "
        "got 'weather'",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "figure"\nunit = "USD"\nsubjects = "US"',
        "alerts[0] (x).subjects: must be a list of non-empty strings",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "gdp-change"\nallies = ["Japan"]',
        "alerts[0] (x).allies: 'Japan' is not a row of the spending ledger",
    ),
    ('[[alerts]]\nname = "x"\nkind = "quote"', "alerts[0] (x).speakers: must be a non-empty list"),
    (
        '[[alerts]]\nname = "x"\nkind = "quote"\nspeakers = [{ aliases = ["Rutte"] }]',
        "alerts[0] (x).speakers[0].name: missing",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "quote"\nspeakers = [{ name = "Rutte", alias = "M" }]',
        "alerts[0] (x).speakers[0].alias: unknown field (expected one of aliases, name)",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "quote"\nspeakers = ["--"]',
        "alerts[0] (x).speakers[0]: '--' has no letters or digits to match",
    ),
    (
        '[[alerts]]\nname = "x"\nkind = "gdp-change"\n[[alerts]]\nname = "y"\nkind = "quote"\n'
        'speakers = ["A B"]\n[[alerts]]\nname = "x"\nkind = "gdp-change"',
        "alerts[2] (x).name: duplicate of alerts[0].name",
    ),
]


@pytest.mark.parametrize(("rules", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_a_bad_rule_names_the_file_the_rule_and_the_field(
    tmp_path: Path, rules: str, message: str
) -> None:
    path = with_rules(tmp_path, rules)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: {message}"), str(e.value)
