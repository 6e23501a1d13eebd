"""Ports of referrals: the stored referrals and the triage's unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import CreatedKey, UnitOfWork
from metskin.domain.referrals.model import ReferralRecord

if TYPE_CHECKING:
    from metskin.domain.analysis.ports import AnalysisRepository


class ReferralRepository(Protocol):
    def add(self, record: ReferralRecord) -> None: ...
    def get(self, referral_id: str) -> ReferralRecord | None: ...
    def get_for_analysis(self, analysis_id: str) -> ReferralRecord | None: ...
    def save(self, record: ReferralRecord) -> None: ...

    def delete(self, referral_id: str) -> None:
        """Withdraw the referral: an appointment booked from it keeps its time, without it."""
        ...

    def list_for_patient(
        self, patient_id: str, before: CreatedKey | None, limit: int
    ) -> list[ReferralRecord]:
        """Newest first, strictly before the keyset."""
        ...

    def get_many(self, referral_ids: list[str]) -> list[ReferralRecord]: ...

    def taken_to(self, doctor_id: str, since: datetime, limit: int) -> list[ReferralRecord]:
        """Referrals taken to the dermatologist, updated at `since` or later, more urgent than
        ROUTINE; the most recently updated first."""
        ...


class ReferralsUnitOfWork(UnitOfWork, Protocol):
    referrals: ReferralRepository
    analyses: AnalysisRepository
    inbox: InboxRepository  # the patient is told when a referral is raised


ReferralsUowFactory = Callable[[], ReferralsUnitOfWork]
