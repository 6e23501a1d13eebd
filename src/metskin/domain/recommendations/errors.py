"""Errors of the recommendations component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound, ValidationFailed


class ProductNotFound(NotFound, code="PRODUCT_NOT_FOUND"): ...


class RetakeNeeded(DomainError, code="RETAKE_NEEDED"): ...


class InvalidProduct(ValidationFailed, code="INVALID_PRODUCT"): ...


class UnknownPrescription(ValidationFailed, code="UNKNOWN_PRESCRIPTION"):
    """A prescribed active that names none of the prescription-only actives the catalog
    knows ("tretinion"): saved, it would lift nothing while the person believes it does."""
