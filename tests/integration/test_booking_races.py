"""Two changes of one appointment at once, on SQLite and MariaDB: a cancellation while a
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
