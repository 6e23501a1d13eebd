"""Ports of labels: the labels, the learning consents, and the labels' unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.analysis.ports import AnalysisRepository, MediaRepository
    from metskin.domain.audit.ports import AccessLogRepository
    from metskin.domain.labels.model import Label, LearningConsent
    from metskin.domain.sharing.ports import ShareRepository


class LabelRepository(Protocol):
    def add(self, label: Label) -> None: ...

    def for_analysis(self, analysis_id: str) -> list[Label]:
        """Every write on the analysis, oldest first."""
        ...

    def for_subjects(self, subject_ids: list[str]) -> list[Label]:
        """Every write on analyses of these people, oldest first."""
        ...


class ConsentRepository(Protocol):
    def get(self, user_id: str) -> LearningConsent | None:
        """None when there is no such account."""
        ...

    def save(self, consent: LearningConsent) -> None: ...

    def consenting(self) -> list[str]:
        """The ids of the people who give it now, sorted."""
        ...


class DatasetMembers(Protocol):
    """Whose analyses each exported dataset version holds (erasure deletes a person's)."""

    def record(self, version: str, subject_ids: list[str], now: datetime) -> None: ...

    def versions_of(self, subject_id: str) -> list[str]: ...

    def members_of(self, version: str) -> list[str]:
        """The people recorded as having entered this dataset version (an erased person's
        rows are gone), sorted."""
        ...


class LabelsUnitOfWork(UnitOfWork, Protocol):
    """Labels, consents, the analyses and photos they are on, the shares that allow a
    dermatologist to write them and the audit of their reads."""

    labels: LabelRepository
    consents: ConsentRepository
    analyses: AnalysisRepository
    media: MediaRepository
    shares: ShareRepository
    access_log: AccessLogRepository
    dataset_members: DatasetMembers


LabelsUowFactory = Callable[[], LabelsUnitOfWork]
