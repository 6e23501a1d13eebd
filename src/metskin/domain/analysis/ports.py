"""Ports of the analysis component: the landmarker and frames the engine reads, the media
preparer, engine and storage the pipeline uses, and the repositories of its unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from metskin.domain.accounts.model import Role
from metskin.domain.accounts.ports import RefreshTokenRepository, UserRepository
from metskin.domain.analysis.media import MediaLimits, MediaType
from metskin.domain.analysis.records import Analysis, AnalysisOutput, Media, Stage
from metskin.domain.audit.model import AccessPart
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import CreatedKey, UnitOfWork
from metskin.domain.privacy.ports import ConsentRecords


class FaceLandmarker(Protocol):
    """Finds faces and returns one (478, 3) array of pixel-space landmarks per face.

    x and y are pixels of the given image; z uses the same scale as x (depth, smaller is closer).
    """

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]: ...


class DeferredFrame(Protocol):
    """A video frame whose full RGB picture costs more to make than a small copy (an HDR frame
    made SDR: about 25 ms at 1080p): the gate reads `shrunk` copies of every frame, and only the
    few frames measured in full pay for `full`."""

    shape: tuple[int, ...]  # of the full picture: (height, width, 3)

    def shrunk(self, long_side: int) -> np.ndarray:
        """RGB, the long side at most `long_side`, as `filters.shrink` of the full picture."""
        ...

    def full(self) -> np.ndarray: ...


class FrameSource(Protocol):
    """A sampled sequence of RGB video frames (arrays, or frames made in full on demand)."""

    expected_frames: int | None

    def __iter__(self) -> Iterator[np.ndarray | DeferredFrame]: ...


StageProgress = Callable[[Stage, float], None]


@dataclass(frozen=True)
class PreparedMedia:
    """An upload after validation: the bytes to store (photos without metadata). A photo's
    `thumbnail_jpeg` is None: its thumbnail is made from the stored photo's first decode (the
    analysis's, or the first request for it); a video's is made from its middle frame."""

    media_type: MediaType
    data: bytes
    thumbnail_jpeg: bytes | None
    width: int
    height: int
    duration_s: float | None = None


class MediaPreparer(Protocol):
    def prepare(self, data: bytes, media_type: MediaType, limits: MediaLimits) -> PreparedMedia:
        """Validate and sanitise; raise CorruptMedia, MediaTooLarge, MediaTooLong..."""
        ...


class AnalysisEngine(Protocol):
    def thumbnail(self, data: bytes) -> bytes:
        """A stored photo's thumbnail; raises UnreadableMedia when it cannot be decoded."""
        ...

    def run(
        self, media: Media, data: bytes, progress: StageProgress, stated_skin_type: str | None
    ) -> AnalysisOutput: ...


class MediaRepository(Protocol):
    def add(self, media: Media) -> None: ...
    def get(self, media_id: str, *, for_update: bool = False) -> Media | None: ...
    def list_by_ids(self, media_ids: list[str]) -> list[Media]: ...


class AnalysisRepository(Protocol):
    def add(self, analysis: Analysis) -> None: ...
    def get(self, analysis_id: str, *, for_update: bool = False) -> Analysis | None: ...
    def save(self, analysis: Analysis) -> None: ...
    def list_for_owner(
        self, owner_id: str, before: CreatedKey | None, limit: int
    ) -> list[Analysis]:
        """Newest first, strictly before the keyset `before`."""
        ...

    def add_result(
        self, analysis_id: str, result: dict[str, Any], overlay_name: str | None
    ) -> None: ...

    def get_results(
        self, analysis_ids: list[str]
    ) -> dict[str, tuple[dict[str, Any], str | None]]: ...
    def overlay_name(self, analysis_id: str) -> str | None:
        """The stored overlay's name, without reading the result."""
        ...

    def list_unfinished(self) -> list[str]: ...
    def unfinished_of_media(self, media_id: str) -> Analysis | None:
        """The newest analysis of the upload still QUEUED or RUNNING, if any."""
        ...


class ObjectMissing(Exception):
    """The named object is not in storage."""


class UploadKeys(Protocol):
    """Short-lived notes kept beside the uploads (Redis when set, else this process): what an
    upload's client key was used for, so that a retry answers the first upload."""

    def add(self, key: str, value: str, ttl_s: float) -> str | None:
        """Keep `value` under `key` for `ttl_s` seconds unless one is kept there already: None
        when kept, else the value already there."""
        ...

    def put(self, key: str, value: str, ttl_s: float) -> None: ...

    def get(self, key: str) -> str | None:
        """The value kept under `key`, or None (none, lapsed, or the notes do not answer)."""
        ...

    def forget(self, key: str) -> None: ...


class MediaStorage(Protocol):
    def put(self, name: str, data: bytes, content_type: str) -> str:
        """Store the object; return the id of the key that encrypted it."""
        ...

    def get(self, name: str) -> bytes: ...
    def delete(self, name: str) -> None: ...
    def exists(self, name: str) -> bool: ...


class AnalysisUnitOfWork(UnitOfWork, Protocol):
    media: MediaRepository
    analyses: AnalysisRepository
    users: UserRepository
    refresh_tokens: RefreshTokenRepository  # a viewer's read checks their session in its own
    inbox: InboxRepository  # the owner is told when an analysis is done
    consent_records: ConsentRecords  # no upload nor analysis without consent (privacy)


AnalysisUowFactory = Callable[[], AnalysisUnitOfWork]


class AnalysisAccess(Protocol):
    """May someone other than the owner read this analysis? A check that allows a read also
    records it (the audit entry commits before the analysis is returned), unless `audit` is
    False: a live stream, opened under an audited read, asking whether it may go on. `part`:
    what of the analysis the read fetches (the audit entry says it)."""

    def __call__(
        self,
        viewer_id: str,
        viewer_role: Role,
        analysis: Analysis,
        *,
        audit: bool = True,
        part: AccessPart = AccessPart.RESULT,
    ) -> bool: ...


def owner_only(
    viewer_id: str,
    viewer_role: Role,
    analysis: Analysis,
    *,
    audit: bool = True,
    part: AccessPart = AccessPart.RESULT,
) -> bool:
    return False
