"""Shading of the skin from the face mesh's 3-D surface, for bench/tone_repeat.py (issue 12
point 2, fifth pass): does a smile's change of the skin's light come from the surface turning?

Normals come from MediaPipe's tessellation (the edges of `FACEMESH_TESSELATION`, closed into
triangles), in camera space (x right, y up, z towards the camera; MediaPipe's z grows away
from the camera), smoothed per vertex and interpolated per pixel. The shading model is the
first-order one: log luminance = c0 + c . n (an albedo times ambient plus one distant light,
in log form; `relit` also has the linear form), fitted by least squares with two rounds of
2.5-sigma trimming on the usable skin. Bench code only: the engine does not use it (it did not
measurably help; docs/benchmarks.md, "Tone on real photos, fifth pass").
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from metskin.domain.analysis import colour, tone
from metskin.domain.analysis.face_image import FaceImage

LUMA = colour.LUMA.astype(np.float64)
TOWARDS_CAMERA = np.array([0.0, 0.0, 1.0])
MIN_CONE_PIXELS = 300


def mesh_triangles() -> np.ndarray:
    """(T, 3) landmark indices of the tessellation's triangles (3-cycles of its edges)."""
    from mediapipe.python.solutions.face_mesh_connections import FACEMESH_TESSELATION

    neighbours: dict[int, set[int]] = {}
    for a, b in FACEMESH_TESSELATION:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    found = {
        tuple(sorted((a, b, c)))
        for a, b in FACEMESH_TESSELATION
        for c in neighbours[a] & neighbours[b]
    }
    return np.array(sorted(found))


TRIANGLES = mesh_triangles()


def vertex_normals(points3d: np.ndarray) -> np.ndarray:
    """Unit normals per landmark (area-weighted mean of its triangles'), camera space."""
    space = points3d.astype(np.float64) * np.array([1.0, -1.0, -1.0])
    corners = [space[TRIANGLES[:, k]] for k in range(3)]
    normals = np.cross(corners[1] - corners[0], corners[2] - corners[0])
    normals *= np.sign(normals[:, 2:3] + 1e-12)  # every triangle faces the camera
    summed = np.zeros_like(space)
    for k in range(3):
        np.add.at(summed, TRIANGLES[:, k], normals)
    return summed / (np.linalg.norm(summed, axis=1, keepdims=True) + 1e-12)


def pixel_normals(points3d: np.ndarray, shape: tuple[int, int], ys: np.ndarray, xs: np.ndarray):
    """Normals at pixels (ys, xs), and which pixels the mesh covers. Triangles are painted
    farthest first, so the nearest surface wins where the projection folds."""
    index = np.full(shape, -1, np.int32)
    depth = points3d[TRIANGLES, 2].sum(axis=1)  # larger z: farther from the camera
    for number in np.argsort(-depth):
        corners = np.round(points3d[TRIANGLES[number], :2]).astype(np.int32)
        cv2.fillConvexPoly(index, corners, int(number))
    found = index[ys, xs]
    covered = found >= 0
    corners = TRIANGLES[found[covered]]
    a, b, c = (points3d[corners[:, k], :2].astype(np.float64) for k in range(3))
    at = np.stack([xs[covered], ys[covered]], axis=1).astype(np.float64)
    weights = barycentric(at, a, b, c)
    normals = vertex_normals(points3d)
    blended = sum(weights[:, k : k + 1] * normals[corners[:, k]] for k in range(3))
    out = np.zeros((len(ys), 3))
    out[covered] = blended / (np.linalg.norm(blended, axis=1, keepdims=True) + 1e-12)
    return out, covered


