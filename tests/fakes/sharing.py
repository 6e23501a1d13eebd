"""In-memory fakes of the sharing repository and the sharing unit of work."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.analysis.ports import AnalysisRepository
from metskin.domain.analysis.records import Analysis, AnalysisStatus
from metskin.domain.appointments.ports import AppointmentQueries, DashboardEventLog
from metskin.domain.audit.ports import AccessLogRepository
from metskin.domain.directory.ports import DermatologistRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import CreatedKey
from metskin.domain.referrals.ports import ReferralRepository
from metskin.domain.sharing.model import PatientEntry, Share, ShareScope, patient_order
from metskin.domain.sharing.ports import ShareRepository
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.analysis import FakeAnalysisRepository
from tests.fakes.appointments import FakeAppointmentRepository, FakeDashboardEventLog
from tests.fakes.audit import FakeAccessLog
from tests.fakes.directory import FakeDermatologistRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.referrals import FakeReferralRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryTable


class FakeShareRepository(InMemoryTable[Share]):
    """Shares; `shared_analyses` joins them with the analyses they cover (a link, not data)."""

    noun = "share"

    def __init__(
        self,
        analyses: FakeAnalysisRepository | None = None,
        users: FakeUserRepository | None = None,
        appointments: FakeAppointmentRepository | None = None,
    ) -> None:
        super().__init__()
        self.analyses = analyses or FakeAnalysisRepository()
        self.users = users or FakeUserRepository()
        self.appointments = appointments or FakeAppointmentRepository()

    def add_unless_active(self, share: Share) -> Share:
        """As the SQL store's unique key: a share of the same patient, dermatologist and
        analysis, not revoked and not expired when this one is made, is kept instead."""
        held = next((s for s in self.rows.values() if _twins(s, share)), None)
        if held is not None:
            return copy.deepcopy(held)
        self.add(share)
        return share

    def extend(self, share_id: str, until: datetime) -> Share:
        stored = self.rows[share_id]
        stored.expires_at = max(stored.expires_at, until)
        return copy.deepcopy(stored)

    def check_constraints(self) -> None:
        """One active share of the same at a time (the SQL store's unique key): no two
        shares of the same that were both active at once."""
        for share in self.rows.values():
            others = (other for other in self.rows.values() if other is not share)
            if any(_twins(other, share) and _twins(share, other) for other in others):
                raise Conflict(f"share {share.id} is active twice")

    def list_for_patient(self, patient_id: str) -> list[Share]:
        mine = sorted(
            (s for s in self.rows.values() if s.patient_id == patient_id), key=lambda s: s.id
        )
        mine.sort(key=lambda s: s.created_at, reverse=True)  # newest first, then by id
        return copy.deepcopy(mine)

    def ran_out_untold(self, now: datetime, limit: int) -> list[Share]:
        untold = [s for s in self.rows.values() if s.ran_out(now) and s.end_told_at is None]
        untold.sort(key=lambda s: (s.expires_at, s.id))
        return copy.deepcopy(untold[:limit])

    def mark_end_told(self, share_id: str, now: datetime) -> bool:
        stored = self.rows[share_id]
        if not stored.ran_out(now) or stored.end_told_at is not None:
            return False
        stored.end_told_at = now
        return True

    def active_between(self, patient_id: str, doctor_id: str, now: datetime) -> list[Share]:
        return [s for s in self.active_for_doctor(doctor_id, now) if s.patient_id == patient_id]

    def active_for_doctor(self, doctor_id: str, now: datetime) -> list[Share]:
        return copy.deepcopy(
            [s for s in self.rows.values() if s.doctor_id == doctor_id and s.is_active(now)]
        )

    def patients(
        self,
        doctor_id: str,
        now: datetime,
        after: tuple[str, str] | None,
        limit: int,
        only: str | None,
    ) -> list[PatientEntry]:
        until: dict[str, datetime] = {}
        for share in self.active_for_doctor(doctor_id, now):
            until[share.patient_id] = max(
                share.expires_at, until.get(share.patient_id, share.expires_at)
            )
        ids = set(self.appointments.patients_of(doctor_id, now)) | set(until)
        if only is not None:
            ids &= {only}
        users = sorted(self.users.list_by_ids(sorted(ids)), key=patient_order)
        page = [u for u in users if after is None or patient_order(u) > after][:limit]
        return [PatientEntry(user, until.get(user.id)) for user in page]

    def shared_analyses(
        self,
        doctor_id: str,
        now: datetime,
        patient_id: str | None,
        before: CreatedKey | None,
        limit: int,
    ) -> list[Analysis]:
        active = self.active_for_doctor(doctor_id, now)
        everything = {s.patient_id for s in active if s.scope is ShareScope.ALL}
        single = {s.analysis_id for s in active if s.scope is ShareScope.ANALYSIS}
        return self.analyses.page(
            lambda a: (
                a.status is AnalysisStatus.DONE
                and (a.owner_id in everything or a.id in single)
                and (patient_id is None or a.owner_id == patient_id)
            ),
            before,
            limit,
            newest=True,
        )


def _twins(held: Share, new: Share) -> bool:
    """`held` shares the same as `new` and is still active when `new` is made: the SQL
    store's key is held until a share is revoked, or has expired when the same is shared."""
    return (
        (held.patient_id, held.doctor_id, held.analysis_id)
        == (new.patient_id, new.doctor_id, new.analysis_id)
        and held.is_active(new.created_at)
        and new.revoked_at is None
    )


@dataclass(eq=False, kw_only=True)
class FakeSharingUnitOfWork(FakeUnitOfWork):
    """The shares join the analyses of this unit of work."""

    analyses: AnalysisRepository = field(default_factory=FakeAnalysisRepository)
    access_log: AccessLogRepository = field(default_factory=FakeAccessLog)
    referrals: ReferralRepository = field(default_factory=FakeReferralRepository)
    users: UserRepository = field(default_factory=FakeUserRepository)
    dermatologists: DermatologistRepository = field(default_factory=FakeDermatologistRepository)
    appointment_queries: AppointmentQueries = field(default_factory=FakeAppointmentRepository)
    dashboard_events: DashboardEventLog = field(default_factory=FakeDashboardEventLog)
    inbox: InboxRepository = field(default_factory=FakeInbox)
    shares: ShareRepository = field(init=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.shares = FakeShareRepository(
            cast(FakeAnalysisRepository, self.analyses),
            cast(FakeUserRepository, self.users),
            cast(FakeAppointmentRepository, self.appointment_queries),
        )
