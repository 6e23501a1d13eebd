"""Ports of sharing: the shares, and the sharing use cases' unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import UserRepository
    from metskin.domain.analysis.ports import AnalysisRepository
    from metskin.domain.analysis.records import Analysis
    from metskin.domain.appointments.ports import AppointmentQueries, DashboardEventLog
    from metskin.domain.audit.ports import AccessLogRepository
    from metskin.domain.directory.ports import DermatologistRepository
    from metskin.domain.ports import CreatedKey
    from metskin.domain.referrals.ports import ReferralRepository
    from metskin.domain.sharing.model import PatientEntry, Share


class ShareRepository(Protocol):
    def add(self, share: Share) -> None: ...

    def add_unless_active(self, share: Share) -> Share:
        """Add a new share, unless an active share of the same patient, dermatologist and
        analysis exists (another request's, added after this one looked for it; the store
        allows one): the share that holds is returned, this one or that one."""
        ...

    def get(self, share_id: str) -> Share | None: ...
    def save(self, share: Share) -> None: ...
    def extend(self, share_id: str, until: datetime) -> Share:
        """The share kept until `until`, unless it already runs longer: a conditional
        update, so two requests extending at once keep the later expiry; the share as
        stored afterwards."""
        ...

    def list_for_patient(self, patient_id: str) -> list[Share]: ...

    def ran_out_untold(self, now: datetime, limit: int) -> list[Share]:
        """Shares that ran out by `now` (not revoked) whose end the dashboard was not told
        yet, soonest ended first; locked, skipping those another scan holds."""
        ...

    def mark_end_told(self, share_id: str, now: datetime) -> bool:
        """Note that the share's end was told: False when another scan did already."""
        ...

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]: ...

    def active_for_doctor(self, doctor_id: str, now: datetime) -> list[Share]: ...

    def patients(
        self,
        doctor_id: str,
        now: datetime,
        after: tuple[str, str] | None,
        limit: int,
        only: str | None,
    ) -> list[PatientEntry]:
        """The dermatologist's patients: those with a booking with them that is not over, or
        an active share with them (and until when the latest of those shares lasts), by
        `patient_order` strictly after `after`, at most `limit`; `only`: that patient or
        nobody."""
        ...

    def shared_analyses(
        self,
        doctor_id: str,
        now: datetime,
        patient_id: str | None,
        before: CreatedKey | None,
        limit: int,
    ) -> list[Analysis]:
        """Finished analyses under an active share with the dermatologist, newest first."""
        ...


class SharingUnitOfWork(UnitOfWork, Protocol):
    """Shares, what they let a dermatologist read, and the audit of every read."""

    shares: ShareRepository
    access_log: AccessLogRepository
    analyses: AnalysisRepository
    referrals: ReferralRepository
    users: UserRepository
    dermatologists: DermatologistRepository
    appointment_queries: AppointmentQueries
    dashboard_events: DashboardEventLog
    inbox: InboxRepository  # the patient is told when a dermatologist reads what they shared


SharingUowFactory = Callable[[], SharingUnitOfWork]
