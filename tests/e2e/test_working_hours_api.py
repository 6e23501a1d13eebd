"""A dermatologist edits working hours through GraphQL; slots and bookings follow."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from metskin.bootstrap import Container
from metskin.domain.appointments import ConsultationType
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_care_api import BOOK, booking, login
from tests.e2e.test_content_api import DOCTOR_INPUT
from tests.integration.test_care_booking import day_slots, make_doctor

LONDON = ZoneInfo("Europe/London")
HOURS_FIELDS = """timeZone daysOff
  weekly { weekday start end slotMinutes consultationTypes }
  extraHours { date start end slotMinutes consultationTypes }"""
MY_HOURS = f"query {{ myWorkingHours {{ {HOURS_FIELDS} }} }}"
SET_HOURS = f"""mutation($input: WorkingHoursInput!) {{
  setMyWorkingHours(input: $input) {{
    workingHours {{ {HOURS_FIELDS} }}
    outsideHours {{ id status start }}
  }}
}}"""
SLOTS = """query($id: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(dermatologistId: $id, from: $from, to: $to) { start end consultationTypes }
}"""
WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]


def window(weekday: str, start: str, end: str, minutes: int, *types: str) -> dict[str, Any]:
    return {
        "weekday": weekday,
        "start": start,
        "end": end,
        "slotMinutes": minutes,
        "consultationTypes": list(types),
    }


def coded(body: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """A response's errors as (code, field, message)."""
    return [
        (e["extensions"]["code"], e["extensions"].get("field"), e["message"])
        for e in body.get("errors", [])
    ]


async def slots_on(client: GraphQLClient, doctor_id: str, day: datetime) -> list[dict]:
    start = day.astimezone(LONDON).replace(hour=0, minute=0)
    data = await client.data(
        SLOTS,
        id=doctor_id,
        **{"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()},
    )
    return list(data["availableSlots"])


async def test_new_hours_change_the_slots_and_list_the_bookings_they_no_longer_cover(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)  # every day 09:00-14:00, 30 min, both types
    booked_day = day_slots(3)
    await client.register("pat@example.com")
    booked = (
        await client.data(
            BOOK,
            input=booking(booked_day[0], doctor.id, "IN_PERSON"),
        )
    )["bookAppointment"]
    patient_token = client.token

    await login(client, doctor.email)
    before = (await client.data(MY_HOURS))["myWorkingHours"]
    assert before["timeZone"] == "Europe/London" and len(before["weekly"]) == 7
    assert before["weekly"][0] == window("MONDAY", "09:00:00", "14:00:00", 30, "IN_PERSON", "VIDEO")

    day_off = booked_day[0].astimezone(LONDON).date()
    extra_day = day_off + timedelta(days=9)
    new_hours = {
        "timeZone": "Europe/London",
        "weekly": [window(d, "10:00", "16:00", 20, "VIDEO") for d in WEEKDAYS],
        "daysOff": [day_off.isoformat()],
        "extraHours": [
            {
                "date": extra_day.isoformat(),
                "start": "08:00",
                "end": "09:00",
                "slotMinutes": 20,
                "consultationTypes": ["VIDEO"],
            }
        ],
    }
    update = (await client.data(SET_HOURS, input=new_hours))["setMyWorkingHours"]
    assert [(a["id"], a["status"]) for a in update["outsideHours"]] == [
        (booked["id"], "BOOKED")
    ]  # kept, and shown so the dermatologist can act on it
    assert update["workingHours"] == (await client.data(MY_HOURS))["myWorkingHours"]
    assert update["workingHours"]["daysOff"] == [day_off.isoformat()]

    client.token = patient_token
    assert await slots_on(client, doctor.id, booked_day[0]) == []  # the day off
    weekday = next(
        booked_day[0] + timedelta(days=n)
        for n in range(4, 11)
        if (booked_day[0] + timedelta(days=n)).weekday() < 5
    )
    starts = [
        datetime.fromisoformat(s["start"]).astimezone(LONDON)
        for s in await slots_on(client, doctor.id, weekday)
    ]
    assert (starts[0].hour, starts[0].minute) == (10, 0) and len(starts) == 18
    assert [(s.hour, s.minute) for s in starts[:3]] == [(10, 0), (10, 20), (10, 40)]
    extra = await slots_on(
        client, doctor.id, datetime.combine(extra_day, datetime.min.time(), tzinfo=LONDON)
    )
    assert [datetime.fromisoformat(s["start"]).astimezone(LONDON).hour for s in extra][:1] == [8]

    in_person = await client.call(
        BOOK,
        input=booking(starts[0], doctor.id, "IN_PERSON"),
    )
    error = in_person["errors"][0]
    assert error["extensions"]["code"] == "CONSULTATION_TYPE_NOT_OFFERED"
    assert "video" in error["message"]
    moved = await client.call(  # the in-person booking onto a video-only slot
        "mutation($id: ID!, $s: DateTime!) {"
        " rescheduleAppointment(id: $id, slotStart: $s) { id } }",
        id=booked["id"],
        s=starts[0].isoformat(),
    )
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in moved["errors"]] == [
        ("CONSULTATION_TYPE_NOT_OFFERED", "slotStart")  # the argument it has, at fault
    ]


