"""Colour science: sRGB linearisation, bounded colour constancy, CIELAB, ITA, Monk, undertone."""

from __future__ import annotations

import math

import cv2
import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab

MONK_HEX = (
    "f6ede4",
    "f3e7db",
    "f7ead0",
    "eadaba",
    "d7bd96",
    "a07e56",
    "825c43",
    "604134",
    "3a312a",
    "292420",
)
LUMA = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)  # Rec. 709 / sRGB luminance weights

# Colour constancy bounds: the log-chromaticity of the correction is shortened by DEAD_ZONE,
# because a gray estimate on an ordinary colourful background is off by about that much (so a
# correctly lit photo is left alone); no gain goes beyond MAX_GAIN.
DEAD_ZONE = 0.03
MAX_GAIN = 1.6
# Real illuminants lie near the blackbody locus, a line in (log R/G, log B/G) through D65 and
# illuminant A; the part of a correction off that line (green-magenta) is capped at OFF_LOCUS,
# so a green or purple wall cannot push the skin towards the opposite colour.
LOCUS = np.array([0.533, -0.846])
OFF_LOCUS = 0.15
# A cast stronger than PLAUSIBLE (log-chroma length) is more likely a coloured wall than a light:
# the correction fades to nothing at IMPLAUSIBLE.
PLAUSIBLE = 0.7
IMPLAUSIBLE = 1.2
# The dead zone and the off-locus cap guard against colourful backgrounds. A background that its
# own estimate explains as mostly gray (share of near-gray pixels: about 0.95 on the London
# studio wall under every cast, 0.6 on the astronaut's suit and flag, 0.02-0.3 on a red cup or
# a cat) is a reference instead: from GRAY_TRUSTED_FROM to GRAY_TRUSTED the correction fades
# to the unbounded one (a fluorescent tube's green cast lies off the locus; the cap kept 0.05
# of it in London faces under it, 3.5 deg of ITA).
GRAY_TRUSTED_FROM = 0.75
GRAY_TRUSTED = 0.9
GRAY_ANGLE_DEG = 8.0
MINKOWSKI_P = 6  # _minkowski_mean computes the 6th power as a squared cube
MAX_BACKGROUND_PIXELS = 8000
MIN_GRAY_PIXELS = 100  # fewer near-gray pixels than this say nothing about the light

# Chardon / Del Bino ITA cuts: (lower bound, Fitzpatrick-like band, category).
ITA_BANDS = (
    (55.0, "I", "very light"),
    (41.0, "II", "light"),
    (28.0, "III", "intermediate"),
    (10.0, "IV", "tan"),
    (-30.0, "V", "brown"),
    (-math.inf, "VI", "dark"),
)
# Undertone from the CIELAB hue angle of the skin: below COOL it leans pink, above WARM yellow.
COOL_HUE_DEG = 45.0
WARM_HUE_DEG = 55.0

_SRGB_TO_LINEAR = np.array(
    [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in np.arange(256) / 255.0],
    dtype=np.float32,
)


def hex_to_rgb(code: str) -> tuple[int, int, int]:
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """uint8 sRGB to float32 linear RGB in 0..1 (table look-up; OpenCV's for images and
    (N, 3) pixel lists, many times faster than indexing the table with a uint8 array)."""
    if (
        rgb.dtype == np.uint8
        and rgb.size
        and (rgb.ndim == 2 or (rgb.ndim == 3 and 2 <= rgb.shape[2] <= 4))
    ):
        return cv2.LUT(rgb, _SRGB_TO_LINEAR)
    return _SRGB_TO_LINEAR[rgb]


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    """float linear RGB (0..1) to float sRGB (0..1)."""
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * np.power(linear, 1 / 2.4) - 0.055)


MONK_LAB = rgb2lab(np.array([[hex_to_rgb(code) for code in MONK_HEX]], dtype=np.uint8))[0]


def estimate_illuminant(pixels: np.ndarray) -> np.ndarray | None:
    """Illuminant colour (linear RGB, mean 1) of background pixels (N, 3 uint8), or None."""
    found = background_illuminant(pixels)
    return None if found is None else found[0]


