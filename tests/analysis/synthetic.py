"""Seeded synthetic test images built from a real face that ships with scikit-image.

`recoloured_face` repaints the skin of data.astronaut() to a Monk Skin Tone under an illuminant,
keeping the photo's own shading and texture; the planted colour is the ground truth. With
`background=` another scikit-image photo replaces everything around the head (held-out scenes
for colour constancy: nothing in the engine was tuned on them).
`plant_*` draw concerns (papules, dark spots, lines) at known places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from skimage import data
from skimage.color import rgb2lab

from metskin.domain.analysis.colour import (
    LUMA,
    MONK_HEX,
    hex_to_rgb,
    ita_deg,
    linear_to_srgb,
    srgb_to_linear,
)
from metskin.domain.analysis.landmarks import EXCLUDED, FACE_OVAL
from metskin.domain.analysis.ports import FaceLandmarker

# Casts as linear-RGB channel gains with the luminance of white kept (auto-exposure).
ILLUMINANTS: dict[str, tuple[float, float, float]] = {
    "neutral": (1.0, 1.0, 1.0),
    "tungsten_3200k": (1.0, 0.74, 0.45),
    "warm_4000k": (1.0, 0.86, 0.68),
    "shade_7500k": (0.86, 0.95, 1.12),
    "fluorescent": (0.92, 1.04, 0.86),
}
# Lights no white balance should be trusted to correct fully, and two coloured LEDs it should:
# a sodium-like 2200 K lamp needs more than colour.MAX_GAIN (validity's HEAVY_CAST).
HEAVY_LIGHTS: dict[str, tuple[float, float, float]] = {
    "sodium_2200k": (1.0, 0.55, 0.2),
    "magenta_led": (1.0, 0.6, 1.0),
    "green_led": (0.6, 1.0, 0.6),
}
UPSCALE = 2.5  # the crop is 360 px; the face is about 90 px wide before upscaling
CROP = (slice(0, 360), slice(60, 420))  # rows, columns: the face fills a quarter of the width
SHADING_GAMMA = 0.6  # the photo's key light is harsh: its shading contrast is softened
NOISE_LEVELS = 1.5  # sensor noise, in 8-bit sRGB levels
CENTRAL = 0.2  # the planted colour is the median of the skin this far (of the face) inside
# Held-out backgrounds: the head (an ellipse that fits inside the part of the image the engine
# keeps out of its background sample) stays, everything else comes from this photo.
BACKGROUNDS = ("astronaut", "coffee", "chelsea", "rocket")
KEEP_AXES = 0.68  # semi-axes of the kept ellipse, in face-box widths and heights
FEATHER = 4.0  # px, the seam's blur


def normalised(gains: tuple[float, float, float]) -> np.ndarray:
    values = np.array(gains, dtype=np.float32)
    return values / float(LUMA @ values)


@dataclass(frozen=True)
class Truth:
    monk: int
    lab: tuple[float, float, float]
    ita: float
    illuminant: str


@cache
def astronaut() -> np.ndarray:
    image = data.astronaut()[CROP]
    size = (round(image.shape[1] * UPSCALE), round(image.shape[0] * UPSCALE))
    return cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)


def skin_mask(rgb: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Soft (0..1) mask of the face skin: inside the face oval and close to the median skin
    colour, which leaves out brows, lips and hair, and outside the eye contours (the colour
    test alone painted most of the whites of the eyes); and its central part (bool)."""
    oval = np.zeros(rgb.shape[:2], dtype=np.uint8)
    cv2.fillPoly(oval, [np.round(points[list(FACE_OVAL), :2]).astype(np.int32)], (1,))
    oval = cv2.dilate(oval, np.ones((9, 9), np.uint8)).astype(bool)
    eyes = np.zeros(rgb.shape[:2], dtype=np.uint8)
    for contour in (EXCLUDED["eye_right"], EXCLUDED["eye_left"]):
        cv2.fillPoly(eyes, [np.round(points[list(contour), :2]).astype(np.int32)], (1,))
    lab = rgb2lab(rgb)
    reference = np.median(lab[oval], axis=0)
    chroma_distance = np.linalg.norm(lab[..., 1:] - reference[1:], axis=2)
    mask = oval & ~eyes.astype(bool) & (chroma_distance < 12) & (lab[..., 0] > 35)
    mask = mask.astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    width = np.ptp(points[list(FACE_OVAL), 0])
    core = round(CENTRAL * width)
    central = cv2.erode(oval.astype(np.uint8), np.ones((2 * core + 1, 2 * core + 1), np.uint8))
    soft = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 1.5)
    return soft, central.astype(bool) & (mask > 0)