async def test_bad_hours_get_clear_errors_and_change_nothing(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)
    video_only = make_doctor(container, "video@example.com", template=1)
    container.directory.publish(
        replace(video_only, consultation_types=frozenset({ConsultationType.VIDEO}))
    )
    await login(client, doctor.email)
    before = (await client.data(MY_HOURS))["myWorkingHours"]

    async def codes(**change: Any) -> list[tuple[str, str]]:
        hours = {
            "timeZone": "Europe/London",
            "weekly": [window("MONDAY", "09:00", "12:00", 30, "VIDEO")],
            **change,
        }
        body = await client.call(SET_HOURS, input=hours)
        fields.extend(e["extensions"].get("field") for e in body.get("errors", []))
        return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]

    fields: list[str | None] = []
    [(code, message)] = await codes(
        weekly=[
            window("MONDAY", "09:00", "12:00", 30, "VIDEO"),
            window("TUESDAY", "12:00", "09:00", 30, "VIDEO"),
        ]
    )
    assert code == "VALIDATION_FAILED" and "end after" in message
    assert fields == ["weekly.1"]  # the row at fault
    [(code, message)] = await codes(timeZone="Mars/Olympus_Mons")
    assert code == "VALIDATION_FAILED" and "time zone" in message
    [(code, message)] = await codes(
        weekly=[
            window("MONDAY", "09:00", "12:00", 30, "VIDEO"),
            window("MONDAY", "10:10", "13:00", 20, "VIDEO"),
        ]
    )
    assert code == "VALIDATION_FAILED" and "slot grid" in message and "Monday" in message
    [(code, _)] = await codes(weekly=[window("MONDAY", "09:00", "12:00", 2, "VIDEO")])
    assert code == "VALIDATION_FAILED"
    [(code, _)] = await codes(weekly=[window("MONDAY", "09:00", "12:00", 30)])
    assert code == "VALIDATION_FAILED"
    assert (await client.data(MY_HOURS))["myWorkingHours"] == before

    await login(client, "video@example.com")
    [(code, message)] = await codes(weekly=[window("MONDAY", "09:00", "12:00", 30, "IN_PERSON")])
    assert code == "VALIDATION_FAILED" and "in-person" in message

    await client.register("pat@example.com")
    assert await client.error_codes(MY_HOURS) == ["FORBIDDEN"]
    assert [c for c, _ in await codes()] == ["FORBIDDEN"]


