"""Errors of the privacy component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Forbidden, NotFound


class ExportNotFound(NotFound, code="EXPORT_NOT_FOUND"): ...


class ExportUnavailable(Forbidden, code="EXPORT_UNAVAILABLE"): ...


class AccountNotFound(NotFound, code="ACCOUNT_NOT_FOUND"): ...
