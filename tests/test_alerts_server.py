"""Alerts end to end on a real Prefect server, as docs/alerts.md sets them up.

`prefect server start` (the fixture of tests/test_server.py), a webhook sink on 127.0.0.1, the
shipped automation (`python -m flows.alerts webhook URL --out FILE`, then `prefect automation
create --from-file FILE`), and `newswatch poll` in a subprocess on a loopback feed whose
article pledges $2.5 billion and quotes a watched speaker: the webhook receives one call per
alert.  Polling again (the article re-fetched with new text, and a second outlet's copy of the
same facts) raises nothing; a poll after the alerts' records were lost (a crash between the
emit and the record) raises the same events again, with the same ids, and Prefect drops them:
still one call per fact.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.demo.feedserver import FeedServer
from monitors.decide.alerts import event_id
from tests import test_server as srv
from tests.prefectserver import COMMAND_TIMEOUT, Prefect

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent

RULES = """
[[alerts]]
name = "big-aid"
kind = "figure"
unit = "USD"
min = 1_000_000_000
topic = "ukraine-aid"

[[alerts]]
name = "brenner"
kind = "quote"
speakers = [{ name = "Karl Brenner", aliases = ["Brenner"] }]
"""

ITEM = """
  <item>
    <title>{title}</title>
    <link>http://newswatch.sample/alerts/{slug}</link>
    <guid isPermaLink="false">{slug}</guid>
    <pubDate>Fri, 20 Nov 2026 10:15:00 +0000</pubDate>
    <description><![CDATA[<p>BERLIN – Germany will send Ukraine a new military aid package worth
    $2.5 billion, the defence ministry said on Friday, including air defence systems and
    artillery ammunition.</p><p>Defence Minister Karl Brenner said: "Ukraine needs air defence
    now, and Germany will deliver it before the winter."</p><p>{extra}</p>]]></description>
  </item>"""


def write_feed(root: Path, items: list[dict[str, str]]) -> None:
    body = "".join(ITEM.format(**i) for i in items)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    (root / "feeds" / "alerts.rss").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Alert Test Wire</title><link>http://newswatch.sample/alerts/</link>"
        f"<description>Invented stories.</description>{body}\n</channel></rss>\n",
        encoding="utf-8",
    )


FIRST = {
    "title": "Germany pledges $2.5 billion in military aid to Ukraine",
    "slug": "germany-aid",
    "extra": "The package is the largest German military aid pledge to Ukraine this year.",
}


def poll(cli: Prefect, cfg: Path, db: Path, feeds: Path) -> str:
    env = cli.env | {"PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "flows.cli", "poll", "--config", str(cfg), "--db", str(db)]
    done = subprocess.run(
        [*cmd, "--feeds", str(feeds), "--force"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def recorded(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT rule, fact, kind, event_id FROM alerts ORDER BY rule").fetchall()
    finally:
        con.close()


def stored_alert_events(cli: Prefect) -> list[dict]:
    r = httpx.post(
        f"{cli.api}/events/filter",
        json={"filter": {"event": {"prefix": ["newswatch.alert."]}}, "limit": 50},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["events"]


def raised(cli: Prefect) -> list[str]:
    """The poll runs' "raised N alerts" log lines, oldest first."""
    logs = cli.post("/logs/filter", {"sort": "TIMESTAMP_ASC", "limit": 200})
    return [log["message"] for log in logs if log["message"].startswith("raised ")]


def wait_for(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_a_big_aid_figure_alerts_once_through_the_shipped_automation(
    prefect_server: Prefect, tmp_path: Path
) -> None:
    started = time.monotonic()
    cli = prefect_server
    cfg, db = tmp_path / "monitors.toml", tmp_path / "newswatch.duckdb"
    cfg.write_text((ROOT / "monitors.toml").read_text(encoding="utf-8") + RULES, encoding="utf-8")
    root = tmp_path / "site"
    write_feed(root, [FIRST])
    calls: list[str] = []
    with srv.webhook(calls) as url, FeedServer(root) as feeds:
        feed_list = tmp_path / "feeds.txt"
        feed_list.write_text(feeds.url("feeds/alerts.rss") + "\n", encoding="utf-8")
        automation = tmp_path / "automation.yaml"
        made = subprocess.run(
            [sys.executable, "-m", "flows.alerts", "webhook", url, "--out", str(automation)],
            cwd=ROOT,
            env=cli.env | {"PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
        )
        assert made.returncode == 0, made.stderr
        assert "WEBHOOK_BLOCK_ID" not in automation.read_text(encoding="utf-8")
        assert "Created automation 'newswatch-alerts'" in cli.run(
            "automation", "create", "--from-file", str(automation)
        )

        # 1. the first poll: one call per alert (the figure, the quote)
        out = poll(cli, cfg, db, feed_list)
        assert "1 new article (1 kept)" in out, out
        polled = time.monotonic()
        assert wait_for(lambda: len(calls) >= 2, 45), f"webhook calls: {calls}"
        latency = time.monotonic() - polled
        bodies = {b["event"]: b for b in map(json.loads, calls)}
        assert set(bodies) == {"newswatch.alert.figure", "newswatch.alert.quote"}, calls
        figure = bodies["newswatch.alert.figure"]
        assert figure["payload"]["text"] == "$2.5 billion"
        assert figure["payload"]["unit"] == "USD" and figure["payload"]["value"] == 2.5e9
        assert figure["payload"]["subject"] == "Germany"
        assert figure["payload"]["title"] == FIRST["title"]
        assert figure["payload"]["url"].endswith("/alerts/germany-aid")
        assert figure["payload"]["source"] == "Alert Test Wire"
        assert figure["summary"] == "$2.5 billion (Germany)"
        fact = figure["payload"]["fact_key"]
        assert figure["resource"] == f"newswatch.figure.{fact}"
        assert figure["id"] == str(event_id("big-aid", fact))
        quote = bodies["newswatch.alert.quote"]
        assert quote["payload"]["speaker"] == "Karl Brenner"
        assert quote["payload"]["text"].startswith("Ukraine needs air defence now")
        rows = recorded(db)
        assert [(r[0], r[2]) for r in rows] == [("big-aid", "figure"), ("brenner", "quote")]
        assert rows[0][1:] == (fact, "figure", figure["id"])

        # 2. the article re-fetched with new text, and a second outlet's copy: no new alert
        second = {"title": "German arms package for Kyiv announced", "slug": "berlin-arms"}
        write_feed(
            root,
            [
                FIRST | {"extra": "Deliveries are due to begin in December, officials said."},
                second | {"extra": "Officials in Kyiv welcomed the German package on Friday."},
            ],
        )
        out = poll(cli, cfg, db, feed_list)
        assert "1 new article (1 kept)" in out, out
        con = duckdb.connect(str(db), read_only=True)
        refetched = con.execute(
            "SELECT count(*) FROM articles WHERE text LIKE '%Deliveries are due%'"
        ).fetchone()[0]
        con.close()
        assert refetched == 1, "the first article was not re-fetched with its new text"
        assert recorded(db) == rows
        assert raised(cli) == ["raised 2 alerts"]  # the second poll raised none

        # 3. the records lost (as after a crash between emit and record): the same events
        # are raised again, with the same ids, and the server drops them
        con = duckdb.connect(str(db))
        con.execute("DELETE FROM alerts")
        con.close()
        poll(cli, cfg, db, feed_list)
        assert recorded(db) == rows
        assert raised(cli) == ["raised 2 alerts", "raised 2 alerts"]
        time.sleep(max(5.0, 3 * latency))
        assert wait_for(lambda: len(stored_alert_events(cli)) >= 2, 20)
        events = stored_alert_events(cli)
    assert len(calls) == 2, calls
    assert sorted(e["id"] for e in events) == sorted(b["id"] for b in bodies.values())
    assert time.monotonic() - started < 150
