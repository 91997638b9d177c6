"""A small bar chart of the last 30 days, as PNG bytes. Pure: no I/O, no plotting library.

The digest email carries this chart as an inline (CID) image, so it has to be small, identical
for identical input, and readable on light and dark mail-client backgrounds.

Drawing: a canvas of palette indices (one ``bytearray`` per row) is filled with rectangles —
a 1 px light grey border on white, light horizontal gridlines at quarters of the maximum, a
darker baseline, and for each of the 30 days two bars side by side (articles kept in mid blue,
new figures in orange). Labels use a built-in 5x7 bitmap font: the maximum value at the top
gridline, ``0`` at the baseline, the first and last day as ``MM-DD`` under the axis, and a
legend at the top.

Encoding (PNG, ISO/IEC 15948): the 8-byte signature, then ``IHDR`` (width, height, bit depth
8, colour type 3 = indexed colour, compression 0, filter method 0, no interlace), ``PLTE``
(the RGB triples of the few colours used), one ``IDAT`` holding the zlib stream (level 9) of
every row prefixed with filter type 0 (None), and ``IEND``. Each chunk is
``length (4 bytes, big-endian) + type + data + CRC-32 of type and data``. Indexed colour with
long runs of equal bytes compresses to a few kilobytes; there are no timestamps or other
variable metadata, so the same input always gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 30

# Palette: index -> RGB. Mid blue and orange both keep contrast on white and on dark UIs
# (the image has its own white background, so dark-mode clients show it as a light card).
WHITE, BORDER, GRID, AXIS, TEXT, BLUE, ORANGE = range(7)
PALETTE: tuple[tuple[int, int, int], ...] = (
    (255, 255, 255),  # background
    (208, 208, 208),  # 1 px border
    (232, 232, 232),  # gridlines
    (110, 110, 110),  # baseline
    (80, 80, 80),  # labels
    (43, 108, 176),  # articles kept (mid blue)
    (221, 107, 32),  # new figures (orange)
)

# 5x7 glyphs: '#' is ink. Digits, A-Z and the punctuation labels use; lower case is drawn as
# upper case and any other character as '?'.
FONT: dict[str, tuple[str, ...]] = {
    "0": (" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "),
    "1": ("  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "),
    "2": (" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"),
    "3": ("#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "),
    "4": ("   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "),
    "5": ("#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "),
    "6": ("  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "),
    "7": ("#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "),
    "8": (" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "),
    "9": (" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "),
    "-": ("     ", "     ", "     ", " ### ", "     ", "     ", "     "),
    " ": ("     ",) * 7,
    ".": ("     ", "     ", "     ", "     ", "     ", " ##  ", " ##  "),
    ",": ("     ", "     ", "     ", "     ", " ##  ", "  #  ", " #   "),
    ":": ("     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "),
    "%": ("##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"),
    ">": (" #   ", "  #  ", "   # ", "    #", "   # ", "  #  ", " #   "),
    "<": ("   # ", "  #  ", " #   ", "#    ", " #   ", "  #  ", "   # "),
    "/": ("     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "),
    "(": ("   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "),
    ")": (" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "),
    "'": ("  #  ", "  #  ", " #   ", "     ", "     ", "     ", "     "),
    "&": (" ##  ", "#  # ", "# #  ", " #   ", "# # #", "#  # ", " ## #"),
    "+": ("     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "),
    "?": (" ### ", "#   #", "    #", "   # ", "  #  ", "     ", "  #  "),
    "A": (" ### ", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"),
    "B": ("#### ", "#   #", "#   #", "#### ", "#   #", "#   #", "#### "),
    "C": (" ### ", "#   #", "#    ", "#    ", "#    ", "#   #", " ### "),
    "D": ("#### ", "#   #", "#   #", "#   #", "#   #", "#   #", "#### "),
    "E": ("#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#####"),
    "F": ("#####", "#    ", "#    ", "#### ", "#    ", "#    ", "#    "),
    "G": (" ### ", "#   #", "#    ", "# ###", "#   #", "#   #", " ####"),
    "H": ("#   #", "#   #", "#   #", "#####", "#   #", "#   #", "#   #"),
    "I": (" ### ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "),
    "J": ("  ###", "   # ", "   # ", "   # ", "   # ", "#  # ", " ##  "),
    "K": ("#   #", "#  # ", "# #  ", "##   ", "# #  ", "#  # ", "#   #"),
    "L": ("#    ", "#    ", "#    ", "#    ", "#    ", "#    ", "#####"),
    "M": ("#   #", "## ##", "# # #", "# # #", "#   #", "#   #", "#   #"),
    "N": ("#   #", "##  #", "# # #", "#  ##", "#   #", "#   #", "#   #"),
    "O": (" ### ", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "),
    "P": ("#### ", "#   #", "#   #", "#### ", "#    ", "#    ", "#    "),
    "Q": (" ### ", "#   #", "#   #", "#   #", "# # #", "#  # ", " ## #"),
    "R": ("#### ", "#   #", "#   #", "#### ", "# #  ", "#  # ", "#   #"),
    "S": (" ####", "#    ", "#    ", " ### ", "    #", "    #", "#### "),
    "T": ("#####", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  "),
    "U": ("#   #", "#   #", "#   #", "#   #", "#   #", "#   #", " ### "),
    "V": ("#   #", "#   #", "#   #", "#   #", "#   #", " # # ", "  #  "),
    "W": ("#   #", "#   #", "#   #", "# # #", "# # #", "## ##", "#   #"),
    "X": ("#   #", "#   #", " # # ", "  #  ", " # # ", "#   #", "#   #"),
    "Y": ("#   #", "#   #", " # # ", "  #  ", "  #  ", "  #  ", "  #  "),
    "Z": ("#####", "    #", "   # ", "  #  ", " #   ", "#    ", "#####"),
}
GLYPH_W, GLYPH_H, GLYPH_GAP = 5, 7, 1


@dataclass(frozen=True)
class DayCount:
    """Counts for one day: articles kept, and new figures found."""

    day: date
    articles: int
    figures: int

    def __post_init__(self) -> None:
        if self.articles < 0 or self.figures < 0:
            raise ValueError(f"negative count for {self.day}: {self.articles}, {self.figures}")


def _window(days: Sequence[DayCount]) -> list[DayCount]:
    """The 30 days ending on the latest day given, oldest first; missing days count zero and
    repeated days are summed. Empty input gives an empty list."""
    if not days:
        return []
    end = max(d.day for d in days)
    start = end - timedelta(days=WINDOW_DAYS - 1)
    totals: dict[date, list[int]] = {}
    for d in days:
        if d.day >= start:
            t = totals.setdefault(d.day, [0, 0])
            t[0] += d.articles
            t[1] += d.figures
    out = []
    for i in range(WINDOW_DAYS):
        day = start + timedelta(days=i)
        a, f = totals.get(day, (0, 0))
        out.append(DayCount(day, a, f))
    return out


def _mmdd(d: date) -> str:
    return f"{d.month:02d}-{d.day:02d}"


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(width) for _ in range(height)]  # all WHITE (index 0)

    def rect(self, x0: int, y0: int, x1: int, y1: int, colour: int) -> None:
        """Fill the half-open box [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1:
            return
        run = bytes([colour]) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][x0:x1] = run

    def text(self, x: int, y: int, s: str, colour: int, scale: int = 1) -> None:
        """Draw ``s`` with its top-left corner at (x, y), each font pixel ``scale`` x ``scale``."""
        for ch in s:
            for gy, line in enumerate(glyph(ch)):
                for gx, c in enumerate(line):
                    if c == "#":
                        px, py = x + gx * scale, y + gy * scale
                        self.rect(px, py, px + scale, py + scale, colour)
            x += (GLYPH_W + GLYPH_GAP) * scale


