"""A fake FaceLandmarker for analysis unit tests: returns the faces it was given."""

from __future__ import annotations

import numpy as np


class FakeLandmarker:
    """Implements `metskin.domain.analysis.ports.FaceLandmarker` with canned landmarks."""

    def __init__(self, faces: list[np.ndarray] | None = None) -> None:
        self.faces = faces or []
        self.calls = 0

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        self.calls += 1
        return [face.copy() for face in self.faces]


def rotated_yaw(points: np.ndarray, degrees: float) -> np.ndarray:
    """Landmarks turned about the vertical axis through their centre (a head turned sideways)."""
    angle = np.radians(degrees)
    centre = points.mean(axis=0)
    rotation = np.array([[np.cos(angle), 0, np.sin(angle)], [0, 1, 0],
                         [-np.sin(angle), 0, np.cos(angle)]], dtype=np.float32)
    return (points - centre) @ rotation.T + centre
