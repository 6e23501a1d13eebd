"""The AnalysisEngine port: decode stored bytes, run the domain engine, render the overlay."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from metskin.adapters.vision.coding_note import read_coding
from metskin.adapters.vision.face_mesh import MediaPipeLandmarker
from metskin.adapters.vision.images import decode_image, encode_jpeg
from metskin.adapters.vision.ingest import photo_thumbnail, temporary_file, thumbnail_of_rgb
from metskin.adapters.vision.video import VideoFrames
from metskin.domain.analysis.engine import analyse_checked, analyse_frames, check_frame
from metskin.domain.analysis.model import AnalysisResult
from metskin.domain.analysis.overlay import downscaled, stored_overlay
from metskin.domain.analysis.ports import FaceLandmarker, StageProgress
from metskin.domain.analysis.records import (
    AnalysisOutput,
    AnalysisSummary,
    Media,
    MediaKind,
    Stage,
)
from metskin.domain.skinmodel.ports import FaceModels
from metskin.domain.skinmodel.scoring import score_result

VIDEO_FPS = 4.0
VIDEO_MAX_FRAMES = 120
TOP_CONCERNS = 3
# The overlay is a photo: JPEG at this quality costs 3-4 ms at 1000 px where PNG cost 30-45 ms
# and 6x the bytes (a photo's noise does not compress losslessly); outlines and text stay sharp.
OVERLAY_QUALITY = 95


class VisionEngine:
    """`models`: the learned skin models (issue 15); a photo's concerns they beat the engine on
    are scored by the live one, and the one in shadow scores unseen. Videos: the engine."""

    def __init__(
        self, landmarker: FaceLandmarker | None = None, models: FaceModels | None = None
    ) -> None:
        self._landmarker = landmarker or MediaPipeLandmarker()
        self._owns_landmarker = landmarker is None
        self._models = models

    def thumbnail(self, data: bytes) -> bytes:
        return photo_thumbnail(data)

    def close(self) -> None:
        """Close the face mesh graphs it built (each holds native threads and its models)."""
        if self._owns_landmarker and isinstance(self._landmarker, MediaPipeLandmarker):
            self._landmarker.close()

    def run(
        self, media: Media, data: bytes, progress: StageProgress, stated_skin_type: str | None
    ) -> AnalysisOutput:
        rgb: np.ndarray | None
        small: np.ndarray | None = None
        thumbnail: Callable[[], bytes] | None = None
        if media.kind is MediaKind.PHOTO:
            rgb, result = self._photo(data, progress, stated_skin_type)
            # an upload not decoded at upload gets its thumbnail from this decode: from its
            # overlay-sized copy (an area resize of ~1000 px, ~0.3 ms, where the 12 MP decode
            # cost ~2.3; its pixels differ from a direct resize by rounding only)
            small = downscaled(rgb)
            thumbnail = partial(thumbnail_of_rgb, small)
        else:
            rgb, result = self._video(media, data, progress, stated_skin_type)
        overlay: bytes | None = None
        frame: bytes | None = None
        if result.ok and rgb is not None:
            overlay = encode_jpeg(stored_overlay(rgb, result, small=small), OVERLAY_QUALITY)
            if media.kind is not MediaKind.PHOTO:
                # a video's measured frame is kept: the before / after pictures are drawn on it
                frame = encode_jpeg(rgb)
        stored = result.to_dict()
        landmarks = None
        if media.kind is MediaKind.PHOTO and result.geometry is not None:
            landmarks = result.geometry.landmarks
        unseen = score_result(stored, self._models, rgb, landmarks)
        return AnalysisOutput(
            result=stored,
            summary=summarise(result),
            overlay_jpeg=overlay,
            frame_jpeg=frame,
            unseen=unseen,
            make_thumbnail=thumbnail,
        )

    def _photo(
        self, data: bytes, progress: StageProgress, skin_type: str | None
    ) -> tuple[np.ndarray, AnalysisResult]:
        progress(Stage.DECODING, 0.0)
        rgb = decode_image(data)
        progress(Stage.FACE_MESH, 0.0)
        checked = check_frame(rgb, self._landmarker.detect(rgb), read_coding(data))
        if isinstance(checked, list):
            return rgb, AnalysisResult(quality=tuple(checked), confidence=0.0)
        progress(Stage.MEASURING, 0.0)
        result = analyse_checked(checked, skin_type)
        progress(Stage.MEASURING, 1.0)
        return rgb, result

    def _video(
        self, media: Media, data: bytes, progress: StageProgress, skin_type: str | None
    ) -> tuple[np.ndarray | None, AnalysisResult]:
        extension = media.storage_name.rsplit(".", 1)[-1]
        with temporary_file(data, f".{extension}") as path:
            frames = VideoFrames(
                path, fps=VIDEO_FPS, max_frames=VIDEO_MAX_FRAMES, duration_s=media.duration_s
            )
            result = analyse_frames(
                frames,
                self._landmarker,
                progress=lambda stage, fraction: progress(Stage(stage), fraction),
                expected_frames=frames.expected_frames,
                self_reported_skin_type=skin_type,
            )
        return result.frame, result


def summarise(result: AnalysisResult) -> AnalysisSummary:
    ranked = sorted(result.concerns, key=lambda concern: concern.score, reverse=True)
    return AnalysisSummary(
        ok=result.ok,
        confidence=round(result.confidence, 3),
        ita_deg=round(result.tone.ita_deg, 1) if result.tone else None,
        monk=result.tone.monk if result.tone else None,
        fitzpatrick=result.tone.fitzpatrick if result.tone else None,
        skin_type=result.skin_type.kind if result.skin_type else None,
        top_concerns=[concern.name for concern in ranked[:TOP_CONCERNS] if concern.score >= 20],
    )
