"""A photo saved with strong JPEG compression (a messaging app, a web form): COMPRESSED, a
warning that fine detail (pores, fine lines) may be misread, with the advice to send the
original photo; the plausible range of those two scores reaches lower (`quality.widened`).

JPEG codes the picture in blocks of 8 x 8 pixels; at low quality the skin inside a block is
flattened and the steps between blocks stay. So the steps between neighbouring pixels are
larger, on average, across the blocks' edges than inside them: `blockiness` is the mean step
at the strongest of the 8 positions (the edges, wherever the grid lies after a crop or a
rotation) over the median position, read on the face's box in the photo's own pixels, with
steps beyond STEP_CLIP (the picture's own edges) clipped. A photo measured after being shrunk
by more than half (`MIN_CROP_SCALE`) has its blocks averaged away and is not flagged. Figures:
docs/benchmarks.md, "Compressed photos named".

AV1, HEVC and VP8 (AVIF, HEIC and lossy WebP photos) have no fixed 8 x 8 grid: strongly
compressed, the skin comes out smooth and was read as a beauty filter's (FILTER_SUSPECTED,
"turn off beauty mode"). Such a photo is stored as JPEG with how it was coded (`SourceCoding`,
the encoder's quantiser read from the file at upload: `adapters/vision/av1_quantiser.py`,
`hevc_quantiser.py`, `vp8_quantiser.py`), and is
named COMPRESSED when that quantiser reaches `COARSE_QUANTISER` (the value is the quantiser).
`validity.blocked` then says COMPRESSED, with its advice, where the skin read as filtered.
Figures: docs/reliability.md, "A compressed AVIF or HEIC ..." (2026-12-06, sixth session).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from metskin.domain.analysis.guidance import issue
from metskin.domain.analysis.model import QualityIssue

BLOCK = 8
STEP_CLIP = 8  # 8-bit levels: a larger step between two pixels is an edge of the picture
LINE_STEP = 2  # every 2nd row (column) is read for the steps along it
MIN_CROP_SCALE = 0.5
MIN_STEPS = 200  # steps read at each of the 8 positions, at least
# The 204 London photos as the camera saved them (JPEG q90-92) read 1.08-1.32, and re-saved at
# q85-95 at most 1.33; re-saved at q75 a median 1.51, at q60 1.67, at q40 1.90
COMPRESSED_BLOCKINESS = 1.45
# How far below its score a named photo's pores and lines may truly lie: the 90th percentile of
# the rise of the London photos re-saved at q75 that are named (151 of 204): pores 5.0, lines 9.9
COMPRESSION_RISE = {"pores": 5.0, "wrinkles": 10.0}
# The quantiser from which an upload is named, per codec (38 London faces at 640 px; the
# table in docs/reliability.md). AV1's base_q_idx (0-255): libavif (Pillow) codes quality 90 at
# 32, 75 at 76, 74 at 80, 60 at 120; ffmpeg's libaom at its default speed crf 20 at 80, 40 at
# 160. Their skin read as filtered on none at 76 or finer, from 80 on 6 (crf 20) to 35 (crf 40)
# of 38. HEVC's QP (0-51): libheif's x265 codes quality 75 at 9, 50 at 22, 45 at 24, 30 at 32;
# read as filtered on 0 of 38 at 22, 1 of 34 at 24, 6 of 34 at 27, 25 of 38 at 32. VP8's
# y_ac_qi (0-127, a lossy WebP; docs/benchmarks.md "Compressed WebP named", 102 faces):
# libwebp (Pillow) codes quality 80 at 27, 75 at 36, 70 at 39, 50 at 52, 30 at 68, the same on
# every face; its JPEG of equal PSNR is named on 89 of 102 at 70, filtered 14; at 75, 85 and 8.
# 27 names quality 80 and coarser (as HEVC's 24, from where the skin begins to read as filtered:
# 3 of 102 at 80, 8 at 75), never 85 or finer (0 filtered, equal-PSNR JPEG named on 16).
COARSE_QUANTISER = {"av1": 80, "hevc": 24, "vp8": 27}


@dataclass(frozen=True)
class SourceCoding:
    """How an upload was coded before it was stored as JPEG: its codec ("av1", "hevc", "vp8")
    and the encoder's quantiser for the picture (AV1's base_q_idx, 0 finest to 255 coarsest;
    HEVC's QP, 0 to 51; VP8's y_ac_qi, 0 to 127)."""

    codec: str
    quantiser: int

    @property
    def coarse(self) -> bool:
        limit = COARSE_QUANTISER.get(self.codec)
        return limit is not None and self.quantiser >= limit


def blockiness(rgb: np.ndarray, box: tuple[int, int, int, int], skin: np.ndarray) -> float:
    """How much larger the steps across JPEG block edges are than the steps inside blocks, on
    the skin (`skin`: the crop's mask, brought back to the face box `box` of the photo) in the
    photo's own pixels (1.0: no grid)."""
    left, top, right, bottom = box
    if right - left < 4 * BLOCK or bottom - top < 4 * BLOCK:
        return 1.0
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[top:bottom, left:right]), cv2.COLOR_RGB2GRAY)
    grey = grey.astype(np.int16)
    size = (right - left, bottom - top)
    inside = cv2.resize(skin.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST) > 0
    ratios = []
    for axis, origin in ((1, left), (0, top)):
        lines = grey[::LINE_STEP] if axis == 1 else grey[:, ::LINE_STEP]
        kept = inside[::LINE_STEP] if axis == 1 else inside[:, ::LINE_STEP]
        both = kept[:, 1:] & kept[:, :-1] if axis == 1 else kept[1:] & kept[:-1]
        steps = np.minimum(np.abs(np.diff(lines, axis=axis)), STEP_CLIP) * both
        # the mean step at each position along the axis, over the skin
        total, count = steps.sum(axis=1 - axis), both.sum(axis=1 - axis)
        phase = (origin + 1 + np.arange(total.size)) % BLOCK
        counted = np.bincount(phase, weights=count, minlength=BLOCK)
        if counted.min() < MIN_STEPS:  # too little skin to tell
            return 1.0
        per = np.bincount(phase, weights=total, minlength=BLOCK) / counted
        ratios.append(float(per.max()) / max(float(np.median(per)), 1e-6))
    return float(np.mean(ratios))


def compression_issues(
    rgb: np.ndarray,
    box: tuple[int, int, int, int],
    scale: float,
    skin: np.ndarray,
    coding: SourceCoding | None = None,
) -> list[QualityIssue]:
    """COMPRESSED (a warning) for a strongly compressed photo measured at half its size or
    more (`scale`: crop pixels per photo pixel): an upload coded coarsely (`coding`), or a
    JPEG's grid (`box` and `skin` as for `blockiness`). A converted upload's grid is the stored
    JPEG's own, not read. Shrunk by more than half, neither is named: what a coarse quantiser
    smooths is finer than what is measured (a phone's 12 MP HEIC, its eyes 400 px apart)."""
    if scale < MIN_CROP_SCALE:
        return []
    if coding is not None:
        return [issue("COMPRESSED", float(coding.quantiser))] if coding.coarse else []
    value = blockiness(rgb, box, skin)
    return [issue("COMPRESSED", value)] if value >= COMPRESSED_BLOCKINESS else []
