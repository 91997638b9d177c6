"""The digest as an e-mail that always fits: under 100 KB, whatever the day brought.

Gmail clips messages over about 102 KB, so the e-mail carries the top of each list and ends the
rest in "… and N more", linked to the full digest in the archive.  :func:`build_email` renders,
measures the whole encoded message, and shortens the longest lists until it fits.  Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage

from reports.charts import ChartImage
from reports.digest import Digest, TopicSection, cut_per_topic
from reports.email import MAX_EMAIL_BYTES, compose
from reports.render import render_email_html, render_text

SAFETY = 2_000  # bytes kept free under the limit


def shorten(d: Digest, factor: float) -> Digest:
    """The digest with every list cut to ``factor`` of its length (at least 1 where non-empty);
    what is cut is counted in the "N more" fields."""

    def cut(n: int) -> int:
        return max(1, int(n * factor)) if n else 0

    figs = cut_per_topic(d.new_figures, cut(_per_topic(d.new_figures)))
    quotes = cut_per_topic(d.new_quotes, cut(_per_topic(d.new_quotes)))
    sections = tuple(
        TopicSection(
            s.topic, s.stories[: cut(len(s.stories))], s.more + len(s.stories) - cut(len(s.stories))
        )
        for s in d.sections
    )
    return replace(
        d,
        new_figures=figs,
        new_quotes=quotes,
        more_figures=d.more_figures + len(d.new_figures) - len(figs),
        more_quotes=d.more_quotes + len(d.new_quotes) - len(quotes),
        sections=sections,
    )


def _per_topic(items: tuple) -> int:
    counts: dict[str, int] = {}
    for i in items:
        counts[i.topic] = counts.get(i.topic, 0) + 1
    return max(counts.values(), default=0)


def build_email(
    digest: Digest,
    *,
    timezone: str,
    subject: str,
    sender: str,
    recipients: tuple[str, ...],
    message_id: str,
    date: datetime,
    list_id: str,
    archive_url: str | None = None,
    archive_file: str | None = None,
    charts: Sequence[ChartImage] = (),
    limit: int = MAX_EMAIL_BYTES,
) -> EmailMessage:
    """Compose the digest e-mail, shortened until the encoded message is under ``limit``."""
    d = digest
    for _ in range(40):
        msg = compose(
            subject=subject,
            sender=sender,
            recipients=recipients,
            message_id=message_id,
            date=date,
            list_id=list_id,
            images=[(c.name, c.png) for c in charts],
            html=render_email_html(
                d,
                timezone,
                archive_url=archive_url,
                archive_file=archive_file,
                charts=charts,
            ),
            text=render_text(d, timezone, archive_file=archive_url or archive_file),
        )
        if len(msg.as_bytes()) <= limit - SAFETY:
            return msg
        if _size(d) <= 1:
            break
        d = shorten(d, 0.6)
    raise ValueError(f"the digest e-mail cannot be made smaller than {limit} bytes")


def _size(d: Digest) -> int:
    return max(
        [_per_topic(d.new_figures), _per_topic(d.new_quotes)] + [len(s.stories) for s in d.sections]
    )
