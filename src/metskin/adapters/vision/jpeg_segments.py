"""A JPEG's metadata removed without decoding it: the segments are rewritten, the pixels kept.

`strip_jpeg` keeps the quantisation and Huffman tables, the frame header, the restart interval
and every scan's entropy-coded data as they are, and drops everything else: the APPn segments
(EXIF with GPS and the camera's serial numbers, XMP, ICC, MPF, the makers' notes, embedded
thumbnails), comments and whatever follows the end-of-image marker (a second picture, a zip, a
script). A fresh JFIF header without thumbnail is written in front. The ICC profile it drops
is handed back: a photo in another colour space than sRGB must be converted, not just stripped.

It answers only for the plain case: 8-bit YCbCr in three components (component ids 1, 2, 3,
no Adobe marker) coded baseline, extended or progressive with Huffman tables, upright (no EXIF
or XMP orientation other than 1), at most `max_pixels`, well formed up to its end marker.
Anything else gives None and the caller decodes and re-encodes the photo, refusing it if the
decoder does.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

SOI, EOI, SOS, DQT, DHT, DRI = 0xD8, 0xD9, 0xDA, 0xDB, 0xC4, 0xDD
FRAMES = {0xC0, 0xC1, 0xC2}  # baseline, extended sequential, progressive (Huffman)
APP1, APP2, APP14, COM = 0xE1, 0xE2, 0xEE, 0xFE
KEPT = {DQT, DHT, DRI}
MAX_SCANS = 100  # progressive files have about 10; thousands of scans make a CPU bomb
# JFIF 1.01, no density unit, 1:1 pixels, no thumbnail
JFIF = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
# inside a scan, 0xFF is followed by a stuffed 0x00 or a restart marker; anything else ends it
SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7]")
XMP_ORIENTATION = re.compile(rb'tiff:Orientation(?:="|>)([0-9])')
EXIF_HEADER = b"Exif\x00\x00"
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
ICC_HEADER = b"ICC_PROFILE\x00"  # then the chunk's number (from 1) and the number of chunks
ICC_CHUNK = 65533  # a segment's largest body (its length field counts itself)


@dataclass(frozen=True)
class StrippedJpeg:
    data: bytes
    width: int
    height: int
    icc_profile: bytes | None = None  # the embedded colour profile, reassembled from its chunks


class _Unhandled(Exception):
    """The file is not the plain case (or is malformed): the caller re-encodes it."""


def strip_jpeg(data: bytes, max_pixels: int) -> StrippedJpeg | None:
    try:
        return _strip(data, max_pixels)
    except (_Unhandled, IndexError, struct.error):
        return None


def _strip(data: bytes, max_pixels: int) -> StrippedJpeg:
    if data[:2] != b"\xff\xd8":
        raise _Unhandled
    kept: list[bytes | memoryview] = [b"\xff\xd8", JFIF]
    view = memoryview(data)  # the kept parts are copied once, by the join
    size: tuple[int, int] | None = None
    scans, at = 0, 2
    icc_chunks: list[bytes] = []
    while True:
        marker, at = _marker(data, at)
        if marker == EOI:
            if size is None or scans == 0:
                raise _Unhandled
            kept.append(b"\xff\xd9")
            return StrippedJpeg(b"".join(kept), *size, _icc_profile(icc_chunks))
        length = struct.unpack_from(">H", data, at)[0]
        end = at + length
        if length < 2 or end > len(data):
            raise _Unhandled
        body = data[at + 2 : end]
        if marker in FRAMES:
            if size is not None:
                raise _Unhandled
            size = _frame_size(body, max_pixels)
        elif marker == SOS:
            scans += 1
            if size is None or scans > MAX_SCANS:
                raise _Unhandled
            found = SCAN_END.search(data, end)
            if found is None:
                raise _Unhandled  # no marker after the scan: the file is cut
            kept.append(view[at - 2 : found.start()])
            at = found.start()
            continue
        elif marker == APP1:
            _check_upright(body)
        elif marker == APP2 and body.startswith(ICC_HEADER):
            icc_chunks.append(body[len(ICC_HEADER) :])
        elif marker == APP14 or not (0xE0 <= marker <= 0xEF or marker == COM or marker in KEPT):
            raise _Unhandled  # Adobe colour transform, arithmetic coding, DNL, JPEG-LS...
        if marker in KEPT or marker in FRAMES:
            kept.append(view[at - 2 : end])
        at = end


def _marker(data: bytes, at: int) -> tuple[int, int]:
    """The marker at `at` (fill bytes 0xFF allowed before it) and where its segment starts."""
    if data[at] != 0xFF:
        raise _Unhandled
    while data[at] == 0xFF:
        at += 1
    marker = data[at]
    if marker in (0x00, SOI) or 0xD0 <= marker <= 0xD7:
        raise _Unhandled
    return marker, at + 1


def _frame_size(body: bytes, max_pixels: int) -> tuple[int, int]:
    precision, height, width, count = struct.unpack_from(">BHHB", body)
    ids = tuple(body[6 + 3 * index] for index in range(count))
    if precision != 8 or ids != (1, 2, 3) or len(body) != 6 + 3 * count:
        raise _Unhandled
    if width == 0 or height == 0 or width * height > max_pixels:
        raise _Unhandled  # the decoder's path refuses it from the header
    return width, height


def with_icc_profile(stripped: bytes, profile: bytes) -> bytes:
    """A stripped JPEG with `profile` written back after its JFIF header, as APP2 chunks: a
    colour description, not personal metadata (its decoders convert from it)."""
    step = ICC_CHUNK - len(ICC_HEADER) - 2
    parts = [profile[at : at + step] for at in range(0, len(profile), step)]
    segments = b"".join(
        b"\xff\xe2"
        + struct.pack(">H", 2 + len(ICC_HEADER) + 2 + len(part))
        + ICC_HEADER
        + bytes((number, len(parts)))
        + part
        for number, part in enumerate(parts, start=1)
    )
    head = 2 + len(JFIF)
    return stripped[:head] + segments + stripped[head:]


def _icc_profile(chunks: list[bytes]) -> bytes | None:
    """The profile's chunks joined in their numbered order; None when a chunk is missing or
    numbered twice: the photo then counts as sRGB (Pillow too reads no profile without a chunk)."""
    chunks = sorted(chunks, key=lambda chunk: chunk[:1])
    if not chunks or [chunk[:2] for chunk in chunks] != [
        bytes((number, len(chunks))) for number in range(1, len(chunks) + 1)
    ]:
        return None
    return b"".join(chunk[2:] for chunk in chunks)


def _check_upright(body: bytes) -> None:
    """Refuses the plain case to a photo turned by its EXIF or XMP orientation (as Pillow reads
    them: the EXIF tag, else XMP's tiff:Orientation)."""
    if body.startswith(EXIF_HEADER):
        if _exif_orientation(body[len(EXIF_HEADER) :]) not in (None, 1):
            raise _Unhandled
    elif body.startswith(XMP_HEADER):
        found = XMP_ORIENTATION.search(body)
        if found is not None and found.group(1) != b"1":
            raise _Unhandled


def _exif_orientation(tiff: bytes) -> int | None:
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    if order is None:
        raise _Unhandled
    magic, offset = struct.unpack_from(order + "HI", tiff, 2)
    if magic != 42:
        raise _Unhandled
    (count,) = struct.unpack_from(order + "H", tiff, offset)
    for index in range(count):
        tag, kind, _count = struct.unpack_from(order + "HHI", tiff, offset + 2 + 12 * index)
        if tag == 0x0112:
            if kind != 3:
                raise _Unhandled
            return int(struct.unpack_from(order + "H", tiff, offset + 10 + 12 * index)[0])
    return None
