"""Ports the analysis engine needs from the outside world."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import numpy as np


class FaceLandmarker(Protocol):
    """Finds faces and returns one (478, 3) array of pixel-space landmarks per face.

    x and y are pixels of the given image; z uses the same scale as x (depth, smaller is closer).
    """

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]: ...


class FrameSource(Protocol):
    """A sampled sequence of RGB video frames."""

    @property
    def expected_frames(self) -> int | None: ...

    def __iter__(self) -> Iterator[np.ndarray]: ...
