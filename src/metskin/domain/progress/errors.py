"""Errors of the progress component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, ValidationFailed


class NotComparable(ValidationFailed, code="NOT_COMPARABLE"): ...


class AnalysisNotReady(Conflict, code="ANALYSIS_NOT_READY"): ...
