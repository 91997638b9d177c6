"""The charts' primitives (reports/chart.py): the canvas, the 5x7 bitmap font and the PNG
encoder, read back with a minimal decoder (also used by tests/test_charts.py)."""

from __future__ import annotations

import struct
import zlib

import pytest

from reports.chart import (
    FONT,
    GLYPH_GAP,
    GLYPH_H,
    GLYPH_W,
    Canvas,
    encode_png,
    glyph,
    text_bitmap,
    text_width,
)

PALETTE = ((255, 255, 255), (43, 108, 176), (221, 107, 32), (80, 80, 80))
WHITE, BLUE, ORANGE, GREY = PALETTE


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


def chunk_kinds(data: bytes) -> list[bytes]:
    pos, kinds = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kinds.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return kinds


def picture() -> Canvas:
    c = Canvas(40, 20)
    c.rect(0, 0, 40, 1, 3)  # top row grey
    c.rect(5, 5, 10, 15, 1)  # a blue box
    c.rect(35, 10, 60, 30, 2)  # an orange box, clipped at the right and bottom edges
    c.rect(-5, -5, 2, 2, 1)  # clipped at the top-left corner
    c.rect(20, 5, 20, 15, 2)  # empty: draws nothing
    return c


def test_png_decodes_to_the_canvas_pixels() -> None:
    width, height, rows = decode_png(encode_png(picture().rows, 40, PALETTE))
    assert (width, height) == (40, 20) and all(len(r) == 40 for r in rows)
    assert rows[0][2:] == [GREY] * 38 and rows[0][:2] == [BLUE] * 2 and rows[1][:2] == [BLUE] * 2
    assert all(rows[y][x] == BLUE for y in range(5, 15) for x in range(5, 10))
    assert rows[4][5] == rows[15][5] == rows[10][4] == rows[10][10] == WHITE  # half-open box
    assert all(rows[y][x] == ORANGE for y in range(10, 20) for x in range(35, 40))
    assert rows[9][36] == WHITE and rows[10][34] == WHITE
    assert all(r[20] == WHITE for r in rows[1:])  # the empty box
    assert sum(px == WHITE for r in rows for px in r) == 40 * 20 - 38 - 4 - 50 - 50


def test_png_bytes_are_deterministic_with_no_variable_metadata() -> None:
    data = encode_png(picture().rows, 40, PALETTE)
    assert data == encode_png(picture().rows, 40, PALETTE)
    other = picture()
    other.rect(0, 19, 1, 20, 3)
    assert encode_png(other.rows, 40, PALETTE) != data
    assert chunk_kinds(data) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]  # no tIME, tEXt, ...


def test_a_busy_560px_image_stays_small() -> None:
    c = Canvas(560, 140)
    for i in range(60):
        c.rect(10 + 9 * i, 140 - 10 - (i * 37) % 120, 16 + 9 * i, 130, 1 + i % 2)
        c.text(5, 5 + (i % 10) * 12, "NEW FIGURES 1234", 3)
    assert len(encode_png(c.rows, 560, PALETTE)) < 8 * 1024


def ink(rows: list[list[bool]]) -> list[str]:
    return ["".join("#" if b else " " for b in r) for r in rows]


def test_font_glyphs_are_drawn_as_defined() -> None:
    assert all(len(g) == GLYPH_H and all(len(line) == GLYPH_W for line in g) for g in FONT.values())
    assert ink(text_bitmap("A")) == list(FONT["A"])
    assert text_bitmap("nato") == text_bitmap("NATO")  # lower case drawn as upper case
    assert glyph("~") == FONT["?"] and text_bitmap("é") == text_bitmap("?")
    # two glyphs side by side with a blank gap column between them
    assert text_width("42") == 2 * GLYPH_W + GLYPH_GAP and text_width("") == 0
    two = ink(text_bitmap("42"))
    assert [r[:GLYPH_W] for r in two] == list(FONT["4"])
    assert [r[GLYPH_W + GLYPH_GAP :] for r in two] == list(FONT["2"])
    assert all(r[GLYPH_W] == " " for r in two)


@pytest.mark.parametrize("label", ["7", "3.5%", "NOV"])
def test_scaled_text_is_each_font_pixel_as_a_square(label: str) -> None:
    small, big = text_bitmap(label), text_bitmap(label, 2)
    assert len(big) == 2 * GLYPH_H and len(big[0]) == text_width(label, 2) == 2 * len(small[0])
    assert all(
        big[y][x] == small[y // 2][x // 2] for y in range(len(big)) for x in range(len(big[0]))
    )
