"""A video's colours, so its frames are decoded to the RGB the camera meant.

OpenCV's FFmpeg backend turns every Y'CbCr frame into RGB with the BT.601 matrix, whatever the
stream says. Phones record HD video in BT.709: decoded as BT.601, a skin colour of sRGB (200,
150, 120) comes out (194, 146, 121), b* about 2 lower, which moves ITA by 1-3 degrees (measured
in docs/benchmarks.md, "Video frames in the stream's colour matrix, and HDR video"). The frames are
re-derived with the stream's own matrix (`video_tags` reads it): the Y'CbCr values OpenCV
decoded from are recovered with the BT.601 matrix and turned into RGB with the right one, a 3x3
map of the decoded R'G'B' (both share the range scaling).

HDR video (HLG, as iPhones record by default, or PQ) is turned into SDR sRGB: its R'G'B' (with the
BT.2020 matrix) to scene or display light, BT.2020 primaries to BT.709, and the HDR reference
white (BT.2408: HLG 75 %, PQ 203 cd/m2) to SDR white; what is brighter clips. Decoded as SDR
instead, the face of an HLG video reads about a stop too dark and is refused as UNDEREXPOSED.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from metskin.domain.analysis import colour

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
    """8-bit sRGB of SRGB_STEPS even steps of linear light from 0 to 1."""
    return np.round(colour.linear_to_srgb(np.linspace(0.0, 1.0, SRGB_STEPS)) * 255).astype(np.uint8)


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
