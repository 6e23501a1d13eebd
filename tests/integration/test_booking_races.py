"""Two changes at once, on SQLite and MariaDB. A cancellation while a
reschedule holds the appointment (read under its lock, not yet written back) waits for it,
then cancels the moved appointment. On SQLite the locked read locked nothing before (only the
analysis component's took the write lock): the cancellation committed in between and the
reschedule then wrote the appointment back as booked at its new time, its new slot taken, while
the patient had been told it was cancelled."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

from metskin.bootstrap import Container
from metskin.domain.appointments import AppointmentStatus
from metskin.domain.appointments import service as appointment_service
from metskin.domain.appointments.errors import TooManyAppointments
from tests.integration.test_care_booking import (
    VIDEO,
    booked_slot_count,
    day_slots,
    make_doctor,
    make_patient,
)

HOLD = 2.0  # the held side waits at most this long for the other to finish


def test_a_cancel_while_a_reschedule_holds_the_appointment_waits_and_cancels_it(
    container: Container,
) -> None:
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com")
    slots = day_slots()
    service = container.appointments
    booked = service.book(patient.id, doctor.id, slots[0], VIDEO)
    reached, done = threading.Event(), threading.Event()
    finished_first: list[bool] = []
    owned = appointment_service.owned

    def held_after_reading(*args: Any, **kwargs: Any) -> Any:
        found = owned(*args, **kwargs)
        if not reached.is_set():  # the reschedule: the first to read it
            reached.set()
            finished_first.append(done.wait(HOLD))
        return found

    outcomes: dict[str, Any] = {}

    def cancel() -> None:
        reached.wait()
        try:
            outcomes["cancel"] = service.cancel(patient.id, booked.id, reason="feeling better")
        finally:
            done.set()

    with mock.patch.object(appointment_service, "owned", held_after_reading):
        other = threading.Thread(target=cancel)
        other.start()
        outcomes["reschedule"] = service.reschedule(patient.id, booked.id, slots[3])
        other.join()
    # Before (SQLite): the cancellation ran while the reschedule held the appointment...
    assert finished_first == [False], "the cancel ran while the reschedule held the appointment"
    assert outcomes["cancel"].status is AppointmentStatus.CANCELLED
    # ... and the reschedule then wrote it back as booked at 3, its slot taken
    final = service.get_for_viewer(patient.id, booked.id)
    assert (final.status, final.start) == (AppointmentStatus.CANCELLED, slots[3])
    assert booked_slot_count(container) == 0


def test_two_bookings_of_one_patient_at_once_count_one_after_the_other(
    container: Container,
) -> None:
    """The patient holds one upcoming appointment with the dermatologist (the cap is 2 with
    one) and books two more at the same instant, each in its own thread and connection. Each
    booking, once it has counted, waits (at most HOLD) for the other to have counted too.
    Before, both counted one and both booked: three upcoming. Now the second one's count
    waits on the first booking's lock of the patient's row, so the first gives up waiting,
    commits, and the second counts two: TOO_MANY_APPOINTMENTS."""
    doctor = make_doctor(container)
    patient = make_patient(container, "pat@example.com")
    slots = day_slots()
    service = container.appointments
    service.book(patient.id, doctor.id, slots[0], VIDEO)
    counted = threading.Barrier(2, timeout=HOLD)
    both_counted: list[bool] = []
    check_upcoming = appointment_service.check_upcoming

    def held_after_counting(*args: Any, **kwargs: Any) -> None:
        check_upcoming(*args, **kwargs)
        try:
            counted.wait()
            both_counted.append(True)
        except threading.BrokenBarrierError:
            both_counted.append(False)

    outcomes: list[str] = []

    def book(start: Any) -> None:
        try:
            service.book(patient.id, doctor.id, start, VIDEO)
            outcomes.append("booked")
        except TooManyAppointments as error:
            outcomes.append(error.code)

    with mock.patch.object(appointment_service, "check_upcoming", held_after_counting):
        threads = [threading.Thread(target=book, args=(start,)) for start in slots[1:3]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert True not in both_counted, "both bookings counted before either had booked"
    assert sorted(outcomes) == ["TOO_MANY_APPOINTMENTS", "booked"]
    assert booked_slot_count(container) == 2