async def test_bookings_and_slots_end_at_the_booking_horizon(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)  # every day 09:00-14:00
    await client.register("pat@example.com")
    far = datetime.now(LONDON).replace(hour=10, minute=0, second=0, microsecond=0)
    far += timedelta(days=366)
    assert await slots_on(client, doctor.id, far) == []
    assert coded(await client.call(BOOK, input=booking(far, doctor.id))) == [
        (
            "SLOT_UNAVAILABLE",
            "slotStart",
            "Appointments can be booked at most 365 days ahead; choose an earlier time.",
        )
    ]
    client.http.headers["accept-language"] = "de"
    try:
        [error] = (await client.call(BOOK, input=booking(far, doctor.id)))["errors"]
    finally:
        del client.http.headers["accept-language"]
    assert error["message"].startswith("Termine können höchstens 365 Tage im Voraus")
    near = far - timedelta(days=2)
    assert await slots_on(client, doctor.id, near) != []


async def test_a_type_the_administrator_drops_is_no_longer_offered_by_the_hours(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)  # every day 09:00-14:00, both types
    await login_as_admin(client, container)
    in_person_only = {
        **DOCTOR_INPUT,
        "timeZone": "Europe/London",
        "consultationTypes": ["IN_PERSON"],
    }
    await client.data(
        "mutation($id: ID!, $i: DermatologistInput!) {"
        " updateDermatologist(id: $id, input: $i) { id } }",
        id=doctor.id,
        i=in_person_only,
    )
    await client.register("pat@example.com")
    day = day_slots(3)
    offered = await slots_on(client, doctor.id, day[0])
    assert len(offered) == 10 and {t for s in offered for t in s["consultationTypes"]} == {
        "IN_PERSON"
    }
    assert coded(await client.call(BOOK, input=booking(day[0], doctor.id, "VIDEO"))) == [
        (
            "CONSULTATION_TYPE_NOT_OFFERED",
            "consultationType",
            "This dermatologist offers only in-person consultations.",
        )
    ]
    await client.data(BOOK, input=booking(day[0], doctor.id, "IN_PERSON"))


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        (
            "de-DE",
            [
                "Die Zeiten müssen nach ihrem Beginn enden.",
                "Ein Termin dauert 5 bis 240 Minuten.",
                "Die Zeiten brauchen mindestens eine Sprechstundenart: vor Ort oder Video.",
                "Unbekannte Zeitzone: Berlin.",
                "Ihre Praxis bietet keine Video-Sprechstunden an.",
            ],
        ),
        (
            "fr-FR",
            [
                "Les horaires doivent finir après leur début.",
                "Un créneau dure de 5 à 240 minutes.",
                "Les horaires demandent au moins un type de consultation : au cabinet ou en vidéo.",
                "Fuseau horaire inconnu : Berlin.",
                "Votre cabinet ne propose pas de consultations en vidéo.",
            ],
        ),
    ],
)
async def test_bad_hours_are_told_in_the_dermatologist_s_language(
    client: GraphQLClient, container: Container, locale: str, said: list[str]
) -> None:
    """A dermatologist in Berlin with German on: hours that end before they start, a slot
    length out of range, a row with no consultation type, a zone typed "Berlin" and video
    hours at a practice without video were told in English only ("hours must end after they
    start"); German and French got the code's generic "Dieser Wert ist ungültig"."""
    doctor = make_doctor(container)
    container.directory.publish(
        replace(doctor, consultation_types=frozenset({ConsultationType.IN_PERSON}))
    )
    await login(client, doctor.email)
    monday = window("MONDAY", "09:00", "12:00", 30, "IN_PERSON")
    bad = [
        {"weekly": [window("MONDAY", "12:00", "09:00", 30, "IN_PERSON")]},
        {"weekly": [window("MONDAY", "09:00", "12:00", 300, "IN_PERSON")]},
        {"weekly": [window("MONDAY", "09:00", "12:00", 30)]},
        {"timeZone": "Berlin", "weekly": [monday]},
        {"weekly": [window("MONDAY", "09:00", "12:00", 30, "VIDEO")]},
    ]
    client.http.headers["accept-language"] = locale
    try:
        for change, sentence in zip(bad, said, strict=True):
            body = await client.call(SET_HOURS, input={"timeZone": "Europe/Berlin", **change})
            [(code, _field, message)] = coded(body)
            assert (code, message) == ("VALIDATION_FAILED", sentence), change
    finally:
        del client.http.headers["accept-language"]
