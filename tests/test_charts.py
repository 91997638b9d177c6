"""The digest's charts (issue 17 item 5): valid, deterministic PNGs whose labels carry the values,
read back with tests/test_chart.py's minimal decoder."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from monitors.decide.ledgers import Cell, SpendingRow
from reports.chart import text_bitmap
from reports.charts import (
    PALETTE,
    TOPIC_DAYS,
    TopicDay,
    digest_charts,
    gdp_chart_alt,
    gdp_chart_png,
    ticks,
    topic_chart_alt,
    topic_chart_png,
    window_days,
)
from tests.test_chart import decode_png

END = date(2026, 11, 24)
TEXT, AXIS, BLUE, ORANGE, PALE, REF2, REF35 = (PALETTE[i] for i in (4, 3, 5, 6, 7, 8, 9))


def days(values: dict[int, tuple[int, int]], topic: str = "nato-spending") -> list[TopicDay]:
    """``values``: days back from END -> (stories, figures)."""
    return [TopicDay(topic, END - timedelta(days=k), s, f) for k, (s, f) in values.items()]


def share(name: str, value: float, kind: str | None = None, year: int | None = None) -> SpendingRow:
    cell = Cell(
        f"{value}% of GDP", value, value, value, "percent_gdp", None, False, kind, year, END,
        "Wire", f"https://news.test/{name}", name, f"{name} spends {value}% of GDP.", name, name,
        None,
    )  # fmt: skip
    return SpendingRow(name, cell, None, None, None)


def find(rows, label: str, colour=TEXT, scale: int = 2) -> list[tuple[int, int]]:
    """Where ``label`` is drawn (top-left corners) in ``colour``: every ink pixel of the
    label's bitmap is that colour, and no pixel between its glyphs' ink is."""
    bits = text_bitmap(label, scale)
    h, w = len(bits), len(bits[0])
    ink = [(y, x) for y in range(h) for x in range(w) if bits[y][x]]
    blank = [(y, x) for y in range(h) for x in range(w) if not bits[y][x]]
    y0, x0 = ink[0]
    out = []
    for y in range(len(rows) - h + 1):
        for x in range(len(rows[0]) - w + 1):
            if rows[y + y0][x + x0] != colour:
                continue
            if all(rows[y + dy][x + dx] == colour for dy, dx in ink) and not any(
                rows[y + dy][x + dx] == colour for dy, dx in blank
            ):
                out.append((x, y))
    return out


def test_topic_chart_decodes_and_prints_each_value_over_its_bar() -> None:
    data = days({0: (12, 3), 1: (4, 0), 5: (0, 7)})
    width, height, rows = decode_png(topic_chart_png("NATO: LAST 14 DAYS", data, END))
    assert width == 560 and 300 < height < 400
    for value in ("12", "4", "3", "7"):
        assert find(rows, value), value
    assert find(rows, "STORIES PER DAY") and find(rows, "NEW FIGURES PER DAY")
    assert find(rows, "24") and find(rows, "11")  # the first and last day of the axis
    assert find(rows, "NOV", AXIS)
    assert find(rows, "15")  # the stories axis: ticks 0, 5, 10, 15

    # the 12-story bar is the tallest blue column, the 7-figure bar the tallest orange one
    def bars(colour) -> list[int]:  # columns taller than a legend swatch
        return [x for x in range(width) if sum(r[x] == colour for r in rows) > 20]

    blue, orange = bars(BLUE), bars(ORANGE)
    assert max(blue) > 0.9 * width  # today is the last slot
    assert 0.55 * width < min(orange) < 0.75 * width  # 5 days back of 14


def test_topic_chart_is_deterministic_and_windowed() -> None:
    data = days({0: (2, 1), 3: (5, 5)})
    assert topic_chart_png("T", data, END) == topic_chart_png("T", list(reversed(data)), END)
    assert topic_chart_png("T", data, END) != topic_chart_png("T", [], END)
    old = days({TOPIC_DAYS + 3: (50, 50)})  # outside the 14 days: ignored
    assert topic_chart_png("T", old, END) == topic_chart_png("T", [], END)
    window = window_days(days({0: (1, 0)}) + days({0: (2, 4)}), END)
    assert len(window) == TOPIC_DAYS and (window[-1].stories, window[-1].figures) == (3, 4)
    assert window[0].day == END - timedelta(days=TOPIC_DAYS - 1)


def test_ticks_are_round_and_cover_the_peak() -> None:
    assert ticks(0) == [0, 1]
    assert ticks(3) == [0, 1, 2, 3]
    assert ticks(12) == [0, 5, 10, 15]
    assert ticks(140) == [0, 50, 100, 150]
    with pytest.raises(ValueError):
        TopicDay("t", END, -1, 0)


def test_gdp_chart_has_labelled_reference_lines_and_each_allys_value() -> None:
    rows_in = [
        share("NATO", 3.5, "target", 2035),  # the alliance's target is not an ally: no bar
        share("Germany", 2.4, "planned", 2027),
        share("Lithuania", 5.5, "planned", 2027),
        share("Spain", 1.3, "actual"),
    ]
    png = gdp_chart_png(rows_in)
    assert png is not None and png == gdp_chart_png(list(rows_in))
    width, height, rows = decode_png(png)
    assert width == 560 and height > 4 * 24  # a row per ally, and the axes
    for label in ("LITHUANIA", "GERMANY", "SPAIN", "5.5% 2027", "2.4% 2027", "1.3%"):
        assert find(rows, label), label
    assert not find(rows, "NATO")
    assert find(rows, "2%", REF2) and find(rows, "3.5%", REF35)
    # largest first: Lithuania's name above Germany's above Spain's
    ys = [find(rows, n)[0][1] for n in ("LITHUANIA", "GERMANY", "SPAIN")]
    assert ys == sorted(ys)
    # the 3.5 % line is a dashed vertical run of its own colour
    x35 = [x for x in range(width) if sum(r[x] == REF35 for r in rows) > 20]
    assert x35 and max(x35) - min(x35) <= 2
    # planned bars pale, the actual one in full blue
    assert any(PALE in r for r in rows) and any(BLUE in r for r in rows)
    alt = gdp_chart_alt(rows_in)
    assert alt.startswith("Latest reported share of GDP on defence by ally: Lithuania 5.5% 2027")
    assert "Spain 1.3% (actual)" in alt and "2% and 3.5%" in alt and "NATO" not in alt


def test_no_gdp_chart_without_a_share_and_alt_texts() -> None:
    assert gdp_chart_png([share("NATO", 3.5, "target")]) is None
    assert gdp_chart_png([]) is None
    alt = topic_chart_alt("Aid to Ukraine", days({0: (1, 0), 2: (3, 2)}), END)
    assert alt == (
        "Aid to Ukraine, last 14 days to 2026-11-24: 4 stories and 2 new figures; "
        "most stories on 2026-11-22 (3)."
    )
    assert topic_chart_alt("X", [], END).endswith(": 0 stories and 0 new figures.")


def test_digest_charts_one_per_topic_then_gdp() -> None:
    charts = digest_charts(
        ["nato-spending", "ukraine-aid"],
        days({0: (1, 1)}) + days({1: (2, 0)}, "ukraine-aid"),
        END,
        [share("Poland", 4.1)],
        {"nato-spending": "NATO defence spending", "ukraine-aid": "Aid to Ukraine"},
    )
    assert [c.name for c in charts] == ["chart-nato-spending", "chart-ukraine-aid", "chart-gdp"]
    assert charts[1].alt.startswith("Aid to Ukraine, last 14 days") and "2 stories" in charts[1].alt
    assert all(c.png.startswith(b"\x89PNG") and len(c.png) < 12 * 1024 for c in charts)
