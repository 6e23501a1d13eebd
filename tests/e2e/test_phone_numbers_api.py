"""Phone numbers through GraphQL: a number of a length its country's numbers cannot have is
VALIDATION_FAILED on its field (it was stored: "+4412" passed), and each number is read in
E.164 (`phone`, to dial) and grouped as people read it (`phoneInternational`, to show), on
every read that returns a practice and on the patient's own profile."""

from __future__ import annotations

from typing import Any

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_care_api import BOOK, booking, seed_directory
from tests.e2e.test_content_api import DOCTOR_INPUT
from tests.integration.test_care_booking import day_slots, make_doctor

CREATE = """mutation($e: String!, $i: DermatologistInput!) {
  createDermatologist(email: $e, input: $i) { id practice { phone phoneInternational } } }"""
UPDATE = """mutation($id: ID!, $i: DermatologistInput!) {
  updateDermatologist(id: $id, input: $i) { practice { phone phoneInternational } } }"""
PRACTICE = "practice { phone phoneInternational }"
SEARCH = f"""query($first: Int!) {{ dermatologists(first: $first) {{
  edges {{ node {{ id {PRACTICE} }} }} }} }}"""
ONE = f"query($id: ID!) {{ dermatologist(id: $id) {{ {PRACTICE} }} }}"
APPOINTMENT = f"""query($id: ID!) {{ appointment(id: $id) {{ dermatologist {{ {PRACTICE} }} }} }}"""
MINE = f"""{{ myAppointments(first: 5) {{ edges {{ node {{
  dermatologist {{ {PRACTICE} }} }} }} }} }}"""
PROFILE = "profile { phone phoneInternational }"
UPDATE_PROFILE = f"mutation($p: String) {{ updateProfile(input: {{phone: $p}}) {{ {PROFILE} }} }}"


def with_phone(phone: str | None) -> dict[str, Any]:
    return {**DOCTOR_INPUT, "practice": {**DOCTOR_INPUT["practice"], "phone": phone}}


async def test_a_practice_phone_of_an_impossible_length_is_refused_on_its_field(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    made = await client.data(CREATE, e="tel@example.com", i=with_phone("+33 (0)1 42 68 53 00"))
    doctor = made["createDermatologist"]
    paris = {"phone": "+33142685300", "phoneInternational": "+33 1 42 68 53 00"}
    assert doctor["practice"] == paris
    for wrong, code in (("+33 1 42 68 53", "+33"), ("+4412", "+44"), ("+1 212 555 012", "+1")):
        for refused in (
            await client.call(UPDATE, id=doctor["id"], i=with_phone(wrong)),
            await client.call(CREATE, e="bad-tel@example.com", i=with_phone(wrong)),
        ):
            (error,) = refused["errors"]
            assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "practice.phone"}
            assert f"country code {code} cannot have this many digits" in error["message"]
    headers = {"authorization": f"Bearer {client.token}", "accept-language": "fr-FR"}
    variables = {"id": doctor["id"], "i": with_phone("+4412")}
    french = await client.http.post(
        "/graphql", json={"query": UPDATE, "variables": variables}, headers=headers
    )
    assert "l'indicatif +44 ne peut pas avoir ce nombre de chiffres" in str(french.json())
    no_code = await client.call(UPDATE, id=doctor["id"], i=with_phone("01 42 68 53 00"))
    assert "start with + and its country code" in no_code["errors"][0]["message"]
    kept = await client.data(ONE, id=doctor["id"])  # nothing refused was stored
    assert kept["dermatologist"]["practice"]["phone"] == "+33142685300"
    cleared = await client.data(UPDATE, id=doctor["id"], i=with_phone(None))
    assert cleared["updateDermatologist"]["practice"] == {"phone": None, "phoneInternational": None}


async def test_every_read_of_a_practice_gives_its_phone_grouped(
    client: GraphQLClient, container: Container
) -> None:
    """The directory's search (asked twice: the second time the document is known, and runs
    on the lean path), one dermatologist, an appointment and the list of mine."""
    seed_directory(container)
    for _ in range(2):
        page = (await client.data(SEARCH, first=50))["dermatologists"]
        nodes = [edge["node"] for edge in page["edges"]]
        assert len(nodes) == 32
        for node in nodes:
            practice = node["practice"]
            phone, shown = practice["phone"], practice["phoneInternational"]
            assert shown.replace(" ", "").replace("-", "") == phone and shown != phone, node
    grouped = {node["practice"]["phoneInternational"][:12] for node in nodes}
    assert {"+44 20 7946 ", "+44 161 496 ", "+1 212-555-0", "+49 30 23125"} <= grouped

    doctor = make_doctor(container)  # the first packaged practice's number, in London
    london = {"phone": "+442079460101", "phoneInternational": "+44 20 7946 0101"}
    assert (await client.data(ONE, id=doctor.id))["dermatologist"]["practice"] == london
    await client.register("pat@example.com")
    booked = await client.data(BOOK, input=booking(day_slots()[0], doctor.id))
    read = await client.data(APPOINTMENT, id=booked["bookAppointment"]["id"])
    assert read["appointment"]["dermatologist"]["practice"] == london
    (mine,) = (await client.data(MINE))["myAppointments"]["edges"]
    assert mine["node"]["dermatologist"]["practice"] == london


async def test_the_profile_gives_its_phone_grouped_and_refuses_an_impossible_one(
    client: GraphQLClient,
) -> None:
    await client.register("pat@example.com")
    saved = await client.data(UPDATE_PROFILE, p="+44 (0)7700 900123")
    mobile = {"phone": "+447700900123", "phoneInternational": "+44 7700 900123"}
    assert saved["updateProfile"]["profile"] == mobile
    assert (await client.data(f"{{ me {{ {PROFILE} }} }}"))["me"]["profile"] == mobile
    refused = await client.call(UPDATE_PROFILE, p="+44 7700")
    assert refused["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "phone"}
    none = await client.data(UPDATE_PROFILE, p=None)
    assert none["updateProfile"]["profile"] == {"phone": None, "phoneInternational": None}
