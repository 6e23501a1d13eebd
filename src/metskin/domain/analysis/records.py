"""Stored media and analysis runs: what the pipeline persists about each upload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from metskin.domain.accounts.model import Role


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class AnalysisStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (AnalysisStatus.DONE, AnalysisStatus.FAILED)


class Stage(StrEnum):
    QUEUED = "QUEUED"
    DECODING = "DECODING"
    FACE_MESH = "FACE_MESH"
    MEASURING = "MEASURING"
    RECOMMENDING = "RECOMMENDING"
    DONE = "DONE"
    FAILED = "FAILED"


# Where each working stage starts and ends on the one 0-1 progress of the whole analysis,
# roughly by its share of the time (photo or video): decoding, the face mesh, the measurements.
STAGE_SPANS: dict[Stage, tuple[float, float]] = {
    Stage.QUEUED: (0.0, 0.0),
    Stage.DECODING: (0.0, 0.2),
    Stage.FACE_MESH: (0.2, 0.5),
    Stage.MEASURING: (0.5, 0.95),
    Stage.RECOMMENDING: (0.95, 1.0),
    Stage.DONE: (1.0, 1.0),
}


def overall_progress(stage: Stage, fraction: float) -> float:
    """The progress of the whole analysis when `stage` is `fraction` (0-1) done."""
    start, end = STAGE_SPANS.get(stage, (0.0, 0.0))
    return start + (end - start) * min(max(fraction, 0.0), 1.0)


@dataclass
class Media:
    id: str
    owner_id: str
    kind: MediaKind
    content_type: str
    size_bytes: int
    width: int
    height: int
    storage_name: str
    thumbnail_name: str
    key_id: str
    sha256: str
    created_at: datetime
    duration_s: float | None = None


@dataclass
class AnalysisSummary:
    """The few numbers lists and histories show without loading the full result."""

    ok: bool
    confidence: float
    ita_deg: float | None = None
    monk: int | None = None
    fitzpatrick: str | None = None
    skin_type: str | None = None
    top_concerns: list[str] = field(default_factory=list)


@dataclass
class Analysis:
    id: str
    owner_id: str
    media_id: str
    status: AnalysisStatus
    stage: Stage
    progress: float
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    failure_code: str | None = None
    failure_reason: str | None = None
    attempts: int = 0
    summary: AnalysisSummary | None = None
    event_seq: int = 0

    def progress_event(self) -> dict[str, Any]:
        return {
            "analysis_id": self.id,
            "seq": self.event_seq,
            "stage": self.stage.value,
            "status": self.status.value,
            "progress": round(self.progress, 3),
            "failure_code": self.failure_code,
            "failure_reason": self.failure_reason,
        }


@dataclass(frozen=True)
class AnalysisOutput:
    """What the engine returns to the pipeline: the JSON result, its summary, the overlay PNG
    and, for a video, the frame it measured (JPEG; its landmarks are in its pixels)."""

    result: dict[str, Any]
    summary: AnalysisSummary
    overlay_jpeg: bytes | None
    frame_jpeg: bytes | None = None
    unseen: dict[str, Any] | None = None  # a model in shadow's scores: kept, never shown
    # a photo's thumbnail from the engine's decode, made only when the upload has none
    make_thumbnail: Callable[[], bytes] | None = None


def progress_channel(analysis_id: str) -> str:
    return f"analysis-progress:{analysis_id}"


@dataclass(frozen=True)
class MediaGrant:
    """What a signed media link carries: the stored object, the viewer it was issued to, and
    the analysis (or, for a bare upload, the media) it was reached through. The object is
    served only while that viewer may still see it."""

    name: str
    viewer_id: str
    viewer_role: Role
    analysis_id: str | None = None
    media_id: str | None = None
