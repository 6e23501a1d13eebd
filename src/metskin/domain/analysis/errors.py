"""Errors raised by the analysis component."""

from __future__ import annotations

from metskin.domain.errors import Conflict, DomainError, NotFound


class UnreadableMedia(DomainError):
    """The bytes are not an image or video we can decode."""

    code = "CORRUPT_MEDIA"


class MediaNotFound(NotFound):
    code = "MEDIA_NOT_FOUND"


class AnalysisNotFound(NotFound):
    code = "ANALYSIS_NOT_FOUND"


class AnalysisNotReady(Conflict):
    """The analysis has not finished, or has no result to read."""

    code = "ANALYSIS_NOT_READY"
