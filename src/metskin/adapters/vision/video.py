"""Video frame sampler on OpenCV: grabs every frame, decodes only the sampled ones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from metskin.domain.analysis.errors import UnreadableMedia

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".3gp"})


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


class VideoFrames:
    """Implements `metskin.domain.analysis.ports.FrameSource`: RGB frames at about `fps`.

    At most `max_frames` are yielded; longer videos are sampled more sparsely.
    """

    def __init__(self, path: Path, *, fps: float = 4.0, max_frames: int = 120) -> None:
        self.path = path
        capture = self._open()
        self._native_fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        self._frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        capture.release()
        self._step = max(1.0, self._native_fps / fps)
        if self._frame_count > 0:
            self._step = max(self._step, self._frame_count / max_frames)
        self._max_frames = max_frames

    def _open(self) -> cv2.VideoCapture:
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            raise UnreadableMedia(f"Cannot open {self.path.name} as a video.")
        return capture

    @property
    def expected_frames(self) -> int | None:
        if self._frame_count <= 0:
            return None
        return min(self._max_frames, int(np.ceil(self._frame_count / self._step)))

    def __iter__(self) -> Iterator[np.ndarray]:
        capture = self._open()
        index, next_pick, yielded = 0, 0.0, 0
        try:
            while yielded < self._max_frames and capture.grab():
                if index >= next_pick:
                    ok, bgr = capture.retrieve()
                    if ok:
                        yielded += 1
                        yield cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                    next_pick += self._step
                index += 1
        finally:
            capture.release()
        if yielded == 0:
            raise UnreadableMedia(f"No frame could be decoded from {self.path.name}.")
