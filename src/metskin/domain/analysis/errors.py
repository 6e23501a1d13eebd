"""Errors raised by the analysis component."""

from __future__ import annotations

from metskin.domain.errors import Conflict, DomainError, Forbidden, NotFound


class MediaTooLarge(DomainError, code="MEDIA_TOO_LARGE"): ...


class UnsupportedMedia(DomainError, code="UNSUPPORTED_MEDIA"): ...


class CorruptMedia(DomainError, code="CORRUPT_MEDIA"): ...


class MediaTooLong(DomainError, code="MEDIA_TOO_LONG"): ...


class UnreadableMedia(CorruptMedia):
    """The bytes are not an image or video we can decode."""


class UploadKeyReused(Conflict, code="UPLOAD_KEY_REUSED"):
    """An upload's client key already named another file of this account."""


class UploadInProgress(Conflict, code="UPLOAD_IN_PROGRESS"):
    """The upload with this client key is still being received and checked."""


class MediaNotFound(NotFound, code="MEDIA_NOT_FOUND"): ...


class AnalysisNotFound(NotFound, code="ANALYSIS_NOT_FOUND"): ...


class AnalysisNotReady(Conflict, code="ANALYSIS_NOT_READY"):
    """The analysis has not finished, or has no result to read."""


class MediaAccessEnded(Forbidden, code="MEDIA_ACCESS_ENDED"):
    """The viewer a media link names may no longer see its object (a share was revoked)."""
