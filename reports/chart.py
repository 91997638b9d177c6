"""Drawing and PNG-encoding primitives for the digest's charts (:mod:`reports.charts`).
Pure: no I/O, no plotting library.

* :class:`Canvas` — rows of palette indices (one ``bytearray`` per row, all index 0 at first),
  filled with half-open rectangles (:meth:`Canvas.rect`) and text (:meth:`Canvas.text`).  What
  each index means is the caller's palette.
* A built-in 5x7 bitmap font (:data:`FONT`, :func:`glyph`): digits, A-Z and the punctuation the
  labels use; lower case is drawn as upper case and any other character as ``?``.
  :func:`text_width` measures a label; :func:`text_bitmap` gives its ink, for tests that look
  for a label in a decoded chart.
* :func:`encode_png` (PNG, ISO/IEC 15948): the 8-byte signature, then ``IHDR`` (width, height,
  bit depth 8, colour type 3 = indexed colour, compression 0, filter method 0, no interlace),
  ``PLTE`` (the RGB triples of the palette), one ``IDAT`` holding the zlib stream (level 9) of
  every row prefixed with filter type 0 (None), and ``IEND``.  Each chunk is
  ``length (4 bytes, big-endian) + type + data + CRC-32 of type and data``.  Indexed colour with
  long runs of equal bytes compresses to a few kilobytes; there are no timestamps or other
  variable metadata, so the same rows always give the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

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


class Canvas:
    """A ``width`` x ``height`` image as rows of palette indices, for :func:`encode_png`."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(width) for _ in range(height)]  # all index 0: the background

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
    """The width in pixels of ``s`` drawn by :meth:`Canvas.text` at ``scale``."""
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