@cache
def _points(landmarker_id: int, landmarker: FaceLandmarker) -> np.ndarray:
    faces = landmarker.detect(astronaut())
    assert len(faces) == 1, "astronaut face not found"
    return faces[0]


@cache
def _base(
    landmarker_id: int, landmarker: FaceLandmarker
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rgb = astronaut()
    return (rgb, *skin_mask(rgb, _points(landmarker_id, landmarker)))


def base_face(landmarker: FaceLandmarker) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cropped, upscaled astronaut photo, its soft skin mask and central skin mask."""
    return _base(id(landmarker), landmarker)


@cache
def _scene(landmarker_id: int, landmarker: FaceLandmarker, background: str) -> np.ndarray:
    rgb = astronaut()
    if background == "astronaut":
        return rgb
    return on_background(rgb, _points(landmarker_id, landmarker), background)


def on_background(rgb: np.ndarray, points: np.ndarray, background: str) -> np.ndarray:
    """The head of `rgb` (an ellipse around the face oval of `points`, inside the part of the
    image the engine keeps out of its background sample) on scikit-image's `data.<background>`,
    scaled to cover the frame."""
    height, width = rgb.shape[:2]
    other = getattr(data, background)()
    scale = max(height / other.shape[0], width / other.shape[1])
    size = (math.ceil(other.shape[1] * scale), math.ceil(other.shape[0] * scale))
    other = cv2.resize(other, size, interpolation=cv2.INTER_CUBIC)
    top, left = (other.shape[0] - height) // 2, (other.shape[1] - width) // 2
    other = other[top : top + height, left : left + width]
    oval = points[list(FACE_OVAL), :2]
    (x0, y0), (x1, y1) = oval.min(axis=0), oval.max(axis=0)
    keep = np.zeros((height, width), dtype=np.float32)
    centre = (round(float(x0 + x1) / 2), round(float(y0 + y1) / 2))
    axes = (round(KEEP_AXES * float(x1 - x0)), round(KEEP_AXES * float(y1 - y0)))
    cv2.ellipse(keep, centre, axes, 0.0, 0.0, 360.0, (1.0,), -1)
    keep = cv2.GaussianBlur(keep, (0, 0), FEATHER)[..., np.newaxis]
    return np.round(rgb * keep + other * (1 - keep)).astype(np.uint8)


def under_light(
    rgb: np.ndarray, illuminant: str, jpeg_quality: int = 90, exposure: float = 1.0
) -> np.ndarray:
    """`rgb` re-lit by `illuminant` (a gain per linear channel) and `exposure` times the light,
    through a JPEG round trip."""
    gains = ILLUMINANTS.get(illuminant) or HEAVY_LIGHTS[illuminant]
    return lit_and_saved(rgb, normalised(gains) * exposure, jpeg_quality)


def lit_and_saved(rgb: np.ndarray, gains: np.ndarray, jpeg_quality: int = 90) -> np.ndarray:
    """`rgb` with its linear light multiplied by `gains` (per channel, or per pixel and
    channel), rounded to 8 bits and through a JPEG round trip at `jpeg_quality`."""
    out = np.round(np.clip(linear_to_srgb(srgb_to_linear(rgb) * gains), 0, 1) * 255)
    return jpeg_round_trip(out.astype(np.uint8), jpeg_quality)


def jpeg_round_trip(rgb: np.ndarray, quality: int) -> np.ndarray:
    """The photo as a phone would save it: JPEG at `quality`, colour at half resolution (4:2:0,
    OpenCV's default)."""
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    assert ok
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def scene(landmarker: FaceLandmarker, background: str = "astronaut") -> np.ndarray:
    """The astronaut's head on `background` (one of BACKGROUNDS), before any repainting."""
    return _scene(id(landmarker), landmarker, background)


def monk_lab(monk: int) -> np.ndarray:
    rgb = np.array([[hex_to_rgb(MONK_HEX[monk - 1])]], dtype=np.uint8)
    return np.asarray(rgb2lab(rgb)[0, 0])


def recoloured_face(
    landmarker: FaceLandmarker,
    monk: int,
    illuminant: str,
    seed: int,
    jpeg_quality: int = 90,
    background: str = "astronaut",
) -> tuple[np.ndarray, Truth]:
    """The face repainted to Monk tone `monk` (with a small seeded jitter of the colour and
    sensor noise), lit by `illuminant`, through a JPEG round trip.

    The truth is the CIELAB of the 8-bit colour actually painted: rounding the jittered target
    to 8 bits moves it by up to 0.4 a* / b*, 0.75 deg of ITA on the dark tones."""
    rng = np.random.default_rng(seed)
    _, mask, central = base_face(landmarker)
    rgb = scene(landmarker, background)
    target = monk_lab(monk) + rng.normal(0.0, [0.6, 0.3, 0.3])
    painted_rgb8 = lab_to_rgb8(target)
    target_linear = srgb_to_linear(painted_rgb8).astype(np.float32)
    linear = srgb_to_linear(rgb)
    luminance = linear @ LUMA
    shading = np.power(luminance / np.median(luminance[central]), SHADING_GAMMA)
    painted = target_linear * np.clip(shading, 0.2, 3.0)[..., np.newaxis]
    alpha = mask[..., np.newaxis]
    linear = painted * alpha + linear * (1 - alpha)
    linear = linear * normalised(ILLUMINANTS[illuminant])
    srgb = linear_to_srgb(linear) * 255 + rng.normal(0.0, NOISE_LEVELS, linear.shape)
    out = np.round(np.clip(srgb, 0, 255)).astype(np.uint8)
    decoded = jpeg_round_trip(out, jpeg_quality)
    truth = rgb2lab(painted_rgb8[np.newaxis, np.newaxis])[0, 0]
    lab = (float(truth[0]), float(truth[1]), float(truth[2]))
    return decoded, Truth(monk, lab, ita_deg(lab[0], lab[2]), illuminant)


def lab_to_rgb8(lab: np.ndarray) -> np.ndarray:
    from skimage.color import lab2rgb

    rgb = lab2rgb(np.array([[lab]], dtype=np.float64))[0, 0]
    return np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)


def circle_points(rng: np.random.Generator, mask: np.ndarray, count: int, margin: int) -> list:
    """`count` random points inside `mask`, at least `margin` pixels from its edge."""
    inner = cv2.erode(mask.astype(np.uint8), np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    ys, xs = np.nonzero(inner)
    if len(xs) == 0:
        return []
    chosen = rng.choice(len(xs), size=min(count, len(xs)), replace=False)
    return [(int(xs[i]), int(ys[i])) for i in chosen]


def plant(
    rgb: np.ndarray,
    centre: tuple[int, int],
    radius: float,
    delta_lab: tuple,
    sharpness: float = 0.6,
) -> np.ndarray:
    """Adds `delta_lab` with a soft disk profile around `centre` (in place on a copy)."""
    out = rgb.astype(np.float32) / 255
    lab = cv2.cvtColor(out, cv2.COLOR_RGB2Lab)
    yy, xx = np.mgrid[0 : rgb.shape[0], 0 : rgb.shape[1]]
    distance = np.hypot(xx - centre[0], yy - centre[1]) / max(radius, 0.5)
    weight = np.clip((1.0 - distance) / (1 - sharpness), 0, 1)
    lab += weight[..., np.newaxis] * np.array(delta_lab, dtype=np.float32)
    back = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    return np.round(np.clip(back, 0, 1) * 255).astype(np.uint8)


def plant_line(
    rgb: np.ndarray, start: tuple[int, int], end: tuple[int, int], width: float, darkening: float
) -> np.ndarray:
    """A soft dark line (a wrinkle-like ridge) from `start` to `end`."""
    mask = np.zeros(rgb.shape[:2], dtype=np.float32)
    cv2.line(mask, start, end, (1.0,), max(1, round(width)), cv2.LINE_AA)
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.5, width / 2.5))
    mask /= max(float(mask.max()), 1e-6)
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
    lab[..., 0] -= darkening * mask
    back = cv2.cvtColor(lab, cv2.COLOR_Lab2RGB)
    return np.round(np.clip(back, 0, 1) * 255).astype(np.uint8)


