"""dermatologistEvents across two API processes' event buses (Redis pub/sub): the booking
is made through one, the dashboards listen on the other, and only the dermatologist it
concerns hears about it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.appointments import ConsultationType
from metskin.graphql.context import Context, Viewer
from metskin.graphql.schema import build_schema
from tests.conftest import make_settings
from tests.integration.test_care_booking import day_slots, make_doctor, make_patient

pytestmark = [pytest.mark.mariadb, pytest.mark.redis]

VIDEO = ConsultationType.VIDEO
EVENTS = """subscription($after: Int) {
  dermatologistEvents(afterId: $after) { id kind patientId appointmentId start }
}"""


# How long an event may take to arrive before the test fails. Delivery takes well under a
# second; a CI run on a machine loaded with other test processes once waited over 15 s for a
# thread to read the log (2026-12-06), so the bound is wide: it only matters when it fails.
DELIVERY_S = 60


@pytest.fixture
def two_apis(
    tmp_path: Path, migrated_mysql: str, redis_url: str
) -> Iterator[tuple[Container, Container]]:
    from tests.conftest import wipe

    wipe(migrated_mysql)
    redis_db = redis_url.rsplit("/", 1)[0] + "/6"
    redis.Redis.from_url(redis_db).flushdb()
    # Only pub/sub can deliver within the test's timeouts: the log re-read waits a minute.
    first, second = (
        bootstrap(
            make_settings(
                tmp_path / name,
                database_url=migrated_mysql,
                redis_url=redis_db,
                subscription_recheck_seconds=60,
            )
        )
        for name in ("api-1", "api-2")
    )
    yield first, second
    first.close()
    second.close()
    wipe(migrated_mysql)


async def subscribe(
    container: Container, user_id: str, role: Role, after: int | None = None
) -> AsyncGenerator[Any, None]:
    context = Context(container=container, viewer=Viewer(user_id, role))
    stream = await build_schema(container.settings).subscribe(
        EVENTS, variable_values={"after": after}, context_value=context
    )
    assert isinstance(stream, AsyncGenerator), stream
    return stream


async def next_event(stream: AsyncGenerator[Any, None], timeout: float) -> dict[str, Any]:
    result = await asyncio.wait_for(stream.__anext__(), timeout)
    assert not result.errors, result.errors
    return dict(result.data["dermatologistEvents"])


async def test_events_fan_out_to_the_dermatologist_they_concern_only(
    two_apis: tuple[Container, Container],
) -> None:
    api_one, api_two = two_apis
    first = make_doctor(api_one, "first@example.com")
    second = make_doctor(api_one, "second@example.com", template=1)
    patient = make_patient(api_one, f"pat-{uuid.uuid4().hex[:6]}@example.com")

    first_stream = await subscribe(api_two, first.id, Role.DERMATOLOGIST)
    second_stream = await subscribe(api_two, second.id, Role.DERMATOLOGIST)
    first_next = asyncio.ensure_future(next_event(first_stream, DELIVERY_S))
    second_next = asyncio.ensure_future(next_event(second_stream, 4))
    await asyncio.sleep(1.0)  # both are listening on API 2

    slot = day_slots()[0]
    appointment = await asyncio.to_thread(
        api_one.appointments.book, patient.id, first.id, slot, VIDEO
    )
    booked = await first_next
    assert (booked["kind"], booked["appointmentId"], booked["patientId"]) == (
        "BOOKED",
        appointment.id,
        patient.id,
    )
    with pytest.raises(TimeoutError):
        await second_next

    await asyncio.to_thread(api_one.sharing.share, patient.id, first.id, None, None)
    shared = await next_event(first_stream, DELIVERY_S)
    assert shared["kind"] == "SHARED" and shared["id"] > booked["id"]

    # A late subscriber gets the latest event first; one resuming gets everything after.
    late = await subscribe(api_two, first.id, Role.DERMATOLOGIST)
    assert (await next_event(late, DELIVERY_S))["id"] == shared["id"]
    resumed = await subscribe(api_two, first.id, Role.DERMATOLOGIST, after=0)
    kinds = [(await next_event(resumed, DELIVERY_S))["kind"] for _ in range(2)]
    assert kinds == ["BOOKED", "SHARED"]
    for stream in (first_stream, second_stream, late, resumed):
        await stream.aclose()

    patient_stream = await subscribe(api_two, patient.id, Role.PATIENT)
    denied = await asyncio.wait_for(patient_stream.__anext__(), 5)
    assert denied.errors[0].extensions["code"] == "FORBIDDEN"
    await patient_stream.aclose()
