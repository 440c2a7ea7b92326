"""Product images for `GET /items/{item_id}/image`: small valid PNGs, a few distinct ones (pure)."""

from __future__ import annotations

import struct
import zlib

DISTINCT_IMAGES = 4
_COLOURS = ((200, 30, 30), (30, 160, 60), (30, 60, 200), (230, 180, 20))


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(colour: tuple[int, int, int], size: int = 8) -> bytes:
    """A `size`x`size` PNG of one colour."""
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(colour) * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def image_for(document_id: str) -> bytes:
    """The image behind an `image_document_id`; several items share each of the few images."""
    return png(_COLOURS[int(document_id) % DISTINCT_IMAGES])
