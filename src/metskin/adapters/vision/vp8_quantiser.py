"""How coarsely a lossy WebP photo was coded: the VP8 key frame's luma AC quantiser index
(`y_ac_qi`, 0-127: 0 keeps every detail), read from the file's bytes without decoding it.

VP8 codes in 4 x 4 blocks inside 16 x 16 macroblocks and smooths their edges with its loop
filter: a strongly compressed WebP comes out smooth more than blocky, as AV1 and HEVC do
(`av1_quantiser`, `hevc_quantiser`). The picture is the RIFF file's `VP8 ` chunk: at the top
level of a simple file, after the `VP8X` header (and `ICCP`, `EXIF`, `ALPH` ...) of an
extended one, or inside an animation's first `ANMF` frame. Its frame tag and key frame header
are plain bytes; the frame header after them is coded with VP8's boolean decoder (RFC 6386
sections 9.2-9.6 and 19.2): colour space, segmentation, loop filter, partitions, then the
quantiser indices.

libwebp writes four segments with absolute quantisers (`segment_feature_mode` 1), one per
class of macroblock (flat ones, as skin is, coded coarser by its spatial noise shaping), and
the frame's `y_ac_qi` as the first segment's, the coarsest (92, 92, 82, 68 at Pillow's quality
10; 36, 36, 29, 22 at 75). What is read is the frame's index when there are no segments, else
the coarsest segment's (in delta mode, the frame's index plus the delta), clamped to 0-127 as
the decoder does: libwebp's `y_ac_qi` either way. A lossless WebP (`VP8L`) has no quantiser:
None, as for anything unexpected; the photo is then judged on its pixels.
"""

from __future__ import annotations

import struct

from metskin.adapters.vision.bitstream import BoolDecoder

KEY_FRAME_START = b"\x9d\x01\x2a"
SEGMENTS = 4
MAX_CHUNKS = 64  # a WebP has a handful of chunks; an animation's frames are not walked
MAX_INDEX = 127


def webp_quantiser(data: bytes) -> int | None:
    """The lossy WebP's luma quantiser index (its coarsest segment's), or None: lossless, not
    a WebP, or a header that cannot be read."""
    try:
        frame = _vp8_chunk(data)
        return None if frame is None else _quantiser(frame)
    except (IndexError, ValueError, struct.error):
        return None


def _vp8_chunk(data: bytes) -> bytes | None:
    """The first `VP8 ` chunk's payload (a simple file's, an extended file's, or an
    animation's first frame's), None when the picture is lossless (`VP8L`) or missing."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    return _find_frame(data, 12, len(data))


def _find_frame(data: bytes, at: int, end: int) -> bytes | None:
    for _ in range(MAX_CHUNKS):
        if at + 8 > end:
            return None
        kind = data[at : at + 4]
        size = struct.unpack_from("<I", data, at + 4)[0]
        body = at + 8
        if kind == b"VP8 ":
            return data[body : body + size]
        if kind == b"VP8L":
            return None
        if kind == b"ANMF":  # 16 bytes of frame position and timing, then the frame's chunks
            return _find_frame(data, body + 16, min(end, body + size))
        at = body + size + (size & 1)
    return None


def _quantiser(frame: bytes) -> int | None:
    tag = frame[0] | frame[1] << 8 | frame[2] << 16
    if tag & 1 or frame[3:6] != KEY_FRAME_START:  # bit 0 set: an inter frame
        return None
    partition = tag >> 5
    header = BoolDecoder(frame[10 : 10 + partition])
    header.literal(2)  # colour space, clamping type
    segments = _segment_quantisers(header) if header.literal(1) else None
    header.literal(1 + 6 + 3)  # filter type, loop filter level, sharpness
    if header.literal(1) and header.literal(1):  # loop filter deltas, updated
        for _ in range(8):
            if header.literal(1):
                header.signed(6)
    header.literal(2)  # log2 of the number of DCT partitions
    y_ac = header.literal(7)
    if segments is None:
        return y_ac
    absolute, values = segments
    indices = [value if absolute else y_ac + value for value in values]
    return max(min(max(index, 0), MAX_INDEX) for index in indices)


def _segment_quantisers(header: BoolDecoder) -> tuple[bool, list[int]] | None:
    """RFC 6386 9.3: (absolute, the four segments' quantiser values), None when the frame
    gives none (segments for the loop filter only)."""
    update_map, update_data = header.literal(1), header.literal(1)
    found: tuple[bool, list[int]] | None = None
    if update_data:
        absolute = bool(header.literal(1))
        values = [header.signed(7) if header.literal(1) else 0 for _ in range(SEGMENTS)]
        for _ in range(SEGMENTS):  # loop filter levels
            if header.literal(1):
                header.signed(6)
        found = (absolute, values)
    if update_map:
        for _ in range(3):  # the segment tree's probabilities
            if header.literal(1):
                header.literal(8)
    return found