def glyph(ch: str) -> tuple[str, ...]:
    """The 5x7 glyph of ``ch`` (lower case as upper case; unknown characters as '?')."""
    return FONT.get(ch) or FONT.get(ch.upper()) or FONT["?"]


def text_width(s: str, scale: int = 1) -> int:
    return max(0, len(s) * (GLYPH_W + GLYPH_GAP) - GLYPH_GAP) * scale


def text_bitmap(s: str, scale: int = 1) -> list[list[bool]]:
    """The ink of ``s`` as drawn by :meth:`Canvas.text` (rows of booleans), for tests that look
    for a label in a decoded chart."""
    c = Canvas(max(1, text_width(s, scale)), GLYPH_H * scale)
    c.text(0, 0, s, 1, scale)
    return [[px == 1 for px in row] for row in c.rows]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(rows: Sequence[bytes], width: int, palette: Sequence[tuple[int, int, int]]) -> bytes:
    """Indexed-colour PNG (bit depth 8, filter 0 on every row) from rows of palette indices."""
    ihdr = struct.pack(">IIBBBBB", width, len(rows), 8, 3, 0, 0, 0)
    plte = b"".join(bytes(rgb) for rgb in palette)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"PLTE", plte)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def mentions_chart_png(days: Sequence[DayCount], *, width: int = 560, height: int = 140) -> bytes:
    """Grouped bars for the 30 days ending on the latest day in ``days``: articles kept (blue)
    and new figures (orange) per day, on one scale whose maximum is printed on the y axis."""
    if width < 200 or height < 80:
        raise ValueError(f"chart too small: {width}x{height} (minimum 200x80)")
    window = _window(days)
    peak = max((max(d.articles, d.figures) for d in window), default=0)
    c = Canvas(width, height)

    # Frame: 1 px border.
    c.rect(0, 0, width, 1, BORDER)
    c.rect(0, height - 1, width, height, BORDER)
    c.rect(0, 0, 1, height, BORDER)
    c.rect(width - 1, 0, width, height, BORDER)

    # Legend across the top.
    x, y = 8, 6
    for colour, label in ((BLUE, "ARTICLES KEPT"), (ORANGE, "NEW FIGURES")):
        c.rect(x, y, x + 7, y + GLYPH_H, colour)
        c.text(x + 10, y, label, TEXT)
        x += 10 + text_width(label) + 14

    # Plot area.
    max_label = str(peak)
    left = 8 + max(text_width(max_label), text_width("0")) + 5
    right = width - 8
    top = y + GLYPH_H + 10
    base = height - 8 - GLYPH_H - 5  # baseline row; date labels sit below it
    plot_h = base - top
    for q in range(1, 5):  # gridlines at 1/4 .. 4/4 of the maximum
        gy = base - round(plot_h * q / 4)
        c.rect(left, gy, right, gy + 1, GRID)
    c.text(left - 5 - text_width(max_label), top - GLYPH_H // 2, max_label, TEXT)
    c.text(left - 5 - text_width("0"), base - GLYPH_H // 2, "0", TEXT)

    # Bars: one slot per day, two bars per slot with a 1 px gap, a gap between slots.
    slot = (right - left) / WINDOW_DAYS
    bar_w = max(1, int((slot - 3) // 2))
    for i, d in enumerate(window):
        x0 = left + round(i * slot) + max(1, round((slot - 2 * bar_w - 1) / 2))
        for j, (value, colour) in enumerate(((d.articles, BLUE), (d.figures, ORANGE))):
            if value <= 0 or peak <= 0:
                continue
            h = max(1, round(plot_h * value / peak))
            bx = x0 + j * (bar_w + 1)
            c.rect(bx, base - h, bx + bar_w, base, colour)
    c.rect(left, base, right, base + 1, AXIS)

    # First and last day under the axis.
    if window:
        ly = base + 5
        c.text(left, ly, _mmdd(window[0].day), TEXT)
        last = _mmdd(window[-1].day)
        c.text(right - text_width(last), ly, last, TEXT)

    return encode_png(c.rows, width, PALETTE)


def chart_alt_text(days: Sequence[DayCount]) -> str:
    """A one-sentence description of the chart, for the image's alt attribute."""
    window = _window(days)
    figures = sum(d.figures for d in window)
    fig_text = f"{figures} new figure{'' if figures == 1 else 's'} in total"
    head = f"Articles kept per day over the last {WINDOW_DAYS} days"
    best = max(window, key=lambda d: d.articles, default=None)  # first (earliest) peak wins
    if best is None or best.articles == 0:
        return f"{head}: none; {fig_text}."
    return f"{head}: peak {best.articles} on {_mmdd(best.day)}; {fig_text}."