def angle_deg(start: tuple[int, int], end: tuple[int, int]) -> float:
    return math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))


def two_lights(rgb: np.ndarray, points: np.ndarray, first: str, second: str) -> np.ndarray:
    """`rgb` lit by `first` on the image's left and `second` on its right, blended between the
    face's 5th and 95th percentile of landmark x, through a JPEG q90 round trip."""
    width = rgb.shape[1]
    left, right = np.percentile(points[:, 0], (5, 95))
    share = np.clip((np.arange(width) - left) / max(right - left, 1.0), 0, 1)[None, :, None]
    one, other = np.log(normalised(ILLUMINANTS[first])), np.log(normalised(ILLUMINANTS[second]))
    return lit_and_saved(rgb, np.exp(one * (1 - share) + other * share).astype(np.float32))


@cache
def _person_segmenter():  # type: ignore[no-untyped-def]
    import mediapipe as mp  # the bundled selfie segmentation model (benches and tests only)

    return mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)


def backlit(rgb: np.ndarray, person_gain: float, background_gain: float) -> np.ndarray:
    """`rgb` with the person (MediaPipe's selfie segmentation, edges softened) re-exposed by
    `person_gain` and the rest by `background_gain` (linear light): a window behind the person
    that the camera exposed for. Through a JPEG q90 round trip."""
    mask = _person_segmenter().process(rgb).segmentation_mask.astype(np.float32)
    person = cv2.GaussianBlur(mask, (0, 0), 3)[..., np.newaxis]
    return lit_and_saved(rgb, person * person_gain + (1 - person) * background_gain)


