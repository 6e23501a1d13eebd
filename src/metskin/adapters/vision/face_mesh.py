"""FaceLandmarker adapter on MediaPipe face mesh (478 points, model from the installed package)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from metskin.domain.analysis import landmarks as lm
from metskin.domain.analysis.filters import shrink

LANDMARK_SIDE = 480  # landmarks are found on a copy whose long side is at most this
# MediaPipe's face detector sees the image at 128 px and misses faces below ~15 % of it. When
# the whole image yields no face, a second search runs on overlapping square windows of
# TILE_SIDE x the short side, TILE_STRIDE apart (so any face up to TILE_SIDE - TILE_STRIDE of
# the short side lies whole inside one window, where it is 2x larger to the detector).
TILE_SIDE = 0.5
TILE_STRIDE = 0.25
MIN_TILED_SIDE = 600  # below this short side a face small enough to be missed is too small to
# measure anyway (and video frames, gated on 480 px copies, are never tiled)
EDGE_MARGIN = 0.02  # a face this close (of its size) to a window's inner edge is cut by it


class MediaPipeLandmarker:
    """Implements `metskin.domain.analysis.ports.FaceLandmarker`.

    A MediaPipe graph must not be used by two threads at once, so each call takes a FaceMesh
    from a pool (created lazily, when every existing one is busy) and gives it back. Worker
    threads share the meshes: a second thread does not pay for building its own graph
    (hundreds of ms) while the first one's is idle.
    """

    def __init__(self, *, max_faces: int = 3, landmark_side: int = LANDMARK_SIDE) -> None:
        self._max_faces = max_faces
        self._landmark_side = landmark_side
        self._lock = threading.Lock()
        self._idle: list[Any] = []

    @contextmanager
    def _mesh(self) -> Iterator[Any]:
        with self._lock:
            mesh = self._idle.pop() if self._idle else None
        if mesh is None:
            import mediapipe as mp  # slow import, only when first used

            mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=True, refine_landmarks=True, max_num_faces=self._max_faces
            )
        try:
            yield mesh
        finally:
            with self._lock:
                self._idle.append(mesh)

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        faces = self._detect_whole(rgb)
        if faces or min(rgb.shape[:2]) < MIN_TILED_SIDE:
            return faces
        return self._detect_tiled(rgb)

    def _detect_whole(self, rgb: np.ndarray) -> list[np.ndarray]:
        height, width = rgb.shape[:2]
        small = downscale(rgb, self._landmark_side)
        with self._mesh() as mesh:
            found = mesh.process(np.ascontiguousarray(small))
        scale = np.array([width, height, width], dtype=np.float32)
        return [
            np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32) * scale
            for face in found.multi_face_landmarks or []
        ]

    def _detect_tiled(self, rgb: np.ndarray) -> list[np.ndarray]:
        """Faces found in overlapping windows, each once (from the window it sits best in)."""
        height, width = rgb.shape[:2]
        side = round(TILE_SIDE * min(height, width))
        step = round(TILE_STRIDE * min(height, width))
        found: list[tuple[float, np.ndarray]] = []
        for y in window_starts(height, side, step):
            for x in window_starts(width, side, step):
                window = (x, y, x + side, y + side)
                for points in self._detect_whole(rgb[y : y + side, x : x + side]):
                    points = points + np.array([x, y, 0], dtype=np.float32)
                    found.append((inner_margin(points, window, (width, height)), points))
        return distinct_faces(found)

    def close(self) -> None:
        """Close the idle meshes (all of them once no call is running)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for mesh in idle:
            mesh.close()


def downscale(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """A copy whose long side is at most `long_side`, or the image itself."""
    return shrink(rgb, long_side)


def window_starts(total: int, side: int, step: int) -> list[int]:
    starts = list(range(0, max(1, total - side + 1), max(1, step)))
    if starts[-1] + side < total:
        starts.append(total - side)
    return starts


def inner_margin(
    points: np.ndarray, window: tuple[int, int, int, int], size: tuple[int, int]
) -> float:
    """Distance from the face box to the nearest window edge that is not an image edge, in
    face sizes (large when the face sits well inside its window)."""
    x0, y0, x1, y1 = lm.face_box(points)
    face = max(x1 - x0, y1 - y0, 1.0)
    gaps = []
    if window[0] > 0:
        gaps.append(x0 - window[0])
    if window[1] > 0:
        gaps.append(y0 - window[1])
    if window[2] < size[0]:
        gaps.append(window[2] - x1)
    if window[3] < size[1]:
        gaps.append(window[3] - y1)
    return min(gaps, default=float(face)) / face


def distinct_faces(found: list[tuple[float, np.ndarray]]) -> list[np.ndarray]:
    """One face per place: the detection with the widest inner margin; faces cut by a window
    edge are dropped."""
    kept: list[np.ndarray] = []
    for margin, points in sorted(found, key=lambda item: item[0], reverse=True):
        if margin < EDGE_MARGIN:
            continue
        centre = points[:, :2].mean(axis=0)
        if not any(inside_box(centre, other) for other in kept):
            kept.append(points)
    return kept


def inside_box(point: np.ndarray, points: np.ndarray) -> bool:
    x0, y0, x1, y1 = lm.face_box(points)
    return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)
