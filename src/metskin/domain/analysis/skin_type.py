"""Skin type from T-zone vs U-zone shine and texture, fused with the questionnaire answer; and
the shine concern (the specular pixels that also add light over their surround)."""

from __future__ import annotations

import numpy as np

from metskin.domain.analysis.face_image import FaceImage
from metskin.domain.analysis.filters import blur, fine_texture, masked_blur
from metskin.domain.analysis.model import Concern, SkinType
from metskin.domain.analysis.scoring import make_concern, saturate, score_regions

KINDS = ("oily", "dry", "combination", "normal")
OILY_T = 0.04  # specular fraction of the T-zone that counts as shiny
OILY_U = 0.025  # ... of the U-zone
COMBINATION_RATIO = 2.5  # T-zone this many times shinier than the U-zone
DRY_SHINE = 0.01  # below this everywhere, with rough texture, skin reads dry
DRY_ROUGHNESS = 2.2  # L* units of fine texture
TRUST_IMAGE = 0.55  # image confidence above which the image overrides a disagreeing answer
SHINE_REGIONS = ("forehead", "nose", "chin", "cheek_right", "cheek_left")
SHINE_MIN_DY = 0.10  # linear luminance (0..1) above the surround: 8 L* on skin of L* 55-65
# A highlight must also rise above what diffuse shading gives: a convex spot (the nose's tip, the
# brow ridge) that faces the light gets up to ~1.2x the light of the skin around it (cos 35 deg:
# the sides within 0.1 eye distance turn away), and that diffuse lift is SHADING_GAIN x the
# surround's own light, so it scales with the skin's albedo while an oily film's light does not.
# Without it the broad tip of a light nose (0.1 linear over a surround of 0.35) read as shine:
# nose shine had Spearman -0.60 with Monk on the London photos (docs/benchmarks.md, "Shine per
# region across skin tones").
SHADING_GAIN = 0.2


def specular_fraction(face: FaceImage, region: str) -> float:
    """The share of the region that shines (`shine_mask`, as the shine concern reads it)."""
    mask = face.region(region)
    return float(shine_mask(face)[mask].mean()) if mask.any() else 0.0


def roughness(face: FaceImage) -> float:
    """Fine texture: robust sigma of L* minus its blur, on the usable U-zone."""
    mask = face.masks["u_zone"] & face.masks["usable"]
    return fine_texture(face.lightness, mask, 0.02 * face.eye_distance)


def classify(t_shine: float, u_shine: float, texture: float) -> tuple[str, float]:
    """Kind and a 0..1 confidence from how clearly the measurements pass the cuts."""
    if t_shine >= OILY_T and u_shine >= OILY_U:
        return "oily", min(1.0, 0.5 + u_shine / OILY_U / 4)
    if t_shine >= OILY_T * 0.75 and t_shine >= COMBINATION_RATIO * u_shine:
        return "combination", min(1.0, 0.5 + t_shine / OILY_T / 4)
    if t_shine < DRY_SHINE and u_shine < DRY_SHINE and texture >= DRY_ROUGHNESS:
        return "dry", min(1.0, 0.4 + (texture - DRY_ROUGHNESS) / DRY_ROUGHNESS)
    return "normal", 0.6


def fuse(image_kind: str, image_confidence: float, answer: str | None) -> tuple[str, str, float]:
    """(kind, decided_by, confidence) from the image and the optional questionnaire answer."""
    if answer is None or answer not in KINDS:
        return image_kind, "image", image_confidence
    if answer == image_kind:
        return image_kind, "image+questionnaire", min(1.0, image_confidence + 0.3)
    if image_confidence >= TRUST_IMAGE:
        return image_kind, "image", image_confidence * 0.8
    return answer, "questionnaire", 0.5


def measure_skin_type(face: FaceImage, self_reported: str | None) -> SkinType:
    t_shine = specular_fraction(face, "t_zone")
    u_shine = specular_fraction(face, "u_zone")
    texture = roughness(face)
    image_kind, image_confidence = classify(t_shine, u_shine, texture)
    answer = self_reported.lower().strip() if self_reported else None
    kind, decided_by, confidence = fuse(image_kind, image_confidence, answer)
    return SkinType(
        kind=kind,
        decided_by=decided_by,
        image_kind=image_kind,
        self_reported=answer,
        measurements={
            "t_zone_specular_fraction": t_shine,
            "u_zone_specular_fraction": u_shine,
            "roughness_l_star": texture,
            "image_confidence": image_confidence,
        },
        confidence=confidence,
    )


def shine_mask(face: FaceImage) -> np.ndarray:
    """Specular pixels that also reflect more linear light than their surround than diffuse
    shading can (`shine_lift`). The same oily film reflects the same light on any skin, but in
    L* (a cube root) it lifts dark skin more than light skin, so an L* rule alone sees more
    shine on dark skin; a fixed linear lift alone sees the lit side of light skin as shine."""

    def compute() -> np.ndarray:
        cube_root = (face.lightness + 16.0) / 116.0
        linear = cube_root * cube_root * cube_root  # faster than ** 3 (a general power)
        sigma = face.eye_distance * 0.1
        surround = masked_blur(linear, face.masks["skin"], sigma, face.mask_blur("skin", sigma))
        specular = face.masks["specular"]
        found = np.zeros_like(specular)
        around = surround[specular]  # read at the specular pixels only: as cheap as a fixed lift
        found[specular] = linear[specular] - around > shine_lift(around)
        return found

    return face.derived("shine", compute)


def shine_lift(surround: np.ndarray) -> np.ndarray:
    """The linear light a pixel must add over its `surround` to read as shine: SHINE_MIN_DY plus
    the diffuse shading allowance (SHADING_GAIN x the surround), but never more than half the
    headroom to white, so that a highlight clipped on very light or over-exposed skin (which
    cannot rise above 1.0) is still found."""
    needed = surround * np.float32(SHADING_GAIN)
    needed += np.float32(SHINE_MIN_DY)
    headroom = np.float32(0.5) - surround * np.float32(0.5)
    return np.minimum(needed, headroom, out=needed)


def shine(face: FaceImage) -> Concern:
    """Oiliness: fraction of specular (bright, desaturated) pixels per region."""
    specular = shine_mask(face)
    scores = score_regions(
        face, SHINE_REGIONS, lambda mask: saturate(float(specular[mask].mean()), 0.04)
    )
    measurements = {
        f"{zone}_specular_fraction": specular_fraction(face, zone) for zone in ("t_zone", "u_zone")
    }

    def heat() -> np.ndarray:
        return blur(specular.astype(np.float32), face.eye_distance / 40)

    return make_concern("shine", face, scores, measurements, heat)
