"""Errors of the recommendations component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound, ValidationFailed


class ProductNotFound(NotFound, code="PRODUCT_NOT_FOUND"): ...


class RetakeNeeded(DomainError, code="RETAKE_NEEDED"): ...


class InvalidProduct(ValidationFailed, code="INVALID_PRODUCT"): ...
