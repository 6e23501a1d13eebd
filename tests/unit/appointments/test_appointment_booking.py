"""Booking, cancelling and rescheduling through AppointmentService on the appointments fakes."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta

import pytest
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import dermatologist
from tests.fakes.infra import FakeClock
from tests.unit.builders import IN_PERSON, MONDAY_9, MONDAY_MORNINGS, VIDEO

from metskin.domain.appointments import (
    AppointmentStatus,
    CancellationPolicy,
    Hours,
    SlotUnavailable,
    TooLateToCancel,
    WeeklyRule,
)
from metskin.domain.appointments.dashboard import DashboardEventKind, wake_up
from metskin.domain.appointments.errors import (
    AppointmentNotFound,
    ConsultationTypeNotOffered,
    NotActive,
)
from metskin.domain.appointments.gate import SlotGate, SlotTaken
from metskin.domain.appointments.reminders import ReminderKind, ReminderStatus
from metskin.domain.appointments.service import SEND_MESSAGE_ACTOR, AppointmentService
from metskin.domain.audit.model import Resource
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.errors import Forbidden, ValidationFailed
from metskin.domain.inbox.model import NotificationKind
from metskin.domain.inbox.model import wake_up as inbox_wake_up
from metskin.domain.messages import Job
from metskin.domain.referrals.errors import ReferralNotFound
from metskin.domain.referrals.model import (
    Referral,
    ReferralRecord,
    Specialty,
    Urgency,
)

NOW = MONDAY_9 - timedelta(days=2)


@pytest.fixture
def uow() -> FakeAppointmentsUnitOfWork:
    return FakeAppointmentsUnitOfWork(
        dermatologist("doc-1", weekly=MONDAY_MORNINGS),
        dermatologist(
            "doc-video", weekly=(WeeklyRule(0, Hours(time(9), time(12), 30, frozenset({VIDEO}))),)
        ),
    )


@pytest.fixture
def booked(service: AppointmentService) -> str:
    """The id of p1's video appointment with doc-1 at MONDAY_9."""
    return book_at(service, MONDAY_9)


def book_at(
    service: AppointmentService, start: datetime, patient: str = "p1", doctor: str = "doc-1"
) -> str:
    return service.book(patient, doctor, start, VIDEO).id


def message_jobs(uow: FakeAppointmentsUnitOfWork) -> list[tuple[str, int]]:
    return [
        (j.kwargs["kind"], j.kwargs["sequence"]) for j in uow.jobs if j.actor == SEND_MESSAGE_ACTOR
    ]


