"""Errors of the content component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import Conflict, NotFound


class ContentNotFound(NotFound, code="CONTENT_NOT_FOUND"): ...


class SlugTaken(Conflict, code="SLUG_TAKEN"): ...
