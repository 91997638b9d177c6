"""The ``daily-digest`` flow: window -> build -> render -> write -> record -> e-mail -> mark.

The window runs from the end of the last successful digest to ``now`` (24 hours for the first),
so a manual run, a retry or a missed day never skips or repeats items.  With e-mail configured,
"successful" means *sent*: a digest whose delivery failed is kept as ``failed`` and the next run
covers its window again, once.  The digest row (with the exact message and its Message-ID) is
recorded before sending and marked sent after; a crash in between is healed by re-sending the
recorded message with the same Message-ID, which mail clients show once.  Re-running a digest
for the same ``now`` re-renders the same window and never sends it twice.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email import message_from_string, policy
from pathlib import Path
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.common import resolve_config, resolve_now
from flows.interrupt import Interrupted, arm, shielded
from monitors.config import Config
from monitors.decide.ledger_changes import ledger_state
from monitors.decide.ledgers import aid_ledger, spending_ledger
from monitors.store.charts import topic_daily_counts
from monitors.store.db import FILE_SUCCESS, MAIL_SUCCESS, Store
from monitors.store.ledgers import ledger_figures
from monitors.wording import plural
from reports.archive import write_digest
from reports.charts import TOPIC_DAYS, ChartImage, TopicDay, digest_charts
from reports.digest import Digest, Limits, build_digest, email_view, format_value
from reports.email import MailSettings, message_id_for, send, settings_from_env
from reports.ledger_tables import LEDGER_TABLES, aid_table, jsonable, spending_table
from reports.letter import build_email
from reports.render import TOPIC_LABELS, chart_file, render_html, render_text

FIRST_WINDOW = timedelta(hours=24)
LIST_ID = "newswatch digest <digest.newswatch.local>"


@dataclass(frozen=True)
class Window:
    id: str
    start: datetime
    end: datetime
    date: str


def mail_settings(cfg: Config, smtp_block: str | None) -> MailSettings | None:
    """SMTP settings from a Prefect block (prefect-email's EmailServerCredentials), else from
    NEWSWATCH_SMTP_* environment variables; None when neither is configured."""
    if smtp_block:
        from prefect_email import EmailServerCredentials

        creds = EmailServerCredentials.load(smtp_block)
        kind = str(getattr(creds.smtp_type, "name", creds.smtp_type)).lower()
        env = dict(os.environ)
        base = settings_from_env(
            {"NEWSWATCH_SMTP_HOST": "x"}
            | {k: v for k, v in env.items() if k in ("NEWSWATCH_SMTP_FROM", "NEWSWATCH_SMTP_TO")},
            cfg.digest.recipients,
        )
        assert base is not None
        return MailSettings(
            host=creds.smtp_server,
            port=int(creds.smtp_port or 465),
            user=creds.username,
            password=creds.password.get_secret_value() if creds.password else None,
            sender=env.get("NEWSWATCH_SMTP_FROM") or creds.username or base.sender,
            recipients=base.recipients,
            tls={"ssl": "ssl", "starttls": "starttls"}.get(kind, "none"),
        )
    return settings_from_env(os.environ, cfg.digest.recipients)


def digest_limits(cfg: Config) -> Limits:
    return Limits(
        cfg.digest.max_new_figures, cfg.digest.max_new_quotes, cfg.digest.max_stories_per_topic
    )


@task(name="select-window", cache_policy=NO_CACHE)
def window_task(store: Store, cfg: Config, now: datetime, success: tuple[str, ...]) -> Window:
    existing = [d for d in store.digests() if d.window_end == now]
    if existing:
        start = existing[0].window_start
    else:
        start = store.last_digest_end(now, success) or now - FIRST_WINDOW
    day = now.astimezone(ZoneInfo(cfg.digest.timezone)).date().isoformat()
    wid = hashlib.sha256(now.isoformat().encode()).hexdigest()[:16]
    return Window(wid, start, now, day)


@task(name="build-digest", cache_policy=NO_CACHE)
def build_task(store: Store, cfg: Config, w: Window, success: tuple[str, ...]) -> Digest:
    return build_digest(
        title=cfg.digest.title,
        digest_date=w.date,
        window_start=w.start,
        window_end=w.end,
        topics=[t.name for t in cfg.topics],
        articles=store.window_articles(w.start, w.end),
        figures=store.window_figures(w.start, w.end),
        quotes=store.window_quotes(w.start, w.end),
        reported_figures=store.reported_keys("figure", w.start, success),
        reported_quotes=store.reported_keys("quote", w.start, success),
        feed_health=store.feed_health(),
        limits=digest_limits(cfg),
        figure_changes=store.window_figure_changes(w.start, w.end),
    )


@task(name="ledger-changes", cache_policy=NO_CACHE)
def ledger_task(store: Store, digest: Digest, w: Window) -> Digest:
    """The digest with its "Ledger changes" (what moved since the window's start, the previous
    digest's end) and the full ledgers as of its end.  The reported-facts ledger is unchanged."""
    state = ledger_state(ledger_figures(store.con, until=w.end), w.start, w.end)
    return replace(
        digest,
        ledger_changes=state.moves,
        ledger_spending=state.spending,
        ledger_aid=state.aid,
    )


@task(name="draw-charts", cache_policy=NO_CACHE)
def charts_task(store: Store, cfg: Config, digest: Digest, w: Window) -> list[ChartImage]:
    """Per topic, stories and new figures per day (the last 14 days to the window's end), and
    the allies by latest share of GDP."""
    counts = topic_daily_counts(store.con, w.end - timedelta(days=TOPIC_DAYS), w.end)
    return digest_charts(
        [t.name for t in cfg.topics],
        [TopicDay(*row) for row in counts],
        w.end.astimezone(ZoneInfo("UTC")).date(),
        digest.ledger_spending,
        TOPIC_LABELS,
    )


@task(name="render-and-write", cache_policy=NO_CACHE)
def write_task(
    store: Store,
    digest: Digest,
    cfg: Config,
    w: Window,
    out_dir: str,
    now: datetime,
    charts: list[ChartImage] | None = None,
) -> tuple[Path, Path]:
    stem = archive_stem(store, w)
    charts = charts or []
    html = render_html(digest, cfg.digest.timezone, charts=charts, stem=stem)
    text = render_text(digest, cfg.digest.timezone)
    files = {chart_file(stem, c): c.png for c in charts}
    with shielded():
        html_path, text_path = write_digest(out_dir, stem, html, text, files)
        record(store, w, html, text, html_path, text_path, cfg, digest, now)
    return html_path, text_path


def record(
    store: Store,
    w: Window,
    html: str,
    text: str,
    html_path: Path,
    text_path: Path,
    cfg: Config,
    digest: Digest,
    now: datetime,
) -> None:
    store.record_digest(
        digest_id=w.id,
        digest_date=w.date,
        window_start=w.start,
        window_end=w.end,
        status="written",
        now=now,
        html=html,
        text=text,
        html_path=str(html_path),
        text_path=str(text_path),
        recipients=cfg.digest.recipients,
        facts=digest.ledger,
    )


def archive_stem(store: Store, w: Window) -> str:
    """``<date>`` for the day's first digest; a later one the same day gets ``<date>-HHMM``."""
    rows = store.digests()
    mine = [d for d in rows if d.id == w.id]
    if mine and mine[0].html_path:
        return Path(mine[0].html_path).stem
    if not [d for d in rows if d.digest_date == w.date and d.id != w.id]:
        return w.date
    return f"{w.date}-{w.end.strftime('%H%M')}"


@task(name="resend-interrupted", cache_policy=NO_CACHE)
def resend_task(store: Store, mail: MailSettings, now: datetime) -> int:
    """Re-send digests recorded as 'sending' by a run that died before marking them sent:
    the recorded bytes, same Message-ID, so a copy that did arrive is shown once."""
    logger = get_run_logger()
    pending = store.digests_with_status("sending")
    for row in pending:
        logger.warning(
            "digest %s was handed to SMTP but never marked sent (interrupted run); "
            "re-sending it with the same Message-ID %s",
            row.digest_date,
            row.message_id,
        )
        msg = message_from_string(row.eml or "", policy=policy.SMTP)
        with shielded():  # sent and recorded, or neither
            send(msg, mail)  # type: ignore[arg-type]
            store.mark_sent(row.id, now)
    return len(pending)


@task(name="send-email", cache_policy=NO_CACHE, retries=0)
def send_task(
    store: Store,
    digest: Digest,
    cfg: Config,
    w: Window,
    mail: MailSettings,
    now: datetime,
    charts: list[ChartImage] | None = None,
) -> str:
    """Send this window's digest unless it was sent already; returns what happened."""
    logger = get_run_logger()
    row = store.digest(w.id)
    if row and row.status in ("sent", "empty"):
        logger.info("digest %s already %s; not sending it again", w.date, row.status)
        return str(row.status)
    if digest.empty and cfg.digest.when_empty == "skip":
        store.mark_status(w.id, "empty")
        logger.info('nothing new for %s and when_empty = "skip": no e-mail', w.date)
        return "empty"
    message_id = message_id_for(w.id)
    html_file = row.html_path if row else None
    archive = (
        f"{cfg.digest.archive_url}{Path(html_file).name}"
        if (cfg.digest.archive_url and html_file)
        else None
    )
    archive_file = str(Path(html_file).resolve()) if html_file else None
    n_fig = len(digest.new_figures) + digest.more_figures
    n_quote = len(digest.new_quotes) + digest.more_quotes
    subject = (
        f"{cfg.digest.title} — {w.date}: {plural(n_fig, 'new figure')}, "
        f"{plural(n_quote, 'new quote')}"
        if not digest.empty
        else f"{cfg.digest.title} — {w.date}: nothing new"
    )
    msg = build_email(
        email_view(digest, digest_limits(cfg)),
        timezone=cfg.digest.timezone,
        subject=subject,
        sender=mail.sender,
        recipients=mail.recipients,
        message_id=message_id,
        date=now,
        list_id=LIST_ID,
        archive_url=archive,
        archive_file=archive_file,
        charts=charts or [],
    )
    with shielded():  # a signal waits: the digest is sent and recorded, or neither
        store.mark_sending(w.id, message_id, msg.as_string())
        logger.info(
            "sending digest %s (%d bytes) via %s", w.date, len(msg.as_bytes()), mail.describe()
        )
        try:
            send(msg, mail)
        except Exception as e:
            store.mark_status(w.id, "failed", str(e))
            logger.error(
                "digest %s not delivered: %s; the next run will cover this window again", w.date, e
            )
            raise
        store.mark_sent(w.id, now)
    return "sent"


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def artifacts_task(digest: Digest, w: Window, html_path: Path, delivery: str) -> None:
    lines = [
        f"# {digest.title} — {w.date}",
        "",
        f"Window: {w.start:%Y-%m-%d %H:%M} → {w.end:%Y-%m-%d %H:%M} UTC · "
        f"delivery: **{delivery}** · archive: `{html_path}`",
        "",
        f"- new figures: {len(digest.new_figures) + digest.more_figures}",
        f"- new quotes: {len(digest.new_quotes) + digest.more_quotes}",
        f"- stories: {sum(len(s.stories) + s.more for s in digest.sections)}",
        f"- failing feeds: {len(digest.failing_feeds)}",
    ]
    lines += [f"  - {p.name}: {p.error}" for p in digest.failing_feeds[:20]]
    create_markdown_artifact(
        markdown="\n".join(lines), key="digest-summary", description=f"newswatch digest {w.date}"
    )
    create_table_artifact(
        key="new-figures",
        description=f"New figures in the digest of {w.date}",
        table=[
            {
                "figure": f.text,
                "value": format_value(f),
                "subject": f.subject or "",
                "sources": len(f.sources),
                "first source": f.first.name,
                "url": f.first.url,
            }
            for f in digest.new_figures
        ]
        or [{"figure": "(none)"}],
    )


@task(name="publish-ledgers", cache_policy=NO_CACHE)
def ledger_artifacts_task(store: Store, w: Window) -> dict[str, int]:
    """A table artifact per ledger (``ledger-spending``, ``ledger-aid``): the ledgers of every
    figure reported before the digest's end, the same rows and columns as ``newswatch export``."""
    figures = ledger_figures(store.con, until=w.end)
    tables = {
        "spending": spending_table(spending_ledger(figures)),
        "aid": aid_table(aid_ledger(figures)),
    }
    for name, rows in tables.items():
        row_is, columns = LEDGER_TABLES[name]
        create_table_artifact(
            key=f"ledger-{name}",
            description=f"Ledger {name} as of the digest of {w.date}: {row_is}",
            table=jsonable(rows) or [{next(iter(columns)): "(none)"}],
        )
    return {name: len(rows) for name, rows in tables.items()}


@flow(name="daily-digest")
def daily_digest(
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    out: str | None = None,
    smtp_block: str | None = None,
) -> dict:
    """Build the digest of everything kept since the last digest, write it as HTML + text, and
    e-mail it when SMTP is configured (``smtp_block``: a prefect-email EmailServerCredentials
    block name; otherwise NEWSWATCH_SMTP_* environment variables)."""
    arm()  # the CLI's Ctrl-C / SIGTERM handling, when run from the CLI
    logger = get_run_logger()
    cfg = resolve_config(config)
    when = resolve_now(now)
    mail = mail_settings(cfg, smtp_block)
    if mail is not None and not mail.recipients:
        logger.warning(
            "SMTP is configured but there are no recipients "
            "([digest].recipients or NEWSWATCH_SMTP_TO); writing files only"
        )
        mail = None
    success = MAIL_SUCCESS if mail else FILE_SUCCESS
    out_dir = out or cfg.digest.out_dir
    wid = None
    with Store(db or cfg.store_path, create=False) as store:  # only a poll creates a store
        try:
            if mail:
                resend_task(store, mail, when)
            w = window_task(store, cfg, when, success)
            wid = w.id
            digest = ledger_task(store, build_task(store, cfg, w, success), w)
            charts = charts_task(store, cfg, digest, w)
            html_path, text_path = write_task(store, digest, cfg, w, out_dir, when, charts)
            delivery = (
                send_task(store, digest, cfg, w, mail, when, charts) if mail else "files only"
            )
            artifacts_task(digest, w, html_path, delivery)
            ledger_artifacts_task(store, w)
        except Interrupted as e:
            row = store.digest(wid) if wid else None
            e.done = interrupted_note(row.status if row else None, mail is not None)
            raise
    n_fig = len(digest.new_figures) + digest.more_figures
    n_quote = len(digest.new_quotes) + digest.more_quotes
    logger.info(
        "digest %s: %s, %s, %s, %s, delivery: %s -> %s",
        w.date,
        plural(n_fig, "new figure"),
        plural(n_quote, "new quote"),
        plural(sum(len(s.stories) + s.more for s in digest.sections), "story", "stories"),
        plural(len(digest.failing_feeds), "failing feed"),
        delivery,
        html_path,
    )
    return {
        "date": w.date,
        "html": str(html_path),
        "text": str(text_path),
        "new_figures": n_fig,
        "new_quotes": n_quote,
        "delivery": delivery,
        "failing_feeds": [p.name for p in digest.failing_feeds],
    }


def interrupted_note(status: str | None, mailing: bool) -> str:
    """What an interrupted digest run left behind (``status``: its digest row's, None before
    it was recorded), for the CLI's one line."""
    if status == "sent":
        return "the digest was sent and recorded"
    if status is None:
        return "no digest written or sent; the next digest run covers this window"
    if mailing and status != "empty":
        return "the digest was written but not sent; the next digest run sends it"
    return "the digest was written"


@flow(name="newswatch-run")
def run_all(
    config: str | None = None,
    db: str | None = None,
    now: datetime | None = None,
    out: str | None = None,
    feeds: list[dict[str, str]] | None = None,
    force: bool = False,
    smtp_block: str | None = None,
    feeds_file: str | None = None,
) -> dict:
    """Poll, then build (and send) the digest."""
    from flows.poll import poll_feeds

    arm()
    poll = poll_feeds(
        config=config, db=db, now=now, feeds=feeds, force=force, feeds_file=feeds_file
    )
    digest = daily_digest(config=config, db=db, now=now, out=out, smtp_block=smtp_block)
    return {"poll": poll, "digest": digest}
