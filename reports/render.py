"""Render a :class:`Digest` to HTML and plain text with Jinja2 (autoescaped). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jinja2

from monitors.wording import plural
from reports.charts import ChartImage
from reports.digest import Digest, format_value
from reports.email import image_cid
from reports.ledgers import amount, cell_value, cell_what

TOPIC_LABELS = {"nato-spending": "NATO defence spending", "ukraine-aid": "Aid to Ukraine"}
NAME_CHARS = 60  # a feed name longer than this is shown cut, with an ellipsis (full in title=)
URL_CHARS = 60  # a URL shown as text: scheme dropped, the middle cut out beyond this


def ellipsis(text: str | None, limit: int = NAME_CHARS) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis (a word boundary when
    one is near), so a long feed name cannot widen a column."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit * 2 // 3 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def short_url(url: str | None, limit: int = URL_CHARS) -> str:
    """A URL shown as text: without its scheme, and when still longer than ``limit`` with the
    middle cut out (the host and the end stay: that is what tells two feeds apart)."""
    text = (url or "").strip()
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
            break
    if len(text) <= limit:
        return text
    head = (limit - 1) * 3 // 5
    tail = limit - 1 - head
    return text[:head] + "…" + text[-tail:]


def safe_url(url: str | None) -> str:
    """Only http(s) and mailto links survive; anything else becomes '#'."""
    if not url:
        return "#"
    scheme = urlsplit(url.strip()).scheme.lower()
    return url.strip() if scheme in ("http", "https", "mailto") else "#"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["safe_url"] = safe_url
    env.filters["value"] = format_value
    env.filters["short"] = ellipsis
    env.filters["short_url"] = short_url
    env.filters["topic_label"] = lambda t: TOPIC_LABELS.get(t, t) or "Other"
    env.filters["ledger_value"] = cell_value
    env.filters["ledger_what"] = cell_what
    env.filters["money"] = lambda value, currency: amount(value, currency)
    env.filters["plural"] = plural  # {{ n | plural("new figure") }}: "1 new figure"
    return env


_ENV = _env()
_TEXT_ENV = _env()
_TEXT_ENV.autoescape = False


def _local(dt: datetime | None, tz: str) -> str:
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _day(dt: datetime | None, tz: str) -> str:
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(tz)).strftime("%d %b %Y").lstrip("0")


def _date(d: date | None) -> str:
    return d.strftime("%d %b %Y").lstrip("0") if d else ""


def _helpers(timezone: str) -> dict[str, object]:
    return {
        "local": lambda dt: _local(dt, timezone),
        "day": lambda dt: _day(dt, timezone),
        "date": _date,
        "tz": timezone,
    }


def chart_file(stem: str, chart: ChartImage) -> str:
    """The file name of a chart beside the archive page ``<stem>.html``."""
    return f"{stem}-{chart.name}.png"


def _charts(charts: Sequence[ChartImage], src: object) -> list[dict[str, str]]:
    return [{"src": src(c), "alt": c.alt, "title": c.title} for c in charts]  # type: ignore[operator]


def render_html(
    digest: Digest,
    timezone: str = "UTC",
    *,
    charts: Sequence[ChartImage] = (),
    stem: str = "digest",
) -> str:
    """The archive page: every new fact of the window, grouped by topic, the ledger changes,
    the charts (``<stem>-<name>.png`` beside the page) and the full ledgers."""
    return _ENV.get_template("digest.html.j2").render(
        d=digest, charts=_charts(charts, lambda c: chart_file(stem, c)), **_helpers(timezone)
    )


def render_text(digest: Digest, timezone: str = "UTC", *, archive_file: str | None = None) -> str:
    return _TEXT_ENV.get_template("digest.txt.j2").render(
        d=digest, archive_file=archive_file, **_helpers(timezone)
    )


def render_email_html(
    digest: Digest,
    timezone: str = "UTC",
    *,
    archive_url: str | None = None,
    archive_file: str | None = None,
    charts: Sequence[ChartImage] = (),
) -> str:
    """The e-mail body: table layout, CSS still in <style> (inlined at composition).  Items
    the e-mail leaves out are linked (``archive_url``) or named (``archive_file``)."""
    return _ENV.get_template("email.html.j2").render(
        d=digest,
        archive_url=archive_url,
        archive_file=archive_file,
        charts=_charts(charts, lambda c: f"cid:{image_cid(c.name)}"),
        **_helpers(timezone),
    )
