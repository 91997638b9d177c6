"""The digest chart: a valid, small, deterministic PNG, checked with a minimal decoder."""

from __future__ import annotations

import struct
import zlib
from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest

from reports.chart import DayCount, chart_alt_text, mentions_chart_png

BLUE = (43, 108, 176)
ORANGE = (221, 107, 32)
WHITE = (255, 255, 255)
END = date(2025, 11, 27)


def decode_png(data: bytes) -> tuple[int, int, list[list[tuple[int, int, int]]]]:
    """Minimal PNG reader for what the chart writes: checks signature, chunk CRCs, IHDR, and
    that every row is filter 0 with the right width. Returns (width, height, RGB rows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    assert pos == len(data)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    width, height, depth, ctype, comp, filt, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (comp, filt, interlace) == (0, 0, 0)
    assert depth == 8 and ctype in (2, 3)
    if ctype == 3:
        plte = dict(chunks)[b"PLTE"]
        palette = [tuple(plte[i : i + 3]) for i in range(0, len(plte), 3)]
        bpp = 1
    else:
        bpp = 3
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    stride = 1 + width * bpp
    assert len(raw) == stride * height, "rows do not have the expected width"
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0, "filter type must be 0"
        if ctype == 3:
            rows.append([palette[i] for i in line[1:]])
        else:
            rows.append([tuple(line[1 + 3 * x : 4 + 3 * x]) for x in range(width)])
    return width, height, rows


def month(values: dict[int, tuple[int, int]]) -> list[DayCount]:
    """30 days ending on END; ``values`` maps day index (0 = oldest) to (articles, figures)."""
    return [DayCount(END - timedelta(days=29 - i), *values.get(i, (0, 0))) for i in range(30)]


def columns_with(rows, colour, y_from: int) -> set[int]:
    return {x for row in rows[y_from:] for x, px in enumerate(row) if px == colour}


def test_png_decodes_with_requested_size():
    data = mentions_chart_png(month({i: (i % 7, i % 3) for i in range(30)}))
    width, height, rows = decode_png(data)
    assert (width, height) == (560, 140)
    assert len(rows) == 140 and all(len(r) == 560 for r in rows)
    w2, h2, _ = decode_png(mentions_chart_png(month({3: (1, 1)}), width=300, height=100))
    assert (w2, h2) == (300, 100)


def test_bars_sit_where_their_day_is():
    # Only day 15 has articles, only day 29 (the last) has figures.
    width, height, rows = decode_png(mentions_chart_png(month({15: (9, 0), 29: (0, 4)})))
    below_legend = 25
    blue = columns_with(rows, BLUE, below_legend)
    orange = columns_with(rows, ORANGE, below_legend)
    assert blue and orange
    # One bar each: a narrow contiguous band of columns.
    assert max(blue) - min(blue) == len(blue) - 1 and len(blue) < width / 30
    assert max(orange) - min(orange) == len(orange) - 1
    # Day 15 of 30 is just past the middle; day 29 is at the right edge.
    assert 0.45 * width < min(blue) < 0.6 * width
    assert min(orange) > 0.9 * width
    # The blue bar (9) is taller than the orange one (4), and starts at the same baseline.
    bx, ox = min(blue), min(orange)
    blue_ys = [y for y in range(height) if rows[y][bx] == BLUE and y >= below_legend]
    orange_ys = [y for y in range(height) if rows[y][ox] == ORANGE and y >= below_legend]
    assert max(blue_ys) == max(orange_ys)
    assert len(blue_ys) > 2 * len(orange_ys) > 0
    # Background elsewhere: above the short bar, and between the two bars.
    assert rows[min(orange_ys) - 3][ox] == WHITE
    assert rows[max(blue_ys)][(bx + ox) // 2] != BLUE


def test_border_background_and_labels():
    width, height, rows = decode_png(mentions_chart_png(month({0: (14, 2)})))
    border = rows[0][0]
    assert border != WHITE and border[0] == border[1] == border[2] > 180  # light grey
    assert all(px == border for px in rows[0]) and all(px == border for px in rows[-1])
    assert all(rows[y][0] == border and rows[y][-1] == border for y in range(height))
    assert rows[2][width // 2] == WHITE

    # Label ink (dark grey) at the bottom-left (first date) and bottom-right (last date).
    def ink(x0: int, x1: int, y0: int, y1: int) -> bool:
        return any(
            rows[y][x][0] < 120 and rows[y][x] not in (BLUE, ORANGE)
            for y in range(y0, y1)
            for x in range(x0, x1)
        )

    assert ink(5, 60, height - 16, height - 2)
    assert ink(width - 60, width - 5, height - 16, height - 2)


def test_small_enough_for_email_even_with_big_numbers():
    busy = month({i: (1000 + 37 * i, 999 - 13 * i) for i in range(30)})
    assert len(mentions_chart_png(busy)) < 8 * 1024
    assert len(mentions_chart_png(month({i: (i % 15, i % 4) for i in range(30)}))) < 8 * 1024


@pytest.mark.parametrize("days", [[], month({})], ids=["empty", "all-zero"])
def test_empty_and_zero_input_still_give_a_valid_image(days):
    width, height, rows = decode_png(mentions_chart_png(days))
    assert (width, height) == (560, 140)
    assert not columns_with(rows, BLUE, 25) and not columns_with(rows, ORANGE, 25)


def test_deterministic():
    days = month({i: (i * 3 % 11, i % 5) for i in range(30)})
    assert mentions_chart_png(days) == mentions_chart_png(list(days))
    assert mentions_chart_png(days) != mentions_chart_png(month({}))


def test_window_is_the_last_30_days_and_gaps_count_zero():
    old = [DayCount(END - timedelta(days=100), 50, 50)]  # outside the window: ignored
    sparse = [DayCount(END - timedelta(days=29), 3, 0), DayCount(END, 3, 1)]
    assert mentions_chart_png(old + sparse) == mentions_chart_png(sparse)
    # Unordered input and a gap-filled full month give the same picture.
    assert mentions_chart_png(sparse[::-1]) == mentions_chart_png(month({0: (3, 0), 29: (3, 1)}))


def test_alt_text():
    days = month({5: (14, 3), 20: (14, 30), 29: (2, 5)})
    assert chart_alt_text(days) == (
        "Articles kept per day over the last 30 days: peak 14 on 11-03; 38 new figures in total."
    )
    assert chart_alt_text([]) == (
        "Articles kept per day over the last 30 days: none; 0 new figures in total."
    )
    assert chart_alt_text(month({1: (0, 1)})).endswith("; 1 new figure in total.")


def test_daycount_is_frozen_and_rejects_negative_counts():
    d = DayCount(END, 1, 2)
    with pytest.raises(FrozenInstanceError):
        d.articles = 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        DayCount(END, -1, 0)
