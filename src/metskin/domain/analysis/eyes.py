"""The whites of the eyes in a face crop: their pixels, the sclera's brightness (an exposure
reference) and whites the camera blew out. `white_reference` reads the sclera's colour from the
same pixels as a second estimate of the light.

The sclera constants come from the London Set (`bench/analysis_bench.py --calibrate-sclera`
reprints them), the eye-distance ramp from a sweep of the sclera reading over resolutions.
"""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.filters import column_medians, percentiles_in_place

# Eye contours and the first iris landmark (its centre; the next four lie on its rim).
EYES = ((lm.EXCLUDED["eye_right"], 468), (lm.EXCLUDED["eye_left"], 473))
LID_MARGIN = 0.025  # of the eye distance, eroded off the eye contour (lashes, lid shadow)
IRIS_GROW = 1.1  # the iris disk is cut out this much larger (the dark limbal ring)
CLIPPED = 250
DARK = 8
BRIGHTEST = 0.4  # the sclera is the brightest part of the eye once the iris is cut out
BLOWN_TOP = 0.3  # blown whites of the eyes are judged on this brightest share of the eye
IRIS_BLOWN_MAX = 0.25  # more of the irises white than this (a catchlight is less): a reflection
OUTLIER_SIGMAS = 2.5  # red (veins, caruncle) and skin-coloured pixels lie outside this
MIN_PIXELS = 12
MIN_CANDIDATES = 20

# log(R/G), log(B/G) of the sclera relative to a neutral light, measured on the London Set under
# its studio light (white_reference.SCLERA_SPREAD is the person-to-person spread around it).
SCLERA_OFFSET = np.array([0.152, -0.027])

# The visible sclera beside the iris is about a tenth of the eye distance wide. In small faces
# JPEG's half-resolution chroma and a pixel of landmark error mix the surrounding skin into it:
# on the astronaut repainted to each Monk tone, the reading moved with the skin tone by 0.1-0.15
# at eye distances of 42-63 px and by less than 0.03 from 84 px up. Below the first the sclera
# is not read; white_reference's prior on it ramps up to the second (in the photo's own pixels).
SCLERA_MIN_EYE_DISTANCE = 60.0
SCLERA_FULL_EYE_DISTANCE = 84.0
SCLERA_LEVEL_CHROMA = 0.8  # tungsten 3200 K moves the sclera by 0.58 from its studio colour


def eye_pixel_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """Inside both eye contours (shrunk by LID_MARGIN), outside the iris disks."""
    mask = np.zeros(shape, dtype=np.uint8)
    margin = max(1, round(LID_MARGIN * lm.eye_distance(points)))
    kernel = np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)
    for contour, iris in EYES:
        polygon = points[list(contour), :2]
        x0, y0 = np.maximum(np.floor(polygon.min(axis=0)).astype(int) - 2, 0)
        x1, y1 = np.ceil(polygon.max(axis=0)).astype(int) + 2
        x1, y1 = min(int(x1), shape[1]), min(int(y1), shape[0])
        if x1 - x0 < 3 or y1 - y0 < 3:
            continue
        outline = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.fillPoly(outline, [np.round(polygon - [x0, y0]).astype(np.int32)], (1,))
        eye = np.ascontiguousarray(cv2.erode(outline, kernel), dtype=np.uint8)
        centre, radius = iris_circle(points, iris)
        cv2.circle(
            eye,
            (round(float(centre[0]) - x0), round(float(centre[1]) - y0)),
            round(radius * IRIS_GROW),
            (0,),
            -1,
        )
        mask[y0:y1, x0:x1] |= eye
    return mask.astype(bool)


def eye_pixels(crop: np.ndarray, points: np.ndarray) -> np.ndarray:
    """uint8 RGB (N, 3) inside both eyes, outside the iris (`eye_pixel_mask`)."""
    # gathered by flat index: the same pixels in the same order as crop[mask], which numpy
    # copies pixel by pixel over the whole (H, W, 3) crop
    inside = np.flatnonzero(eye_pixel_mask((crop.shape[0], crop.shape[1]), points))
    return crop.reshape(-1, 3)[inside]


