"""A video's colour tags, as H.273 code points (`video_colour.VideoColour`).

Read from MP4's and QuickTime's `colr` box (`nclx` / `nclc`) in the `moov` box, else from the
H.264 stream's own VUI (the `avcC` box's first SPS), else from Matroska / WebM's Colour element.
An untagged stream is left as OpenCV decodes it (BT.601): players disagree on what to assume,
and a browser's recorder (WebRTC's converter) codes untagged HD video in BT.601.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from metskin.adapters.vision.bitstream import BitReader
from metskin.adapters.vision.video_colour import BT601, KR_KB, VideoColour

MAX_TOP_BOXES = 64  # an MP4 has a handful at its top level (ftyp, moov, mdat, free...)
MAX_MOVIE_BYTES = 32 << 20  # the moov box: a few KB to a few MB (sample tables)
EBML = b"\x1a\x45\xdf\xa3"  # Matroska / WebM files start with it
MKV_HEADER_BYTES = 1 << 16  # their Tracks element comes before the first cluster
MKV_MATRIX = b"\x55\xb1\x81"  # MatrixCoefficients, a one-byte value follows
MKV_TRANSFER = b"\x55\xba\x81"  # TransferCharacteristics
MKV_TRACK_TYPE = b"\x83\x81"  # TrackType, a one-byte value follows: 1 video, 2 audio


def read_colour(path: Path) -> VideoColour:
    """The stream's colour tags (BT.601 when it has none)."""
    with path.open("rb") as file:
        head = file.read(MKV_HEADER_BYTES)
        if head.startswith(EBML):
            tagged = _mkv_colour(head)
        else:
            movie = _movie_box(file)
            tagged = _mp4_colour(movie) or _avc_colour(movie)
    if tagged and tagged.matrix in KR_KB:
        return tagged
    return VideoColour(BT601, tagged.transfer if tagged else None)


def sound_only(path: Path) -> bool:
    """Whether the file's tracks are sound and no picture (a voice memo, a song: M4A, an MP4
    or a WebM of sound only), by their handler types (MP4, QuickTime) or track types (WebM).
    Asked only of a file OpenCV cannot read as a video, to say why."""
    with path.open("rb") as file:
        head = file.read(MKV_HEADER_BYTES)
        if head.startswith(EBML):
            types = {head[at + 2] for at in _places(head, MKV_TRACK_TYPE) if at + 2 < len(head)}
            return 2 in types and 1 not in types
        movie = _movie_box(file)
    # `hdlr`: version and flags, a component type (QuickTime) or zeros, then the handler type
    handlers = {movie[at + 12 : at + 16] for at in _places(movie, b"hdlr")}
    return b"soun" in handlers and b"vide" not in handlers


def _places(data: bytes, pattern: bytes) -> list[int]:
    found, at = [], data.find(pattern)
    while at >= 0:
        found.append(at)
        at = data.find(pattern, at + 1)
    return found


def _movie_box(file: BinaryIO) -> bytes:
    """The MP4 / QuickTime `moov` box (the tracks' descriptions, at the start or the end of the
    file), found by walking the top-level boxes; empty when there is none."""
    file.seek(0, 2)
    size, at = file.tell(), 0
    for _ in range(MAX_TOP_BOXES):
        file.seek(at)
        header = file.read(16)
        if len(header) < 8:
            break
        length, kind = int.from_bytes(header[:4], "big"), header[4:8]
        start = 8
        if length == 1:  # a 64-bit size follows
            length, start = int.from_bytes(header[8:16], "big"), 16
        elif length == 0:  # to the end of the file
            length = size - at
        if length < start:
            break
        if kind == b"moov":
            file.seek(at + start)
            return file.read(min(length - start, MAX_MOVIE_BYTES))
        at += length
    return b""


def _mp4_colour(data: bytes) -> VideoColour | None:
    """`colr` + `nclx` (MP4) or `nclc` (QuickTime): primaries, transfer, matrix (16 bits each)."""
    at = data.find(b"colrncl")
    if at < 0 or len(data) < at + 14 or data[at + 7 : at + 8] not in (b"x", b"c"):
        return None
    transfer = int.from_bytes(data[at + 10 : at + 12], "big")
    return VideoColour(int.from_bytes(data[at + 12 : at + 14], "big"), transfer)


def _mkv_colour(data: bytes) -> VideoColour | None:
    at = data.find(MKV_MATRIX)
    if at < 0 or len(data) <= at + 3:
        return None
    found = data.find(MKV_TRANSFER)
    transfer = data[found + 3] if 0 <= found < len(data) - 3 else None
    return VideoColour(data[at + 3], transfer)


def _avc_colour(data: bytes) -> VideoColour | None:
    """The colour description in the VUI of the first SPS of an `avcC` box."""
    at = data.find(b"avcC")
    if at < 0 or len(data) < at + 12 or data[at + 9] & 0x1F == 0:
        return None
    length = int.from_bytes(data[at + 10 : at + 12], "big")
    nal = data[at + 12 : at + 12 + length].replace(b"\x00\x00\x03", b"\x00\x00")
    try:
        return _sps_colour(BitReader(nal[1:]))
    except (IndexError, ValueError):  # truncated or not an SPS
        return None


def _sps_colour(bits: BitReader) -> VideoColour | None:
    """H.264 7.3.2.1.1 up to the VUI's colour description (E.1.1)."""
    profile = bits.f(8)
    bits.f(16)  # constraint flags, level
    bits.ue()  # seq_parameter_set_id
    if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
        if bits.ue() == 3:  # chroma_format_idc
            bits.f(1)
        bits.ue(), bits.ue(), bits.f(1)  # bit depths, qpprime_y_zero_transform_bypass
        if bits.f(1):  # seq_scaling_matrix_present: not parsed (rare in camera video)
            return None
    bits.ue()  # log2_max_frame_num_minus4
    order = bits.ue()
    if order == 0:
        bits.ue()
    elif order == 1:
        bits.f(1), bits.ue(), bits.ue()
        for _ in range(bits.ue()):
            bits.ue()
    bits.ue(), bits.f(1), bits.ue(), bits.ue()  # refs, gaps, width, height
    if not bits.f(1):  # frame_mbs_only
        bits.f(1)
    bits.f(1)  # direct_8x8_inference
    if bits.f(1):  # cropping
        bits.ue(), bits.ue(), bits.ue(), bits.ue()
    if not bits.f(1):  # vui_parameters_present
        return None
    if bits.f(1) and bits.f(8) == 255:  # aspect_ratio_idc, extended SAR
        bits.f(32)
    if bits.f(1):  # overscan_info_present
        bits.f(1)
    if not bits.f(1):  # video_signal_type_present
        return None
    bits.f(4)  # video_format, full_range
    if not bits.f(1):  # colour_description_present
        return None
    bits.f(8)  # primaries
    transfer = bits.f(8)
    return VideoColour(bits.f(8), transfer)
