"""Overlay: the photo with region outlines and per-concern heat maps."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis import plain
from metskin.domain.analysis.geometry import in_box, photo_point
from metskin.domain.analysis.model import AnalysisResult, Concern, FaceGeometry

CONCERN_COLOURS: dict[str, tuple[int, int, int]] = {
    "redness": (235, 40, 40),
    "pigmentation": (150, 75, 0),
    "acne": (255, 0, 170),
    "wrinkles": (0, 110, 255),
    "pores": (0, 200, 200),
    "dark_circles": (120, 0, 200),
    "shine": (255, 220, 0),
}
OUTLINE_COLOUR = (255, 255, 255)
SPOT_COLOUR = (0, 255, 120)
SPOT_RING = 1.8  # ring radius over the spot's own
HEAT_OPACITY = 0.65
HEAT_FULL_SCORE = 60.0  # the "marked" band
HEAT_FLOOR = 0.1
STORED_LONG_SIDE = 1000  # the overlay the pipeline stores: long side at most this (PNG cost)


def colour_hex(name: str) -> str:
    """The colour a concern's heat map is painted in, as #rrggbb (a legend's swatch)."""
    red, green, blue = CONCERN_COLOURS.get(name, OUTLINE_COLOUR)
    return f"#{red:02x}{green:02x}{blue:02x}"


def render_overlay(
    rgb: np.ndarray,
    result: AnalysisResult,
    concerns: Sequence[str] | None = None,
    legend: bool = True,
) -> np.ndarray:
    """A copy of `rgb` (the analysed image) with the heat maps of `concerns` (default: all)
    blended in their colours, the region outlines and, with `legend`, a legend drawn on it in
    English (OpenCV's fonts are ASCII only; the `metskin analyze` command's picture)."""
    out = rgb.copy()
    geometry = result.geometry
    if geometry is None:
        return out
    names = [c.name for c in result.concerns if concerns is None or c.name in concerns]
    x0, y0, x1, y1 = geometry.box
    blend_heat(out[y0:y1, x0:x1], [result.concern(name) for name in names], geometry)
    thickness = max(1, round((x1 - x0) / 300))
    draw_outlines(out, geometry.landmarks, thickness)
    if "pigmentation" in names:
        draw_spots(out, result.concern("pigmentation"), geometry, thickness)
    if legend:
        draw_legend(out, [legend_label(result.concern(name)) for name in names], names)
    return out


def downscaled(rgb: np.ndarray, long_side: int = STORED_LONG_SIDE) -> np.ndarray:
    """`rgb` with its long side at most `long_side` (an area resize), or `rgb` itself."""
    factor = long_side / max(rgb.shape[:2])
    if factor >= 1:
        return rgb
    size = (max(1, round(rgb.shape[1] * factor)), max(1, round(rgb.shape[0] * factor)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def stored_overlay(
    rgb: np.ndarray,
    result: AnalysisResult,
    long_side: int = STORED_LONG_SIDE,
    small: np.ndarray | None = None,
) -> np.ndarray:
    """The overlay the pipeline keeps: drawn on a copy of `rgb` whose long side is at most
    `long_side` (a 12 MP photo is analysed at about this size already; a 2 MP photo or a video
    frame would cost 2-3x the drawing and the PNG encoding for detail no screen shows).
    `small`: `downscaled(rgb, long_side)` when the caller has it already (not drawn on).

    No words are drawn on it: it is shown to people in their own language, with the legend
    beside it in words (each concern's `overlayColour` and band through GraphQL); a legend
    drawn in the picture was English only, too small to read on a phone, and covered the
    photo's corner."""
    factor = long_side / max(rgb.shape[:2])
    geometry = result.geometry
    if factor >= 1 or geometry is None:
        return render_overlay(rgb, result, legend=False)
    if small is None:
        small = downscaled(rgb, long_side)
    scaled = replace(
        geometry,
        box=(
            round(geometry.box[0] * factor),
            round(geometry.box[1] * factor),
            max(round(geometry.box[2] * factor), round(geometry.box[0] * factor) + 1),
            max(round(geometry.box[3] * factor), round(geometry.box[1] * factor) + 1),
        ),
        scale=geometry.scale / factor,
        landmarks=geometry.landmarks * np.float32(factor),
        turn=None
        if geometry.turn is None
        else np.hstack([geometry.turn[:, :2] / factor, geometry.turn[:, 2:]]),
    )
    return render_overlay(small, replace(result, geometry=scaled), legend=False)


def blend_heat(
    patch: np.ndarray, concerns: Sequence[Concern], geometry: FaceGeometry | None = None
) -> None:
    """Blend each concern's heat map into `patch` (uint8 RGB, in place; the photo's pixels of
    `geometry.box`, which places a turned crop's maps), in order, in float32:
    pixel = pixel * (1 - alpha) + colour * alpha, rounded down once at the end. Done on planes
    (one colour at a time) and only over the rows and columns where a map is not zero: where
    alpha is 0 the formula gives the pixel back exactly, so the result is the same as blending
    the whole patch pixel by pixel, at a fraction of the cost."""
    height, width = patch.shape[:2]
    planes: np.ndarray | None = None
    for concern in concerns:
        heat = concern.heatmap
        if heat is None:
            continue
        resized = (
            cv2.resize(heat, (width, height), interpolation=cv2.INTER_LINEAR)
            if geometry is None or geometry.turn is None
            else in_box(heat, geometry)
        )
        rows, columns = np.flatnonzero(resized.any(axis=1)), np.flatnonzero(resized.any(axis=0))
        if not rows.size:
            continue
        if planes is None:
            planes = np.ascontiguousarray(patch.transpose(2, 0, 1), dtype=np.float32)
        inside = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
        alpha = HEAT_OPACITY * heat_strength(concern.score) * resized[inside]
        colour = np.array(CONCERN_COLOURS.get(concern.name, (255, 255, 255)), dtype=np.float32)
        block = planes[:, inside[0], inside[1]]
        planes[:, inside[0], inside[1]] = block * (1.0 - alpha) + colour[:, None, None] * alpha
    if planes is not None:
        patch[...] = np.clip(planes, 0, 255).astype(np.uint8).transpose(1, 2, 0)


def heat_strength(score: float) -> float:
    """Heat maps are painted in proportion to the score: a low score never paints solid
    colour (score 0 -> HEAT_FLOOR of full strength, full strength from HEAT_FULL_SCORE)."""
    return float(np.clip(score / HEAT_FULL_SCORE, HEAT_FLOOR, 1.0))


def legend_label(concern: Concern) -> str:
    """Words, not code names: "Dark circles: mild". (OpenCV fonts are ASCII only.)"""
    return f"{plain.name_of(concern.name)}: {concern.band}"


def draw_spots(
    out: np.ndarray, pigmentation: Concern, geometry: FaceGeometry, thickness: int
) -> None:
    """A ring around each measured pigmented spot: the ones followed from photo to photo."""
    if pigmentation.heatmap is None:
        return
    x0, y0, x1, y1 = geometry.box
    sx = (x1 - x0) / pigmentation.heatmap.shape[1]
    sy = (y1 - y0) / pigmentation.heatmap.shape[0]
    if geometry.turn is not None:
        sx = 1.0 / geometry.scale
    for spot in pigmentation.spots:
        if spot.area_px is None:
            continue
        radius = max(4, round(SPOT_RING * math.sqrt(spot.area_px / math.pi) * sx))
        x, y = (
            (x0 + spot.centre[0] * sx, y0 + spot.centre[1] * sy)
            if geometry.turn is None
            else photo_point(spot.centre, geometry)
        )
        cv2.circle(out, (round(x), round(y)), radius, SPOT_COLOUR, thickness, cv2.LINE_AA)


def draw_outlines(out: np.ndarray, points: np.ndarray, thickness: int) -> None:
    for name in lm.MAIN_REGIONS:
        polygon = np.round(points[list(lm.REGIONS[name]), :2]).astype(np.int32)
        cv2.polylines(
            out, [polygon.reshape(-1, 1, 2)], True, OUTLINE_COLOUR, thickness, cv2.LINE_AA
        )


def draw_legend(out: np.ndarray, labels: list[str], names: list[str]) -> None:
    size = max(0.4, out.shape[0] / 1200)
    step = round(22 * size / 0.5)
    for row, (label, name) in enumerate(zip(labels, names, strict=True), start=1):
        origin = (8, 4 + row * step)
        cv2.putText(out, label, origin, cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(
            out,
            label,
            origin,
            cv2.FONT_HERSHEY_SIMPLEX,
            size,
            CONCERN_COLOURS.get(name, (255, 255, 255)),
            1,
            cv2.LINE_AA,
        )