def background_illuminant(pixels: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Illuminant colour (linear RGB, mean 1) of background pixels (N, 3 uint8), and the share
    of the usable pixels it makes near-gray; None when too few are usable.

    Shades of gray (Minkowski p=6), refined on the pixels that are near gray once corrected.
    The refinement starts from that estimate and from no cast; the one that makes more pixels
    gray wins (a coloured wall pulls the first, a white shirt or gray wall holds the second).
    The share says how much of the background the estimate explains as gray: about 0.95 on a
    studio wall, 0.6 on the astronaut's orange suit and flag, 0.02-0.3 on a red cup or a cat.
    """
    return usable_illuminant(usable_linear(pixels))


USABLE = (0.02, 0.93)  # linear brightest channel: too dark to read, or (nearly) clipped


def usable_linear(pixels: np.ndarray) -> np.ndarray:
    """Linear RGB (N, 3 float64) of the background pixels (N, 3 uint8) the estimators read: an
    even subsample of about MAX_BACKGROUND_PIXELS, without the pixels whose brightest channel
    is outside USABLE."""
    pixels = pixels[:: max(1, len(pixels) // MAX_BACKGROUND_PIXELS)]
    linear = srgb_to_linear(pixels).astype(np.float64)
    brightest = np.maximum(np.maximum(linear[:, 0], linear[:, 1]), linear[:, 2])
    return linear[(brightest < USABLE[1]) & (brightest > USABLE[0])]


def usable_illuminant(linear: np.ndarray) -> tuple[np.ndarray, float] | None:
    """`background_illuminant` of the pixels `usable_linear` chose."""
    solutions = usable_solutions(linear)
    return None if solutions is None else max(solutions, key=lambda item: item[1])


def usable_solutions(linear: np.ndarray) -> list[tuple[np.ndarray, float]] | None:
    """The refinements from the Minkowski estimate and from no cast (in that order) that make
    at least MIN_GRAY_PIXELS near-gray, or the grayer alone when neither does, each as
    (illuminant, mean 1; its gray share): `usable_illuminant` keeps the grayer. On a colourful
    background two can settle on different solutions, and which is grayer can depend on the
    cast (a blue sky looks gray under tungsten); white_reference lets the sclera choose then.
    A start with too few near-gray pixels is not refined at all: it is no solution."""
    # channels first and contiguous: per-channel arithmetic is much faster than reducing the
    # short axis of an (N, 3) array
    channels = np.ascontiguousarray(linear.T)
    if channels.shape[1] < 200:
        return None
    refined = [_refine(channels, start) for start in (_minkowski_mean(channels), np.ones(3))]
    kept = [item for item in refined if item[1] >= MIN_GRAY_PIXELS]
    if not kept:
        kept = [max(refined, key=lambda item: item[1])]
    return [(estimate / estimate.mean(), gray / channels.shape[1]) for estimate, gray in kept]


_COS_GRAY = math.cos(math.radians(GRAY_ANGLE_DEG))


def _near_gray(channels: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """Pixels (columns of a (3, N) array) within GRAY_ANGLE_DEG of the gray axis once divided
    by `estimate`."""
    red, green, blue = (channels[channel] / estimate[channel] for channel in range(3))
    squares = red * red + green * green + blue * blue
    return np.asarray(red + green + blue > _COS_GRAY * np.sqrt(3.0 * squares) + 1e-9)


def gray_refined(linear: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """`background_illuminant`'s estimator (mean 1) on linear pixels (N, 3) already chosen,
    refined from `start`; None when fewer than 200 are given."""
    if len(linear) < 200:
        return None
    estimate = _refine(np.ascontiguousarray(linear.T), start)[0]
    return estimate / estimate.mean()


def _refine(channels: np.ndarray, estimate: np.ndarray) -> tuple[np.ndarray, int]:
    """The estimate refined on near-gray pixels, and how many pixels it makes gray.

    A round that picks the same pixels as the round before gives the same estimate again, so
    the rounds stop there (the same result as running all of them)."""
    chosen = None
    for _ in range(4):
        near_gray = _near_gray(channels, estimate)
        count = int(near_gray.sum())
        if count < MIN_GRAY_PIXELS or (chosen is not None and np.array_equal(near_gray, chosen)):
            return estimate, count
        estimate, chosen = _minkowski_mean(channels[:, near_gray]), near_gray
    return estimate, int(_near_gray(channels, estimate).sum())


def _minkowski_mean(channels: np.ndarray) -> np.ndarray:
    """Minkowski mean (p = MINKOWSKI_P = 6, as a squared cube) of each row of a (3, N) array."""
    cubes = channels * channels * channels
    means = np.array([float(np.mean(row * row)) for row in cubes])
    return np.maximum(np.power(means, 1 / MINKOWSKI_P), 1e-6)


def white_balance_gains(background: np.ndarray) -> np.ndarray:
    """Bounded per-channel gains (linear RGB) that neutralise the background's colour cast."""
    found = background_illuminant(background)
    return gains_for_illuminant(None if found is None else found[0], found[1] if found else 0.0)


def gains_for_illuminant(illuminant: np.ndarray | None, gray_share: float = 0.0) -> np.ndarray:
    """Bounded per-channel gains (linear RGB) that neutralise `illuminant` (mean 1).

    The chromatic part of the correction is shrunk by DEAD_ZONE (unless `gray_share` says the
    estimate comes from a mostly gray background) and capped at MAX_GAIN, and the gains keep
    luminance, so a correctly lit photo is left (almost) untouched.
    """
    if illuminant is None:
        return np.ones(3, dtype=np.float32)
    trust = float(
        np.clip((gray_share - GRAY_TRUSTED_FROM) / (GRAY_TRUSTED - GRAY_TRUSTED_FROM), 0, 1)
    )
    log_gain = bounded_log_gain(-np.log(illuminant), trust)
    gains = np.exp(np.clip(log_gain, -math.log(MAX_GAIN), math.log(MAX_GAIN)))
    gains /= float(LUMA @ (gains * illuminant)) / float(LUMA @ illuminant)
    return gains.astype(np.float32)


def bounded_log_gain(log_gain: np.ndarray, trust: float = 0.0) -> np.ndarray:
    """Log gains faded when implausibly strong, with the off-locus part capped and the whole
    shortened by DEAD_ZONE; `trust` (0..1) fades the cap and the dead zone out."""
    faded = np.array([log_gain[0] - log_gain[1], log_gain[2] - log_gain[1]])
    strength = float(np.linalg.norm(faded))
    faded *= float(np.clip((IMPLAUSIBLE - strength) / (IMPLAUSIBLE - PLAUSIBLE), 0.0, 1.0))
    along = float(faded @ LOCUS)
    across = float(np.clip(faded @ np.array([-LOCUS[1], LOCUS[0]]), -OFF_LOCUS, OFF_LOCUS))
    chroma = along * LOCUS + across * np.array([-LOCUS[1], LOCUS[0]])
    length = float(np.linalg.norm(chroma))
    chroma *= max(length - DEAD_ZONE, 0.0) / length if length > 0 else 0.0
    chroma = trust * faded + (1.0 - trust) * chroma
    log_rgb = np.array([chroma[0], 0.0, chroma[1]])
    return log_rgb - log_rgb.mean()


def lab_image(rgb: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """White-balanced CIELAB (float32, L 0..100) of a uint8 RGB image, through OpenCV."""
    table = np.clip(_SRGB_TO_LINEAR[:, np.newaxis] * gains.astype(np.float32), 0.0, 1.0)
    linear = cv2.LUT(rgb, np.ascontiguousarray(table, dtype=np.float32).reshape(1, 256, 3))
    return cv2.cvtColor(linear, cv2.COLOR_LRGB2Lab)


def lab_pixels(pixels: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """White-balanced CIELAB of (N, 3) uint8 pixels through scikit-image (reference path)."""
    srgb = linear_to_srgb(srgb_to_linear(pixels) * gains)
    return np.asarray(rgb2lab(srgb[np.newaxis].astype(np.float64))[0])


# sRGB (D65) linear RGB to XYZ, and the D65 2-degree white: the same as scikit-image's rgb2lab.
RGB_TO_XYZ = np.array(
    [[0.412453, 0.357580, 0.180423], [0.212671, 0.715160, 0.072169], [0.019334, 0.119193, 0.950227]]
)
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def linear_to_lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB of (N, 3) linear RGB; values above 1 (rebuilt highlights) are allowed."""
    xyz = np.maximum(np.asarray(linear, dtype=np.float64), 0.0) @ RGB_TO_XYZ.T / _WHITE_D65
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16.0 / 116.0)
    return np.stack(
        [116.0 * f[:, 1] - 16.0, 500.0 * (f[:, 0] - f[:, 1]), 200.0 * (f[:, 1] - f[:, 2])], axis=1
    )


def ita_deg(lightness: float, b_star: float) -> float:
    return math.degrees(math.atan2(lightness - 50.0, b_star))


def ita_band(ita: float) -> tuple[str, str]:
    for lower, band, category in ITA_BANDS:
        if ita > lower:
            return band, category
    return ITA_BANDS[-1][1], ITA_BANDS[-1][2]


def fitzpatrick_range(ita: float, uncertainty: float) -> tuple[str, str]:
    """The lightest and darkest Fitzpatrick-like band within `ita` plus and minus its
    `uncertainty` (degrees): ("IV", "V") for ITA 8 +- 4, one band twice when it holds."""
    return ita_band(ita + uncertainty)[0], ita_band(ita - uncertainty)[0]


def nearest_monk(lab: tuple[float, float, float]) -> tuple[int, float]:
    """Monk Skin Tone (1..10) nearest by CIEDE2000, with its ΔE00."""
    sample = np.repeat(np.array([lab], dtype=np.float64), len(MONK_LAB), axis=0)
    distances = deltaE_ciede2000(sample, MONK_LAB)
    best = int(np.argmin(distances))
    return best + 1, float(distances[best])


def monk_delta_e(lab: tuple[float, float, float], monk: int) -> float:
    """CIEDE2000 from `lab` to Monk swatch `monk` (1..10)."""
    sample = np.array([lab], dtype=np.float64)
    return float(deltaE_ciede2000(sample, MONK_LAB[monk - 1 : monk])[0])


def hue_deg(a_star: float, b_star: float) -> float:
    return math.degrees(math.atan2(b_star, a_star))


def undertone(hue: float) -> str:
    if hue < COOL_HUE_DEG:
        return "cool"
    if hue > WARM_HUE_DEG:
        return "warm"
    return "neutral"
