"""The appointment service on the module's `uow` fakes and its `clock` (tests/unit/conftest.py)."""

from __future__ import annotations

import pytest
from tests.fakes.appointments import FakeAppointmentsUnitOfWork
from tests.fakes.infra import FakeClock

from metskin.domain.appointments.service import AppointmentService


@pytest.fixture
def service(uow: FakeAppointmentsUnitOfWork, clock: FakeClock) -> AppointmentService:
    return AppointmentService(uow, clock)
