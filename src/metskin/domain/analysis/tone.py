"""Skin tone: median CIELAB of usable skin, ITA, Fitzpatrick-like band, Monk tone, undertone."""

from __future__ import annotations

import math

import numpy as np

from metskin.domain.analysis import colour
from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.model import Tone

TONE_REGIONS = ("forehead", "cheek_right", "cheek_left", "nose", "chin")
MAX_TONE_PIXELS = 20_000
FULL_CONFIDENCE_PIXELS = 3000
CLIPPED = 250


def tone_pixels(face: FaceImage) -> np.ndarray:
    """Usable skin pixels (uint8 RGB) of the tone regions, evenly subsampled."""
    mask = np.logical_or.reduce([face.masks[name] for name in TONE_REGIONS]) & face.masks["usable"]
    pixels = face.rgb[mask]
    pixels = pixels[pixels.max(axis=1) < CLIPPED]  # a clipped channel has lost its colour
    if len(pixels) > MAX_TONE_PIXELS:
        pixels = pixels[:: math.ceil(len(pixels) / MAX_TONE_PIXELS)]
    return pixels


def tone_from_lab(
    lab: tuple[float, float, float], *, confidence: float, pixels: int, gains: np.ndarray
) -> Tone:
    lightness, a_star, b_star = lab
    ita = colour.ita_deg(lightness, b_star)
    band, category = colour.ita_band(ita)
    monk, delta_e = colour.nearest_monk(lab)
    hue = colour.hue_deg(a_star, b_star)
    return Tone(
        lab=(lightness, a_star, b_star), ita_deg=ita, fitzpatrick=band, ita_category=category,
        monk=monk, monk_delta_e=delta_e, undertone=colour.undertone(hue), hue_deg=hue,
        confidence=confidence, pixels=pixels,
        white_balance_gains=(float(gains[0]), float(gains[1]), float(gains[2])),
    )


def measure_tone(face: FaceImage, light_penalty: float) -> Tone | None:
    """Tone of the face; `light_penalty` (0..1) comes from the quality gate's light issues."""
    pixels = tone_pixels(face)
    if len(pixels) < 50:
        return None
    lab_values = colour.lab_pixels(pixels, face.gains)
    median = np.median(lab_values, axis=0)
    lab = (float(median[0]), float(median[1]), float(median[2]))
    confidence = tone_confidence(len(pixels), face.gains, lab_values[:, 0], light_penalty)
    return tone_from_lab(lab, confidence=confidence, pixels=len(pixels), gains=face.gains)


def tone_confidence(
    pixels: int, gains: np.ndarray, lightness: np.ndarray, light_penalty: float
) -> float:
    """Drops with few pixels, strong colour-cast correction, uneven light and light issues."""
    pixel_factor = min(1.0, pixels / FULL_CONFIDENCE_PIXELS)
    cast = float(np.abs(np.log(gains)).max()) / math.log(colour.MAX_GAIN)
    cast_factor = 1.0 - 0.4 * min(1.0, cast)
    q25, q75 = np.percentile(lightness, [25, 75])
    spread_factor = float(np.clip(1.0 - (q75 - q25 - 8.0) / 30.0, 0.4, 1.0))
    return pixel_factor * cast_factor * spread_factor * (1.0 - light_penalty)
