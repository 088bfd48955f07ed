"""A hatched fill as a small PNG: the "in progress" pattern of the progress bars, for the DOCX.

The PDF draws the hatching with CSS (a repeating gradient over the fill colour).
Word draws a cell's `w:shd` stripe pattern, but LibreOffice shows any pattern
as one flat mixed colour, so the DOCX also puts this picture in the cell.
Written with the standard library (zlib), byte for byte the same each time.
"""

from __future__ import annotations

import struct
import zlib
from functools import cache

PX_PER_MM = 12  # 305 dpi: the stripes stay sharp in print


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


@cache
def hatched_png(
    width_mm: float, height_mm: float, fill: str, ink: str, period_mm: float = 1.2, line_mm: float = 0.35
) -> bytes:
    """A `width_mm` × `height_mm` picture: `fill` with 45° lines of `ink` (hex colours), the
    lines `line_mm` wide every `period_mm`, as style.css draws `td.seg-in_progress`."""
    w, h = max(1, round(width_mm * PX_PER_MM)), max(1, round(height_mm * PX_PER_MM))
    period, line = period_mm * PX_PER_MM, line_mm * PX_PER_MM
    colours = [bytes.fromhex(fill), bytes.fromhex(ink)]
    rows = []
    for y in range(h):
        # A 45° stripe rising to the right: constant x + y along it (CSS's 45deg gradient).
        rows.append(b"\x00" + b"".join(colours[((x + (h - y)) % period) < line] for x in range(w)))
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
