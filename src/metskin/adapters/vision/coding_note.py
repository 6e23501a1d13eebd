"""How an upload was coded, kept with the JPEG it is stored as (`compression.SourceCoding`).

An AVIF, a HEIC or a lossy WebP is decoded at upload and stored as JPEG: the analysis then
sees the stored JPEG's pixels, not the AV1, HEVC or VP8 stream's quantiser. That quantiser is
written into the stored JPEG as a comment (COM segment: "MetSkin coded: av1 q=160",
"MetSkin coded: hevc q=32", "MetSkin coded: vp8 q=60"), and read back by the analysis. Nothing
personal: the codec and one number. An uploaded JPEG's own comments are dropped at upload
(`jpeg_segments.strip_jpeg`, or the re-encode), so only the upload step writes one.
"""

from __future__ import annotations

import re
import struct

from metskin.adapters.vision.av1_quantiser import base_q_index
from metskin.adapters.vision.hevc_quantiser import slice_qp
from metskin.adapters.vision.vp8_quantiser import webp_quantiser
from metskin.domain.analysis.compression import SourceCoding

PREFIX = b"MetSkin coded: "
NOTE = re.compile(rb"MetSkin coded: ([a-z0-9]{1,8}) q=([0-9]{1,3})\Z")
COM, SOS = 0xFE, 0xDA
MAX_SEGMENTS = 64  # the note comes before the picture, among the first segments


def upload_coding(data: bytes, image_format: str | None) -> SourceCoding | None:
    """The coding of an uploaded photo that is re-encoded for storage (an AVIF's, a HEIC's or a
    lossy WebP's quantiser, as Pillow read the file); None when it cannot be read or says
    nothing the pixels do not (PNG, a lossless WebP)."""
    if image_format == "AVIF":
        codec, quantiser = "av1", base_q_index(data)
    elif image_format == "HEIF":
        codec, quantiser = "hevc", slice_qp(data)
    elif image_format == "WEBP":
        codec, quantiser = "vp8", webp_quantiser(data)
    else:
        return None
    return None if quantiser is None else SourceCoding(codec, quantiser)


def note(coding: SourceCoding) -> bytes:
    return PREFIX + f"{coding.codec} q={coding.quantiser}".encode()


def read_coding(jpeg: bytes) -> SourceCoding | None:
    """The note a stored JPEG carries, if any."""
    if jpeg[:2] != b"\xff\xd8":
        return None
    at = 2
    try:
        for _ in range(MAX_SEGMENTS):
            if jpeg[at] != 0xFF:
                return None
            marker = jpeg[at + 1]
            if marker == SOS:
                return None
            length = struct.unpack_from(">H", jpeg, at + 2)[0]
            if marker == COM:
                found = NOTE.match(jpeg[at + 4 : at + 2 + length])
                if found:
                    return SourceCoding(found.group(1).decode(), int(found.group(2)))
            at += 2 + length
    except (IndexError, struct.error):
        return None
    return None
