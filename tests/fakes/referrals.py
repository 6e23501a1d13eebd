"""In-memory fakes of the referrals repository and the referrals unit of work."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from metskin.domain.analysis.ports import AnalysisRepository
from metskin.domain.errors import Conflict
from metskin.domain.referrals.model import ReferralRecord, Urgency
from metskin.domain.referrals.ports import ReferralRepository
from tests.fakes.analysis import FakeAnalysisRepository
from tests.fakes.inbox import FakeInboxUnitOfWork
from tests.fakes.uow import InMemoryTable


class FakeReferralRepository(InMemoryTable[ReferralRecord]):
    """One referral per analysis (a unique key, checked at commit); lists newest first."""

    noun = "referral"

    def get_for_analysis(self, analysis_id: str) -> ReferralRecord | None:
        found = self.page(lambda r: r.analysis_id == analysis_id, None, 1, newest=False)
        return found[0] if found else None

    def list_for_patient(
        self, patient_id: str, before: tuple[datetime, str] | None, limit: int
    ) -> list[ReferralRecord]:
        return self.page(lambda r: r.patient_id == patient_id, before, limit, newest=True)

    def delete(self, referral_id: str) -> None:
        self.rows.pop(referral_id, None)

    def taken_to(self, doctor_id: str, since: datetime, limit: int) -> list[ReferralRecord]:
        found = [
            r
            for r in self.rows.values()
            if r.doctor_id == doctor_id
            and r.updated_at >= since
            and r.referral.urgency is not Urgency.ROUTINE
        ]
        found.sort(key=lambda r: r.id)
        found.sort(key=lambda r: r.updated_at, reverse=True)
        return copy.deepcopy(found[:limit])

    def check_constraints(self) -> None:
        counts = Counter(r.analysis_id for r in self.rows.values())
        if any(n > 1 for n in counts.values()):
            raise Conflict("one referral per analysis")


@dataclass(eq=False)
class FakeReferralsUnitOfWork(FakeInboxUnitOfWork):  # the inbox: "a referral is raised"
    referrals: ReferralRepository = field(default_factory=FakeReferralRepository)
    analyses: AnalysisRepository = field(default_factory=FakeAnalysisRepository)
