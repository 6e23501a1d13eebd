"""Errors raised by the analysis component."""

from __future__ import annotations

from metskin.domain.errors import DomainError


class UnreadableMedia(DomainError):
    """The bytes are not an image or video we can decode."""

    code = "CORRUPT_MEDIA"
