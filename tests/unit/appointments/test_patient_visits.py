"""A dermatologist's visits with one patient, on the fakes: only their own bookings with that
patient, any status, the newest start first, paged on (start, id), each read audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.directory import dermatologist
from tests.fakes.infra import FakeClock
from tests.unit.builders import MONDAY_9, MONDAY_MORNINGS, appointment

from metskin.domain.appointments import AppointmentStatus
from metskin.domain.appointments.service import ANY_NOTICE, AppointmentService
from metskin.domain.audit.model import Resource

BOOKED_AT = MONDAY_9 - timedelta(days=30)


@pytest.fixture
def uow() -> FakeAppointmentsUnitOfWork:
    return FakeAppointmentsUnitOfWork(
        dermatologist("doc-1", weekly=MONDAY_MORNINGS),
        dermatologist("doc-2", weekly=MONDAY_MORNINGS),
    )


def visit(
    uow: FakeAppointmentsUnitOfWork, ident: str, doctor: str, patient: str, days: int
) -> None:
    uow.appointments.add(
        appointment(ident, doctor, patient, MONDAY_9 + timedelta(days=days), booked_at=BOOKED_AT)
    )


def cancel(uow: FakeAppointmentsUnitOfWork, ident: str) -> None:
    cancelled = uow.appointments.get(ident)
    assert cancelled is not None
    cancelled.cancel(BOOKED_AT, ANY_NOTICE, "ill")
    uow.appointments.save(cancelled)


def test_only_the_dermatologists_own_bookings_with_that_patient_newest_first(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork, clock: FakeClock
) -> None:
    visit(uow, "past", "doc-1", "p1", -14)
    visit(uow, "ahead", "doc-1", "p1", 7)
    visit(uow, "now", "doc-1", "p1", 0)
    visit(uow, "elsewhere", "doc-2", "p1", 1)  # the same patient with another dermatologist
    visit(uow, "someone-else", "doc-1", "p2", 2)  # another patient of this dermatologist
    cancel(uow, "past")
    clock.now = MONDAY_9 + timedelta(days=1)

    found = service.with_patient("doc-1", "p1", None, 10)

    assert [a.id for a in found] == ["ahead", "now", "past"]
    assert found[2].status is AppointmentStatus.CANCELLED
    assert [a.id for a in service.with_patient("doc-2", "p1", None, 10)] == ["elsewhere"]
    assert service.with_patient("doc-2", "p2", None, 10) == []
    assert service.with_patient("doc-1", "nobody", None, 10) == []


def test_pages_on_start_then_id_with_one_extra_row_for_the_next_page(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    """Two bookings at one start (one cancelled, then booked again) are told apart by id."""
    for ident, days in (("a", -7), ("b", 0), ("c", 0), ("d", 7), ("e", 14)):
        visit(uow, ident, "doc-1", "p1", days)
        if ident == "b":
            cancel(uow, "b")

    first = service.with_patient("doc-1", "p1", None, 2)
    assert [a.id for a in first] == ["e", "d", "c"]  # first + 1: a next page exists
    key = (first[1].start, first[1].id)
    second = service.with_patient("doc-1", "p1", key, 2)
    assert [a.id for a in second] == ["c", "b", "a"]
    last = service.with_patient("doc-1", "p1", (second[1].start, second[1].id), 2)
    assert [a.id for a in last] == ["a"]


def test_each_visit_read_is_in_the_patients_access_log(
    service: AppointmentService, uow: FakeAppointmentsUnitOfWork
) -> None:
    """As for the week's list: one entry per appointment on the page (not the extra row)."""
    for ident, days in (("a", -7), ("b", 0), ("c", 7)):
        visit(uow, ident, "doc-1", "p1", days)
    visit(uow, "other", "doc-2", "p1", 1)

    service.with_patient("doc-1", "p1", None, 2)

    logged = uow.access_log.list_for_patient("p1", None, 10)
    assert sorted((e.doctor_id, e.resource, e.resource_id) for e in logged) == [
        ("doc-1", Resource.APPOINTMENT, "b"),
        ("doc-1", Resource.APPOINTMENT, "c"),
    ]