BRIM_EDGES = ("mid-forehead", "brows", "below the eyes")


def brim(
    rgb: np.ndarray,
    points: np.ndarray,
    edge: str,
    shade: float,
    soft: float = 0.04,
) -> np.ndarray:
    """`rgb` with a cap's brim shading the head above `edge` (one of BRIM_EDGES) to `shade`
    times the light, through `soft` eye distances of penumbra (a level edge): the face's
    outline (grown by a fifth of the eye distance) and the hair above it are shaded, the
    background beside them is not. Through a JPEG q90 round trip."""
    eye_distance = float(np.linalg.norm(points[33, :2] - points[263, :2]))
    brow = float(points[[105, 334], 1].mean())
    eyes = float(points[[33, 263], 1].mean())
    row = {
        "mid-forehead": brow + 0.5 * (float(points[10, 1]) - brow),
        "brows": brow,
        "below the eyes": eyes + 0.25 * eye_distance,
    }[edge]
    height, width = rgb.shape[:2]
    ys = np.arange(height, dtype=np.float32)[:, np.newaxis]
    below = np.clip((ys - row) / max(soft * eye_distance, 1.0) + 0.5, 0.0, 1.0)
    head = np.zeros((height, width), np.uint8)
    hull = cv2.convexHull(np.round(points[:, :2]).astype(np.int32))
    cv2.fillConvexPoly(head, hull, (1,))
    grow = max(1, round(0.2 * eye_distance))
    head = cv2.dilate(head, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1,) * 2))
    x0, _, w, _ = cv2.boundingRect(hull)
    head[: int(points[10, 1]), max(0, x0) : x0 + w] = 1  # the hair (and the cap) above the face
    person = cv2.GaussianBlur(head.astype(np.float32), (0, 0), max(1.0, 0.05 * eye_distance))
    gain = 1.0 - person * (1.0 - below) * (1.0 - shade)
    return lit_and_saved(rgb, gain[..., np.newaxis].astype(np.float32))
