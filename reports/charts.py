"""The digest's charts (issue 17 item 5), as PNG bytes.  Pure: no I/O, no plotting library.

* :func:`topic_chart_png` — one topic over the last 14 days: stories per day (blue) above new
  figures per day (orange), two panels sharing the day axis; each panel has a y axis with
  labelled ticks at round values and every non-zero bar carries its value; under the panels,
  the day of the month for every bar and the month's name where it begins.
* :func:`gdp_chart_png` — the spending ledger's allies by latest share of GDP, a horizontal bar
  per ally (largest first), coloured by kind (actual or not stated; planned or target), the value
  (and the year it is for) at the bar's end, and dashed reference lines at 2 % and 3.5 %,
  labelled, over a 0–N % axis.

Drawing uses :class:`reports.chart.Canvas` (palette indices, the built-in 5x7 font drawn at
twice its size so the labels stay legible when a phone scales the 560 px image down) and
:func:`reports.chart.encode_png` (indexed-colour PNG, no metadata): the same input always gives
the same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from monitors.decide.ledgers import ALLIANCE, Cell, SpendingRow
from reports.chart import GLYPH_H, Canvas, encode_png, text_width

TOPIC_DAYS = 14
WIDTH = 560
S = 2  # font scale
LINE = GLYPH_H * S  # height of a line of text
REFERENCES = (2.0, 3.5)  # % of GDP: the 2014 guideline and the 2025 core-defence target

WHITE, BORDER, GRID, AXIS, TEXT, BLUE, ORANGE, PALE, REF2, REF35 = range(10)
PALETTE: tuple[tuple[int, int, int], ...] = (
    (255, 255, 255),  # background
    (208, 208, 208),  # 1 px border
    (232, 232, 232),  # gridlines
    (110, 110, 110),  # axes
    (60, 60, 60),  # labels
    (43, 108, 176),  # stories; actual share of GDP
    (221, 107, 32),  # new figures
    (137, 178, 222),  # planned or target share of GDP
    (90, 90, 90),  # 2 % reference line
    (192, 40, 40),  # 3.5 % reference line
)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True)
class TopicDay:
    """One topic's counts for one day: stories (story clusters of kept articles) and new
    figures (facts first seen that day)."""

    topic: str
    day: date
    stories: int
    figures: int

    def __post_init__(self) -> None:
        if self.stories < 0 or self.figures < 0:
            raise ValueError(f"negative count for {self.topic} {self.day}")


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart: ``name`` makes its file name (archive) and Content-ID (e-mail)."""

    name: str
    png: bytes
    alt: str
    title: str


def _frame(c: Canvas) -> None:
    c.rect(0, 0, c.width, 1, BORDER)
    c.rect(0, c.height - 1, c.width, c.height, BORDER)
    c.rect(0, 0, 1, c.height, BORDER)
    c.rect(c.width - 1, 0, c.width, c.height, BORDER)


