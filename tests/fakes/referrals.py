"""In-memory fakes of the referrals repository and the referrals unit of work."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import datetime

from metskin.domain.analysis.ports import AnalysisRepository
from metskin.domain.errors import Conflict
from metskin.domain.referrals.model import ReferralRecord
from metskin.domain.referrals.ports import ReferralRepository
from tests.fakes.analysis import FakeAnalysisRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository


class FakeReferralRepository(InMemoryRepository):
    """One referral per analysis (a unique key, checked at commit); lists newest first."""

    def __init__(self) -> None:
        self.rows: dict[str, ReferralRecord] = {}

    def add(self, record: ReferralRecord) -> None:
        if record.id in self.rows:
            raise Conflict(f"referral {record.id} exists")
        self.rows[record.id] = copy.deepcopy(record)

    def get(self, referral_id: str) -> ReferralRecord | None:
        return copy.deepcopy(self.rows.get(referral_id))

    def get_for_analysis(self, analysis_id: str) -> ReferralRecord | None:
        found = sorted(
            (r for r in self.rows.values() if r.analysis_id == analysis_id),
            key=lambda r: (r.created_at, r.id),
        )
        return copy.deepcopy(found[0]) if found else None

    def save(self, record: ReferralRecord) -> None:
        if record.id not in self.rows:
            raise LookupError(record.id)
        self.rows[record.id] = copy.deepcopy(record)

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[ReferralRecord]:
        mine = sorted(
            (r for r in self.rows.values() if r.patient_id == patient_id),
            key=lambda r: (r.created_at, r.id),
            reverse=True,
        )
        mine = [r for r in mine if before is None or (r.created_at, r.id) < before]
        return copy.deepcopy(mine[:limit])

    def get_many(self, referral_ids: list[str]) -> list[ReferralRecord]:
        return [copy.deepcopy(self.rows[i]) for i in dict.fromkeys(referral_ids) if i in self.rows]

    def check_constraints(self) -> None:
        counts = Counter(r.analysis_id for r in self.rows.values())
        if any(n > 1 for n in counts.values()):
            raise Conflict("one referral per analysis")


class FakeReferralsUnitOfWork(FakeUnitOfWork):
    def __init__(
        self,
        referrals: FakeReferralRepository | None = None,
        analyses: FakeAnalysisRepository | None = None,
    ) -> None:
        super().__init__()
        self.referrals: ReferralRepository = referrals or FakeReferralRepository()
        self.analyses: AnalysisRepository = analyses or FakeAnalysisRepository()
