"""Replay corpus articles as RSS feeds through the real ``poll`` flow (shared by the audits).

Each article becomes one feed item (its title, its body as paragraphs in ``content:encoded``, a
placeholder link ``http://newswatch.sample/<feed>/<n>``); the feeds are written under
``<work>/feeds`` and served on 127.0.0.1 by :class:`flows.demo.feedserver.FeedServer`, which
rewrites the placeholder host to itself, and polled with :func:`flows.poll.poll_feeds` into a
DuckDB store.  The article text is read from the corpus in place and written only into the
replay's working directory (a temporary one by default), never into the repository.

Used by ``eval/digest_audit.py`` (one feed, items an hour apart before ``NOW``) and
``eval/ledger_audit.py`` (one feed per outlet, each item at its article's own date).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

PLACEHOLDER = "http://newswatch.sample/"


@dataclass(frozen=True)
class FeedItem:
    """One article as a feed item: ``path`` is where it came from (kept for the audit)."""

    path: str
    title: str
    body: str
    when: datetime


def paragraphs_html(body: str) -> str:
    """A plain-text body (paragraphs split by blank lines) as ``<p>`` elements."""
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paras)


def write_feed(root: Path, name: str, items: Sequence[FeedItem], title: str = "") -> dict[str, str]:
    """Write ``<root>/feeds/<name>.xml`` with one RSS item per article; returns the items'
    placeholder links -> their ``path``."""
    out, links = [], {}
    for i, it in enumerate(items):
        link = f"{PLACEHOLDER}{name}/{i:03d}"
        links[link] = it.path
        out.append(
            "<item>"
            f"<title>{html.escape(it.title or it.path)}</title>"
            f'<link>{link}</link><guid isPermaLink="false">{name}-{i:03d}</guid>'
            f"<pubDate>{format_datetime(it.when)}</pubDate>"
            f"<content:encoded><![CDATA[{paragraphs_html(it.body)}]]></content:encoded>"
            "</item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{html.escape(title or name)}</title><link>{PLACEHOLDER}</link>"
        "<description>replayed articles</description>" + "".join(out) + "</channel></rss>\n"
    )
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    (root / "feeds" / f"{name}.xml").write_text(feed, encoding="utf-8")
    return links


def poll_replay(work: Path, db: Path, feeds: dict[str, str], now: datetime) -> str:
    """Serve ``<work>/feeds`` on loopback and poll the feeds (file stem -> feed name) into
    ``db`` with the real flow, as of ``now``.  Returns the served prefix that stands for
    :data:`PLACEHOLDER` in the stored article URLs."""
    from flows.common import default_config_path
    from flows.demo.feedserver import FeedServer
    from flows.poll import poll_feeds

    with FeedServer(work, now=now) as server:
        listed = [{"name": n, "url": server.url(f"feeds/{stem}.xml")} for stem, n in feeds.items()]
        poll_feeds(
            config=str(default_config_path()), db=str(db), now=now, feeds=listed, allow_private=True
        )
        return server.url("articles/")
