"""Errors of the progress component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import ValidationFailed


class NotComparable(ValidationFailed, code="NOT_COMPARABLE"): ...
