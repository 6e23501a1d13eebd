"""Errors of the recommendations component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, NotFound, ValidationFailed
from metskin.domain.i18n.marks import _


class ProductNotFound(NotFound, code="PRODUCT_NOT_FOUND"): ...


class RetakeNeeded(DomainError, code="RETAKE_NEEDED"): ...


def failed_has_no_routine() -> RetakeNeeded:
    """A routine asked (or saved, `followed.refuse_if_failed`) for an analysis that failed."""
    return RetakeNeeded(
        _("This analysis failed, so it has no routine; take a new photo and start a new analysis."),
        field="analysisId",
    )


class InvalidProduct(ValidationFailed, code="INVALID_PRODUCT"): ...


class UnknownPrescription(ValidationFailed, code="UNKNOWN_PRESCRIPTION"):
    """A prescribed active that names none of the prescription-only actives the catalog
    knows ("tretinion"): saved, it would lift nothing while the person believes it does."""


class StillMeasuring(Exception):
    """The routine the person follows is that of an analysis still being measured (the
    pipeline saves it before the result): it cannot be built again until the result is
    stored. Not a DomainError, so the rebuild job is retried (`RecommendationService.refresh`
    queues one when a request meets it)."""
