"""What a booking may ask for, on the fakes: the consultation types the practice offers (its
profile, whatever its hours say), the booking horizon, how many appointments a calendar read
returns, and who may cancel it when (the dermatologist too, saying why)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import dermatologist
from tests.fakes.infra import FakeClock
from tests.unit.appointments.test_appointment_booking import message_jobs
from tests.unit.builders import IN_PERSON, MONDAY_9, MONDAY_MORNINGS, VIDEO

from metskin.domain.appointments import (
    AppointmentStatus,
    Hours,
    SlotUnavailable,
    TooLateToCancel,
    WeeklyRule,
)
from metskin.domain.appointments.booking import MAX_UPCOMING
from metskin.domain.appointments.dashboard import DashboardEventKind
from metskin.domain.appointments.errors import (
    ConsultationTypeNotOffered,
    NotActive,
    TooManyAppointments,
)
from metskin.domain.appointments.reminders import ReminderStatus
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.appointments.slots import BOOKING_HORIZON
from metskin.domain.errors import Forbidden, ValidationFailed

NOW = MONDAY_9 - timedelta(days=2)


@pytest.fixture
def uow() -> FakeAppointmentsUnitOfWork:
    return FakeAppointmentsUnitOfWork(dermatologist("doc-1", weekly=MONDAY_MORNINGS))


def test_a_reschedule_onto_a_slot_of_the_other_type_names_the_new_start(
    uow: FakeAppointmentsUnitOfWork, service: AppointmentService
) -> None:
    uow.dermatologists.upsert(
        dermatologist(
            "doc-split",
            weekly=(
                WeeklyRule(0, Hours(time(9), time(10), 30, frozenset({IN_PERSON}))),
                WeeklyRule(0, Hours(time(10), time(12), 30, frozenset({VIDEO}))),
            ),
        ),
        NOW,
    )
    booked = service.book("p1", "doc-split", MONDAY_9, IN_PERSON)
    with pytest.raises(ConsultationTypeNotOffered) as caught:
        service.reschedule("p1", booked.id, MONDAY_9 + timedelta(hours=1))
    assert caught.value.field == "slotStart"  # rescheduleAppointment has no consultationType


def test_a_booking_or_move_past_the_horizon_is_refused_with_the_limit(
    service: AppointmentService, clock: FakeClock
) -> None:
    clock.now = MONDAY_9 - BOOKING_HORIZON
    at_limit = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    for change in (
        lambda: service.book("p2", "doc-1", MONDAY_9 + timedelta(minutes=30), VIDEO),
        lambda: service.reschedule("p1", at_limit, MONDAY_9 + timedelta(minutes=30)),
    ):
        with pytest.raises(SlotUnavailable) as caught:
            change()
        assert caught.value.field == "slotStart"
        assert caught.value.message.startswith("Appointments can be booked at most 365 days ahead")


def test_a_type_the_profile_no_longer_offers_is_neither_listed_nor_booked(
    uow: FakeAppointmentsUnitOfWork, service: AppointmentService
) -> None:
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO)
    # an administrator drops video from the practice; its hours still name both types
    uow.dermatologists.upsert(
        dermatologist("doc-1", weekly=MONDAY_MORNINGS, consultation_types=frozenset({IN_PERSON})),
        NOW,
    )
    slots = service.slots("doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=3))
    assert len(slots) == 5 and {t for s in slots for t in s.consultation_types} == {IN_PERSON}
    assert service.slots("doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=3), VIDEO) == []
    with pytest.raises(ConsultationTypeNotOffered) as caught:
        service.book("p2", "doc-1", MONDAY_9 + timedelta(hours=1), VIDEO)
    assert (caught.value.field, caught.value.message) == (
        "consultationType",
        "This dermatologist offers only in-person consultations.",
    )
    with pytest.raises(ConsultationTypeNotOffered) as caught:
        service.reschedule("p1", booked.id, MONDAY_9 + timedelta(hours=1))
    assert caught.value.field == "slotStart"
    assert service.book("p2", "doc-1", MONDAY_9 + timedelta(hours=1), IN_PERSON).id


def test_a_calendar_read_holding_more_than_the_limit_asks_for_a_shorter_range(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    for n in range(3):
        service.book(f"p{n}", "doc-1", MONDAY_9 + timedelta(minutes=30 * n), VIDEO)
    day = (MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert len(service.for_doctor("doc-1", *day, 3)) == 3
    read = len(uow.access_log.list_for_patient("p0", None, 10))
    with pytest.raises(ValidationFailed) as caught:
        service.for_doctor("doc-1", *day, 2)  # none is left out silently
    assert (caught.value.field, caught.value.message) == (
        "range",
        "More than 2 appointments start in this range; ask for a shorter range.",
    )
    assert len(uow.access_log.list_for_patient("p0", None, 10)) == read  # nothing was shown
    assert len(service.for_doctor("doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=1), 2)) == 2


def test_the_dermatologist_cancels_close_to_the_start_and_the_patient_is_told_why(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """Illness, a closed practice: the dermatologist may cancel at any time before the start
    (the patient's own cancellation needs 2 h), and the patient gets the cancellation message
    with the reason. Before, only the patient could cancel."""
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    clock.now = MONDAY_9 - timedelta(minutes=30)
    cancelled = service.cancel_by_doctor("doc-1", booked, "I am ill today, sorry.")
    assert (cancelled.status, cancelled.cancel_reason) == (
        AppointmentStatus.CANCELLED,
        "I am ill today, sorry.",
    )
    assert {r.status for r in uow.reminders.for_appointments([booked])} == {
        ReminderStatus.CANCELLED
    }
    assert uow.dashboard_events.kinds("doc-1")[-1] is DashboardEventKind.CANCELLED
    assert message_jobs(uow)[-1] == ("CANCELLED", 1)  # the patient's message, with the reason


def test_a_dermatologist_cancels_only_their_own_bookings_before_they_start_saying_why(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    uow.dermatologists.upsert(dermatologist("doc-2", weekly=MONDAY_MORNINGS), NOW)
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    other = service.book("p2", "doc-2", MONDAY_9, VIDEO).id
    with pytest.raises(Forbidden):
        service.cancel_by_doctor("doc-1", other, "Closed.")
    with pytest.raises(Forbidden):  # the patient is no dermatologist of it
        service.cancel_by_doctor("p1", booked, "Closed.")
    with pytest.raises(ValidationFailed) as blank:
        service.cancel_by_doctor("doc-1", booked, "   ")
    assert blank.value.field == "reason"
    clock.now = MONDAY_9 + timedelta(minutes=1)
    with pytest.raises(TooLateToCancel):
        service.cancel_by_doctor("doc-1", booked, "Closed.")
    stored = uow.appointments.get(booked)
    assert stored is not None and stored.status is AppointmentStatus.BOOKED


def test_one_patient_holds_two_upcoming_appointments_with_one_dermatologist_and_five_in_all(
    uow: FakeAppointmentsUnitOfWork, service: AppointmentService, clock: FakeClock
) -> None:
    """Without a limit one account booked every free time of a practice (ninth session)."""
    for doctor in ("doc-2", "doc-3"):
        uow.dermatologists.upsert(dermatologist(doctor, weekly=MONDAY_MORNINGS), NOW)
    times = [MONDAY_9 + timedelta(minutes=30 * i) for i in range(6)]
    first, _ = (service.book("p1", "doc-1", start, IN_PERSON) for start in times[:2])
    with pytest.raises(TooManyAppointments) as refused:
        service.book("p1", "doc-1", times[2], IN_PERSON)
    assert (refused.value.field, refused.value.values) == ("slotStart", {"count": 2})
    service.book("p2", "doc-1", times[2], IN_PERSON)  # another patient's are their own
    service.cancel("p1", first.id)  # a cancelled one no longer counts
    service.book("p1", "doc-1", times[3], IN_PERSON)

    for doctor, start in (("doc-2", times[0]), ("doc-2", times[1]), ("doc-3", times[4])):
        service.book("p1", doctor, start, IN_PERSON)
    with pytest.raises(TooManyAppointments) as refused:
        service.book("p1", "doc-3", times[5], IN_PERSON)
    assert refused.value.values == {"count": MAX_UPCOMING} == {"count": 5}

    clock.now = times[1] + timedelta(minutes=30)  # those of 9:00 and 9:30 have taken place
    service.book("p1", "doc-3", times[5], IN_PERSON)


def test_a_dermatologist_marks_a_visit_seen_once_it_has_begun(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """A past booking stayed BOOKED for good (`Appointment.complete` had no caller): now the
    dermatologist marks it seen, once it has begun; nobody else, and nothing is sent (their
    dashboard hears of it)."""
    uow.dermatologists.upsert(dermatologist("doc-2", weekly=MONDAY_MORNINGS), NOW)
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    events, messages = len(uow.dashboard_events.kinds("doc-1")), len(message_jobs(uow))
    with pytest.raises(ValidationFailed):  # not begun
        service.complete_by_doctor("doc-1", booked)
    clock.now = MONDAY_9 + timedelta(minutes=5)
    for someone in ("doc-2", "p1"):
        with pytest.raises(Forbidden):
            service.complete_by_doctor(someone, booked)
    seen = service.complete_by_doctor("doc-1", booked)
    assert seen.status is AppointmentStatus.COMPLETED
    stored = uow.appointments.get(booked)
    assert stored is not None and stored.status is AppointmentStatus.COMPLETED
    assert {r.status for r in uow.reminders.for_appointments([booked])} <= {
        ReminderStatus.CANCELLED,
        ReminderStatus.SENT,
    }
    assert uow.dashboard_events.kinds("doc-1")[events:] == [DashboardEventKind.COMPLETED]
    assert len(message_jobs(uow)) == messages
    with pytest.raises(NotActive):
        service.complete_by_doctor("doc-1", booked)
