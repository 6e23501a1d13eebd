"""The patient inbox (issue 16): notifications through GraphQL, and `patientEvents` across two
API processes (Redis pub/sub), each event once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role
from metskin.domain.appointments import ConsultationType
from metskin.domain.inbox import entries
from metskin.graphql.context import Context, Viewer
from metskin.graphql.schema import build_schema
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_analysis_api import analyse
from tests.e2e.test_care_events import two_apis  # noqa: F401  (the fixture)
from tests.integration.test_care_booking import day_slots, make_doctor, make_patient
from tests.media_samples import face_jpeg

INBOX = """query($first: Int!, $after: String) {
  unreadNotifications
  notifications(first: $first, after: $after) {
    edges { node { id kind read details } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MARK = "mutation($ids: [Int!]) { markNotificationsRead(ids: $ids) }"
EVENTS = """subscription($after: Int) {
  patientEvents(afterId: $after) { id kind details }
}"""


async def test_an_analysis_lands_in_the_inbox_once_and_is_marked_read(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("maya@example.com")
    first = await analyse(client, container, face_jpeg())
    second = await analyse(client, container, face_jpeg())
    page = await client.data(INBOX, first=1)
    assert page["unreadNotifications"] == 2
    (newest,) = [edge["node"] for edge in page["notifications"]["edges"]]
    assert newest["kind"] == "ANALYSIS_DONE" and not newest["read"]
    assert newest["details"] == {"analysis_id": second["id"]}
    cursor = page["notifications"]["pageInfo"]["endCursor"]
    older = await client.data(INBOX, first=5, after=cursor)
    assert [e["node"]["details"]["analysis_id"] for e in older["notifications"]["edges"]] == [
        first["id"]
    ]
    assert (await client.data(MARK, ids=[newest["id"]]))["markNotificationsRead"] == 1
    await client.register("eve@example.com")  # someone else's ids change nothing
    assert (await client.data(MARK, ids=[newest["id"] - 1]))["markNotificationsRead"] == 0
    assert (await client.data(INBOX, first=5))["notifications"]["edges"] == []
    assert await client.error_codes(MARK, ids=[]) == ["VALIDATION_FAILED"]
    assert await client.error_codes(INBOX, first=0) == ["VALIDATION_FAILED"]


async def subscribe(container: Container, user_id: str, after: int | None = None) -> Any:
    context = Context(container=container, viewer=Viewer(user_id, Role.PATIENT))
    stream = await build_schema(container.settings).subscribe(
        EVENTS, variable_values={"after": after}, context_value=context
    )
    assert isinstance(stream, AsyncGenerator), stream
    return stream


async def next_event(stream: Any, timeout: float) -> dict[str, Any]:
    result = await asyncio.wait_for(stream.__anext__(), timeout)
    assert not result.errors, result.errors
    return dict(result.data["patientEvents"])


@pytest.mark.mariadb
@pytest.mark.redis
async def test_patient_events_reach_the_other_process_once(
    two_apis: tuple[Container, Container],  # noqa: F811
) -> None:
    api_one, api_two = two_apis
    doctor = make_doctor(api_one, "doc@example.com")
    patient = make_patient(
        api_one, f"pat-{uuid.uuid4().hex[:6]}@example.com", time_zone="America/New_York"
    )
    other = make_patient(api_one, f"other-{uuid.uuid4().hex[:6]}@example.com")
    stream = await subscribe(api_two, patient.id)
    others = await subscribe(api_two, other.id)
    first = asyncio.ensure_future(next_event(stream, 15))
    stranger = asyncio.ensure_future(next_event(others, 4))
    await asyncio.sleep(1.0)  # listening on API 2

    slots = day_slots()
    booking = await asyncio.to_thread(
        api_one.appointments.book, patient.id, doctor.id, slots[0], ConsultationType.VIDEO
    )
    booked = await first
    assert booked["kind"] == "APPOINTMENT_BOOKED"
    assert booked["details"]["appointment_id"] == booking.id
    assert booked["details"]["time_zone"] == "America/New_York"  # the zone to show its start in
    with pytest.raises(TimeoutError):
        await stranger

    # The same event delivered by both processes at once lands once.
    told = entries.share_viewed(patient.id, doctor.id, "analysis-1")
    await asyncio.gather(
        *(asyncio.to_thread(api.inbox.deliver, told) for api in (api_one, api_two, api_one))
    )
    viewed = await next_event(stream, 15)
    assert viewed["kind"] == "SHARE_VIEWED" and viewed["id"] > booked["id"]
    await asyncio.to_thread(api_two.appointments.reschedule, patient.id, booking.id, slots[2])
    await asyncio.to_thread(api_one.appointments.cancel, patient.id, booking.id)
    assert [(await next_event(stream, 15))["kind"] for _ in range(2)] == [
        "APPOINTMENT_MOVED",
        "APPOINTMENT_CANCELLED",
    ]
    with pytest.raises(TimeoutError):  # nothing twice
        await next_event(stream, 2)

    resumed = await subscribe(api_one, patient.id, after=0)
    kinds = [(await next_event(resumed, 15))["kind"] for _ in range(4)]
    assert kinds == [
        "APPOINTMENT_BOOKED",
        "SHARE_VIEWED",
        "APPOINTMENT_MOVED",
        "APPOINTMENT_CANCELLED",
    ]
    assert await asyncio.to_thread(api_two.inbox.unread_count, patient.id) == 4
    for item in (stream, others, resumed):
        await item.aclose()