def sclera_pixels(
    crop: np.ndarray, points: np.ndarray, pixels: np.ndarray | None = None
) -> np.ndarray:
    """Linear RGB (N, 3) of the sclera: the brightest unclipped eye pixels outside the iris,
    without the ones whose chromaticity is far from theirs (veins, caruncle, lid skin).
    `pixels`: the crop's `eye_pixels`, when already read."""
    pixels = eye_pixels(crop, points) if pixels is None else pixels
    pixels = pixels[(pixels.max(axis=1) < CLIPPED) & (pixels.min(axis=1) > DARK)]
    if len(pixels) < MIN_CANDIDATES:
        return np.zeros((0, 3))
    linear = colour.srgb_to_linear(pixels).astype(np.float64)
    luminance = linear @ colour.LUMA
    linear = linear[luminance >= np.quantile(luminance, 1.0 - BRIGHTEST)]
    chroma = np.log(linear[:, [0, 2]] / linear[:, [1]])
    centre = column_medians(chroma)  # on a copy: `chroma` keeps its order for the mask
    spread = 1.4826 * column_medians(np.abs(chroma - centre)) + 0.01
    return linear[(np.abs(chroma - centre) < OUTLIER_SIGMAS * spread).all(axis=1)]


def readable_eyes(crop: np.ndarray, points: np.ndarray, scale: float = 1.0) -> np.ndarray | None:
    """`eye_pixels`, or None when the eyes are too small in the photo for `sclera_level`."""
    if lm.eye_distance(points) / max(scale, 1e-6) < SCLERA_MIN_EYE_DISTANCE:
        return None
    return eye_pixels(crop, points)


def readable_sclera(crop: np.ndarray, points: np.ndarray, scale: float = 1.0) -> np.ndarray | None:
    """`sclera_pixels`, or None when the eyes are too small in the photo for `sclera_level`
    (the white balance reads the sclera only when they are larger still: the same pixels
    serve both)."""
    eyes = readable_eyes(crop, points, scale)
    return None if eyes is None else sclera_pixels(crop, points, eyes)


def blown_eyes(crop: np.ndarray, points: np.ndarray, pixels: np.ndarray | None) -> float | None:
    """Share of the brightest BLOWN_TOP of the eye pixels (`pixels`: `readable_eyes`) that are
    white in all three channels (each at CLIPPED or above): whites of the eyes the camera blew
    out. None when the eyes are unseen, too few of their pixels show, or the irises are white
    too (IRIS_BLOWN_MAX): a reflection on glasses, not the exposure (an iris reflects too little
    light to clip when the sclera just does)."""
    if pixels is None or len(pixels) < MIN_CANDIDATES:
        return None
    iris = crop.reshape(-1, 3)[np.flatnonzero(iris_mask((crop.shape[0], crop.shape[1]), points))]
    if len(iris) and float(np.mean(iris.min(axis=1) >= CLIPPED)) > IRIS_BLOWN_MAX:
        return None
    luminance = colour.srgb_to_linear(pixels) @ colour.LUMA
    brightest = pixels[luminance >= np.quantile(luminance, 1.0 - BLOWN_TOP)]
    return float(np.mean(brightest.min(axis=1) >= CLIPPED))


def iris_circle(points: np.ndarray, iris: int) -> tuple[np.ndarray, float]:
    """The iris's centre (landmark `iris`) and radius (the mean distance to its four rim
    points, the next four landmarks)."""
    centre = points[iris, :2]
    return centre, float(np.linalg.norm(points[iris + 1 : iris + 5, :2] - centre, axis=1).mean())


def iris_mask(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    """Both iris disks (`iris_circle`)."""
    mask = np.zeros(shape, dtype=np.uint8)
    for _, iris in EYES:
        centre, radius = iris_circle(points, iris)
        centre_px = (round(float(centre[0])), round(float(centre[1])))
        cv2.circle(mask, centre_px, max(1, round(radius)), (1,), -1)
    return mask.astype(bool)


def sclera_level(
    crop: np.ndarray, points: np.ndarray, scale: float = 1.0, linear: np.ndarray | None = None
) -> float | None:
    """log2 of the linear luminance of the brightest tenth of the sclera (an exposure
    reference: about -1.1 under the London Set's studio light, -0.4 on the astronaut), or None
    when the eyes are too small in the photo, too little sclera shows, or what shows is not
    the colour of a sclera under any plausible light (farther than SCLERA_LEVEL_CHROMA in
    log-chromaticity from SCLERA_OFFSET: painted over, red eyes, coloured lenses).
    `linear`: `readable_sclera(crop, points, scale)`, when already read."""
    if linear is None:
        linear = readable_sclera(crop, points, scale)
    if linear is None or len(linear) < MIN_PIXELS:
        return None
    chroma = column_medians(np.log(linear[:, [0, 2]] / np.maximum(linear[:, [1]], 1e-6)))
    if float(np.linalg.norm(chroma - SCLERA_OFFSET)) > SCLERA_LEVEL_CHROMA:
        return None
    return float(np.log2(max(percentiles_in_place(linear @ colour.LUMA, (90,))[0], 1e-6)))
