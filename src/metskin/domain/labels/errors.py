"""Errors of the labels component, each with a stable code for the API."""

from __future__ import annotations

from metskin.domain.errors import DomainError, Forbidden, ValidationFailed


class GradeOutOfRange(ValidationFailed, code="LABEL_GRADE_OUT_OF_RANGE"):
    """A grade outside its concern's scale, or a Monk tone outside 1-10."""


class PointOutsideImage(ValidationFailed, code="LABEL_POINT_OUTSIDE_IMAGE"):
    """A lesion or a point not inside the analysed photo."""


class UnknownLabelValue(ValidationFailed, code="LABEL_UNKNOWN_VALUE"):
    """A skin type not known, a concern graded twice, too many lesions, too long a note."""


class EmptyLabel(ValidationFailed, code="LABEL_EMPTY"):
    """Nothing to write."""


class NotAnnotatable(DomainError, code="LABEL_NOT_ANNOTATABLE"):
    """Not a finished photo analysis, or a value the writer may not give."""


class LabelsForbidden(Forbidden, code="LABELS_FORBIDDEN"):
    """Not a dermatologist with an active share of the analysis."""


class LicenceRefused(ValidationFailed, code="DATASET_LICENCE_REFUSED"):
    """Photos whose licence does not allow commercial training (non-commercial, research only,
    no derivatives), or a set known to be so limited."""


class DatasetFolderInvalid(ValidationFailed, code="DATASET_FOLDER_INVALID"):
    """A dataset folder without its manifest or labels, with a record that is not one, or
    naming a patch it does not hold."""


class LabelsFileInvalid(ValidationFailed, code="DATASET_LABELS_INVALID"):
    """A labels file without the photo column, with an unknown column or a photo named twice."""


class DatasetOutInvalid(ValidationFailed, code="DATASET_OUT_INVALID"):
    """The folder a dataset is to be written under cannot be made or written."""


class DatasetSplitEmpty(ValidationFailed, code="DATASET_SPLIT_EMPTY"):
    """A dataset with no face in the split a command trains or evaluates on."""


class DatasetConsentWithdrawn(DomainError, code="DATASET_CONSENT_WITHDRAWN"):
    """An exported dataset holding faces that may no longer be learnt from: their person
    withdrew their learning consent or was erased, or their labelled analysis was deleted."""