def barycentric(at: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    v0, v1, v2 = b - a, c - a, at - a
    d00, d01, d11 = (v0 * v0).sum(1), (v0 * v1).sum(1), (v1 * v1).sum(1)
    d20, d21 = (v2 * v0).sum(1), (v2 * v1).sum(1)
    det = d00 * d11 - d01 * d01
    det[det == 0] = 1e-9
    w1, w2 = (d11 * d20 - d01 * d21) / det, (d00 * d21 - d01 * d20) / det
    return np.clip(np.stack([1.0 - w1 - w2, w1, w2], axis=1), 0.0, 1.0)


class Skin:
    """The usable skin of a face (subsampled as the engine does), with normals and regions."""

    def __init__(self, face: FaceImage, points3d: np.ndarray) -> None:
        ys, xs = np.nonzero(face.masks["skin"] & face.masks["usable"])
        step = max(1, math.ceil(len(ys) / tone.MAX_TONE_PIXELS))
        ys, xs = ys[::step], xs[::step]
        linear, censored = tone.rebuild_clipped(face.rgb[ys, xs])
        normals, covered = pixel_normals(points3d, face.rgb.shape[:2], ys, xs)
        keep = covered & ~censored
        self.linear, self.normals, self.gains = linear[keep], normals[keep], face.gains
        self.region = np.full(len(ys), -1)
        for number, name in enumerate(tone.TONE_REGIONS):
            self.region[face.masks[name][ys, xs]] = number
        self.region = self.region[keep]
        # Upper face: forehead, nose, and the cheeks above the nose tip (landmark 1): the part
        # a smile bunches least.
        upper = ys[keep] < points3d[1, 1]
        cheeks = (self.region == 1) | (self.region == 2)
        self.rigid = (self.region == 0) | (self.region == 3) | (cheeks & upper)

    def luminance(self) -> np.ndarray:
        return self.linear @ LUMA

    def band(self, linear: np.ndarray) -> np.ndarray:
        """Mean white-balanced CIELAB of the engine's luminance band of `linear`."""
        key = linear @ LUMA
        low, high = np.quantile(key, tone.BAND)
        chosen = (key >= low) & (key <= high)
        return np.asarray(colour.linear_to_lab(linear[chosen] * self.gains).mean(axis=0))


def design(normals: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(normals)), normals])


def fit_shading(values: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """c0, cx, cy, cz of values ~ c0 + c . n, trimmed twice at 2.5 robust sigmas."""
    matrix = design(normals)
    keep = np.ones(len(values), dtype=bool)
    for _ in range(3):
        coef = np.linalg.lstsq(matrix[keep], values[keep], rcond=None)[0]
        residual = values - matrix @ coef
        centre = np.median(residual[keep])
        spread = 1.4826 * np.median(np.abs(residual[keep] - centre))
        keep = np.abs(residual - centre) < 2.5 * max(spread, 1e-9)
    return np.asarray(coef)


def relit(skin: Skin, reference: np.ndarray, *, log: bool = True) -> np.ndarray:
    """Every pixel's light moved to what the fitted model gives at the normal `reference`,
    then the engine's band."""
    luminance = np.maximum(skin.luminance(), 1e-5)
    if log:
        coef = fit_shading(np.log(luminance), skin.normals)
        factor = np.exp(design(reference[None])[0] @ coef - design(skin.normals) @ coef)
    else:
        coef = fit_shading(luminance, skin.normals)
        shading = np.maximum(design(skin.normals) @ coef, 1e-4)
        factor = (design(reference[None])[0] @ coef) / shading
    return skin.band(skin.linear * factor[:, None])


def cone(skin: Skin, degrees: float, *, towards_light: bool = False) -> np.ndarray:
    """The band of the pixels whose normal lies within `degrees` of the camera's direction
    (or of the fitted light's)."""
    axis = TOWARDS_CAMERA
    if towards_light:
        coef = fit_shading(np.log(np.maximum(skin.luminance(), 1e-5)), skin.normals)
        axis = coef[1:] / (np.linalg.norm(coef[1:]) + 1e-12)
    facing = skin.normals @ axis
    chosen = facing >= math.cos(math.radians(degrees))
    if chosen.sum() < MIN_CONE_PIXELS:
        chosen = np.argsort(-facing)[:MIN_CONE_PIXELS]
    return skin.band(skin.linear[chosen])


def region_light_change(before: Skin, after: Skin) -> list[tuple[float, float]]:
    """Per tone region: (observed change of log2 median luminance between the two shots, the
    change the first shot's fitted shading predicts from the region's mean normal change)."""
    coef = fit_shading(np.log2(np.maximum(before.luminance(), 1e-5)), before.normals)
    found = []
    for number in range(len(tone.TONE_REGIONS)):
        one, two = before.region == number, after.region == number
        if one.sum() < 50 or two.sum() < 50:
            continue
        observed = np.log2(np.median(after.luminance()[two]) / np.median(before.luminance()[one]))
        turned = after.normals[two].mean(axis=0) - before.normals[one].mean(axis=0)
        found.append((float(observed), float(coef[1:] @ turned)))
    return found
