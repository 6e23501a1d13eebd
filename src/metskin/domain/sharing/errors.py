"""Errors of the sharing component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound


class NotShared(DomainError, code="NOT_SHARED"): ...


class ShareNotFound(NotFound, code="SHARE_NOT_FOUND"): ...
