"""Feed names (issue 15): a feed with no name of its own is named by its URL until it has been
fetched, then by its cleaned channel title; a name given in the config or the feed list wins.
Names reach the digest, the e-mail and ``newswatch feeds`` escaped and cut to fit."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from flows.demo.feedserver import FeedServer
from flows.demo.smtpsink import SmtpSink
from monitors.decide.health import feed_name, health_rows
from monitors.errors import ConfigError
from monitors.ingest.feedlist import read_feed_list
from monitors.ingest.parse import TITLE_MAX, clean_title, parse_feed
from monitors.model import FeedOutcome
from monitors.store.rows import FeedState
from reports.render import ellipsis, short_url

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)


def rss(title: str, items: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example.org/</link>"
        f"<description>d</description>{items}</channel></rss>\n"
    )


# -- the channel title, cleaned ------------------------------------------------------------


def test_the_channel_title_is_cleaned() -> None:
    raw = rss("  Northern &amp;amp; Baltic\n\t<b>Defence</b>   Review&#8203; ")
    assert parse_feed("u", raw.encode()).title == "Northern & Baltic Defence Review"
    assert clean_title("Caf&eacute;\x07 &lt;i&gt;Wire&lt;/i&gt;") == "Café Wire"


def test_a_long_title_is_cut_on_a_word_with_an_ellipsis() -> None:
    words = " ".join(["Defence"] * 30)
    cut = clean_title(words)
    assert len(cut) <= TITLE_MAX and cut.endswith("Defence…")
    solid = clean_title("x" * 500)
    assert len(solid) == TITLE_MAX and solid.endswith("…")
    assert clean_title("Short") == "Short"


# -- which name wins ------------------------------------------------------------------------


def test_an_explicit_name_wins_over_the_title_and_the_url_is_the_last_resort() -> None:
    url = "https://a.example/feed"
    assert feed_name("Our name", url, "Channel Title") == "Our name"
    assert feed_name(url, url, "Channel Title") == "Channel Title"
    assert feed_name(url, url, None) == url


def test_health_rows_name_a_feed_by_its_title_once_fetched_and_keep_it() -> None:
    url = "https://a.example/feed"
    never = health_rows([FeedOutcome(url, url, "error", error="HTTP 404")], {}, NOW, {}, {})
    assert never[0].name == url  # not fetched yet: the URL
    fetched = health_rows([FeedOutcome(url, url, "new", 3, title="A Wire")], {}, NOW, {}, {})
    assert (fetched[0].name, fetched[0].title) == ("A Wire", "A Wire")
    state = FeedState(url, None, None, 0, None, title="A Wire")
    later = health_rows([FeedOutcome(url, url, "not_modified")], {url: state}, NOW, {}, {})
    assert later[0].name == "A Wire"  # a 304 brings no title; the stored one still names it
    named = health_rows([FeedOutcome(url, "Mine", "new", 1, title="A Wire")], {}, NOW, {}, {})
    assert named[0].name == "Mine"


def test_a_feed_list_line_may_name_its_feed(tmp_path: Path) -> None:
    lst = tmp_path / "feeds.txt"
    lst.write_text(
        "# my feeds\nhttps://a.example/rss\nhttps://b.example/rss   The  B   Times \n"
        "https://c.example/rss  # a note, not a name\n\n",
        encoding="utf-8",
    )
    feeds = read_feed_list(lst)
    assert [(f.url, f.name) for f in feeds] == [
        ("https://a.example/rss", "https://a.example/rss"),
        ("https://b.example/rss", "The B Times"),
        ("https://c.example/rss", "https://c.example/rss"),
    ]
    lst.write_text("not-a-url Name\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds\.txt:1"):
        read_feed_list(lst)


def test_names_and_urls_are_ellipsised_for_the_layout() -> None:
    assert ellipsis("A" * 100) == "A" * 59 + "…"
    assert ellipsis("Short name") == "Short name"
    url = "https://feeds.example.org/" + "segment" * 20 + "/rss.xml"
    shown = short_url(url)
    assert len(shown) == 60 and shown.startswith("feeds.example.org/") and "…" in shown
    assert shown.endswith("/rss.xml")
    assert short_url("http://a.example/x") == "a.example/x"


# -- end to end: poll --feeds FILE, then feeds and digest, in subprocesses -------------------

LONG_TITLE = "The Extraordinarily Long-Named International Defence and Security Review Weekly"
HOSTILE = (
    "&lt;script&gt;document.title='PWNED'&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; Wire"
)
BODY = (
    "NATO allies agreed on Monday to raise defence spending to {pct}% of GDP, ministers said "
    "after a meeting in Brussels. The alliance's defence ministers said the new target would "
    "be reached within ten years, and that most of the money would go to air defence, "
    "ammunition and the soldiers who operate them. Officials said the pace of spending, not "
    "the target itself, would decide whether the plan works, and that allies would report "
    "their progress every year. Several ministers said their budgets were already rising "
    "faster than planned, while others warned of the cost to other public services."
)


def item(slug: str, pct: str) -> str:
    return (
        f"<item><title>NATO allies agree to lift defence spending to {pct}% of GDP</title>"
        f"<link>https://news.example.org/{slug}</link><guid>{slug}</guid>"
        f"<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
        f"<description>{BODY.format(pct=pct)}</description></item>"
    )


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.mark.slow
def test_poll_from_a_list_names_feeds_by_title_in_feeds_digest_and_email(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "long.xml").write_text(rss(LONG_TITLE + " Edition", item("a", "3.1")), "utf-8")
    (feeds / "hostile.xml").write_text(rss(HOSTILE, item("b", "3.2")), "utf-8")
    (feeds / "named.xml").write_text(rss("Ignored Channel Title", item("c", "3.3")), "utf-8")
    db, out = tmp_path / "names.duckdb", tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with FeedServer(tmp_path) as srv, SmtpSink() as sink:
        missing = srv.url("feeds/missing.xml")
        lst = tmp_path / "list.txt"
        lst.write_text(
            f"{srv.url('feeds/long.xml')}\n{srv.url('feeds/hostile.xml')}\n"
            f"{srv.url('feeds/named.xml')}   Our Name For C\n{missing}\n",
            encoding="utf-8",
        )
        now = "2026-11-23T21:00:00+00:00"
        poll = cli("poll", "--feeds", str(lst), "--db", str(db), "--now", now, env=env)
        assert poll.returncode == 0, poll.stderr[-3000:]
        health = cli("feeds", "--db", str(db), env=env)
        digest = cli(
            "digest", "--db", str(db), "--out", str(out), "--now", now, env=env | sink.env()
        )
        assert digest.returncode == 0, digest.stderr[-3000:]
        assert len(sink.received) == 1
        msg = BytesParser(policy=policy.default).parsebytes(sink.received[0].data)
        mail = msg.get_body(("html",)).get_content()

    long_name = clean_title(LONG_TITLE + " Edition")
    assert len(long_name) <= TITLE_MAX and long_name.startswith("The Extraordinarily")
    assert health.returncode == 0, health.stderr
    lines = health.stdout.splitlines()
    assert any(line.endswith(f"{long_name} ({srv.url('feeds/long.xml')})") for line in lines)
    assert any("Our Name For C (" in line for line in lines)
    assert not any("Ignored Channel Title" in line for line in lines)
    assert any(line.endswith(f"  {missing}") for line in lines)  # never fetched: the URL, once
    assert f"{missing} ({missing})" not in health.stdout + poll.stderr

    page = next(out.glob("*.html")).read_text(encoding="utf-8")
    text = html.unescape(page)
    assert ellipsis(long_name) in text  # the digest rows name the feed by its title
    assert "Our Name For C" in text and "Ignored Channel Title" not in text
    assert f"{missing} (" not in text  # the failing feed is listed by its URL once
    assert ellipsis(long_name) in html.unescape(mail)
    for doc in (page, mail):  # the hostile title is text, never markup
        assert "<script" not in doc.lower() and "<img src=x" not in doc.lower()
        assert "onerror" not in doc.lower()
    assert "Wire" in text  # what is left of the hostile title still names its feed
