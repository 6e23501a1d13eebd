"""In-memory fakes of the appointments' ports and the appointments unit of work."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from metskin.domain.accounts.ports import UserRepository
from metskin.domain.appointments.dashboard import DashboardEvent, DashboardEventKind
from metskin.domain.appointments.model import (
    Appointment,
    AppointmentStatus,
    PracticeHours,
)
from metskin.domain.appointments.ports import (
    AppointmentQueries,
    AppointmentRepository,
    AvailabilityRepository,
    DashboardEventLog,
    ReminderRepository,
)
from metskin.domain.appointments.reminders import Reminder, ReminderKind, ReminderStatus
from metskin.domain.audit.ports import AccessLogRepository
from metskin.domain.directory.model import Dermatologist
from metskin.domain.directory.ports import DermatologistRepository
from metskin.domain.errors import Conflict
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import CreatedKey
from metskin.domain.referrals.ports import ReferralRepository
from tests.fakes.accounts import FakeUserRepository
from tests.fakes.audit import FakeAccessLog
from tests.fakes.directory import FakeDermatologistRepository
from tests.fakes.inbox import FakeInbox
from tests.fakes.referrals import FakeReferralRepository
from tests.fakes.uow import FakeUnitOfWork, InMemoryRepository, InMemoryTable


class FakeAppointmentRepository(InMemoryTable[Appointment]):
    """Appointments and the queries on them (`AppointmentRepository`, `AppointmentQueries`,
    the directory's `BookedTimes`), as one store serves them all.

    A booked appointment takes its slot: two BOOKED appointments of one dermatologist at one
    start break the unique key, and the commit raises `Conflict` (the store's final word on a
    race). `for_update` is ignored.
    """

    noun = "appointment"

    def get(self, appointment_id: str, *, for_update: bool = False) -> Appointment | None:
        return super().get(appointment_id)

    # --- AppointmentQueries ---------------------------------------------------------------

    def active_for_doctors(
        self, doctor_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Appointment]:
        wanted = set(doctor_ids)
        return _ordered(
            a
            for a in self.rows.values()
            if a.doctor_id in wanted and a.is_active and a.start < end and start < a.end
        )

    def upcoming_for_patient(self, patient_id: str, now: datetime) -> list[Appointment]:
        return _ordered(
            a
            for a in self.rows.values()
            if a.patient_id == patient_id and a.status is AppointmentStatus.BOOKED and a.end > now
        )

    def list_for_patient(
        self,
        patient_id: str,
        after: CreatedKey | None,
        limit: int,
        over_at: datetime | None = None,
        over: bool = False,
    ) -> list[Appointment]:
        def keep(a: Appointment) -> bool:
            booked = a.status is AppointmentStatus.BOOKED
            ahead = over_at is not None and booked and a.end > over_at
            return a.patient_id == patient_id and (over_at is None or ahead is not over)

        newest = over_at is not None and over
        return self.page(keep, after, limit, newest=newest, order=_by_start)

    def list_with_patient(
        self, doctor_id: str, patient_id: str, before: CreatedKey | None, limit: int
    ) -> list[Appointment]:
        return self.page(
            lambda a: a.doctor_id == doctor_id and a.patient_id == patient_id,
            before,
            limit,
            newest=True,
            order=_by_start,
        )

    def list_for_doctor(
        self, doctor_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Appointment]:
        return _ordered(
            a for a in self.rows.values() if a.doctor_id == doctor_id and start <= a.start < end
        )[:limit]

    def patients_of(self, doctor_id: str, now: datetime) -> list[str]:
        return sorted(
            {
                a.patient_id
                for a in self.rows.values()
                if a.doctor_id == doctor_id and a.status is AppointmentStatus.BOOKED and a.end > now
            }
        )

    def check_constraints(self) -> None:
        taken = Counter((a.doctor_id, a.start) for a in self.rows.values() if a.is_active)
        clash = [key for key, n in taken.items() if n > 1]
        if clash:
            raise Conflict(f"slot taken: {clash[0]}")


def _by_start(appointment: Appointment) -> tuple[datetime, str]:
    return (appointment.start, appointment.id)


def _ordered(appointments: Iterable[Appointment]) -> list[Appointment]:
    return [copy.deepcopy(a) for a in sorted(appointments, key=_by_start)]


class FakeAvailabilityRepository(InMemoryRepository):
    """The working hours, read from the directory's profiles (as the real store does)."""

    def __init__(self, dermatologists: FakeDermatologistRepository) -> None:
        self.dermatologists = dermatologists

    def get(self, doctor_id: str) -> PracticeHours | None:
        profile = self.dermatologists.get(doctor_id)
        return PracticeHours(profile.availability, profile.consultation_types) if profile else None


class FakeReminderRepository(InMemoryRepository):
    """One reminder per (appointment, kind); `claim_due` leases due ones, oldest due first."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, ReminderKind], Reminder] = {}

    def add_many(self, reminders: Sequence[Reminder]) -> None:
        for reminder in reminders:
            key = (reminder.appointment_id, reminder.kind)
            if key in self.rows:
                raise Conflict(f"reminder {key} exists")
            self.rows[key] = copy.deepcopy(reminder)

    def replace_for(self, appointment_id: str, reminders: Sequence[Reminder]) -> None:
        wanted = {r.kind: r for r in reminders}
        for (owner, kind), row in self.rows.items():
            if owner == appointment_id and kind not in wanted:
                row.status, row.claimed_until = ReminderStatus.CANCELLED, None
        for kind, reminder in wanted.items():
            self.rows[(appointment_id, kind)] = copy.deepcopy(reminder)

    def cancel_for(self, appointment_id: str) -> None:
        for (owner, _), row in self.rows.items():
            if owner == appointment_id and row.status in (
                ReminderStatus.PENDING,
                ReminderStatus.QUEUED,
            ):
                row.status, row.claimed_until = ReminderStatus.CANCELLED, None

    def get(self, appointment_id: str, kind: ReminderKind) -> Reminder | None:
        return copy.deepcopy(self.rows.get((appointment_id, kind)))

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Reminder]:
        due = sorted(
            (
                r
                for r in self.rows.values()
                if (r.status is ReminderStatus.PENDING and r.due_at <= now)
                or (
                    r.status is ReminderStatus.QUEUED
                    and r.claimed_until is not None
                    and r.claimed_until < now
                )
            ),
            key=lambda r: (r.due_at, r.appointment_id, r.kind.value),
        )[:limit]
        for row in due:
            row.status, row.claimed_until = ReminderStatus.QUEUED, lease_until
            row.attempts += 1
        return copy.deepcopy(due)

    def save(self, reminder: Reminder) -> None:
        key = (reminder.appointment_id, reminder.kind)
        if key not in self.rows:
            raise LookupError(key)
        self.rows[key] = copy.deepcopy(reminder)

    def for_appointments(self, appointment_ids: Sequence[str]) -> list[Reminder]:
        wanted = set(appointment_ids)
        return copy.deepcopy([r for (owner, _), r in self.rows.items() if owner in wanted])


class FakeDashboardEventLog(InMemoryRepository):
    """An append-only log with increasing ids, shared by every dermatologist."""

    def __init__(self) -> None:
        self.events: list[DashboardEvent] = []

    def append(self, doctor_id: str, kind: str, payload: dict[str, Any], at: datetime) -> None:
        self.events.append(
            DashboardEvent(
                len(self.events) + 1,
                doctor_id,
                DashboardEventKind(kind),
                at,
                copy.deepcopy(payload),
            )
        )

    def after(self, doctor_id: str, after_id: int, limit: int) -> list[DashboardEvent]:
        return [e for e in self.events if e.doctor_id == doctor_id and e.id > after_id][:limit]

    def newest(self, doctor_id: str, before_id: int | None, limit: int) -> list[DashboardEvent]:
        mine = [
            e
            for e in self.events
            if e.doctor_id == doctor_id and (before_id is None or e.id < before_id)
        ]
        return mine[-limit:] if limit > 0 else []

    def kinds(self, doctor_id: str) -> list[DashboardEventKind]:
        return [e.kind for e in self.events if e.doctor_id == doctor_id]


class FakeAppointmentsUnitOfWork(FakeUnitOfWork):
    """Every port of the booking transaction; availability comes from the profiles."""

    def __init__(
        self,
        *profiles: Dermatologist,
        appointments: FakeAppointmentRepository | None = None,
        dermatologists: FakeDermatologistRepository | None = None,
        reminders: FakeReminderRepository | None = None,
        referrals: FakeReferralRepository | None = None,
        dashboard_events: FakeDashboardEventLog | None = None,
        access_log: FakeAccessLog | None = None,
        users: FakeUserRepository | None = None,
        inbox: FakeInbox | None = None,
    ) -> None:
        super().__init__()
        store = appointments or FakeAppointmentRepository()
        profiles_store = dermatologists or FakeDermatologistRepository(*profiles)
        self.appointments: AppointmentRepository = store
        self.appointment_queries: AppointmentQueries = store
        self.dermatologists: DermatologistRepository = profiles_store
        self.availability: AvailabilityRepository = FakeAvailabilityRepository(profiles_store)
        self.reminders: ReminderRepository = reminders or FakeReminderRepository()
        self.referrals: ReferralRepository = referrals or FakeReferralRepository()
        self.dashboard_events: DashboardEventLog = dashboard_events or FakeDashboardEventLog()
        self.access_log: AccessLogRepository = access_log or FakeAccessLog()
        self.users: UserRepository = users or FakeUserRepository()
        self.inbox: InboxRepository = inbox or FakeInbox()
