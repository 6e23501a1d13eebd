"""FaceLandmarker adapter on MediaPipe face mesh (478 points, model from the installed package)."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from metskin.domain.analysis.filters import shrink

LANDMARK_SIDE = 480  # landmarks are found on a copy whose long side is at most this


class MediaPipeLandmarker:
    """Implements `metskin.domain.analysis.ports.FaceLandmarker`.

    MediaPipe graphs are not thread-safe, so each thread gets its own FaceMesh, created lazily.
    """

    def __init__(self, *, max_faces: int = 3, landmark_side: int = LANDMARK_SIDE) -> None:
        self._max_faces = max_faces
        self._landmark_side = landmark_side
        self._local = threading.local()

    def _mesh(self) -> Any:
        mesh = getattr(self._local, "mesh", None)
        if mesh is None:
            import mediapipe as mp  # slow import, only when first used

            mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=True, refine_landmarks=True, max_num_faces=self._max_faces
            )
            self._local.mesh = mesh
        return mesh

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        height, width = rgb.shape[:2]
        small = downscale(rgb, self._landmark_side)
        found = self._mesh().process(np.ascontiguousarray(small))
        faces = found.multi_face_landmarks or []
        scale = np.array([width, height, width], dtype=np.float32)
        return [
            np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32) * scale
            for face in faces
        ]

    def close(self) -> None:
        mesh = getattr(self._local, "mesh", None)
        if mesh is not None:
            mesh.close()
            self._local.mesh = None


def downscale(rgb: np.ndarray, long_side: int) -> np.ndarray:
    """A copy whose long side is at most `long_side`, or the image itself."""
    return shrink(rgb, long_side)
