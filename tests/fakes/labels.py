"""In-memory fakes of the labels, the learning consents and the labels' unit of work."""

from __future__ import annotations

import copy
from datetime import datetime

from metskin.domain.analysis.ports import MediaRepository
from metskin.domain.labels.model import Label, LearningConsent
from metskin.domain.labels.ports import ConsentRepository, DatasetMembers, LabelRepository
from tests.fakes.analysis import FakeMediaRepository
from tests.fakes.sharing import FakeSharingUnitOfWork
from tests.fakes.uow import InMemoryRepository, InMemoryTable


class FakeLabelRepository(InMemoryTable[Label]):
    noun = "label"

    def _oldest_first(self, keep: list[Label]) -> list[Label]:
        return copy.deepcopy(sorted(keep, key=lambda label: (label.created_at, label.id)))

    def for_analysis(self, analysis_id: str) -> list[Label]:
        return self._oldest_first([r for r in self.rows.values() if r.analysis_id == analysis_id])

    def for_subjects(self, subject_ids: list[str]) -> list[Label]:
        wanted = set(subject_ids)
        return self._oldest_first([r for r in self.rows.values() if r.subject_id in wanted])


class FakeConsentRepository(InMemoryTable[LearningConsent]):
    """A consent per account (`add` one for each account, off by default)."""

    noun = "account"
    key_field = "user_id"

    def consenting(self) -> list[str]:
        return sorted(c.user_id for c in self.rows.values() if c.given)


class FakeDatasetMembers(InMemoryRepository):
    def __init__(self) -> None:
        self.members: set[tuple[str, str]] = set()

    def record(self, version: str, subject_ids: list[str], now: datetime) -> None:
        self.members.update((version, subject) for subject in subject_ids)

    def versions_of(self, subject_id: str) -> list[str]:
        return sorted(version for version, subject in self.members if subject == subject_id)

    def members_of(self, version: str) -> list[str]:
        return sorted(subject for found, subject in self.members if found == version)


class FakeLabelsUnitOfWork(FakeSharingUnitOfWork):
    """The sharing fake (shares, access log, analyses) with the labels' own repositories."""

    def __post_init__(self) -> None:
        self.labels: LabelRepository = FakeLabelRepository()
        self.consents: ConsentRepository = FakeConsentRepository()
        self.media: MediaRepository = FakeMediaRepository()
        self.dataset_members: DatasetMembers = FakeDatasetMembers()
        super().__post_init__()
