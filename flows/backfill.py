"""The ``backfill`` flow: re-render (and optionally deliver) the digests of a date range.

It polls nothing: everything comes from the store.  For each date (in the digest's time zone):

- a digest already recorded for that date is re-rendered for its own recorded window, so it
  reports the same facts as "new" that it did then, with today's templates and extraction;
  its files are rewritten in place and its row updated (same id: never a second digest);
- a date without a digest gets one for its local day (midnight to midnight, or to now for
  today) minus the parts that other digests cover, recorded like any other digest, so the
  next scheduled digest starts after it and no fact is reported twice as new.

With ``send=true`` each digest not yet delivered is e-mailed (SMTP from ``smtp_block`` or the
NEWSWATCH_SMTP_* variables, as for ``daily-digest``); a digest that was sent already is not
sent twice (exactly-once delivery, see flows/digest.py).  Without ``send`` nothing is e-mailed
even when SMTP is configured.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.common import resolve_config, resolve_now
from flows.digest import (
    Window,
    build_task,
    charts_task,
    ledger_task,
    mail_settings,
    send_task,
    write_task,
)
from flows.params import check_date_range
from monitors.store.db import FILE_SUCCESS, MAIL_SUCCESS, Store
from monitors.store.rows import DigestRow
from monitors.wording import plural


def day_window(
    day: date, timezone: str, now: datetime, recorded: Sequence[DigestRow]
) -> Window | None:
    """The local calendar day ``day`` in ``timezone``, ending at ``now`` if that is earlier and
    trimmed so that it overlaps no ``recorded`` digest window (None when those cover it all),
    with the id the daily-digest flow gives a digest ending at the same moment."""
    tz = ZoneInfo(timezone)
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    end = min(datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC), now)
    for d in recorded:
        if start < d.window_end <= end:
            start = d.window_end
    for d in recorded:
        if start <= d.window_start < end:
            end = d.window_start
    if end <= start:
        return None
    wid = hashlib.sha256(end.isoformat().encode()).hexdigest()[:16]
    return Window(wid, start, end, day.isoformat())


@flow(name="backfill")
def backfill(
    start: date,
    end: date,
    send: bool = False,
    config: str | None = None,
    db: str | None = None,
    out: str | None = None,
    smtp_block: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Re-render the digests of ``start``..``end`` (inclusive, at most 366 days, dates in the
    digest's time zone) from the store, and e-mail the ones not yet
    delivered when ``send``.  Polls nothing."""
    logger = get_run_logger()
    cfg = resolve_config(config)
    when = resolve_now(now)
    dates = check_date_range(
        start, end, today=when.astimezone(ZoneInfo(cfg.digest.timezone)).date()
    )
    mail = mail_settings(cfg, smtp_block)
    if mail is not None and not mail.recipients:
        mail = None
    if send and mail is None:
        raise ValueError(
            "send=true but no SMTP is configured (smtp_block, or "
            "NEWSWATCH_SMTP_HOST and recipients): nothing was re-rendered"
        )
    success = MAIL_SUCCESS if mail else FILE_SUCCESS
    out_dir = out or cfg.digest.out_dir
    rows: list[dict] = []
    with Store(db or cfg.store_path, create=False) as store:  # only a poll creates a store
        for day in dates:
            known = store.digests()
            recorded = [d for d in known if d.digest_date == day.isoformat()]
            windows = [
                Window(d.id, d.window_start, d.window_end, day.isoformat()) for d in recorded
            ]
            if not windows:
                w = day_window(day, cfg.digest.timezone, when, known)
                if w is None:
                    logger.info(
                        "%s: no digest of its own, and the digests of the days around "
                        "it cover all of it; nothing to render",
                        day.isoformat(),
                    )
                    continue
                windows = [w]
            for w in windows:
                digest = ledger_task(store, build_task(store, cfg, w, success), w)
                charts = charts_task(store, cfg, digest, w)
                html_path, _ = write_task(store, digest, cfg, w, out_dir, when, charts)
                delivery = (
                    send_task(store, digest, cfg, w, mail, when, charts)
                    if send and mail
                    else "not sent"
                )
                rows.append(
                    {
                        "date": w.date,
                        "window": f"{w.start:%Y-%m-%d %H:%M} → {w.end:%Y-%m-%d %H:%M}",
                        "digest": "re-rendered" if recorded else "new",
                        "new figures": len(digest.new_figures) + digest.more_figures,
                        "new quotes": len(digest.new_quotes) + digest.more_quotes,
                        "delivery": delivery,
                        "html": str(html_path),
                    }
                )
    create_table_artifact(
        key="backfill-summary",
        table=rows,
        description=f"newswatch backfill {start.isoformat()}..{end.isoformat()}",
    )
    logger.info(
        "backfill %s..%s: %s (%d re-rendered, %d new), %d sent; new figures: %d, "
        "new quotes: %d; files in %s",
        start.isoformat(),
        end.isoformat(),
        plural(len(rows), "digest"),
        sum(r["digest"] == "re-rendered" for r in rows),
        sum(r["digest"] == "new" for r in rows),
        sum(r["delivery"] == "sent" for r in rows),
        sum(r["new figures"] for r in rows),
        sum(r["new quotes"] for r in rows),
        out_dir,
    )
    return {"start": start.isoformat(), "end": end.isoformat(), "digests": rows}
