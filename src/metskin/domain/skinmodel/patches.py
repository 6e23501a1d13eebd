"""The model's input: region patches of a face, cut as the dataset cuts them and resized to a
small square. Training reads the dataset's patches, the analysis worker cuts the same regions
from the photo it has just measured."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.labels.dataset import region_boxes

SIDE = 32  # pixels of the square patch the model reads (48 measured no better)
REGIONS: tuple[str, ...] = tuple(lm.MAIN_REGIONS)


def square(patch: np.ndarray) -> np.ndarray:
    """An RGB uint8 patch of any size as SIDE x SIDE (area interpolation)."""
    return cv2.resize(patch, (SIDE, SIDE), interpolation=cv2.INTER_AREA)


def face_patches(rgb: np.ndarray, landmarks: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(region, SIDE x SIDE patch) of each main region of the face in `rgb`."""
    height, width = rgb.shape[:2]
    return [
        (region, square(np.ascontiguousarray(rgb[y0:y1, x0:x1])))
        for region, (x0, y0, x1, y1) in region_boxes(landmarks, width, height).items()
    ]
