"""Errors of the privacy component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Forbidden, NotFound, ValidationFailed


class ExportNotFound(NotFound, code="EXPORT_NOT_FOUND"): ...


class ExportUnavailable(Forbidden, code="EXPORT_UNAVAILABLE"): ...


class AccountNotFound(NotFound, code="ACCOUNT_NOT_FOUND"): ...


class ConsentRequired(Forbidden, code="CONSENT_REQUIRED"):
    """No current consent to the analysis of one's photos: never given, withdrawn, or given to
    an older version of the text (`privacy/consent.py`)."""


class ConsentTextOutdated(ValidationFailed, code="CONSENT_TEXT_OUTDATED"):
    """The version of the consent text the person was shown is not the current one."""
