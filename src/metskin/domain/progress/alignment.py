"""Two faces aligned by their face-mesh landmarks: the later face is warped onto the earlier
one, by a similarity transform (rotation, scale, shift) or piecewise affine over the mesh's
triangles, so that the earlier face's region masks cover the same skin in both."""

from __future__ import annotations

import cv2
import numpy as np

from metskin.domain.analysis import landmarks as lm

# Landmarks that move little with expression (eye corners, nose bridge and tip, face edge,
# forehead): the similarity transform and the pose residual use these.
RIGID = (33, 133, 263, 362, 6, 168, 197, 195, 5, 4, 1, 234, 454, 10, 151, 9, 8)


def similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2x3 similarity (Umeyama, least squares on the rigid landmarks) taking `source`
    points onto `target` points."""
    src = source[list(RIGID), :2].astype(np.float64)
    dst = target[list(RIGID), :2].astype(np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    u, s, vt = np.linalg.svd(dst_c.T @ src_c)
    flip = np.diag([1.0, np.sign(np.linalg.det(u @ vt))])
    rotation = u @ flip @ vt
    scale = float(np.trace(np.diag(s) @ flip) / max((src_c**2).sum(), 1e-9))
    shift = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, shift[:, None]])


def transform(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return points[:, :2] @ matrix[:, :2].T + matrix[:, 2]


def pose_residual(earlier: np.ndarray, later: np.ndarray) -> float:
    """How far the rigid landmarks stay apart after the best similarity, in eye distances:
    what a change of pose (a turned head) leaves that moving the camera cannot explain."""
    moved = transform(later, similarity(later, earlier))
    gaps = np.linalg.norm(moved[list(RIGID)] - earlier[list(RIGID), :2], axis=1)
    return float(np.median(gaps) / max(lm.eye_distance(earlier), 1.0))


def warp_similar(
    image: np.ndarray, source: np.ndarray, target: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """`image` (whose landmarks are `source`) moved onto `target`'s frame of size `shape`."""
    height, width = shape[:2]
    return cv2.warpAffine(
        image, similarity(source, target), (width, height), borderMode=cv2.BORDER_REPLICATE
    )


def mesh_triangles(points: np.ndarray) -> np.ndarray:
    """Delaunay triangles (index triples) over the landmarks."""
    box = cv2.boundingRect(points[:, :2].astype(np.float32))
    grown = (box[0] - 2, box[1] - 2, box[2] + 4, box[3] + 4)
    subdiv = cv2.Subdiv2D(grown)
    index = {}
    for number, (x, y) in enumerate(points[:, :2]):
        subdiv.insert((float(x), float(y)))
        index[(round(float(x), 2), round(float(y), 2))] = number
    found = []
    for tri in subdiv.getTriangleList():
        corners = [
            index.get((round(float(tri[i]), 2), round(float(tri[i + 1]), 2))) for i in (0, 2, 4)
        ]
        if all(corner is not None for corner in corners):
            found.append(corners)
    return np.array(found, dtype=np.int32).reshape(-1, 3)


def warp_mesh(
    image: np.ndarray, source: np.ndarray, target: np.ndarray, shape: tuple[int, ...]
) -> np.ndarray:
    """Piecewise affine: each triangle of `target`'s mesh filled from the same triangle of
    `source`; outside the face, the similarity warp."""
    out = warp_similar(image, source, target, shape)
    height, width = shape[:2]
    for tri in mesh_triangles(target):
        dst = target[tri, :2].astype(np.float32)
        src = source[tri, :2].astype(np.float32)
        x, y, w, h = cv2.boundingRect(dst)
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + w, width), min(y + h, height)
        if x1 <= x0 or y1 <= y0:
            continue
        local = cv2.getAffineTransform(src, dst - np.array([x0, y0], dtype=np.float32))
        patch = cv2.warpAffine(
            image,
            local,
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REFLECT_101,
        )
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        cv2.fillConvexPoly(mask, np.round(dst - [x0, y0]).astype(np.int32), (1,))
        region = out[y0:y1, x0:x1]
        region[mask.astype(bool)] = patch[mask.astype(bool)]
    return out
