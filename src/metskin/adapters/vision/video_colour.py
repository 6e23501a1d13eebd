"""A video's colour matrix, so its frames are decoded to the RGB the camera meant.

OpenCV's FFmpeg backend turns every Y'CbCr frame into RGB with the BT.601 matrix, whatever the
stream says. Phones record HD video in BT.709: decoded as BT.601, a skin colour of sRGB (200,
150, 120) comes out (194, 146, 121), b* about 2 lower, which moves ITA by 1-3 degrees (measured
in docs/benchmarks.md, "Video colour matrix"). The frames are re-derived with the stream's own
matrix: the Y'CbCr values OpenCV decoded from are recovered with the BT.601 matrix and turned
into RGB with the right one, a 3x3 map of the decoded R'G'B' (both share the range scaling).

HDR video (HLG, as iPhones record by default, or PQ) is turned into SDR sRGB: its R'G'B' (with the
BT.2020 matrix) to scene or display light, BT.2020 primaries to BT.709, and the HDR reference
white (BT.2408: HLG 75 %, PQ 203 cd/m2) to SDR white; what is brighter clips. Decoded as SDR
instead, the face of an HLG video reads about a stop too dark and is refused as UNDEREXPOSED.

The matrix is read as H.273 code points from MP4's and QuickTime's `colr` box (`nclx` /
`nclc`), else from the H.264 stream's own VUI (its `avcC` SPS), else from Matroska / WebM's
MatrixCoefficients element. An untagged stream is left as OpenCV decodes it (BT.601): players
disagree on what to assume, and a browser's recorder (WebRTC's converter) codes untagged HD
video in BT.601.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

BT709, BT601, BT2020 = 1, 6, 9  # H.273 MatrixCoefficients (5 is BT.601 too)
KR_KB = {
    BT709: (0.2126, 0.0722),
    BT601: (0.299, 0.114),
    5: (0.299, 0.114),
    BT2020: (0.2627, 0.0593),
}
HLG, PQ = 18, 16  # H.273 TransferCharacteristics of HDR video
HLG_WHITE = 0.26496256  # HLG's inverse OETF of 0.75, the reference white (BT.2408)
PQ_WHITE_NITS = 203.0
SRGB_STEPS = 16384  # linear light is looked up in this many steps on its way to sRGB
BT2020_TO_BT709 = np.array(  # linear RGB (BT.2087)
    [[1.6605, -0.5876, -0.0728], [-0.1246, 1.1329, -0.0083], [-0.0182, -0.1006, 1.1187]],
    dtype=np.float32,
)
TO_SRGB_STEPS = BT2020_TO_BT709 * np.float32(SRGB_STEPS - 1)  # to the sRGB table's steps
MAX_TOP_BOXES = 64  # an MP4 has a handful at its top level (ftyp, moov, mdat, free...)
MAX_MOVIE_BYTES = 32 << 20  # the moov box: a few KB to a few MB (sample tables)
EBML = b"\x1a\x45\xdf\xa3"  # Matroska / WebM files start with it
MKV_HEADER_BYTES = 1 << 16  # their Tracks element comes before the first cluster
MKV_MATRIX = b"\x55\xb1\x81"  # MatrixCoefficients, a one-byte value follows
MKV_TRANSFER = b"\x55\xba\x81"  # TransferCharacteristics


@dataclass(frozen=True)
class VideoColour:
    matrix: int  # H.273 MatrixCoefficients the frames were coded with
    transfer: int | None = None  # H.273 TransferCharacteristics, when tagged

    @property
    def hdr(self) -> bool:
        return self.transfer in (HLG, PQ)

    def correction(self) -> np.ndarray | None:
        """The 3x3 map from OpenCV's BT.601-decoded RGB to this matrix's RGB (None: same)."""
        if KR_KB.get(self.matrix, KR_KB[BT601]) == KR_KB[BT601]:
            return None
        return np.linalg.inv(_rgb_to_ycbcr(self.matrix)) @ _rgb_to_ycbcr(BT601)


class FrameDecoder:
    """OpenCV's decoded BGR frame as the stream's sRGB: a channel swap, one `cv2.transform`
    for another matrix (about 3 ms at 1080p, the swap alone 1.5-2 ms), and for HDR three
    look-ups and a transform more."""

    def __init__(self, colour: VideoColour) -> None:
        correction = colour.correction()
        self._map = None if correction is None else correction[:, ::-1].astype(np.float32)
        self._to_light = self._to_srgb = None
        if colour.hdr:
            self._to_light = _hdr_to_light(colour.transfer).astype(np.float32)
            self._to_srgb = _srgb_table()

    def __call__(self, bgr: np.ndarray) -> np.ndarray:
        if self._map is None:
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        else:
            rgb = cv2.transform(bgr, self._map)
        if self._to_light is None or self._to_srgb is None:
            return rgb
        steps = cv2.transform(cv2.LUT(rgb, self._to_light), TO_SRGB_STEPS)
        return np.take(
            self._to_srgb, np.clip(steps, 0, SRGB_STEPS - 1, out=steps).astype(np.uint16)
        )


def _hdr_to_light(transfer: int | None) -> np.ndarray:
    """Per 8-bit code, linear light with the HDR reference white at 1.0."""
    signal = np.arange(256) / 255.0
    if transfer == HLG:  # inverse OETF (BT.2100), scene light; reference white is 75 %
        a, b, c = 0.17883277, 0.28466892, 0.55991073
        light = np.where(signal <= 0.5, signal**2 / 3, (np.exp((signal - c) / a) + b) / 12)
        return light / HLG_WHITE
    m1, m2, c1, c2, c3 = 0.1593017578125, 78.84375, 0.8359375, 18.8515625, 18.6875
    power = signal ** (1 / m2)  # PQ EOTF in cd/m2, reference white 203
    nits = 10000 * (np.maximum(power - c1, 0) / (c2 - c3 * power)) ** (1 / m1)
    return nits / PQ_WHITE_NITS


def _srgb_table() -> np.ndarray:
    light = np.linspace(0.0, 1.0, SRGB_STEPS)
    srgb = np.where(light <= 0.0031308, 12.92 * light, 1.055 * light ** (1 / 2.4) - 0.055)
    return np.round(srgb * 255).astype(np.uint8)


def _rgb_to_ycbcr(matrix: int) -> np.ndarray:
    kr, kb = KR_KB[matrix]
    kg = 1.0 - kr - kb
    return np.array(
        [
            [kr, kg, kb],
            [-kr / (2 - 2 * kb), -kg / (2 - 2 * kb), 0.5],
            [0.5, -kg / (2 - 2 * kr), -kb / (2 - 2 * kr)],
        ]
    )


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
        return _sps_colour(_Bits(nal[1:]))
    except IndexError:  # truncated or not an SPS
        return None


class _Bits:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def bit(self) -> int:
        byte = self.data[self.at >> 3]
        self.at += 1
        return (byte >> (7 - ((self.at - 1) & 7))) & 1

    def bits(self, count: int) -> int:
        value = 0
        for _ in range(count):
            value = value << 1 | self.bit()
        return value

    def ue(self) -> int:  # unsigned Exp-Golomb
        zeros = 0
        while self.bit() == 0:
            zeros += 1
            if zeros > 31:
                raise IndexError
        return (1 << zeros) - 1 + self.bits(zeros)


def _sps_colour(bits: _Bits) -> VideoColour | None:
    """H.264 7.3.2.1.1 up to the VUI's colour description (E.1.1)."""
    profile = bits.bits(8)
    bits.bits(16)  # constraint flags, level
    bits.ue()  # seq_parameter_set_id
    if profile in (100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135):
        if bits.ue() == 3:  # chroma_format_idc
            bits.bit()
        bits.ue(), bits.ue(), bits.bit()  # bit depths, qpprime_y_zero_transform_bypass
        if bits.bit():  # seq_scaling_matrix_present: not parsed (rare in camera video)
            return None
    bits.ue()  # log2_max_frame_num_minus4
    order = bits.ue()
    if order == 0:
        bits.ue()
    elif order == 1:
        bits.bit(), bits.ue(), bits.ue()
        for _ in range(bits.ue()):
            bits.ue()
    bits.ue(), bits.bit(), bits.ue(), bits.ue()  # refs, gaps, width, height
    if not bits.bit():  # frame_mbs_only
        bits.bit()
    bits.bit()  # direct_8x8_inference
    if bits.bit():  # cropping
        bits.ue(), bits.ue(), bits.ue(), bits.ue()
    if not bits.bit():  # vui_parameters_present
        return None
    if bits.bit() and bits.bits(8) == 255:  # aspect_ratio_idc, extended SAR
        bits.bits(32)
    if bits.bit():  # overscan_info_present
        bits.bit()
    if not bits.bit():  # video_signal_type_present
        return None
    bits.bits(4)  # video_format, full_range
    if not bits.bit():  # colour_description_present
        return None
    bits.bits(8)  # primaries
    transfer = bits.bits(8)
    return VideoColour(bits.bits(8), transfer)
