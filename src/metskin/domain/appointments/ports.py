"""What the appointment services need from the outside world."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from metskin.domain.appointments.model import Appointment, PracticeHours
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.ports import CreatedKey, UnitOfWork

if TYPE_CHECKING:
    from metskin.domain.accounts.ports import UserRepository
    from metskin.domain.appointments.dashboard import DashboardEvent
    from metskin.domain.appointments.reminders import Reminder, ReminderKind
    from metskin.domain.audit.ports import AccessLogRepository
    from metskin.domain.directory.ports import DermatologistRepository
    from metskin.domain.referrals.ports import ReferralRepository


class AppointmentRepository(Protocol):
    def add(self, appointment: Appointment) -> None:
        """Store a BOOKED appointment and take its slot (unique per dermatologist and start)."""
        ...

    def get(self, appointment_id: str, *, for_update: bool = False) -> Appointment | None:
        """Load one appointment; `for_update` locks it where the store supports it."""
        ...

    def save(self, appointment: Appointment) -> None:
        """Write changes back; a cancelled one frees its slot, a moved one takes the new one."""
        ...

    def active_for_doctors(
        self, doctor_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Appointment]:
        """BOOKED appointments of these dermatologists that overlap [start, end)."""
        ...

    def upcoming_for_patient(self, patient_id: str, now: datetime) -> list[Appointment]:
        """The patient's BOOKED appointments that have not ended by `now`."""
        ...


class AvailabilityRepository(Protocol):
    def get(self, doctor_id: str) -> PracticeHours | None:
        """The practice's working hours with the consultation types its profile offers."""
        ...


class AppointmentQueries(Protocol):
    """Reads that only the full store answers (lists for the patient and the dashboard)."""

    def list_for_patient(
        self,
        patient_id: str,
        after: CreatedKey | None,
        limit: int,
        over_at: datetime | None = None,
        over: bool = False,
    ) -> list[Appointment]:
        """By (start, id) ascending, strictly after the keyset. With `over_at`: those booked
        that end after it (ahead), or with `over`, the others (over, or cancelled), newest
        start first."""
        ...

    def list_for_doctor(
        self, doctor_id: str, start: datetime, end: datetime, limit: int
    ) -> list[Appointment]:
        """Every appointment (any status) starting in [start, end), by start."""
        ...

    def list_with_patient(
        self, doctor_id: str, patient_id: str, before: CreatedKey | None, limit: int
    ) -> list[Appointment]:
        """The patient's appointments (any status) with this dermatologist, by (start, id)
        descending (the newest start first), strictly before the keyset."""
        ...

    def active_for_doctors(
        self, doctor_ids: Sequence[str], start: datetime, end: datetime
    ) -> list[Appointment]: ...

    def patients_of(self, doctor_id: str, now: datetime) -> list[str]:
        """Patients with a booked appointment with this dermatologist that has not ended."""
        ...


class ReminderRepository(Protocol):
    def add_many(self, reminders: Sequence[Reminder]) -> None:
        """The reminders of a new appointment."""
        ...

    def replace_for(self, appointment_id: str, reminders: Sequence[Reminder]) -> None:
        """The appointment's reminders become exactly these (missing kinds are cancelled)."""
        ...

    def cancel_for(self, appointment_id: str) -> None: ...
    def get(self, appointment_id: str, kind: ReminderKind) -> Reminder | None: ...

    def claim_due(self, now: datetime, lease_until: datetime, limit: int) -> list[Reminder]:
        """Due PENDING reminders (or QUEUED ones whose lease ran out), marked QUEUED.

        Two scanners never claim the same row (row locks with SKIP LOCKED, or a conditional
        update where there are none).
        """
        ...

    def save(self, reminder: Reminder) -> None: ...
    def for_appointments(self, appointment_ids: Sequence[str]) -> list[Reminder]: ...


class DashboardEventLog(Protocol):
    def append(self, doctor_id: str, kind: str, payload: dict[str, Any], at: datetime) -> None: ...

    def after(self, doctor_id: str, after_id: int, limit: int) -> list[DashboardEvent]: ...
    def newest(self, doctor_id: str, before_id: int | None, limit: int) -> list[DashboardEvent]:
        """The `limit` newest events (before `before_id` if given), oldest first."""
        ...


class AppointmentsUnitOfWork(UnitOfWork, Protocol):
    """One booking transaction. The store also keeps a unique (doctor, start) key on booked
    slots, so two patients racing for one slot cannot both commit."""

    appointments: AppointmentRepository
    appointment_queries: AppointmentQueries
    availability: AvailabilityRepository
    dermatologists: DermatologistRepository
    reminders: ReminderRepository
    referrals: ReferralRepository
    dashboard_events: DashboardEventLog
    access_log: AccessLogRepository
    users: UserRepository
    inbox: InboxRepository  # the patient is told of each change in its transaction


AppointmentsUowFactory = Callable[[], AppointmentsUnitOfWork]