def ticks(peak: float, most: int = 3) -> list[int]:
    """Round tick values from 0 to at least ``peak``: steps of 1, 2, 5 x 10^k, at most ``most``
    intervals (``[0, 1]`` when ``peak`` is 0)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            n = math.ceil(max(peak, 1) / (m * step))
            if n <= most:
                return [i * m * step for i in range(n + 1)]
        step *= 10


def window_days(days: Sequence[TopicDay], end: date, n: int = TOPIC_DAYS) -> list[TopicDay]:
    """The ``n`` days ending on ``end`` for one topic's rows, oldest first; missing days count
    zero, repeated days are summed, days outside are ignored."""
    topic = days[0].topic if days else ""
    start = end - timedelta(days=n - 1)
    totals: dict[date, list[int]] = {}
    for d in days:
        if start <= d.day <= end:
            t = totals.setdefault(d.day, [0, 0])
            t[0] += d.stories
            t[1] += d.figures
    out = []
    for i in range(n):
        day = start + timedelta(days=i)
        s, f = totals.get(day, (0, 0))
        out.append(TopicDay(topic, day, s, f))
    return out


def _value_label(c: Canvas, cx: int, y_bottom: int, value: int, room: int) -> None:
    """``value`` centred on ``cx`` with its bottom at ``y_bottom``: twice-size when it fits
    ``room`` px, else normal size."""
    s = str(value)
    scale = S if text_width(s, S) <= room else 1
    c.text(cx - text_width(s, scale) // 2, y_bottom - GLYPH_H * scale, s, TEXT, scale)


def _panel(
    c: Canvas, top: int, height: int, values: Sequence[int], label: str, colour: int, left: int
) -> tuple[float, int]:
    """One bar panel from ``top`` (its label) down to its baseline; returns (slot width, x of
    the first slot)."""
    c.rect(left, top + 1, left + LINE - 4, top + LINE - 1, colour)
    c.text(left + LINE + 2, top, label, TEXT, S)
    plot_top = top + LINE + 8 + LINE + 4  # room for the value over the tallest bar
    base = top + height
    right = c.width - 12
    tv = ticks(max(values, default=0))
    for t in tv:
        gy = base - round((base - plot_top) * t / tv[-1])
        if t:
            c.rect(left, gy, right, gy + 1, GRID)
        lbl = str(t)
        c.text(left - 6 - text_width(lbl, S), gy - LINE // 2, lbl, TEXT, S)
    slot = (right - left) / len(values)
    bar_w = max(2, round(slot * 0.7))
    for i, v in enumerate(values):
        x0 = left + round(i * slot + (slot - bar_w) / 2)
        if v > 0:
            h = max(1, round((base - plot_top) * v / tv[-1]))
            c.rect(x0, base - h, x0 + bar_w, base, colour)
            _value_label(c, x0 + bar_w // 2, base - h - 3, v, round(slot) - 2)
    c.rect(left, base, right, base + 1, AXIS)
    c.rect(left - 1, plot_top - 4, left, base + 1, AXIS)
    return slot, left


def topic_chart_png(title: str, days: Sequence[TopicDay], end: date) -> bytes:
    """Stories per day and new figures per day of one topic for the 14 days ending on ``end``."""
    window = window_days(days, end)
    peak = max((max(d.stories, d.figures) for d in window), default=0)
    left = 14 + text_width(str(ticks(peak)[-1]), S) + 8
    panel_h = 120
    height = 12 + LINE + 14 + 2 * (panel_h + 12) + 2 * LINE + 22
    c = Canvas(WIDTH, height)
    _frame(c)
    c.text(12, 12, title, TEXT, S)
    top = 12 + LINE + 14
    _panel(c, top, panel_h, [d.stories for d in window], "STORIES PER DAY", BLUE, left)
    top += panel_h + 12
    slot, x0 = _panel(
        c, top, panel_h, [d.figures for d in window], "NEW FIGURES PER DAY", ORANGE, left
    )
    y = top + panel_h + 8
    for i, d in enumerate(window):
        cx = x0 + round(i * slot + slot / 2)
        dd = f"{d.day.day:02d}"
        c.text(cx - text_width(dd, S) // 2, y, dd, TEXT, S)
        if i == 0 or d.day.day == 1:
            mon = MONTHS[d.day.month - 1]
            scale = S if text_width(mon, S) <= slot * 1.6 else 1
            c.text(cx - text_width(dd, S) // 2, y + LINE + 4, mon, AXIS, scale)
    return encode_png(c.rows, WIDTH, PALETTE)


def topic_chart_alt(label: str, days: Sequence[TopicDay], end: date) -> str:
    """One sentence for the image's alt attribute: totals, and the busiest day."""
    window = window_days(days, end)
    stories = sum(d.stories for d in window)
    figures = sum(d.figures for d in window)
    head = (
        f"{label}, last {TOPIC_DAYS} days to {end.isoformat()}: "
        f"{stories} stor{'y' if stories == 1 else 'ies'} and "
        f"{figures} new figure{'' if figures == 1 else 's'}"
    )
    best = max(window, key=lambda d: d.stories, default=None)  # the earliest peak wins
    if best is None or best.stories == 0:
        return head + "."
    return f"{head}; most stories on {best.day.isoformat()} ({best.stories})."


def share_label(cell: Cell) -> str:
    """'2.4%', '>3%', '2–2.5%', with the year when the report gives one: '3.5% 2035'."""
    lo, hi = cell.low, cell.high
    ranged = lo is not None and hi is not None and lo != hi
    s = f"{lo:g}-{hi:g}%" if ranged else f"{cell.value:g}%"
    if cell.qualifier == "more_than":
        s = ">" + s
    return f"{s} {cell.year}" if cell.year else s


def gdp_bars(rows: Sequence[SpendingRow]) -> list[tuple[str, Cell]]:
    """The allies with a reported share of GDP (the alliance's own target is not an ally), the
    largest first, then by name."""
    bars = [(r.name, r.gdp) for r in rows if r.gdp is not None and r.name != ALLIANCE]
    return sorted(bars, key=lambda b: (-(b[1].value or 0.0), b[0]))


