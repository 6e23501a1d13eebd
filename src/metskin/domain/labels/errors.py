"""Errors of the labels component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, Forbidden, NotFound, ValidationFailed


class GradeOutOfRange(ValidationFailed, code="LABEL_GRADE_OUT_OF_RANGE"): ...


class PointOutsideImage(ValidationFailed, code="LABEL_POINT_OUTSIDE_IMAGE"): ...


class UnknownLabelValue(ValidationFailed, code="LABEL_UNKNOWN_VALUE"): ...


class EmptyLabel(ValidationFailed, code="LABEL_EMPTY"): ...


class NotAnnotatable(DomainError, code="LABEL_NOT_ANNOTATABLE"): ...


class LabelsForbidden(Forbidden, code="LABELS_FORBIDDEN"): ...


class LabelAnalysisNotFound(NotFound, code="ANALYSIS_NOT_FOUND"): ...
