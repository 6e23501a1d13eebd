"""The pictures of a HEIF file (AVIF, HEIC) read from its boxes without decoding them: the
primary item's coded bytes (`pitm`, `iinf`, `iloc`; for a grid of tiles, the first tile's) and
its codec's configuration property (`iprp`/`ipco`: `av1C`, `hvcC`). Only what the encoder's
quantiser is read from (`av1_quantiser`, `hevc_quantiser`); anything unexpected raises
ValueError, IndexError or struct.error, which their callers turn into None.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

MAX_BOXES = 256


def boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, body end) of the boxes between `start` and `end`."""
    at = start
    for _ in range(MAX_BOXES):
        if at + 8 > end:
            return
        size, kind = struct.unpack_from(">I4s", data, at)
        head = 8
        if size == 1:
            size, head = struct.unpack_from(">Q", data, at + 8)[0], 16
        elif size == 0:
            size = end - at
        if size < head or at + size > end:
            raise ValueError("box overruns its parent")
        yield kind, at + head, at + size
        at += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in boxes(data, start, end) if k == kind), None)


def picture_item(data: bytes, item_type: bytes) -> bytes | None:
    """The coded bytes of the primary item when it is of `item_type` ("av01", "hvc1"), else of
    the first item of that type (a grid's first tile)."""
    meta = _meta(data)
    if meta is None:
        return None
    start, end = meta
    primary = None
    if (pitm := _child(data, start, end, b"pitm")) is not None:
        version = data[pitm[0]]
        primary = struct.unpack_from(">H" if version == 0 else ">I", data, pitm[0] + 4)[0]
    items = _items_of(data, start, end, item_type)
    chosen = primary if primary in items else (items[0] if items else None)
    iloc = _child(data, start, end, b"iloc")
    if chosen is None or iloc is None:
        return None
    return _item_bytes(data, iloc, chosen)


def _items_of(data: bytes, start: int, end: int, item_type: bytes) -> list[int]:
    iinf = _child(data, start, end, b"iinf")
    if iinf is None:
        return []
    version = data[iinf[0]]
    first = iinf[0] + 4 + (2 if version == 0 else 4)
    found = []
    for kind, body, _ in boxes(data, first, iinf[1]):
        if kind != b"infe" or data[body] < 2:
            continue
        wide = data[body] >= 3
        item = struct.unpack_from(">I" if wide else ">H", data, body + 4)[0]
        at = body + 4 + (4 if wide else 2) + 2  # then the protection index
        if data[at : at + 4] == item_type:
            found.append(item)
    return found


def _item_bytes(data: bytes, iloc: tuple[int, int], wanted: int) -> bytes | None:
    at = iloc[0]
    version = data[at]
    sizes, more = data[at + 4], data[at + 5]
    offset_size, length_size, base_size = sizes >> 4, sizes & 15, more >> 4
    index_size = more & 15 if version in (1, 2) else 0
    at += 6
    count = struct.unpack_from(">H" if version < 2 else ">I", data, at)[0]
    at += 2 if version < 2 else 4

    def read(size: int) -> int:
        nonlocal at
        value = int.from_bytes(data[at : at + size], "big") if size else 0
        at += size
        return value

    for _ in range(count):
        item = read(2 if version < 2 else 4)
        method = read(2) & 15 if version in (1, 2) else 0
        read(2)  # data reference index
        base = read(base_size)
        parts = []
        for _ in range(read(2)):
            read(index_size)
            offset, length = read(offset_size), read(length_size)
            if base + offset + length > len(data):
                raise ValueError("the item's bytes run past the end: the file is cut")
            parts.append(data[base + offset : base + offset + length])
        if item == wanted:
            return b"".join(parts) if method == 0 else None  # idat / item offsets: not read
    return None


def _meta(data: bytes) -> tuple[int, int] | None:
    """The `meta` box's children (a full box: its version and flags first)."""
    meta = _child(data, 0, len(data), b"meta")
    return None if meta is None else (meta[0] + 4, meta[1])


def first_property(data: bytes, kind: bytes) -> bytes | None:
    """The body of the first item property of type `kind` (a grid's tiles share theirs)."""
    meta = _meta(data)
    iprp = None if meta is None else _child(data, *meta, b"iprp")
    ipco = None if iprp is None else _child(data, *iprp, b"ipco")
    found = None if ipco is None else _child(data, *ipco, kind)
    return None if found is None else data[found[0] : found[1]]
