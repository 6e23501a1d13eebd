"""Booking on the real database: slots, reminders in the same transaction, cancel and
reschedule, and no double booking under 200 concurrent attempts (the database decides)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func
from sqlmodel import select

from metskin.adapters.db.appointments import AppointmentRow, BookedSlotRow
from metskin.adapters.db.reminders import ReminderRow
from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role, User
from metskin.domain.appointments import (
    AppointmentStatus,
    Availability,
    ConsultationType,
    Hours,
    SlotUnavailable,
    TooLateToCancel,
    WeeklyRule,
)
from metskin.domain.appointments.gate import NoGate, SlotGate
from metskin.domain.appointments.reminders import Reminder, ReminderStatus
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist
from metskin.domain.messages import Job

PASSWORD = "tea-and-toast-77"
LONDON = ZoneInfo("Europe/London")
VIDEO = ConsultationType.VIDEO
SLOTS_PER_DAY = 10  # 09:00-14:00 in 30-minute slots


def every_day(doctor_id: str, time_zone: str = "Europe/London") -> Availability:
    hours = Hours(time(9), time(14), 30, frozenset(ConsultationType))
    return Availability(doctor_id, time_zone, tuple(WeeklyRule(d, hours) for d in range(7)))


def make_doctor(
    container: Container, email: str = "doc@example.com", template: int = 0
) -> Dermatologist:
    user = container.accounts.register(email, PASSWORD, "Dr Test", Role.DERMATOLOGIST)
    base = load_dermatologists()[template]
    doctor = replace(
        base,
        id=user.id,
        email=email,
        availability=every_day(user.id),
        consultation_types=frozenset(ConsultationType),
    )
    container.directory.publish(doctor)
    return doctor


def make_patient(container: Container, email: str, **profile: object) -> User:
    """A registered patient whose email address is verified (with the link of the welcome
    email, as its owner would) and whose phone, when given, too (with the code texted to it):
    no reminder goes to an address or a number before."""
    user = container.accounts.register(email, PASSWORD, "Pat")
    link = container.email_addresses.verification_link(user.id)
    assert link is not None
    user = container.email_addresses.verify(link.token, user.id)
    if profile:
        user = container.accounts.update_profile(user.id, dict(profile))
    if user.profile.phone:
        user = container.phones.verify(
            user.id, container.phones.code_for(user.id, user.profile.phone)
        )
    return user


def day_slots(days_ahead: int = 3, now: datetime | None = None) -> list[datetime]:
    """The ten slot starts of one London day a few days ahead (UTC)."""
    day = ((now or datetime.now(UTC)) + timedelta(days=days_ahead)).astimezone(LONDON).date()
    first = datetime.combine(day, time(9), tzinfo=LONDON).astimezone(UTC)
    return [first + timedelta(minutes=30 * i) for i in range(SLOTS_PER_DAY)]


def test_book_cancel_reschedule_keep_slots_and_reminders_in_step(container: Container) -> None:
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com")
    other = make_patient(container, "other@example.com")
    slots = day_slots()
    service = container.appointments

    free = service.slots(doctor.id, slots[0], slots[-1] + timedelta(minutes=30), VIDEO)
    assert [s.start for s in free] == slots

    appointment = service.book(patient.id, doctor.id, slots[0], VIDEO, reason="itchy mole")
    with pytest.raises(SlotUnavailable) as taken:
        service.book(other.id, doctor.id, slots[0], VIDEO)
    assert taken.value.code == "SLOT_UNAVAILABLE"
    reminders = reminders_of(container, appointment.id)
    assert {r.kind.value: r.due_at for r in reminders} == {
        "24h": slots[0] - timedelta(hours=24),
        "1h": slots[0] - timedelta(hours=1),
    }
    assert {r.status for r in reminders} == {ReminderStatus.PENDING}

    moved = service.reschedule(patient.id, appointment.id, slots[3])
    assert moved.start == slots[3] and moved.sequence == 1
    assert {r.start_at for r in reminders_of(container, appointment.id)} == {slots[3]}
    assert service.book(other.id, doctor.id, slots[0], VIDEO).start == slots[0]
    free = service.slots(doctor.id, slots[0], slots[-1] + timedelta(minutes=30))
    assert slots[0] not in [s.start for s in free] and slots[3] not in [s.start for s in free]

    cancelled = service.cancel(patient.id, appointment.id, reason="feeling better")
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert {r.status for r in reminders_of(container, appointment.id)} == {ReminderStatus.CANCELLED}
    assert service.book(other.id, doctor.id, slots[3], VIDEO).start == slots[3]
    assert booked_slot_count(container) == 2

    mine = service.for_patient(patient.id, None, 10)
    assert [(a.id, a.status) for a in mine] == [(appointment.id, AppointmentStatus.CANCELLED)]
    assert mine[0].history == [(slots[0], slots[0] + timedelta(minutes=30))]
    assert mine[0].reason == "itchy mole" and mine[0].cancel_reason == "feeling better"


def test_cancellation_policy_and_messages_are_queued_after_commit(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[Job] = []
    monkeypatch.setattr(container.jobs, "enqueue", queued.append)
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com")
    start = day_slots()[0]
    now = [start - timedelta(hours=5)]
    service = AppointmentService(container.new_uow, lambda: now[0])
    appointment = service.book(patient.id, doctor.id, start, VIDEO)
    assert [r.kind.value for r in reminders_of(container, appointment.id)] == ["1h"]  # 24 h passed
    now[0] = start - timedelta(hours=1, minutes=59)
    with pytest.raises(TooLateToCancel) as error:
        service.cancel(patient.id, appointment.id)
    assert error.value.code == "TOO_LATE_TO_CANCEL"
    messages = [
        (j.kwargs["kind"], j.kwargs["sequence"])
        for j in queued
        if j.actor == "send_appointment_message"
    ]
    assert messages == [("CONFIRMED", 0)]


def reminders_of(container: Container, appointment_id: str) -> list[Reminder]:
    with container.new_uow() as uow:
        return sorted(uow.reminders.for_appointments([appointment_id]), key=lambda r: r.due_at)


def booked_slot_count(container: Container) -> int:
    with container.new_uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        return int(uow.session.exec(select(func.count()).select_from(BookedSlotRow)).one())


@pytest.mark.slow
@pytest.mark.mariadb
@pytest.mark.parametrize("database_url", ["mariadb"], indirect=True)
@pytest.mark.parametrize("gated", [False, True], ids=["database-decides", "in-process-gate"])
def test_200_concurrent_attempts_at_10_slots_book_each_slot_once(
    container: Container, gated: bool
) -> None:
    doctor = make_doctor(container)
    patients = [make_patient(container, f"p{i}@example.com") for i in range(40)]
    slots = day_slots()
    # Each patient tries one slot 5 times (40 patients, 10 slots): a winner's later tries are
    # their own booking given back (a retry after a lost answer), the others' are refused.
    attempts = [(patients[i % len(patients)].id, slots[i % len(slots)]) for i in range(200)]
    # Threads with their own sessions, on an engine with a connection each.
    engine = create_engine(
        container.settings.effective_database_url + "?charset=utf8mb4",
        pool_size=len(attempts),
        max_overflow=0,
        isolation_level="READ COMMITTED",
    )
    # Without the in-process gate every attempt runs the whole use case and the database
    # decides, as when the attempts come through many API processes.
    service = AppointmentService(
        lambda: SqlUnitOfWork(engine, container.dispatch),
        container.clock,
        gate=SlotGate() if gated else NoGate(),
    )
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(attempts))

    def attempt(patient_id: str, start: datetime) -> None:
        barrier.wait()
        try:
            booked = service.book(patient_id, doctor.id, start, VIDEO)
            result = f"booked {booked.id} by {booked.patient_id}"
        except SlotUnavailable as error:
            result = error.code
        except Exception as error:  # anything else is a failure of the test
            result = f"{type(error).__name__}: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=a) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    engine.dispose()

    counted = Counter(outcomes)
    assert counted.pop("SLOT_UNAVAILABLE") == 150, counted  # 30 patients x 5 tries
    assert len(counted) == 10 and set(counted.values()) == {5}, counted  # 10 winners x 5
    with container.new_uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        rows = uow.session.exec(select(AppointmentRow.start_at)).all()
        reminders = uow.session.exec(select(func.count()).select_from(ReminderRow)).one()
    assert sorted(rows) == slots
    assert booked_slot_count(container) == 10
    assert reminders == 20  # 24 h and 1 h for each booking, none for the losers
