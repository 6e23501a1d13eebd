"""Errors of the directory, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import NotFound


class DermatologistNotFound(NotFound): ...