def test_booking_a_free_slot_commits_it_with_reminders_event_and_message(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    appointment = service.book("p1", "doc-1", MONDAY_9, VIDEO, reason="  itchy rash ")
    assert appointment.status is AppointmentStatus.BOOKED
    assert appointment.end == MONDAY_9 + timedelta(minutes=30)
    assert appointment.reason == "itchy rash"
    assert uow.commits == 1
    assert uow.appointments.get(appointment.id) == appointment
    reminders = uow.reminders.for_appointments([appointment.id])
    assert {(r.kind, r.due_at, r.status) for r in reminders} == {
        (ReminderKind.DAY_BEFORE, MONDAY_9 - timedelta(hours=24), ReminderStatus.PENDING),
        (ReminderKind.HOUR_BEFORE, MONDAY_9 - timedelta(hours=1), ReminderStatus.PENDING),
    }
    (event,) = uow.dashboard_events.newest("doc-1", None, 10)
    assert event.kind is DashboardEventKind.BOOKED
    assert event.payload["appointment_id"] == appointment.id
    assert uow.released == [
        wake_up("doc-1"),
        inbox_wake_up("p1"),
        Job(
            SEND_MESSAGE_ACTOR,
            {"appointment_id": appointment.id, "kind": "CONFIRMED", "sequence": 0},
        ),
    ]
    (told,) = uow.inbox.newest("p1", None, 10)
    assert told.kind is NotificationKind.APPOINTMENT_BOOKED
    assert told.payload["appointment_id"] == appointment.id
    free = service.slots("doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=3))
    assert MONDAY_9 not in [s.start for s in free] and len(free) == 5


def test_a_booking_close_to_its_start_plans_only_the_reminders_still_ahead(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    clock.now = MONDAY_9 - timedelta(hours=3)
    appointment_id = book_at(service, MONDAY_9)
    assert [r.kind for r in uow.reminders.for_appointments([appointment_id])] == [
        ReminderKind.HOUR_BEFORE
    ]


@pytest.mark.parametrize(
    "start",
    [
        MONDAY_9 + timedelta(minutes=10),  # not on the slot grid
        MONDAY_9 + timedelta(hours=5),  # outside working hours
        NOW - timedelta(hours=1),  # in the past
    ],
)
def test_booking_outside_the_bookable_slots_fails_and_leaves_nothing(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, start: datetime
) -> None:
    with pytest.raises(SlotUnavailable) as error:
        book_at(service, start)
    assert error.value.code == "SLOT_UNAVAILABLE"
    assert uow.appointment_queries.list_for_patient("p1", None, 10) == []
    assert uow.released == [] and uow.commits == 0


def test_the_same_slot_cannot_be_booked_twice(service: AppointmentService) -> None:
    book_at(service, MONDAY_9)
    with pytest.raises(SlotUnavailable):
        book_at(service, MONDAY_9, patient="p2")


def test_a_booking_sent_again_by_its_patient_is_that_booking_and_nothing_more(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    """Its answer lost on a weak connection, the booking is sent again: it was refused as
    taken by someone else, and the person booked another time too."""
    first = service.book("p1", "doc-1", MONDAY_9, VIDEO, reason="rash")
    later = book_at(service, MONDAY_9 + timedelta(hours=1))  # the limit with doc-1 reached
    commits, released = uow.commits, list(uow.released)
    again = service.book("p1", "doc-1", MONDAY_9, VIDEO, reason="rash")
    assert again == first
    assert uow.commits == commits and uow.released == released  # no second message or event
    assert [a.id for a in uow.appointment_queries.list_for_patient("p1", None, 10)] == [
        first.id,
        later,
    ]
    with pytest.raises(SlotUnavailable):
        book_at(service, MONDAY_9, patient="p2")  # still taken for anyone else
    service.cancel("p1", first.id)
    assert book_at(service, MONDAY_9) != first.id  # a cancelled booking is not given back


def test_a_double_tap_waiting_at_the_slot_gate_gets_the_booking_just_made(
    uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    class JustBooked(SlotGate):
        """The gate as a second send meets it while the first books: that one has won."""

        @contextmanager
        def attempt(self, key: Hashable) -> Iterator[None]:
            raise SlotTaken(key)
            yield

    first = AppointmentService(uow, clock).book("p1", "doc-1", MONDAY_9, VIDEO)
    gated = AppointmentService(uow, clock, gate=JustBooked())
    assert gated.book("p1", "doc-1", MONDAY_9, VIDEO) == first
    with pytest.raises(SlotUnavailable):
        gated.book("p2", "doc-1", MONDAY_9, VIDEO)


def test_the_unique_slot_key_decides_a_race_and_rolls_the_loser_back(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = book_at(service, MONDAY_9)
    released = list(uow.released)
    # The loser read the calendar before the winner committed: it saw the slot free.
    monkeypatch.setattr(uow.appointments, "active_for_doctors", lambda *args: [])
    with pytest.raises(SlotUnavailable):
        book_at(service, MONDAY_9, patient="p2")
    assert [
        a.id
        for a in uow.appointment_queries.list_for_doctor(
            "doc-1", MONDAY_9, MONDAY_9 + timedelta(hours=1), 10
        )
    ] == [first]
    assert uow.appointment_queries.list_for_patient("p2", None, 10) == []
    assert uow.released == released  # the loser's messages were dropped
    assert len(uow.dashboard_events.newest("doc-1", None, 10)) == 1


def test_unknown_dermatologist(service: AppointmentService) -> None:
    with pytest.raises(DermatologistNotFound):
        book_at(service, MONDAY_9, doctor="nobody")


def test_a_consultation_type_the_slot_does_not_offer(service: AppointmentService) -> None:
    with pytest.raises(ConsultationTypeNotOffered):
        service.book("p1", "doc-video", MONDAY_9, IN_PERSON)
    assert service.book("p1", "doc-video", MONDAY_9, VIDEO).consultation_type is VIDEO


def test_a_naive_start_is_refused(service: AppointmentService) -> None:
    with pytest.raises(ValidationFailed):
        book_at(service, MONDAY_9.replace(tzinfo=None))


def test_cancel_frees_the_slot_cancels_reminders_and_tells_everyone(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    first = book_at(service, MONDAY_9)
    cancelled = service.cancel("p1", first, reason="feeling better")
    assert cancelled.status is AppointmentStatus.CANCELLED
    assert (cancelled.cancelled_at, cancelled.cancel_reason) == (NOW, "feeling better")
    assert uow.appointments.get(first) == cancelled
    assert {r.status for r in uow.reminders.for_appointments([first])} == {ReminderStatus.CANCELLED}
    assert uow.dashboard_events.kinds("doc-1") == [
        DashboardEventKind.BOOKED,
        DashboardEventKind.CANCELLED,
    ]
    assert message_jobs(uow) == [("CONFIRMED", 0), ("CANCELLED", 1)]
    assert book_at(service, MONDAY_9, patient="p2") != first


@pytest.mark.parametrize(
    ("notice", "allowed"),
    [
        (timedelta(hours=2), True),
        (timedelta(hours=1, minutes=59), False),
        (timedelta(minutes=-30), False),  # already started
    ],
)
def test_cancellation_needs_two_hours_notice(
    service: AppointmentService,
    booked: str,
    uow: FakeAppointmentsUnitOfWork,
    clock: FakeClock,
    notice: timedelta,
    allowed: bool,
) -> None:
    clock.now = MONDAY_9 - notice
    if allowed:
        service.cancel("p1", booked)
        return
    with pytest.raises(TooLateToCancel) as error:
        service.cancel("p1", booked)
    assert error.value.code == "TOO_LATE_TO_CANCEL"
    stored = uow.appointments.get(booked)
    assert stored is not None and stored.status is AppointmentStatus.BOOKED
    assert {r.status for r in uow.reminders.for_appointments([booked])} == {ReminderStatus.PENDING}


@pytest.mark.parametrize("party", ["p1", "doc-1"])
def test_closing_an_account_cancels_whatever_the_notice_through_the_change_path(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock, party: str
) -> None:
    booked, other = (
        book_at(service, MONDAY_9),
        book_at(service, MONDAY_9, patient="p2", doctor="doc-video"),
    )
    clock.now = MONDAY_9 - timedelta(minutes=30)  # too late for an ordinary cancellation
    cancelled = service.cancel_for_erasure(party, booked, "The account was closed.")
    assert (cancelled.status, cancelled.cancel_reason, cancelled.sequence) == (
        AppointmentStatus.CANCELLED,
        "The account was closed.",
        1,
    )
    assert {r.status for r in uow.reminders.for_appointments([booked])} == {
        ReminderStatus.CANCELLED
    }
    assert uow.dashboard_events.kinds("doc-1")[-1] is DashboardEventKind.CANCELLED
    assert message_jobs(uow) == [("CONFIRMED", 0), ("CONFIRMED", 0)]  # the caller sends it
    with pytest.raises(Forbidden):  # an account that is no party to it
        service.cancel_for_erasure(party, other, "x")


def test_a_custom_policy_is_respected(uow: FakeAppointmentsUnitOfWork, clock: FakeClock) -> None:
    service = AppointmentService(uow, clock, policy=CancellationPolicy(timedelta(hours=24)))
    booked = book_at(service, MONDAY_9)
    clock.now = MONDAY_9 - timedelta(hours=5)
    with pytest.raises(TooLateToCancel):
        service.cancel("p1", booked)


def test_reschedule_moves_frees_the_old_slot_and_moves_the_reminders(
    service: AppointmentService, booked: str, uow: FakeAppointmentsUnitOfWork
) -> None:
    later = MONDAY_9 + timedelta(hours=1)
    moved = service.reschedule("p1", booked, later)
    assert (moved.start, moved.history) == (later, [(MONDAY_9, MONDAY_9 + timedelta(minutes=30))])
    assert moved.sequence == 1
    assert {(r.kind, r.start_at, r.due_at) for r in uow.reminders.for_appointments([booked])} == {
        (ReminderKind.DAY_BEFORE, later, later - timedelta(hours=24)),
        (ReminderKind.HOUR_BEFORE, later, later - timedelta(hours=1)),
    }
    assert message_jobs(uow) == [("CONFIRMED", 0), ("RESCHEDULED", 1)]
    assert uow.dashboard_events.kinds("doc-1")[-1] is DashboardEventKind.RESCHEDULED
    assert book_at(service, MONDAY_9, patient="p2") != booked


def test_reschedule_to_a_taken_slot_or_too_late_fails(
    service: AppointmentService, booked: str, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    book_at(service, MONDAY_9 + timedelta(hours=1), patient="p2")
    with pytest.raises(SlotUnavailable):
        service.reschedule("p1", booked, MONDAY_9 + timedelta(hours=1))
    with pytest.raises(SlotUnavailable):
        service.reschedule("p1", booked, MONDAY_9)  # where it already is
    clock.now = MONDAY_9 - timedelta(hours=1)
    with pytest.raises(TooLateToCancel):
        service.reschedule("p1", booked, MONDAY_9 + timedelta(hours=2))
    stored = uow.appointments.get(booked)
    assert stored is not None and stored.start == MONDAY_9 and stored.history == []


def test_reschedule_to_an_overlapping_slot_of_itself_is_allowed(
    service: AppointmentService, booked: str
) -> None:
    moved = service.reschedule("p1", booked, MONDAY_9 + timedelta(minutes=30))
    assert moved.start == MONDAY_9 + timedelta(minutes=30)


def test_only_the_patient_can_change_their_appointment(
    service: AppointmentService, booked: str
) -> None:
    with pytest.raises(Forbidden):
        service.cancel("someone-else", booked)
    with pytest.raises(Forbidden):
        service.reschedule("someone-else", booked, MONDAY_9 + timedelta(hours=1))
    with pytest.raises(AppointmentNotFound):
        service.cancel("p1", "missing")


def test_a_cancelled_appointment_cannot_change_again(
    service: AppointmentService, booked: str, uow: FakeAppointmentsUnitOfWork
) -> None:
    service.cancel("p1", booked)
    with pytest.raises(NotActive):
        service.cancel("p1", booked)
    with pytest.raises(NotActive):
        service.reschedule("p1", booked, MONDAY_9 + timedelta(hours=1))
    assert message_jobs(uow) == [("CONFIRMED", 0), ("CANCELLED", 1)]


def test_complete_only_from_booked(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    appointment = uow.appointments.get(book_at(service, MONDAY_9))
    assert appointment is not None
    appointment.complete(MONDAY_9)
    assert appointment.status is AppointmentStatus.COMPLETED
    with pytest.raises(NotActive):
        appointment.complete(MONDAY_9)


def add_referral(uow: FakeAppointmentsUnitOfWork, patient_id: str) -> None:
    """Stores referral ref-1 of `patient_id` (to a dermatologist not chosen yet)."""
    referral = Referral(Urgency.SOON, Specialty.ACNE, (), "See a dermatologist.", "")
    with uow:
        uow.referrals.add(ReferralRecord("ref-1", patient_id, "an-1", referral, NOW, NOW))
        uow.commit()


def test_booking_with_a_referral_takes_it_to_the_dermatologist(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    add_referral(uow, "p1")
    appointment = service.book("p1", "doc-1", MONDAY_9, VIDEO, referral_id="ref-1")
    assert appointment.referral_id == "ref-1"
    stored = uow.referrals.get("ref-1")
    assert stored is not None and stored.doctor_id == "doc-1"
    assert uow.dashboard_events.kinds("doc-1") == [
        DashboardEventKind.REFERRAL,
        DashboardEventKind.BOOKED,
    ]


def test_someone_elses_referral_cannot_be_booked(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    add_referral(uow, "p2")
    with pytest.raises(ReferralNotFound):
        service.book("p1", "doc-1", MONDAY_9, VIDEO, referral_id="ref-1")
    with pytest.raises(ReferralNotFound):
        service.book("p1", "doc-1", MONDAY_9, VIDEO, referral_id="missing")
    assert uow.appointment_queries.list_for_patient("p1", None, 10) == []


def test_the_patient_and_their_dermatologist_read_an_appointment_others_do_not(
    service: AppointmentService, booked: str, uow: FakeAppointmentsUnitOfWork
) -> None:
    assert service.get_for_viewer("p1", booked).id == booked
    assert uow.access_log.list_for_patient("p1", None, 10) == []
    assert service.get_for_viewer("doc-1", booked).id == booked
    (entry,) = uow.access_log.list_for_patient("p1", None, 10)
    assert (entry.doctor_id, entry.resource, entry.resource_id) == (
        "doc-1",
        Resource.APPOINTMENT,
        booked,
    )
    with pytest.raises(Forbidden):
        service.get_for_viewer("stranger", booked)
    with pytest.raises(AppointmentNotFound):
        service.get_for_viewer("p1", "missing")


def test_the_dermatologist_calendar_is_audited_per_appointment(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    first = book_at(service, MONDAY_9)
    second = book_at(service, MONDAY_9 + timedelta(hours=1), patient="p2")
    found = service.for_doctor("doc-1", MONDAY_9, MONDAY_9 + timedelta(days=1), 10)
    assert [a.id for a in found] == [first, second]
    assert [e.resource_id for e in uow.access_log.list_for_patient("p2", None, 10)] == [second]
    with pytest.raises(ValidationFailed):
        service.for_doctor("doc-1", MONDAY_9, MONDAY_9 + timedelta(days=93), 10)


def test_the_patient_pages_through_their_appointments_by_start(service: AppointmentService) -> None:
    # two with one dermatologist, the most one may hold (`MAX_UPCOMING_WITH_ONE`), one with another
    ids = [
        book_at(service, MONDAY_9 + timedelta(minutes=30 * i), doctor=doctor)
        for i, doctor in ((2, "doc-video"), (0, "doc-1"), (1, "doc-1"))
    ]
    page = service.for_patient("p1", None, 2)
    assert [a.start for a in page] == [MONDAY_9, MONDAY_9 + timedelta(minutes=30)]
    rest = service.for_patient("p1", (page[-1].start, page[-1].id), 2)
    assert [a.id for a in rest] == [ids[0]]


def test_dashboard_events_resume_after_an_id_or_show_the_newest(
    service: AppointmentService, booked: str
) -> None:
    service.reschedule("p1", booked, MONDAY_9 + timedelta(hours=1))
    service.cancel("p1", booked)
    newest = service.dashboard_events("doc-1", None, 2)
    assert [e.kind for e in newest] == [
        DashboardEventKind.RESCHEDULED,
        DashboardEventKind.CANCELLED,
    ]
    after_first = service.dashboard_events("doc-1", newest[0].id - 1, 10)
    assert [e.id for e in after_first] == [e.id for e in newest]
    last = service.last_dashboard_event("doc-1")
    assert last is not None and last.kind is DashboardEventKind.CANCELLED
    assert service.dashboard_events("doc-2", None, 10) == []
