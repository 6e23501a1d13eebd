"""A visit's outcome, on the fakes: its dermatologist records, once it has begun, that the
patient came (COMPLETED) or did not (NO_SHOW), and may correct one to the other; a missed
visit counts for nothing and the patient may book again (for the same referral)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import dermatologist
from tests.fakes.infra import FakeClock
from tests.unit.appointments.test_appointment_booking import add_referral, message_jobs
from tests.unit.builders import MONDAY_9, MONDAY_MORNINGS, VIDEO

from metskin.domain.appointments import AppointmentStatus
from metskin.domain.appointments.dashboard import DashboardEventKind, wake_up
from metskin.domain.appointments.errors import NotActive, TooManyAppointments
from metskin.domain.appointments.reminders import ReminderStatus
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.errors import Forbidden, ValidationFailed

NOW = MONDAY_9 - timedelta(days=2)
BEGUN = MONDAY_9 + timedelta(minutes=5)


@pytest.fixture
def uow() -> FakeAppointmentsUnitOfWork:
    return FakeAppointmentsUnitOfWork(
        dermatologist("doc-1", weekly=MONDAY_MORNINGS),
        dermatologist("doc-2", weekly=MONDAY_MORNINGS),
    )


def status_of(uow: FakeAppointmentsUnitOfWork, appointment_id: str) -> AppointmentStatus:
    stored = uow.appointments.get(appointment_id)
    assert stored is not None
    return stored.status


def test_a_dermatologist_records_that_the_patient_did_not_attend_once_it_has_begun(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """NO_SHOW, nobody but its dermatologist, not before the start; its reminders go and
    nothing is sent to the patient."""
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    messages = len(message_jobs(uow))
    with pytest.raises(ValidationFailed) as early:
        service.complete_by_doctor("doc-1", booked, attended=False)
    assert "once it has begun" in early.value.message
    clock.now = BEGUN
    for someone in ("doc-2", "p1"):
        with pytest.raises(Forbidden):
            service.complete_by_doctor(someone, booked, attended=False)
    missed = service.complete_by_doctor("doc-1", booked, attended=False)
    assert missed.status is AppointmentStatus.NO_SHOW
    assert not missed.is_active
    assert status_of(uow, booked) is AppointmentStatus.NO_SHOW
    assert {r.status for r in uow.reminders.for_appointments([booked])} <= {
        ReminderStatus.CANCELLED,
        ReminderStatus.SENT,
    }
    assert len(message_jobs(uow)) == messages
    with pytest.raises(NotActive) as again:  # that outcome already
        service.complete_by_doctor("doc-1", booked, attended=False)
    assert again.value.message == "appointment is recorded as not attended already"


def test_a_recorded_outcome_is_corrected_by_its_dermatologist_a_cancelled_booking_never(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """A mis-click at the desk is mended: COMPLETED to NO_SHOW and back, by the booking's
    dermatologist only; a cancelled booking takes no outcome."""
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    cancelled = service.book("p2", "doc-1", MONDAY_9 + timedelta(hours=1), VIDEO).id
    service.cancel("p2", cancelled)
    clock.now = MONDAY_9 + timedelta(hours=2)
    assert service.complete_by_doctor("doc-1", booked).status is AppointmentStatus.COMPLETED
    with pytest.raises(Forbidden):
        service.complete_by_doctor("doc-2", booked, attended=False)
    assert status_of(uow, booked) is AppointmentStatus.COMPLETED
    corrected = service.complete_by_doctor("doc-1", booked, attended=False)
    assert corrected.status is AppointmentStatus.NO_SHOW
    assert status_of(uow, booked) is AppointmentStatus.NO_SHOW
    back = service.complete_by_doctor("doc-1", booked, attended=True)
    assert back.status is AppointmentStatus.COMPLETED
    for attended in (True, False):
        with pytest.raises(NotActive):
            service.complete_by_doctor("doc-1", cancelled, attended=attended)
    assert status_of(uow, cancelled) is AppointmentStatus.CANCELLED


def test_a_missed_visit_is_not_upcoming_and_cannot_be_moved_or_cancelled(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """While the missed visit's time runs it held one of the two bookings a patient may have
    with one dermatologist: recorded NO_SHOW, it counts no more, and the patient books again
    for the same referral. A missed visit is neither cancelled nor moved."""
    add_referral(uow, "p1")
    missed = service.book("p1", "doc-1", MONDAY_9, VIDEO, referral_id="ref-1").id
    service.book("p1", "doc-1", MONDAY_9 + timedelta(hours=2), VIDEO)
    clock.now = BEGUN
    later = MONDAY_9 + timedelta(hours=1)
    with pytest.raises(TooManyAppointments):
        service.book("p1", "doc-1", later, VIDEO, referral_id="ref-1")
    service.complete_by_doctor("doc-1", missed, attended=False)
    again = service.book("p1", "doc-1", later, VIDEO, referral_id="ref-1")
    assert again.referral_id == "ref-1"
    assert missed not in {a.id for a in uow.appointments.upcoming_for_patient("p1", clock.now)}
    for change in (
        lambda: service.cancel("p1", missed),
        lambda: service.reschedule("p1", missed, MONDAY_9 + timedelta(hours=2, minutes=30)),
    ):
        with pytest.raises(NotActive) as refused:
            change()
        assert refused.value.message == "appointment is recorded as not attended"
    assert status_of(uow, missed) is AppointmentStatus.NO_SHOW


def test_each_outcome_recorded_or_corrected_reaches_the_live_dashboard(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    """The desk's screen and the dermatologist's second tab follow `dermatologistEvents`: a
    visit marked seen, or not attended, and each correction is a dashboard event (with the
    outcome it replaces) and wakes the live stream after the commit; the patient's inbox is
    not told, and a refused change tells nothing."""
    booked = service.book("p1", "doc-1", MONDAY_9, VIDEO).id
    told_patient = uow.inbox.kinds("p1")
    clock.now = BEGUN
    for attended in (False, True, False):
        uow.released.clear()
        service.complete_by_doctor("doc-1", booked, attended=attended)
        assert uow.released == [wake_up("doc-1")]
    with pytest.raises(NotActive):  # the outcome it has: nothing new to tell
        service.complete_by_doctor("doc-1", booked, attended=False)
    outcomes = uow.dashboard_events.newest("doc-1", None, 10)[1:]
    assert [(e.kind, e.payload["previous"]) for e in outcomes] == [
        (DashboardEventKind.NO_SHOW, "BOOKED"),
        (DashboardEventKind.COMPLETED, "NO_SHOW"),
        (DashboardEventKind.NO_SHOW, "COMPLETED"),
    ]
    assert {e.payload["appointment_id"] for e in outcomes} == {booked}
    assert all(e.payload["patient_id"] == "p1" and e.at == BEGUN for e in outcomes)
    assert outcomes[0].payload["start"] == MONDAY_9.isoformat()
    assert uow.inbox.kinds("p1") == told_patient
