"""The care path through GraphQL: directory, slots, booking, referrals, sharing, audit."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import Analysis, AnalysisStatus, Media, MediaKind, Stage
from metskin.domain.directory.loader import load_dermatologists
from metskin.graphql.context import Context, Viewer
from metskin.graphql.cursors import NOT_A_CURSOR
from metskin.graphql.schema import build_schema
from metskin.settings import Settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, SelectCounter, http_on
from tests.fakes.infra import FakeClock
from tests.integration.test_care_booking import day_slots, every_day, make_doctor

LONDON_EYE = {"lat": 51.5033, "lon": -0.1196}

DIRECTORY = """query($filter: DermatologistFilter, $first: Int!, $after: String) {
  dermatologists(filter: $filter, first: $first, after: $after) {
    edges { node { id name distanceKm specialties languages timeZone
                   practice { city } fee { amount currency } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

MY_APPOINTMENTS = """query($first: Int!, $after: String) {
  myAppointments(first: $first, after: $after) {
    edges { node { id status start startLocal timeZone reschedules
                   dermatologist { name practice { city } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def booking(start: datetime, doctor_id: str, kind: str = "VIDEO", **extra: str) -> dict[str, Any]:
    """The input of bookAppointment."""
    return {
        "slotStart": start.isoformat(),
        "dermatologistId": doctor_id,
        "consultationType": kind,
        **extra,
    }


BOOK = """mutation($input: BookAppointmentInput!) {
  bookAppointment(input: $input) { id status start startLocal timeZone referral { urgency } }
}"""


def seed_directory(container: Container) -> dict[str, str]:
    """Every demo dermatologist as a user with a practice; slug -> user id."""
    ids = {}
    for doctor in load_dermatologists():
        user = container.accounts.register(doctor.email, PASSWORD, doctor.name, Role.DERMATOLOGIST)
        container.directory.publish(
            replace(doctor, id=user.id, availability=every_day(user.id, doctor.time_zone))
        )
        ids[doctor.id] = user.id
    return ids


async def login(client: GraphQLClient, email: str) -> None:
    data = await client.data(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=email,
        p=PASSWORD,
    )
    client.token = data["login"]["accessToken"]


async def test_directory_is_sorted_by_distance_filtered_and_paged(
    client: GraphQLClient, container: Container
) -> None:
    seed_directory(container)
    near = {"near": {**LONDON_EYE, "radiusKm": 30}}
    page = (await client.data(DIRECTORY, filter=near, first=50))["dermatologists"]
    nodes = [edge["node"] for edge in page["edges"]]
    assert {n["practice"]["city"] for n in nodes} == {"London"} and len(nodes) == 7
    distances = [n["distanceKm"] for n in nodes]
    assert distances == sorted(distances) and distances[-1] <= 30

    german = await client.data(DIRECTORY, filter={"language": "DE"}, first=50)
    assert {e["node"]["practice"]["city"] for e in german["dermatologists"]["edges"]} >= {"Berlin"}
    acne = await client.data(DIRECTORY, filter={**near, "specialty": "acne"}, first=50)
    assert all("acne" in e["node"]["specialties"] for e in acne["dermatologists"]["edges"])

    nodes = await client.every_node(DIRECTORY, "dermatologists", 5, filter={"near": LONDON_EYE})
    names = [node["distanceKm"] for node in nodes]
    assert len(names) == 32 and names == sorted(names)

    selects = SelectCounter(client, container)
    near_eye = {"near": LONDON_EYE}
    assert await selects(DIRECTORY, filter=near_eye, first=2) == await selects(
        DIRECTORY, filter=near_eye, first=30
    )
    assert await client.error_codes(DIRECTORY, first=101) == ["VALIDATION_FAILED"]


async def test_availability_filter_and_slots_in_the_viewers_zone(
    client: GraphQLClient, container: Container
) -> None:
    ids = seed_directory(container)
    await client.register("pat@example.com")
    await client.data('mutation { updateProfile(input: {timeZone: "America/New_York"}) { id } }')
    slots = day_slots()
    start = slots[0]
    window = {
        "availableFrom": start.isoformat(),
        "availableTo": (start + timedelta(minutes=30)).isoformat(),
    }
    london = ids["derm-london-01"]
    free = await client.data(
        """query($id: ID!, $from: DateTime!, $to: DateTime!) {
             availableSlots(dermatologistId: $id, from: $from, to: $to) {
               start startLocal timeZone } }""",
        id=london,
        **{"from": start.isoformat(), "to": slots[-1].isoformat()},
    )
    first = free["availableSlots"][0]
    assert first["timeZone"] == "America/New_York"
    assert datetime.fromisoformat(first["startLocal"]) == start
    assert datetime.fromisoformat(first["startLocal"]).utcoffset() in (
        timedelta(hours=-5),
        timedelta(hours=-4),
    )

    before = (
        await client.data(
            DIRECTORY, filter={**window, "near": {**LONDON_EYE, "radiusKm": 30}}, first=50
        )
    )["dermatologists"]["edges"]
    assert london in [e["node"]["id"] for e in before]
    await client.data(
        BOOK,
        input=booking(start, london),
    )
    after = (
        await client.data(
            DIRECTORY, filter={**window, "near": {**LONDON_EYE, "radiusKm": 30}}, first=50
        )
    )["dermatologists"]["edges"]
    assert london not in [e["node"]["id"] for e in after] and len(after) == len(before) - 1


async def test_booking_rescheduling_and_cancelling_with_clear_errors(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container)
    slots = day_slots()
    await client.register("pat@example.com")
    booked = (
        await client.data(
            BOOK,
            input=booking(slots[0], doctor.id, "IN_PERSON", reason="a mole that changed"),
        )
    )["bookAppointment"]
    assert booked["status"] == "BOOKED" and booked["timeZone"] == "Europe/London"

    other = GraphQLClient(client.http)
    await other.register("other@example.com")
    taken = await other.call(
        BOOK,
        input=booking(slots[0], doctor.id),
    )
    assert taken["errors"][0]["extensions"]["code"] == "SLOT_UNAVAILABLE"
    off_grid = await other.error_codes(
        BOOK,
        input=booking(slots[0] + timedelta(minutes=10), doctor.id),
    )
    assert off_grid == ["SLOT_UNAVAILABLE"]
    assert await other.error_codes(
        BOOK,
        input=booking(slots[1], str(uuid.uuid4())),
    ) == ["NOT_FOUND"]

    moved = await client.data(
        """mutation($id: ID!, $s: DateTime!) { rescheduleAppointment(id: $id, slotStart: $s)
             { start reschedules } }""",
        id=booked["id"],
        s=slots[2].isoformat(),
    )
    assert moved["rescheduleAppointment"]["reschedules"] == 1
    assert await other.error_codes(
        "mutation($id: ID!) { cancelAppointment(id: $id) { id } }", id=booked["id"]
    ) == ["FORBIDDEN"]
    cancelled = await client.data(
        'mutation($id: ID!) { cancelAppointment(id: $id, reason: "better") { status } }',
        id=booked["id"],
    )
    assert cancelled["cancelAppointment"]["status"] == "CANCELLED"

    mine = (await client.data(MY_APPOINTMENTS, first=10))["myAppointments"]["edges"]
    assert [(e["node"]["status"], e["node"]["dermatologist"]["name"]) for e in mine] == [
        ("CANCELLED", doctor.name)
    ]


async def test_a_booking_sent_again_after_a_lost_answer_is_the_same_appointment(
    client: GraphQLClient, container: Container
) -> None:
    """On a weak connection the answer of a booking can be lost after the server booked; the
    person presses again. That was refused as "Someone has just booked this time. Pick another
    slot.", and they booked another time too (or, at two bookings, TOO_MANY_APPOINTMENTS)."""
    doctor = make_doctor(container)
    slots = day_slots()
    await client.register("retry@example.com")
    first = (await client.data(BOOK, input=booking(slots[0], doctor.id)))["bookAppointment"]
    second = (await client.data(BOOK, input=booking(slots[1], doctor.id)))["bookAppointment"]
    for sent in (first, second):
        again = await client.data(
            BOOK, input=booking(datetime.fromisoformat(sent["start"]), doctor.id)
        )
        assert again["bookAppointment"] == sent
    mine = (await client.data(MY_APPOINTMENTS, first=10))["myAppointments"]["edges"]
    assert sorted(e["node"]["id"] for e in mine) == sorted([first["id"], second["id"]])
    other = GraphQLClient(client.http)
    await other.register("other@example.com")
    assert await other.error_codes(BOOK, input=booking(slots[0], doctor.id)) == ["SLOT_UNAVAILABLE"]


async def test_my_appointments_pages_with_a_constant_query_count(
    client: GraphQLClient, container: Container
) -> None:
    doctors = [make_doctor(container, f"doc{i}@example.com", template=i) for i in range(3)]
    await client.register("pat@example.com")
    cancel = "mutation($id: ID!) { cancelAppointment(id: $id) { id } }"
    for index, start in enumerate(day_slots()[:9]):
        booked = await client.data(
            BOOK,
            input=booking(start, doctors[index % 3].id),
        )
        if index < 7:  # listed all the same; 2 upcoming with one dermatologist at most
            await client.data(cancel, id=booked["bookAppointment"]["id"])
    selects = SelectCounter(client, container)
    assert await selects(MY_APPOINTMENTS, first=2) == await selects(MY_APPOINTMENTS, first=9)
    seen = [node["start"] for node in await client.every_node(MY_APPOINTMENTS, "myAppointments", 4)]
    assert len(seen) == 9 and seen == sorted(seen)
    naive = base64.urlsafe_b64encode(f"{seen[0][:19]}|x".encode()).decode()  # no offset
    refused = await client.call(MY_APPOINTMENTS, first=2, after=naive)
    assert [
        (e["extensions"]["code"], e["extensions"].get("field"), e["message"])
        for e in refused["errors"]
    ] == [("VALIDATION_FAILED", "after", NOT_A_CURSOR)]


async def test_one_account_cannot_book_every_free_time_of_a_dermatologist(
    client: GraphQLClient, container: Container
) -> None:
    """Before, a new account booked all 100 free times of a dermatologist's next two weeks in
    a loop (each one emailed and put on the dashboard), and could do so for every practice."""
    doctors = [make_doctor(container, f"doc{i}@example.com", template=i) for i in range(3)]
    slots = day_slots()
    await client.register("hoarder@example.com")
    for start in slots[:2]:
        await client.data(BOOK, input=booking(start, doctors[0].id))
    refused = await client.call(BOOK, input=booking(slots[2], doctors[0].id))
    assert [(e["extensions"], e["message"]) for e in refused["errors"]] == [
        (
            {"code": "TOO_MANY_APPOINTMENTS", "field": "slotStart"},
            "You already have 2 upcoming appointments with this dermatologist. Cancel one, or "
            "wait until one has taken place, to book another.",
        )
    ]
    for start, doctor in zip(slots[2:5], (doctors[1], doctors[1], doctors[2]), strict=True):
        await client.data(BOOK, input=booking(start, doctor.id))  # 5 upcoming in all
    client.http.headers["accept-language"] = "de-DE"
    refused = await client.call(BOOK, input=booking(slots[6], doctors[2].id))
    assert refused["errors"][0]["extensions"]["code"] == "TOO_MANY_APPOINTMENTS"
    assert refused["errors"][0]["message"].startswith("Sie haben bereits 5 anstehende Termine.")
    free = await client.data(
        "query($d: ID!, $f: DateTime!, $t: DateTime!) { availableSlots("
        "dermatologistId: $d, from: $f, to: $t) { start } }",
        d=doctors[0].id,
        f=slots[0].isoformat(),
        t=(slots[-1] + timedelta(minutes=30)).isoformat(),
    )
    assert len(free["availableSlots"]) == len(slots) - 2  # the rest stay free for others


# --- referrals, sharing and the dermatologist's side --------------------------------------


def photo_media(owner_id: str, created_at: datetime) -> Media:
    """A stored photo's record (its bytes are not needed where it is used)."""
    return Media(
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        kind=MediaKind.PHOTO,
        content_type="image/jpeg",
        size_bytes=1,
        width=1,
        height=1,
        duration_s=None,
        storage_name="x",
        thumbnail_name="y",
        key_id="k",
        sha256="0" * 64,
        created_at=created_at,
    )


def add_done_analysis(
    container: Container,
    owner_id: str,
    concerns: dict[str, Any],
    created_at: datetime | None = None,
    overlay_name: str | None = None,
) -> str:
    """A finished analysis with a stored result (and the name of its overlay), as the worker
    leaves it."""
    now = created_at or datetime.now(UTC)
    media = photo_media(owner_id, now)
    analysis = Analysis(
        id=str(uuid.uuid4()),
        owner_id=owner_id,
        media_id=media.id,
        status=AnalysisStatus.DONE,
        stage=Stage.DONE,
        progress=1.0,
        created_at=now,
        finished_at=now,
    )
    result = {
        "ok": True,
        "confidence": 0.9,
        "quality": [],
        "tone": None,
        "skin_type": None,
        "frames_analysed": 1,
        "concerns": {
            name: {
                "name": name,
                "score": score,
                "regions": {},
                "measurements": measurements,
                "explanation": name,
            }
            for name, (score, measurements) in concerns.items()
        },
    }
    with container.new_uow() as uow:
        uow.media.add(media)
        uow.commit()
    with container.new_uow() as uow:
        uow.analyses.add(analysis)
        uow.commit()
    with container.new_uow() as uow:
        uow.analyses.add_result(analysis.id, result, overlay_name)
        uow.commit()
    return analysis.id


REFERRAL = """query($id: ID!) { referral(analysisId: $id) {
  disclaimer rulesChecked referral { id urgency specialty message reasons { ruleId evidence } }
} }"""


async def test_referral_from_analysis_history_and_questionnaire(
    client: GraphQLClient, container: Container
) -> None:
    patient = await client.register("pat@example.com")
    owner = patient["user"]["id"]
    calm = add_done_analysis(
        container,
        owner,
        {"acne": (20.0, {"lesion_count": 3.0})},
        datetime.now(UTC) - timedelta(days=90),
    )
    outcome = (await client.data(REFERRAL, id=calm))["referral"]
    assert outcome["referral"] is None and "not a diagnosis" in outcome["disclaimer"]
    assert "reasons below" not in outcome["disclaimer"]
    assert "acne_severe" in outcome["rulesChecked"]

    now = datetime.now(UTC)
    for days, score in ((60, 55.0), (30, 60.0)):
        add_done_analysis(container, owner, {"redness": (score, {})}, now - timedelta(days=days))
    red = add_done_analysis(
        container, owner, {"redness": (65.0, {}), "acne": (80.0, {"lesion_count": 60.0})}
    )
    found = (await client.data(REFERRAL, id=red))["referral"]["referral"]
    assert found["urgency"] == "SOON"
    assert {r["ruleId"] for r in found["reasons"]} == {"acne_severe", "redness_persistent"}
    assert "not a diagnosis" in found["message"]
    again = (await client.data(REFERRAL, id=red))["referral"]["referral"]
    assert again["id"] == found["id"]

    answered = await client.data(
        """mutation($id: ID!, $a: SymptomAnswers!) { submitSymptoms(analysisId: $id, answers: $a)
             { referral { id urgency specialty reasons { ruleId } } } }""",
        id=red,
        a={"spotGrowing": True, "spotBleedingOrOozing": True, "eyeSymptoms": True},
    )
    urgent = answered["submitSymptoms"]["referral"]
    assert (urgent["id"], urgent["urgency"], urgent["specialty"]) == (
        found["id"],
        "URGENT",
        "SKIN_CANCER",
    )
    assert {"seven_point_checklist", "redness_with_eye_symptoms"} <= {
        r["ruleId"] for r in urgent["reasons"]
    }
    mine = await client.data("{ myReferrals(first: 5) { edges { node { id urgency } } } }")
    assert [e["node"] for e in mine["myReferrals"]["edges"]] == [
        {"id": found["id"], "urgency": "URGENT"}
    ]
    bad = await client.error_codes(
        """mutation($id: ID!) { submitSymptoms(analysisId: $id, answers: {distressLowMood: 7})
             { disclaimer } }""",
        id=red,
    )
    assert bad == ["VALIDATION_FAILED"]


SHARED = """query { sharedAnalyses(first: 10) { edges { node { id result { ok } } } } }"""
ACCESS_LOG = """query { accessLog(first: 20) { edges { node { resource resourceId
                                                             dermatologist { name } } } } }"""


async def test_sharing_is_consented_scoped_revocable_and_audited(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container, "doc@example.com")
    make_doctor(container, "stranger@example.com", template=1)
    patient = await client.register("pat@example.com")
    owner = patient["user"]["id"]
    first = add_done_analysis(container, owner, {"acne": (10.0, {})})
    second = add_done_analysis(container, owner, {"acne": (12.0, {})})
    share = (
        await client.data(
            """mutation($d: ID!, $a: ID) { shareAnalysis(dermatologistId: $d, analysisId: $a)
             { id scope active expiresAt dermatologist { name } } }""",
            d=doctor.id,
            a=first,
        )
    )["shareAnalysis"]
    assert share["scope"] == "ANALYSIS" and share["active"]

    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    shared = (await derm.data(SHARED))["sharedAnalyses"]["edges"]
    assert [e["node"]["id"] for e in shared] == [first]
    read = await derm.data("query($id: ID!) { analysis(id: $id) { id } }", id=first)
    assert read["analysis"]["id"] == first
    assert await derm.error_codes("query($id: ID!) { analysis(id: $id) { id } }", id=second) == [
        "FORBIDDEN"
    ]
    patients = await derm.data("{ patients(first: 5) { edges { node { id email } } } }")
    assert [e["node"]["email"] for e in patients["patients"]["edges"]] == ["pat@example.com"]

    other = GraphQLClient(client.http)
    await login(other, "stranger@example.com")
    assert (await other.data(SHARED))["sharedAnalyses"]["edges"] == []
    assert await other.error_codes("query($id: ID!) { analysis(id: $id) { id } }", id=first) == [
        "FORBIDDEN"
    ]
    assert await client.error_codes(SHARED) == ["FORBIDDEN"]  # patients have no such list

    log = (await client.data(ACCESS_LOG))["accessLog"]["edges"]
    assert sorted((e["node"]["resource"], e["node"]["resourceId"]) for e in log) == sorted(
        [("ANALYSIS", first), ("ANALYSIS", first), ("PROFILE", owner)]
    )
    assert {e["node"]["dermatologist"]["name"] for e in log} == {doctor.name}

    revoked = await client.data(
        "mutation($id: ID!) { revokeShare(shareId: $id) { active revokedAt } }", id=share["id"]
    )
    assert revoked["revokeShare"]["active"] is False
    assert (await derm.data(SHARED))["sharedAnalyses"]["edges"] == []
    after = await derm.data("{ patients(first: 5) { edges { node { id email } } } }")
    assert after["patients"]["edges"] == []  # no share and no booking: no longer a patient
    assert await derm.error_codes("query($id: ID!) { analysis(id: $id) { id } }", id=first) == [
        "FORBIDDEN"
    ]
    everything = await client.data(
        "mutation($d: ID!) { shareAnalysis(dermatologistId: $d) { scope } }", d=doctor.id
    )
    assert everything["shareAnalysis"]["scope"] == "ALL"
    assert len((await derm.data(SHARED))["sharedAnalyses"]["edges"]) == 2
    assert await other.error_codes(
        "mutation($id: ID!) { revokeShare(shareId: $id) { active } }", id=share["id"]
    ) == ["FORBIDDEN"]


async def book_as_new_patient(
    client: GraphQLClient,
    doctor_id: str,
    starts: list[datetime],
    reason: str = "",
    email: str = "pat@example.com",
) -> list[dict[str, Any]]:
    await client.register(email)
    return [
        (
            await client.data(
                BOOK,
                input=booking(start, doctor_id, reason=reason),
            )
        )["bookAppointment"]
        for start in starts
    ]


async def test_a_dermatologist_reading_appointments_is_in_the_patients_access_log(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container, "doc@example.com")
    slots = day_slots()
    [booked] = await book_as_new_patient(client, doctor.id, slots[:1], "itchy patch")
    assert (await client.data(ACCESS_LOG))["accessLog"]["edges"] == []

    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    day = {
        "from": (slots[0] - timedelta(hours=1)).isoformat(),
        "to": (slots[-1] + timedelta(hours=1)).isoformat(),
    }
    listed = await derm.data(
        "query($r: DateRange!) { appointments(range: $r) { id reason patientName } }", r=day
    )
    assert listed["appointments"] == [
        {"id": booked["id"], "reason": "itchy patch", "patientName": "Test"}
    ]

    log = (await client.data(ACCESS_LOG))["accessLog"]["edges"]
    assert [
        (e["node"]["resource"], e["node"]["resourceId"], e["node"]["dermatologist"]["name"])
        for e in log
    ] == [("APPOINTMENT", booked["id"], doctor.name)]


VISITS = """query($p: ID!, $n: Int! = 10, $a: String) {
  patientAppointments(patientId: $p, first: $n, after: $a) {
    edges { node { id status cancelReason startLocal timeZone } }
    pageInfo { hasNextPage endCursor } } }"""
CANCEL_BY_PATIENT = "mutation($id: ID!) { cancelAppointment(id: $id) { id } }"
CANCEL_BY_DOCTOR = """mutation($id: ID!, $r: String!) {
  cancelPatientAppointment(id: $id, reason: $r) { id } }"""


async def test_a_dermatologist_lists_only_their_own_visits_with_a_patient_audited(
    client: GraphQLClient, container: Container
) -> None:
    """patientAppointments: the viewer's own bookings with that patient, any status, the
    newest start first, paged; nothing for another's patient; each visit read is in the
    patient's access log; FORBIDDEN to a patient."""
    one, two = (
        make_doctor(container, "one@example.com"),
        make_doctor(container, "two@example.com", 1),
    )
    slots = day_slots()
    [early, late] = await book_as_new_patient(client, one.id, [slots[0], slots[2]])
    [theirs] = [(await client.data(BOOK, input=booking(slots[1], two.id)))["bookAppointment"]]
    me = await client.data("{ me { id } }")
    patient_id = me["me"]["id"]
    assert await client.error_codes(VISITS, p=patient_id) == ["FORBIDDEN"]
    other = GraphQLClient(client.http)
    [elsewhere] = await book_as_new_patient(other, one.id, slots[3:4], email="other@example.com")
    other_id = (await other.data("{ me { id } }"))["me"]["id"]

    first, second = GraphQLClient(client.http), GraphQLClient(client.http)
    await login(first, "one@example.com")
    await login(second, "two@example.com")
    await first.data(CANCEL_BY_DOCTOR, id=early["id"], r="The practice is closed")

    page = (await first.data(VISITS, p=patient_id, n=1))["patientAppointments"]
    assert [e["node"]["id"] for e in page["edges"]] == [late["id"]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["edges"][0]["node"]["timeZone"] == "Europe/London"  # the viewer's profile zone
    rest = (await first.data(VISITS, p=patient_id, n=1, a=page["pageInfo"]["endCursor"]))[
        "patientAppointments"
    ]
    assert [e["node"] for e in rest["edges"]] == [
        {
            "id": early["id"],
            "status": "CANCELLED",
            "cancelReason": "The practice is closed",
            "startLocal": rest["edges"][0]["node"]["startLocal"],
            "timeZone": "Europe/London",
        }
    ]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert await first.error_codes(VISITS, p=other_id, n=1, a=page["pageInfo"]["endCursor"]) == [
        "CURSOR_FILTERS_CHANGED"
    ]
    assert await first.error_codes(VISITS, p=patient_id, a="nope") == ["VALIDATION_FAILED"]
    assert await first.error_codes(VISITS, p=patient_id, n=0) == ["VALIDATION_FAILED"]

    mine = (await second.data(VISITS, p=patient_id))["patientAppointments"]["edges"]
    assert [e["node"]["id"] for e in mine] == [theirs["id"]]
    assert (await second.data(VISITS, p=other_id))["patientAppointments"]["edges"] == []
    assert (await second.data(VISITS, p="no-such-id"))["patientAppointments"]["edges"] == []
    listed = (await first.data(VISITS, p=other_id))["patientAppointments"]["edges"]
    assert [e["node"]["id"] for e in listed] == [elsewhere["id"]]

    log = (await client.data(ACCESS_LOG))["accessLog"]["edges"]
    assert sorted(
        (e["node"]["resourceId"], e["node"]["dermatologist"]["name"])
        for e in log
        if e["node"]["resource"] == "APPOINTMENT"
    ) == sorted([(late["id"], one.name), (early["id"], one.name), (theirs["id"], two.name)])


async def test_a_patients_visits_page_with_a_constant_query_count(
    client: GraphQLClient, container: Container
) -> None:
    """The page's names and dermatologist are loaded in batches, not once per visit."""
    doctor = make_doctor(container, "one@example.com")
    await client.register("pat@example.com")
    patient_id = (await client.data("{ me { id } }"))["me"]["id"]
    for index, start in enumerate(day_slots()[:9]):
        booked = await client.data(BOOK, input=booking(start, doctor.id))
        if index < 7:  # 2 upcoming with one dermatologist at most
            await client.data(CANCEL_BY_PATIENT, id=booked["bookAppointment"]["id"])
    derm = GraphQLClient(client.http)
    await login(derm, "one@example.com")
    page = """query($p: ID!, $first: Int!, $after: String) {
      patientAppointments(patientId: $p, first: $first, after: $after) {
        edges { cursor node { id start patientName dermatologist { name } } }
        pageInfo { hasNextPage endCursor } } }"""
    selects = SelectCounter(derm, container)
    assert await selects(page, p=patient_id, first=2) == await selects(page, p=patient_id, first=9)
    seen = [
        node["start"]
        for node in await derm.every_node(page, "patientAppointments", 4, p=patient_id)
    ]
    assert len(seen) == 9 and seen == sorted(seen, reverse=True)


async def test_dashboard_history_over_http_and_subscriptions_only_over_websockets(
    client: GraphQLClient, container: Container
) -> None:
    doctor = make_doctor(container, "doc@example.com")
    slots = day_slots()
    await book_as_new_patient(client, doctor.id, slots[:2])
    await book_as_new_patient(
        GraphQLClient(client.http), doctor.id, slots[2:3], email="second@example.com"
    )
    history = """query($a: Int, $b: Int, $n: Int! = 10) {
      dashboardEvents(afterId: $a, beforeId: $b, first: $n) { id kind start patientName } }"""
    assert await client.error_codes(history, a=0) == ["FORBIDDEN"]

    derm = GraphQLClient(client.http)
    await login(derm, "doc@example.com")
    events = (await derm.data(history, a=0))["dashboardEvents"]
    assert [(e["kind"], datetime.fromisoformat(e["start"]), e["patientName"]) for e in events] == [
        ("BOOKED", slots[0], "Test"),
        ("BOOKED", slots[1], "Test"),
        ("BOOKED", slots[2], "Test"),
    ]
    assert (await derm.data(history, a=events[0]["id"]))["dashboardEvents"] == events[1:]
    assert (await derm.data(history))["dashboardEvents"] == events  # the newest, oldest first
    assert (await derm.data(history, n=2))["dashboardEvents"] == events[1:]
    assert (await derm.data(history, b=events[2]["id"], n=1))["dashboardEvents"] == events[1:2]
    assert await derm.error_codes(history, a=1, b=2) == ["VALIDATION_FAILED"]
    assert await derm.error_codes("query { dashboardEvents(first: 100000) { id } }") == [
        "VALIDATION_FAILED"
    ]

    over_http = await derm.call("subscription { dermatologistEvents { id } }")
    assert over_http["data"] is None
    assert [e["extensions"]["code"] for e in over_http["errors"]] == ["BAD_REQUEST"]
    assert "websocket" in over_http["errors"][0]["message"]


# --- with a controlled clock ------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    """Ten days ago: tokens are checked against this clock, but never issued in the future."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=10))


@pytest.fixture
def clocked(settings: Settings, clock: FakeClock) -> Iterator[Container]:
    container = bootstrap(settings, clock=clock)
    yield container
    container.close()


@pytest.fixture
async def clocked_client(clocked: Container) -> AsyncIterator[GraphQLClient]:
    async with http_on(clocked) as http:
        yield GraphQLClient(http)


async def test_too_late_to_cancel_is_a_clear_error(
    clocked_client: GraphQLClient, clocked: Container, clock: FakeClock
) -> None:
    doctor = make_doctor(clocked)
    start = day_slots(now=clock.now)[0]
    await clocked_client.register("pat@example.com")
    booked = (
        await clocked_client.data(
            BOOK,
            input=booking(start, doctor.id),
        )
    )["bookAppointment"]
    clock.now = start - timedelta(minutes=90)
    await login(clocked_client, "pat@example.com")  # the old token expired meanwhile
    body = await clocked_client.call(
        "mutation($id: ID!) { cancelAppointment(id: $id) { id } }", id=booked["id"]
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "TOO_LATE_TO_CANCEL"
    assert "2 hours" in error["message"]
    assert await clocked_client.error_codes(
        "mutation($id: ID!, $s: DateTime!) { rescheduleAppointment(id: $id, slotStart: $s) "
        "{ id } }",
        id=booked["id"],
        s=day_slots(now=clock.now)[3].isoformat(),
    ) == ["TOO_LATE_TO_CANCEL"]


async def test_a_dermatologist_marks_a_visit_seen_once_it_has_begun(
    clocked_client: GraphQLClient, clocked: Container, clock: FakeClock
) -> None:
    """A past booking stayed BOOKED for good: completePatientAppointment makes it COMPLETED,
    for its dermatologist, once it has begun; the patient reads it so."""
    doctor = make_doctor(clocked)
    start = day_slots(now=clock.now)[0]
    await clocked_client.register("seen@example.com")
    booked = (await clocked_client.data(BOOK, input=booking(start, doctor.id)))["bookAppointment"]
    seen = "mutation($id: ID!) { completePatientAppointment(id: $id) { id status } }"
    await login(clocked_client, doctor.email)
    assert await clocked_client.error_codes(seen, id=booked["id"]) == ["VALIDATION_FAILED"]
    clock.now = start + timedelta(minutes=10)
    await login(clocked_client, doctor.email)
    done = (await clocked_client.data(seen, id=booked["id"]))["completePatientAppointment"]
    assert done == {"id": booked["id"], "status": "COMPLETED"}
    assert await clocked_client.error_codes(seen, id=booked["id"]) == ["CONFLICT"]
    await login(clocked_client, "seen@example.com")
    mine = await clocked_client.data("{ myAppointments { edges { node { id status } } } }")
    assert [edge["node"] for edge in mine["myAppointments"]["edges"]] == [done]


async def test_my_appointments_list_what_is_ahead_and_what_is_over_apart(
    clocked_client: GraphQLClient, clocked: Container, clock: FakeClock
) -> None:
    """A person back after months: their list was by start, the oldest first, so what is
    ahead came after every past visit (on a later page after 20). `upcoming: true` lists those
    booked and not yet over, soonest first; `false` the others (over, or cancelled), the most
    recent first; each its own cursors."""
    doctor = make_doctor(clocked)
    first, second = day_slots(now=clock.now)[:2]
    await clocked_client.register("back@example.com")
    book = BOOK.replace("referral {", "end referral {")
    booked = [
        (await clocked_client.data(book, input=booking(start, doctor.id)))["bookAppointment"]
        for start in (first, second)
    ]
    query = """query($upcoming: Boolean, $first: Int!, $after: String) {
      myAppointments(upcoming: $upcoming, first: $first, after: $after) {
        edges { node { id } } pageInfo { endCursor } } }"""

    async def ids(upcoming: bool | None) -> list[str]:
        page = await clocked_client.data(query, upcoming=upcoming, first=10)
        return [edge["node"]["id"] for edge in page["myAppointments"]["edges"]]

    assert await ids(True) == [a["id"] for a in booked] and await ids(False) == []
    assert await ids(None) == [a["id"] for a in booked]  # all, by start, as before
    ahead = await clocked_client.data(query, upcoming=True, first=1)
    cursor = ahead["myAppointments"]["pageInfo"]["endCursor"]
    cancel = "mutation($id: ID!) { cancelAppointment(id: $id) { id } }"
    await clocked_client.data(cancel, id=booked[1]["id"])  # not ahead any more
    assert (await ids(True), await ids(False)) == ([booked[0]["id"]], [booked[1]["id"]])
    clock.now = datetime.fromisoformat(booked[0]["end"])  # the first visit is over
    await login(clocked_client, "back@example.com")
    assert (await ids(True), await ids(False)) == ([], [booked[1]["id"], booked[0]["id"]])
    refused = await clocked_client.call(query, upcoming=False, first=1, after=cursor)
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in refused["errors"]] == [
        ("VALIDATION_FAILED", "after")
    ]


OUTCOME = """mutation($id: ID!, $attended: Boolean!) {
  completePatientAppointment(id: $id, attended: $attended) { id status } }"""


async def test_a_dermatologist_records_a_missed_visit_and_corrects_an_outcome(
    clocked_client: GraphQLClient, clocked: Container, clock: FakeClock
) -> None:
    """`attended: false` records NO_SHOW once the visit has begun; the patient reads it, and
    books the same dermatologist again. A wrong outcome is corrected either way; the same
    outcome twice, or an outcome for a cancelled booking, is CONFLICT."""
    doctor = make_doctor(clocked)
    first, second, later = day_slots(now=clock.now)[:3]
    await clocked_client.register("missed@example.com")
    missed = (await clocked_client.data(BOOK, input=booking(first, doctor.id)))["bookAppointment"]
    cancel = "mutation($id: ID!) { cancelAppointment(id: $id) { id status } }"
    dropped = (await clocked_client.data(BOOK, input=booking(second, doctor.id)))["bookAppointment"]
    await clocked_client.data(cancel, id=dropped["id"])
    await login(clocked_client, doctor.email)
    codes = await clocked_client.error_codes(OUTCOME, id=missed["id"], attended=False)
    assert codes == ["VALIDATION_FAILED"]
    clock.now = first + timedelta(minutes=10)
    await login(clocked_client, doctor.email)
    recorded = await clocked_client.data(OUTCOME, id=missed["id"], attended=False)
    assert recorded["completePatientAppointment"] == {"id": missed["id"], "status": "NO_SHOW"}
    assert await clocked_client.error_codes(OUTCOME, id=missed["id"], attended=False) == [
        "CONFLICT"
    ]
    for attended, status in ((True, "COMPLETED"), (False, "NO_SHOW")):  # corrected, twice
        changed = await clocked_client.data(OUTCOME, id=missed["id"], attended=attended)
        assert changed["completePatientAppointment"]["status"] == status
    assert await clocked_client.error_codes(OUTCOME, id=dropped["id"], attended=False) == [
        "CONFLICT"
    ]
    await login(clocked_client, "missed@example.com")
    mine = await clocked_client.data("{ myAppointments { edges { node { id status } } } }")
    assert {"id": missed["id"], "status": "NO_SHOW"} in [
        edge["node"] for edge in mine["myAppointments"]["edges"]
    ]
    again = (await clocked_client.data(BOOK, input=booking(later, doctor.id)))["bookAppointment"]
    assert again["status"] == "BOOKED"


async def test_a_visit_outcome_and_its_correction_reach_the_live_dashboard(
    clocked_client: GraphQLClient, clocked: Container, clock: FakeClock
) -> None:
    """The desk marks a visit as not attended, then corrects it to seen: a dashboard open on
    another screen (`dermatologistEvents`) hears each, with the outcome it replaced, and
    `dashboardEvents` lists them after the booking."""
    doctor = make_doctor(clocked)
    start = day_slots(now=clock.now)[0]
    await clocked_client.register("outcome@example.com")
    booked = (await clocked_client.data(BOOK, input=booking(start, doctor.id)))["bookAppointment"]
    clock.now = start + timedelta(minutes=10)
    await login(clocked_client, doctor.email)
    history = "{ dashboardEvents(first: 10) { id kind appointmentId details } }"
    (last,) = (await clocked_client.data(history))["dashboardEvents"]
    assert last["kind"] == "BOOKED"
    stream = await build_schema(clocked.settings).subscribe(
        "subscription($after: Int) { dermatologistEvents(afterId: $after) "
        "{ id kind appointmentId patientName details } }",
        variable_values={"after": last["id"]},
        context_value=Context(container=clocked, viewer=Viewer(doctor.id, Role.DERMATOLOGIST)),
    )
    assert isinstance(stream, AsyncGenerator), stream
    heard = []
    for attended in (False, True):
        await clocked_client.data(OUTCOME, id=booked["id"], attended=attended)
        result = await asyncio.wait_for(stream.__anext__(), 30)
        assert not result.errors, result.errors
        heard.append(result.data["dermatologistEvents"])
    await stream.aclose()
    assert [(e["kind"], e["appointmentId"], e["details"]["previous"]) for e in heard] == [
        ("NO_SHOW", booked["id"], "BOOKED"),
        ("COMPLETED", booked["id"], "NO_SHOW"),
    ]
    assert heard[0]["patientName"] == "Test"  # the name the patient registered with
    listed = (await clocked_client.data(history))["dashboardEvents"]
    assert [e["kind"] for e in listed] == ["BOOKED", "NO_SHOW", "COMPLETED"]
