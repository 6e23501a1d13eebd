"""The dermatologist's calendar through GraphQL: `appointments(range:)` never leaves one out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.bootstrap import Container
from metskin.graphql.appointments import queries
from tests.e2e.conftest import GraphQLClient
from tests.e2e.test_care_api import BOOK, booking, login
from tests.integration.test_care_booking import day_slots, make_doctor

CALENDAR = "query($r: DateRange!) { appointments(range: $r) { id start } }"


async def test_a_range_holding_more_than_the_cap_is_refused_not_cut(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "MAX_DAY_LIST", 3)  # 500 in the product
    doctor = make_doctor(container)
    day = day_slots(3)
    for index, start in enumerate(day[:4]):
        if index % 2 == 0:  # two patients: at most 2 upcoming each with one dermatologist
            await client.register(f"pat{index}@example.com")
        await client.data(BOOK, input=booking(start, doctor.id))
    await login(client, doctor.email)
    whole_day = {"from": day[0].isoformat(), "to": (day[0] + timedelta(days=1)).isoformat()}
    body = await client.call(CALENDAR, r=whole_day)
    assert body["data"] is None
    assert [
        (e["extensions"]["code"], e["extensions"]["field"], e["message"]) for e in body["errors"]
    ] == [
        (
            "VALIDATION_FAILED",
            "range",
            "More than 3 appointments start in this range; ask for a shorter range.",
        )
    ]
    morning = {"from": day[0].isoformat(), "to": day[3].isoformat()}
    got = (await client.data(CALENDAR, r=morning))["appointments"]
    assert [a["start"] for a in got] == [start.isoformat() for start in day[:3]]
