"""Errors of the skin model registry (each code defined once)."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound


class SkinModelNotFound(NotFound, code="SKIN_MODEL_NOT_FOUND"):
    pass


class GateRefused(DomainError, code="SKIN_MODEL_GATE_REFUSED"):
    pass


class WrongModelState(DomainError, code="SKIN_MODEL_WRONG_STATE"):
    pass
