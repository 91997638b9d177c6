"""The digest e-mail: composition, size, and exactly-once delivery through a real SMTP server."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

import flows  # noqa: F401
from flows.demo.feedserver import FeedServer
from flows.demo.smtpsink import SmtpSink, free_port
from reports.charts import ChartImage, TopicDay, topic_chart_png
from reports.digest import Source, Story, TopicSection
from reports.email import MAX_EMAIL_BYTES, compose, message_id_for
from reports.letter import build_email
from tests.factories import growth
from tests.test_digest import art_row, build, fig_row, quote_row

ROOT = Path(__file__).resolve().parent.parent
CONFIG = str(ROOT / "monitors.toml")
NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
CHART = ChartImage(
    "chart-nato-spending",
    topic_chart_png(
        "NATO: LAST 14 DAYS", [TopicDay("nato-spending", NOW.date(), 4, 2)], NOW.date()
    ),
    "NATO defence spending, last 14 days: 4 stories and 2 new figures.",
    "NATO defence spending",
)


def letter(digest, **kw):
    args = dict(
        timezone="Europe/Brussels",
        subject="newswatch — 2026-11-23",
        sender="nw@localhost",
        recipients=("a@example.org", "b@example.org"),
        message_id=message_id_for("w1"),
        date=NOW,
        list_id="newswatch digest <digest.newswatch.local>",
        archive_url="https://news.example.org/digests/2026-11-23.html",
        charts=[CHART],
    )
    args.update(kw)
    return build_email(digest, **args)


def test_message_is_multipart_alternative_with_inlined_css_and_headers() -> None:
    d = build(
        figures=[fig_row("k1", "A", "https://n.test/a")],
        quotes=[quote_row("q1", "A", "https://n.test/a")],
        articles=[art_row("a", "A", "c1", title="Summit story")],
    )
    msg = letter(d)
    assert msg.get_content_type() == "multipart/alternative"
    plain, related = msg.get_payload()
    assert plain.get_content_type() == "text/plain" and "3.5% of GDP" in plain.get_content()
    html_part = related.get_payload()[0]
    image = related.get_payload()[1]
    html = html_part.get_content()
    assert related.get_content_type() == "multipart/related"
    assert len(related.get_payload()) == 2  # the HTML and the one chart
    assert image.get_content_type() == "image/png" and image.get_content() == CHART.png
    assert image["Content-ID"] == "<chart-nato-spending@newswatch>"
    assert image.get_filename() == "chart-nato-spending.png"
    assert 'src="cid:chart-nato-spending@newswatch"' in html
    assert f'alt="{CHART.alt}"' in html
    assert "<script" not in html.lower()
    assert 'style="' in html and "font-family" in html  # rules moved onto the elements
    for header in ("Message-ID", "Date", "List-Id", "From", "To", "Subject"):
        assert msg[header], header
    assert msg["To"] == "a@example.org, b@example.org"
    assert len(msg.as_bytes()) < MAX_EMAIL_BYTES


def test_header_injection_is_refused() -> None:
    with pytest.raises(Exception, match="line breaks"):
        compose(
            subject="Digest\r\nBcc: victim@example.org",
            html="<p>x</p>",
            text="x",
            sender="nw@localhost",
            recipients=["a@example.org"],
            message_id="<m@x>",
            date=NOW,
            list_id="l <l.x>",
        )
    evil = art_row("a", "Feed\r\nBcc: x@y", "c1", title="Title\r\nBcc: victim@example.org")
    msg = letter(build(articles=[evil]))
    assert msg["Bcc"] is None and "victim" not in str(msg["To"]) + str(msg["Subject"])


def test_ten_thousand_articles_stay_under_the_limit_and_render_in_linear_time() -> None:
    arts = [
        art_row(
            f"a{i}",
            f"Outlet {i % 40}",
            f"c{i}",
            title=f"Story number {i} about allies and budgets " + "x" * 60,
        )
        for i in range(10_000)
    ]
    figs = [
        fig_row(f"k{i}", f"Outlet {i % 40}", f"https://n.test/{i}", f"${i}bn", value=i * 1e9)
        for i in range(2_000)
    ]
    quotes = [
        quote_row(f"q{i}", "A", f"https://n.test/{i}", text=f"Quote {i} " + "y" * 200)
        for i in range(1_000)
    ]
    d = build(articles=arts, figures=figs, quotes=quotes)
    msg = letter(d)
    size = len(msg.as_bytes())
    assert size < MAX_EMAIL_BYTES, size
    html = msg.get_payload()[1].get_payload()[0].get_content()
    assert "more stories" in html and "more new figures" in html
    assert "https://news.example.org/digests/2026-11-23.html" in html

    def render(n: int) -> None:
        letter(build(articles=arts[:n], figures=figs[: n // 5], quotes=quotes[: n // 10]))

    assert growth(render, 1_000, 10_000, repeat=2) < 25  # linear ~10


def test_story_sources_are_listed_compactly() -> None:
    story = Story(
        "c",
        "T",
        "https://n.test/t",
        "Wire",
        NOW,
        tuple(Source(f"Outlet {i}", f"https://o{i}.test", "t") for i in range(9)),
        "r",
        ("nato",),
    )
    d = build()
    d = d.__class__(**{**d.__dict__, "sections": (TopicSection("nato-spending", (story,)),)})
    html = letter(d).get_payload()[1].get_payload()[0].get_content()
    assert "Outlet 5" in html and "and 3 more" in html


# -- delivery through a real SMTP server -------------------------------------------------------


def poll_and_env(srv: FeedServer, tmp_path: Path, monkeypatch, sink_env: dict[str, str]) -> str:
    from flows.poll import poll_feeds

    for k, v in sink_env.items():
        monkeypatch.setenv(k, v)
    db = str(tmp_path / "mail.duckdb")
    poll_feeds(
        config=CONFIG,
        db=db,
        now=NOW,
        feeds=[{"name": "Mini Wire", "url": srv.url("feeds/mini.rss")}],
    )
    return db


@pytest.mark.slow
def test_digest_is_sent_once_with_headers(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    from flows.digest import daily_digest

    with FeedServer(data_dir, NOW) as srv, SmtpSink() as sink:
        db = poll_and_env(srv, tmp_path, monkeypatch, sink.env("desk@example.org"))
        first = daily_digest(config=CONFIG, db=db, now=NOW, out=str(tmp_path / "out"))
        again = daily_digest(config=CONFIG, db=db, now=NOW, out=str(tmp_path / "out"))
        assert first["delivery"] == "sent" and again["delivery"] == "sent"
        assert len(sink.received) == 1
        got = sink.received[0]
        assert got.recipients == ["desk@example.org"]
        msg = got.message
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["Message-ID"] == message_id_for(
            hashlib.sha256(NOW.isoformat().encode()).hexdigest()[:16]
        )
        assert msg["List-Id"] and msg["Date"]
        assert len(got.data) < MAX_EMAIL_BYTES
    con = duckdb.connect(db, read_only=True)
    status, sent_at = con.execute("SELECT status, sent_at FROM digests").fetchone()
    con.close()
    assert status == "sent" and sent_at is not None


@pytest.mark.slow
def test_smtp_down_keeps_digest_failed_and_next_run_sends_it_once(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    from flows.digest import daily_digest

    port = free_port()
    with FeedServer(data_dir, NOW) as srv:
        sink = SmtpSink(port)
        db = poll_and_env(srv, tmp_path, monkeypatch, sink.env())
        monkeypatch.setattr("reports.email.RETRY_BACKOFF", 0.0)  # no retry waits
        with pytest.raises(Exception, match="cannot reach SMTP server"):
            daily_digest(config=CONFIG, db=db, now=NOW, out=str(tmp_path / "out"))
        con = duckdb.connect(db, read_only=True)
        assert con.execute("SELECT status FROM digests").fetchall() == [("failed",)]
        con.close()
        with sink:
            later = NOW + timedelta(hours=1)
            r = daily_digest(config=CONFIG, db=db, now=later, out=str(tmp_path / "out"))
            assert r["delivery"] == "sent" and r["new_figures"] >= 1  # the failed window's news
            daily_digest(config=CONFIG, db=db, now=later, out=str(tmp_path / "out"))
            assert len(sink.received) == 1


@pytest.mark.slow
def test_interrupted_send_is_resent_with_the_same_message_id(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """A run that died after handing the message to SMTP but before marking it sent."""
    from flows.digest import daily_digest

    with FeedServer(data_dir, NOW) as srv, SmtpSink() as sink:
        db = poll_and_env(srv, tmp_path, monkeypatch, sink.env())
        daily_digest(config=CONFIG, db=db, now=NOW, out=str(tmp_path / "out"))
        con = duckdb.connect(db)
        con.execute("UPDATE digests SET status = 'sending', sent_at = NULL")  # the crash
        con.close()
        daily_digest(config=CONFIG, db=db, now=NOW + timedelta(days=1), out=str(tmp_path / "out"))
        ids = [r.message["Message-ID"] for r in sink.received]
        # the interrupted digest went out again with its own Message-ID (clients show it
        # once); the next day's digest is a different message
        assert ids[0] == ids[1] and len(set(ids)) == 2
        con = duckdb.connect(db, read_only=True)
        assert {s for (s,) in con.execute("SELECT status FROM digests").fetchall()} == {"sent"}
        con.close()
