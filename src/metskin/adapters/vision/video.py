"""Video frame sampler on OpenCV: grabs every frame and retrieves only the sampled ones, in a
background thread so that decoding overlaps with the analysis of the previous frames; each is
made RGB when the engine asks (a small copy for the gate, the full picture for the measure)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from metskin.adapters.vision.video_colour import FrameDecoder
from metskin.adapters.vision.video_tags import read_colour
from metskin.domain.analysis.errors import UnreadableMedia
from metskin.domain.analysis.filters import shrink
from metskin.domain.i18n.marks import _

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".3gp"})
MAX_FRAME_COUNT = 1e9  # a frame count beyond this is no count
PREFETCH = 4  # decoded frames waiting for the consumer (each 1080p frame is 6 MB)
_DONE = object()


def is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def open_video(path: Path) -> cv2.VideoCapture:
    """OpenCV's reader of `path`, its frames (and their size) turned as the file says they are
    shown: a phone stores a portrait video's frames on their side, with a rotation to show
    them by, which OpenCV leaves unapplied unless asked (the face then reached the engine, the
    thumbnail and the overlay lying on its side)."""
    capture = cv2.VideoCapture(str(path))
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return capture


def frame_count(capture: cv2.VideoCapture) -> int | None:
    """The frames the file says it has, or None when it does not say (a WebM recorded by a
    browser's MediaRecorder has no duration: OpenCV reads its count as -9.2e16)."""
    count = capture.get(cv2.CAP_PROP_FRAME_COUNT)
    return int(count) if 0 < count < MAX_FRAME_COUNT else None


class DecodedFrame:
    """Implements `metskin.domain.analysis.ports.DeferredFrame`: OpenCV's BGR frame, made RGB
    in the stream's colours (`video_colour.FrameDecoder`) for the small copy the gate reads,
    and in full only for the frames measured (an HDR frame costs 25 ms at 1080p in full)."""

    def __init__(self, bgr: np.ndarray, to_rgb: FrameDecoder) -> None:
        self._bgr, self._to_rgb = bgr, to_rgb
        self.shape = bgr.shape

    def shrunk(self, long_side: int) -> np.ndarray:
        return self._to_rgb(shrink(self._bgr, long_side))

    def full(self) -> np.ndarray:
        return self._to_rgb(self._bgr)


class VideoFrames:
    """Implements `metskin.domain.analysis.ports.FrameSource`: frames at about `fps`.

    At most `max_frames` are yielded; longer videos are sampled more sparsely. `duration_s` (the
    length counted at upload) stands in for a frame count the file does not give (a browser's
    WebM), so that such a video is sampled over its whole length and its progress is known.
    """

    def __init__(
        self,
        path: Path,
        *,
        fps: float = 4.0,
        max_frames: int = 120,
        duration_s: float | None = None,
    ) -> None:
        self.path = path
        capture = self._open()
        self._native_fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
        counted = frame_count(capture)
        capture.release()
        if counted is None and duration_s:
            counted = round(duration_s * self._native_fps)
        self._frame_count = counted or 0
        self.colour = read_colour(path)
        self._to_rgb = FrameDecoder(self.colour)
        self._step = max(1.0, self._native_fps / fps)
        if self._frame_count > 0:
            self._step = max(self._step, self._frame_count / max_frames)
        self._max_frames = max_frames

    def _open(self) -> cv2.VideoCapture:
        capture = open_video(self.path)
        if not capture.isOpened():
            capture.release()
            raise UnreadableMedia.translatable(
                _("Cannot open {name} as a video."), name=self.path.name
            )
        return capture

    @property
    def expected_frames(self) -> int | None:
        if self._frame_count <= 0:
            return None
        return min(self._max_frames, int(np.ceil(self._frame_count / self._step)))

    def __iter__(self) -> Iterator[DecodedFrame]:
        capture = self._open()
        waiting: queue.Queue[object] = queue.Queue(maxsize=PREFETCH)
        stop = threading.Event()
        worker = threading.Thread(
            target=self._decode, args=(capture, waiting, stop), name="video-decode", daemon=True
        )
        worker.start()
        yielded = 0
        try:
            while (item := waiting.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                yielded += 1
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            while worker.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    waiting.get(timeout=0.05)
            capture.release()
        if yielded == 0:
            raise UnreadableMedia.translatable(
                _("No frame could be decoded from {name}."), name=self.path.name
            )

    def _decode(
        self, capture: cv2.VideoCapture, waiting: queue.Queue[object], stop: threading.Event
    ) -> None:
        """Producer: grabs every frame (cheap), retrieves the sampled ones."""
        index, next_pick, produced = 0, 0.0, 0
        try:
            while produced < self._max_frames and not stop.is_set() and capture.grab():
                if index >= next_pick:
                    ok, bgr = capture.retrieve()
                    if ok:
                        produced += 1
                        waiting.put(DecodedFrame(bgr, self._to_rgb))
                    next_pick += self._step
                index += 1
        except Exception as error:  # handed to the consumer, raised in its thread
            waiting.put(error)
        finally:
            waiting.put(_DONE)