def gdp_chart_png(rows: Sequence[SpendingRow]) -> bytes | None:
    """Allies by latest share of GDP against 2 % and 3.5 %; None when no ally has one."""
    bars = gdp_bars(rows)
    if not bars:
        return None
    top_value = max(max(c.value or 0.0 for _, c in bars), max(REFERENCES))
    axis_max = math.ceil(top_value + 0.25)
    name_w = max(text_width(n.upper(), S) for n, _ in bars) + 24
    value_w = max(text_width(share_label(c), S) for _, c in bars) + 12
    x0, x1 = name_w, WIDTH - value_w - 12
    row_h = LINE + 10
    head = 12 + LINE + 10 + LINE + 14 + LINE + 6  # title, legend, reference labels
    height = head + row_h * len(bars) + 8 + LINE + 14
    c = Canvas(WIDTH, height)
    _frame(c)
    c.text(12, 12, "LATEST SHARE OF GDP ON DEFENCE", TEXT, S)
    lx, ly = 12, 12 + LINE + 10
    for colour, label in ((BLUE, "ACTUAL OR NOT STATED"), (PALE, "PLANNED OR TARGET")):
        c.rect(lx, ly + 1, lx + LINE - 4, ly + LINE - 1, colour)
        c.text(lx + LINE + 2, ly, label, TEXT, S)
        lx += LINE + 2 + text_width(label, S) + 20

    def x_of(v: float) -> int:
        return x0 + round((x1 - x0) * v / axis_max)

    rows_top = head
    rows_bottom = head + row_h * len(bars)
    for t in range(axis_max + 1):  # gridlines and the axis at every whole percent
        c.rect(x_of(t), rows_top, x_of(t) + 1, rows_bottom, GRID)
        lbl = f"{t}%"
        c.text(x_of(t) - text_width(lbl, S) // 2, rows_bottom + 8, lbl, AXIS, S)
    c.rect(x0, rows_top, x0 + 1, rows_bottom + 4, AXIS)
    c.rect(x0, rows_bottom, x1, rows_bottom + 1, AXIS)
    for i, (name, cell) in enumerate(bars):
        y = rows_top + i * row_h + 5
        c.text(x0 - 10 - text_width(name.upper(), S), y, name.upper(), TEXT, S)
        colour = PALE if cell.kind in ("planned", "target") else BLUE
        c.rect(x0 + 1, y, x_of(min(cell.value or 0.0, axis_max)), y + LINE, colour)
    for ref, colour in zip(REFERENCES, (REF2, REF35), strict=True):  # dashed, over the bars
        x = x_of(ref)
        for y in range(rows_top - 4, rows_bottom, 6):
            c.rect(x - 1, y, x + 1, min(y + 4, rows_bottom), colour)
        lbl = f"{ref:g}%"
        c.text(x - text_width(lbl, S) // 2, rows_top - 6 - LINE, lbl, colour, S)
    for i, (_, cell) in enumerate(bars):  # values last, on white, so no line crosses them
        y = rows_top + i * row_h + 5
        lbl, lx = share_label(cell), x_of(cell.value or 0.0) + 4
        c.rect(lx, y - 2, lx + text_width(lbl, S) + 4, y + LINE + 2, WHITE)
        c.text(lx + 2, y, lbl, TEXT, S)
    return encode_png(c.rows, WIDTH, PALETTE)


def gdp_chart_alt(rows: Sequence[SpendingRow]) -> str:
    """The chart's data as one sentence: every ally's share, and the reference lines."""
    bars = gdp_bars(rows)
    if not bars:
        return "No ally has a reported share of GDP."
    listed = ", ".join(
        f"{name} {share_label(c)}{f' ({c.kind})' if c.kind else ''}" for name, c in bars
    )
    return (
        f"Latest reported share of GDP on defence by ally: {listed}; "
        "reference lines at 2% and 3.5%."
    )


def chart_name(topic: str) -> str:
    """A file-name and Content-ID safe name for a topic's chart."""
    return "chart-" + (re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-") or "topic")


def digest_charts(
    topics: Sequence[str],
    counts: Sequence[TopicDay],
    end: date,
    spending: Sequence[SpendingRow],
    labels: Mapping[str, str],
) -> list[ChartImage]:
    """The digest's charts: one per topic (in config order), then the spending ledger's allies
    by share of GDP when any ally has one."""
    out = []
    for t in topics:
        label = labels.get(t, t)
        days = [d for d in counts if d.topic == t]
        png = topic_chart_png(f"{label}: last {TOPIC_DAYS} days".upper(), days, end)
        out.append(ChartImage(chart_name(t), png, topic_chart_alt(label, days, end), label))
    gdp = gdp_chart_png(spending)
    if gdp is not None:
        out.append(ChartImage("chart-gdp", gdp, gdp_chart_alt(spending), "Share of GDP by ally"))
    return out
