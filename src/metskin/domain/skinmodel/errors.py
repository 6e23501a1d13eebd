"""Errors of the skin model registry (each code defined once)."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound


class SkinModelNotFound(NotFound, code="SKIN_MODEL_NOT_FOUND"):
    pass


class GateRefused(DomainError, code="SKIN_MODEL_GATE_REFUSED"):
    pass


class WrongModelState(DomainError, code="SKIN_MODEL_WRONG_STATE"):
    pass


class ModelFileInvalid(DomainError, code="SKIN_MODEL_FILE_INVALID"):
    """A version's weights or config missing, unreadable, or of another version of the code
    (shapes or names that do not fit the network)."""
