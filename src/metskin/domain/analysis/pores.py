"""The pores detector's measurement: tiny pits darker than the skin right around them, read
against each region's own fine texture so that normal skin shows about as many on any tone.

A pit's depth is measured on `FaceImage.weber` (a pit that takes the same share of the light
is the same depth on any skin) as the median of the 5 x 5 pixels around it minus its own value
(lightly blurred): sheen on darker skin lifts the bright speckles around a pixel, which lifted
the old Gaussian surround and made the ordinary skin between them read as pits, but it does not
lift the median. Each region (nose, each cheek) has its own threshold, PORES_TAIL x the 90th
percentile of that depth's absolute deviation over its usable skin (its fine texture and the
photo's noise there, a statistic that a field of pits covering a few % of the skin barely
moves). The old detector counted pixels 2.5 L* below a Gaussian surround (the fixed floor, as
the noise was below it on almost every face): partial Spearman with Monk +0.22 on both London
sets, age controlled (docs/benchmarks.md, "Pores and dark circles across skin tones").

The threshold was 4.5 robust sigmas (1.4826 x the median absolute deviation) until JPEG was
measured: a photo saved at quality 75 or less has its skin flattened inside each 8 x 8 block
and rung at the blocks' edges, so most depths sit near 0 (the median deviation falls) while
the artefacts stay deep; the London faces re-saved at q75 read a median 2.9 pores points more
(5.8 on Monk 6-10), at q60 5.2 (9.6). The 90th percentile sees the artefacts' tail: 0.7 and 0.8
(docs/benchmarks.md, "Pores on compressed photos").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import (
    blob_mask,
    blobs,
    blur,
    blur_reach,
    mask_box,
    tail_spread,
)

PORE_REGIONS = ("nose", "cheek_right", "cheek_left")
# A pit is this many times the 90th percentile of the absolute deviation of the region's depth
# map deep (on the London photos as taken about what 4.5 robust sigmas were: pores median 9.5)
PORES_TAIL = 2.2
TAIL_PERCENTILE = 90.0
PORES_MIN_THRESHOLD = 1.0  # weber units (about 1.2 % of the light): smooth or flat-coded skin
MEDIAN_WINDOW = 5  # pixels
# The largest pit, as a share of the eye distance: about 3 pixels at the working size; a deep
# pit's footprint above the threshold is wider than the pit (0.02 lost a third of planted pits)
PIT_RADIUS = 0.03
PIT_SIGMA = 0.6  # pixels: the pit's own value is lightly blurred (noise)
PATCH = 0.1  # density is counted per (PATCH x eye distance)^2 of the region
MIN_PIXELS = 30


@dataclass(frozen=True, eq=False)
class PoreMap:
    counts: dict[str, int]  # pits per region measured
    density: dict[str, float]  # pits per patch of the region
    thresholds: dict[str, float]  # weber units
    mask: np.ndarray  # the pits, crop-sized

    @property
    def count(self) -> int:
        return sum(self.counts.values())


def pit_depth(
    face: FaceImage, regions: tuple[str, ...] = PORE_REGIONS
) -> tuple[tuple[slice, slice], np.ndarray] | None:
    """How far each pixel lies below the median of the 5 x 5 pixels around it (weber units),
    on the box of the regions' usable skin grown by the two filters' reach, and that box (None
    when the regions have no usable skin). On that skin the values are the whole crop's: the
    same kernels over the same pixels; the box starts on even coordinates, as `blobs` wants."""
    zone = np.logical_or.reduce([face.region(name) for name in regions]) & face.masks["usable"]
    window = mask_box(zone, max(MEDIAN_WINDOW // 2, blur_reach(PIT_SIGMA)), even=True)
    if window is None:
        return None
    weber = np.ascontiguousarray(face.weber()[window])
    return window, cv2.medianBlur(weber, MEDIAN_WINDOW) - blur(weber, PIT_SIGMA)


def pit_threshold(depth: np.ndarray) -> float:
    """How deep a pit must be in a region whose depth values are `depth` (weber units): the
    tail of the depths' spread, so that artefacts a photo's compression left deep while it
    flattened the rest do not pass as pits (at least PORES_MIN_THRESHOLD)."""
    return max(PORES_MIN_THRESHOLD, PORES_TAIL * tail_spread(depth, TAIL_PERCENTILE))


def find_pores(face: FaceImage, regions: tuple[str, ...] = PORE_REGIONS) -> PoreMap:
    iod = face.eye_distance
    largest = math.pi * (PIT_RADIUS * iod) ** 2
    patch = (PATCH * iod) ** 2
    counts: dict[str, int] = {}
    density: dict[str, float] = {}
    thresholds: dict[str, float] = {}
    mask = np.zeros(face.lightness.shape, dtype=bool)
    found = pit_depth(face, regions)
    if found is None:
        return PoreMap(counts, density, thresholds, mask)
    window, depth = found  # every region's usable skin lies in the window
    usable = face.masks["usable"][window]
    for name in regions:
        region = face.region(name)[window] & usable
        if np.count_nonzero(region) < MIN_PIXELS:
            continue
        threshold = pit_threshold(depth[region])
        kept, labels = blobs(region & (depth > threshold), 1, largest)
        mask[window] |= blob_mask(labels, kept)
        counts[name] = len(kept)
        density[name] = len(kept) / (face.area(name) / patch)
        thresholds[name] = threshold
    return PoreMap(counts, density, thresholds, mask)
