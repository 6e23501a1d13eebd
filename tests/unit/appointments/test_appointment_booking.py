"""Booking, cancelling and rescheduling through the service and its ports."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from appointment_fakes import FakeUnitOfWork

from metskin.domain.appointments import (
    AppointmentStatus,
    Availability,
    CancellationPolicy,
    ConsultationType,
    Hours,
    SlotUnavailable,
    TooLateToCancel,
    WeeklyRule,
)
from metskin.domain.appointments.booking import book_in, cancel_in, list_slots, reschedule_in
from metskin.domain.appointments.errors import AppointmentNotFound, NotActive
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.errors import Forbidden

MONDAY_9 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
NOW = MONDAY_9 - timedelta(days=2)
VIDEO = ConsultationType.VIDEO
CLINIC = Availability("doc-1", "Europe/London", (
    WeeklyRule(0, Hours(time(9), time(12), 30, frozenset({VIDEO, ConsultationType.IN_PERSON}))),
))


def _committed(step, uow, **details):
    with uow:
        appointment = step(uow, **details)
        uow.commit()
        return appointment


def book(uow, **details):
    return _committed(book_in, uow, **details)


def cancel(uow, **details):
    return _committed(cancel_in, uow, **details)


def reschedule(uow, **details):
    return _committed(reschedule_in, uow, **details)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(CLINIC)


def book_at(uow: FakeUnitOfWork, start: datetime, patient: str = "p1",
            appointment_id: str = "a1") -> str:
    return book(uow, doctor_id="doc-1", patient_id=patient, start=start,
                consultation_type=VIDEO, now=NOW, appointment_id=appointment_id).id


def test_booking_a_free_slot_commits_it(uow: FakeUnitOfWork) -> None:
    appointment = book(uow, doctor_id="doc-1", patient_id="p1", start=MONDAY_9,
                       consultation_type=VIDEO, now=NOW)
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.end == MONDAY_9 + timedelta(minutes=30)
    assert uow.commits == 1
    assert uow.appointments.get(appointment.id) is not None
    free = list_slots(uow, "doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=3), now=NOW)
    assert MONDAY_9 not in [s.start for s in free] and len(free) == 5


@pytest.mark.parametrize("start", [
    MONDAY_9 + timedelta(minutes=10),  # not on the slot grid
    MONDAY_9 + timedelta(hours=5),  # outside working hours
    NOW - timedelta(hours=1),  # in the past
])
def test_booking_outside_the_bookable_slots_fails(uow: FakeUnitOfWork, start: datetime) -> None:
    with pytest.raises(SlotUnavailable) as error:
        book_at(uow, start)
    assert error.value.code == "SLOT_UNAVAILABLE"
    assert uow.appointments.rows == {}


def test_the_same_slot_cannot_be_booked_twice(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    with pytest.raises(SlotUnavailable):
        book_at(uow, MONDAY_9, patient="p2", appointment_id="a2")


def test_unknown_dermatologist(uow: FakeUnitOfWork) -> None:
    with pytest.raises(DermatologistNotFound):
        book(uow, doctor_id="nobody", patient_id="p1", start=MONDAY_9,
             consultation_type=VIDEO, now=NOW)


def test_cancel_frees_the_slot(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    cancelled = cancel(uow, appointment_id="a1", patient_id="p1", now=NOW)
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert cancelled.cancelled_at == NOW
    assert book_at(uow, MONDAY_9, patient="p2", appointment_id="a2") == "a2"


@pytest.mark.parametrize(("notice", "allowed"), [
    (timedelta(hours=2), True),
    (timedelta(hours=1, minutes=59), False),
    (timedelta(minutes=-30), False),  # already started
])
def test_cancellation_needs_two_hours_notice(uow: FakeUnitOfWork, notice: timedelta,
                                             allowed: bool) -> None:
    book_at(uow, MONDAY_9)
    when = MONDAY_9 - notice
    if allowed:
        cancel(uow, appointment_id="a1", patient_id="p1", now=when)
        return
    with pytest.raises(TooLateToCancel) as error:
        cancel(uow, appointment_id="a1", patient_id="p1", now=when)
    assert error.value.code == "TOO_LATE_TO_CANCEL"
    assert uow.appointments.rows["a1"].status is AppointmentStatus.BOOKED


def test_a_custom_policy_is_respected(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    with pytest.raises(TooLateToCancel):
        cancel(uow, appointment_id="a1", patient_id="p1", now=MONDAY_9 - timedelta(hours=5),
               policy=CancellationPolicy(min_notice=timedelta(hours=24)))


def test_reschedule_moves_and_frees_the_old_slot(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    later = MONDAY_9 + timedelta(hours=1)
    moved = reschedule(uow, appointment_id="a1", patient_id="p1", new_start=later, now=NOW)
    assert (moved.start, moved.history) == (later, [(MONDAY_9, MONDAY_9 + timedelta(minutes=30))])
    assert book_at(uow, MONDAY_9, patient="p2", appointment_id="a2") == "a2"


def test_reschedule_to_a_taken_slot_or_too_late_fails(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    book_at(uow, MONDAY_9 + timedelta(hours=1), patient="p2", appointment_id="a2")
    with pytest.raises(SlotUnavailable):
        reschedule(uow, appointment_id="a1", patient_id="p1",
                   new_start=MONDAY_9 + timedelta(hours=1), now=NOW)
    with pytest.raises(TooLateToCancel):
        reschedule(uow, appointment_id="a1", patient_id="p1",
                   new_start=MONDAY_9 + timedelta(hours=2), now=MONDAY_9 - timedelta(hours=1))
    assert uow.appointments.rows["a1"].start == MONDAY_9


def test_reschedule_to_an_overlapping_slot_of_itself_is_allowed(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    moved = reschedule(uow, appointment_id="a1", patient_id="p1",
                       new_start=MONDAY_9 + timedelta(minutes=30), now=NOW)
    assert moved.start == MONDAY_9 + timedelta(minutes=30)


def test_only_the_patient_can_change_their_appointment(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    with pytest.raises(Forbidden):
        cancel(uow, appointment_id="a1", patient_id="someone-else", now=NOW)
    with pytest.raises(AppointmentNotFound):
        cancel(uow, appointment_id="missing", patient_id="p1", now=NOW)


def test_a_cancelled_appointment_cannot_change_again(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    cancel(uow, appointment_id="a1", patient_id="p1", now=NOW)
    with pytest.raises(NotActive):
        cancel(uow, appointment_id="a1", patient_id="p1", now=NOW)
    with pytest.raises(NotActive):
        reschedule(uow, appointment_id="a1", patient_id="p1",
                   new_start=MONDAY_9 + timedelta(hours=1), now=NOW)


def test_complete_only_from_booked(uow: FakeUnitOfWork) -> None:
    book_at(uow, MONDAY_9)
    appointment = uow.appointments.rows["a1"]
    appointment.complete()
    assert appointment.status is AppointmentStatus.COMPLETED
    with pytest.raises(NotActive):
        appointment.complete()
