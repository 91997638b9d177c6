"""Alerts (issue 17): the poll flow's ``raise-alerts`` task, and the setup of the webhook
automation that delivers them (``python -m flows.alerts webhook URL``; docs/alerts.md).

After a poll has stored its batches, the task reads the facts first seen in the last
``ALERT_LOOKBACK`` (from the store, not from this run: a poll that died after storing a batch
leaves its facts for the next poll to alert), matches them against the config's ``[[alerts]]``
(:func:`monitors.decide.alerts.match_alerts`), raises one Prefect event per alert and then
records them in the store's ``alerts`` table.

Delivery is *at least once, deduplicated by event id*: each event's id is derived from the rule
and the fact, the events are handed to Prefect and flushed before they are recorded, so a crash
between the two re-raises the same events (same ids) at the next poll, never loses one.  The
Prefect server's trigger service ignores an event id it has already processed (for 30 minutes:
``PROCESSED_EVENT_LOOKBACK``), and every webhook body carries the id for a receiver to drop a
late duplicate.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.interrupt import shielded
from monitors.config import Config
from monitors.decide.alerts import Alert, match_alerts, needs_ledger
from monitors.decide.ledgers import spending_ledger
from monitors.store.alerts import (
    alerted,
    article_topics,
    recent_figures,
    recent_quotes,
    record_alerts,
)
from monitors.store.db import Store
from monitors.store.ledgers import ledger_figures

ALERT_LOOKBACK = timedelta(hours=24)  # facts first seen longer ago never alert
FLUSH_TIMEOUT = 30.0  # seconds to wait for Prefect to send the events before recording them
ROOT = Path(__file__).resolve().parent.parent
AUTOMATION_FILE = ROOT / "alerts-automation.yaml"
BLOCK_PLACEHOLDER = "WEBHOOK_BLOCK_ID"
DEFAULT_BLOCK = "newswatch-alerts-webhook"


def find_alerts(store: Store, cfg: Config, when: datetime) -> list[Alert]:
    """The alerts not yet raised for the facts first seen in the lookback before ``when``."""
    since = when - ALERT_LOOKBACK
    figures = recent_figures(store.con, since)
    quotes = recent_quotes(store.con, since)
    spending = (
        spending_ledger(ledger_figures(store.con)) if needs_ledger(cfg.alerts, figures) else []
    )
    return match_alerts(
        cfg.alerts,
        figures,
        quotes,
        spending=spending,
        article_topics=article_topics(store.con, [r.article for r in (*figures, *quotes)]),
        alerted=alerted(store.con, [r.name for r in cfg.alerts]),
    )


def emit(alert: Alert) -> bool:
    """Hand one alert to Prefect's events worker; False when no events client is active."""
    from prefect.events import emit_event

    event = emit_event(
        event=alert.event,
        resource={
            "prefect.resource.id": alert.resource_id,
            "prefect.resource.name": alert.name,
            "newswatch.rule": alert.rule,
        },
        related=[
            {
                "prefect.resource.id": f"newswatch.alert-rule.{alert.rule}",
                "prefect.resource.role": "alert-rule",
                "prefect.resource.name": alert.rule,
            },
            {
                "prefect.resource.id": f"newswatch.article.{alert.article}",
                "prefect.resource.role": "article",
                "prefect.resource.name": str(alert.payload.get("title") or alert.article),
            },
        ],
        payload=alert.payload,
        id=alert.event_id,
    )
    return event is not None


def flush_events(timeout: float = FLUSH_TIMEOUT) -> bool:
    """Wait until Prefect's events worker has sent what it was handed; False on timeout."""
    from prefect.events.worker import EventsWorker

    worker = EventsWorker.instance()
    t = threading.Thread(target=worker.wait_until_empty, name="newswatch-flush", daemon=True)
    t.start()
    t.join(timeout)
    return not t.is_alive()


@task(name="raise-alerts", cache_policy=NO_CACHE)
def alerts_task(store: Store, cfg: Config, when: datetime) -> int:
    """Raise the new alerts as Prefect events, then record them; returns how many."""
    if not cfg.alerts:
        return 0
    logger = get_run_logger()
    alerts = find_alerts(store, cfg, when)
    if not alerts:
        return 0
    with shielded():  # a signal waits until the events are sent and recorded
        sent = [emit(a) for a in alerts]
        for a in alerts:
            logger.info("alert %s (%s): %s — %s", a.rule, a.event, a.name, a.payload.get("url"))
        if any(sent) and not flush_events():
            logger.warning(
                "Prefect did not send the %d alert events within %.0f s; they are not recorded "
                "and the next poll raises them again (same event ids)",
                len(alerts),
                FLUSH_TIMEOUT,
            )
            return 0
        record_alerts(store.con, alerts, datetime.now(UTC))
    logger.info("raised %d alert%s", len(alerts), "" if len(alerts) == 1 else "s")
    return len(alerts)


# -- setup: the webhook block and the automation ----------------------------------------------
def automation_yaml(block_id: str, template: Path = AUTOMATION_FILE) -> str:
    """The shipped automation with the webhook block's id filled in."""
    text = template.read_text(encoding="utf-8")
    if BLOCK_PLACEHOLDER not in text:
        raise ValueError(f"{template}: no {BLOCK_PLACEHOLDER} to fill in")
    return text.replace(BLOCK_PLACEHOLDER, block_id)


def save_webhook_block(url: str, name: str = DEFAULT_BLOCK) -> str:
    """Save (or overwrite) a Prefect ``Webhook`` block that POSTs JSON to ``url``; its id."""
    from prefect.blocks.webhook import Webhook

    block = Webhook(method="POST", url=url, headers={"Content-Type": "application/json"})
    return str(block.save(name, overwrite=True))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m flows.alerts",
        description="Save the Webhook block newswatch's alert automation calls, and write "
        f"{AUTOMATION_FILE.name} with its id filled in, for "
        "`prefect automation create --from-file FILE`.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    w = sub.add_parser("webhook", help="save the Webhook block and write the automation file")
    w.add_argument("url", help="where each alert is POSTed (JSON)")
    w.add_argument("--block", default=DEFAULT_BLOCK, help=f"block name (default: {DEFAULT_BLOCK})")
    w.add_argument("--out", metavar="FILE", help="write the automation here (default: stdout)")
    args = p.parse_args(argv)
    block_id = save_webhook_block(args.url, args.block)
    text = automation_yaml(block_id)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"webhook block {args.block}: {block_id}; automation written to {args.out}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
