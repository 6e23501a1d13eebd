"""How a photo was taken, kept with the result so that two analyses can be compared later
(issue 16): the landmarks (to align the faces), the pose, the distance (eye distance in image
pixels), the light (exposure of the skin before white balance, the white-balance gains) and
the colour of each region (median white-balanced CIELAB, for per-region tone)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import median_in_place

MIN_REGION_PIXELS = 50
MAX_REGION_PIXELS = 4000  # evenly subsampled beyond this


@dataclass(frozen=True, eq=False)
class Capture:
    landmarks: np.ndarray = field(repr=False)  # (478, 2) in image pixels
    eye_distance_px: float  # in image pixels: how close the camera was
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    raw_skin_l: float  # median L* of the usable skin before white balance: the exposure
    gains: tuple[float, float, float]  # white-balance gains: the colour of the light
    region_lab: dict[str, tuple[float, float, float]]  # white-balanced, per region
    # log2 luminance of the whites of the eyes (`eyes.sclera_level`): a stable
    # reference of the exposure, to bring two visits' colour into one light (None: unseen)
    sclera_level: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "landmarks": np.round(self.landmarks[:, :2].astype(np.float64), 1).tolist(),
            "eye_distance_px": round(self.eye_distance_px, 2),
            "yaw_deg": round(self.yaw_deg, 2),
            "pitch_deg": round(self.pitch_deg, 2),
            "roll_deg": round(self.roll_deg, 2),
            "raw_skin_l": round(self.raw_skin_l, 2),
            "gains": [round(value, 4) for value in self.gains],
            "region_lab": {
                name: [round(value, 2) for value in lab] for name, lab in self.region_lab.items()
            },
            "sclera_level": None if self.sclera_level is None else round(self.sclera_level, 4),
        }


def roll_deg(points: np.ndarray) -> float:
    """In-plane tilt of the line between the eye centres (0 when level)."""
    right = points[list(lm.RIGHT_EYE_CORNERS), :2].mean(axis=0)
    left = points[list(lm.LEFT_EYE_CORNERS), :2].mean(axis=0)
    across = left - right
    return math.degrees(math.atan2(float(across[1]), float(across[0])))


def _evenly(pixels: np.ndarray) -> np.ndarray:
    step = max(1, len(pixels) // MAX_REGION_PIXELS)
    return pixels[::step]


def lightness_of_median(rgb: np.ndarray) -> float:
    """CIELAB L* of the median luminance of (N, 3) uint8 sRGB pixels, without white balance:
    L* grows with the luminance Y alone (the sRGB matrix row and D65 white of scikit-image's
    rgb2lab), so this is the median L*."""
    luminance = median_in_place(
        colour.srgb_to_linear(rgb).astype(np.float64) @ colour.RGB_TO_XYZ[1]
    )
    cube = math.cbrt(luminance) if luminance > 0.008856 else 7.787 * luminance + 16.0 / 116.0
    return 116.0 * cube - 16.0


def measure_capture(
    face: FaceImage, points: np.ndarray, sclera_level: float | None = None
) -> Capture:
    """`points` are the (478, 3) landmarks in image pixels; `face` the measured crop."""
    usable = face.masks["usable"]
    inside = np.flatnonzero(usable)
    planes = [face.plane(channel).ravel() for channel in range(3)]
    region_lab = {}
    for name in lm.REGIONS:
        chosen = np.flatnonzero(face.region(name) & usable)
        if len(chosen) >= MIN_REGION_PIXELS:
            # each gather is a fresh copy: its median may reorder it
            picked = _evenly(chosen)
            lab = [median_in_place(plane[picked]) for plane in planes]
            region_lab[name] = (lab[0], lab[1], lab[2])
    yaw, pitch = lm.head_pose(points)
    return Capture(
        landmarks=points[:, :2].astype(np.float32),
        eye_distance_px=lm.eye_distance(points),
        yaw_deg=yaw,
        pitch_deg=pitch,
        roll_deg=roll_deg(points),
        raw_skin_l=(
            lightness_of_median(face.rgb.reshape(-1, 3)[_evenly(inside)])
            if len(inside)
            else math.nan
        ),
        gains=(float(face.gains[0]), float(face.gains[1]), float(face.gains[2])),
        region_lab=region_lab,
        sclera_level=sclera_level,
    )
