"""Every bad input gets a coded error, never INTERNAL_ERROR (issue 13, point 3).

The walk comes from the schema itself (tests/e2e/schema_walk.py): each argument and input field of
every query and mutation gets wrong types, NaN, infinities, huge numbers, naive and extreme
datetimes, a 1 MB string, empty strings and unicode junk, as a patient, a dermatologist and an
admin, against the embedded app (SQLite, in-process).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema

from metskin.bootstrap import Container
from metskin.cli.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_all
from metskin.graphql.schema import build_schema
from tests.e2e.conftest import PASSWORD, GraphQLClient
from tests.e2e.schema_walk import arguments, bad_values, document, is_input_path, targets
from tests.e2e.test_care_api import add_done_analysis

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only: the walk sends thousands of requests in-process."""
    from metskin.adapters.db.migrations import upgrade

    url = f"sqlite:///{tmp_path / 'walk.db'}"
    upgrade(url)
    yield url


class Sender:
    """Posts raw JSON (NaN and Infinity included, as a careless client sends them)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.sent = 0

    async def post(self, query: str, variables: dict[str, Any], token: str | None) -> Any:
        self.sent += 1
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables}, allow_nan=True)
        response = await self.http.post("/graphql", content=body, headers=headers)
        assert response.status_code < 500, (query, variables, response.text[:500])
        return response.json()


def problems(body: Any, names: Callable[[str], bool] | None = None) -> list[str]:
    """What is wrong with a response: an error without a code, or INTERNAL_ERROR, or (given
    `names`, which tells a path of the field's arguments and input fields) a `field` that is
    not such a path (`weekly.2.start`, list items by their index)."""
    found = []
    for error in body.get("errors") or []:
        extensions = error.get("extensions") or {}
        code = extensions.get("code")
        if not code or code == "INTERNAL_ERROR":
            found.append(f"{code}: {error.get('message')}")
        field = extensions.get("field")
        if names is not None and field and not names(field):
            found.append(f"field {field!r} is not an argument: {error.get('message')}")
    return found


async def tokens(sender: Sender) -> dict[str, str]:
    found = {}
    for email, _name, role in DEMO_ACCOUNTS:
        body = await sender.post(LOGIN, {"e": email, "p": DEMO_PASSWORD}, None)
        found[role.value] = body["data"]["login"]["accessToken"]
    return found


def known_values(container: Container) -> dict[str, Any]:
    """Real ids and plausible values by argument name, so a bad value is not hidden behind an
    unknown id."""
    patient = container.accounts.login(DEMO_ACCOUNTS[0][0], DEMO_PASSWORD).user
    doctor = container.accounts.login(DEMO_ACCOUNTS[1][0], DEMO_PASSWORD).user
    return {
        "analysisId": add_done_analysis(container, patient.id, {"acne": (10.0, {})}),
        "dermatologistId": doctor.id,
        "productId": "cerabalance-hydrating-cream-cleanser",
        "timeZone": "Europe/London",
        "password": PASSWORD,
        "rating": 4,
        # Input objects' other fields: valid, so that the one bad value is what the domain sees.
        **{"name": "Walk", "address": "1 High St", "city": "London", "country": "GB"},
        **{"lat": 51.5, "lon": -0.12, "feeAmount": "120.00", "feeCurrency": "GBP"},
        **{"currency": "GBP", "perEur": "0.85", "slug": "walk-item", "title": "Walk"},
        **{"body": "A body.", "readingMinutes": 3, "start": "09:00", "end": "17:00"},
        **{"date": "2030-01-07", "asOf": "2026-12-01", "slotStart": "2030-01-07T09:00:00Z"},
        **{"specialties": ["acne"], "languages": ["en"], "consultationTypes": ["IN_PERSON"]},
        **{"tags": ["acne"], "url": "https://example.com/walk", "durationSeconds": 60},
    }


async def test_every_argument_of_the_schema_refuses_bad_values_with_a_code(
    container: Container,
) -> None:
    list(seed_all(container))
    schema: GraphQLSchema = build_schema(container.settings)._schema
    known = known_values(container)
    from metskin.graphql.app import create_app

    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        sender = Sender(http)
        viewers = await tokens(sender)
        failures: Counter[str] = Counter()
        walked = list(targets(schema))
        for target in walked:
            query = document(schema, target)
            names = partial(is_input_path, schema, target.operation, target.field)
            named = schema.get_type(target.type_name)
            assert named is not None
            for value in bad_values(named):
                for role, token in viewers.items():
                    known["email"] = f"walk-{uuid.uuid4().hex[:8]}@example.com"
                    variables = arguments(schema, target, value, known)
                    body = await sender.post(query, variables, token)
                    for problem in problems(body, names):
                        where = f"{target.field}({'.'.join(target.path)}={str(value)[:30]!r})"
                        failures[f"{where} {role}: {problem[:160]}"] += 1
    print(f"schema walk: {len(walked)} arguments and input fields, {sender.sent} requests")
    assert not failures, "\n".join(sorted(failures))


async def test_the_reported_bad_inputs_get_their_codes(
    container: Container, client: GraphQLClient
) -> None:
    await client.register("walk@example.com")
    products = "{ products(filter: {maxPrice: %s}) { edges { node { id } } } }"
    for price in ('"NaN"', '"1e999999"', '"-Infinity"', '"-1"'):
        assert await client.error_codes(products % price) == ["VALIDATION_FAILED"]
    slots = """query($from: DateTime!, $to: DateTime!) {
      availableSlots(dermatologistId: "x", from: $from, to: $to) { start } }"""
    for start in ("2030-01-01T09:00:00", "9999-12-31T23:00:00+00:00", "0001-01-01T00:00:00+14:00"):
        codes = await client.error_codes(slots, **{"from": start, "to": "2030-01-02T09:00:00Z"})
        assert codes == ["BAD_USER_INPUT"], start
    assert await client.error_codes(
        "query($first: Int!) { users(first: $first) { edges { cursor } } }", first="ten"
    ) == ["BAD_USER_INPUT"]
    assert await client.error_codes('mutation { logout(refreshToken: "\\ud800") }') == [
        "GRAPHQL_VALIDATION_FAILED"
    ]


async def test_errors_name_the_arguments_the_client_sent(
    container: Container, client: GraphQLClient
) -> None:
    list(seed_all(container))
    doctor = container.accounts.login(DEMO_ACCOUNTS[1][0], DEMO_PASSWORD).user.id
    await client.register("fields@example.com")

    async def field_of(query: str, **variables: Any) -> tuple[str, str]:
        [error] = (await client.call(query, **variables))["errors"]
        return error["extensions"]["code"], error["extensions"]["field"]

    slots = """query($d: ID!, $from: DateTime!, $to: DateTime!) {
      availableSlots(dermatologistId: $d, from: $from, to: $to) { start } }"""
    week = {"from": "2030-01-07T00:00:00Z", "to": "2030-01-14T00:00:00Z"}
    assert await field_of(slots, d="nobody", **week) == ("NOT_FOUND", "dermatologistId")
    backwards = {"from": week["to"], "to": week["from"]}
    assert await field_of(slots, d=doctor, **backwards) == ("VALIDATION_FAILED", "to")
    book = """mutation($d: ID!, $s: DateTime!) { bookAppointment(input: {dermatologistId: $d,
      slotStart: $s, consultationType: IN_PERSON}) { id } }"""
    assert (await field_of(book, d="nobody", s="2030-01-07T09:00:00Z"))[1] == "dermatologistId"
    assert (await field_of(book, d=doctor, s="2030-01-07T09:07:00Z"))[1] == "slotStart"
    move = 'mutation($s: DateTime!) { rescheduleAppointment(id: "gone", slotStart: $s) { id } }'
    assert (await field_of(move, s="2030-01-07T09:00:00Z"))[1] == "id"


def test_domain_names_map_to_the_api_names() -> None:
    from metskin.graphql.errors import api_field

    assert [api_field(n) for n in ("doctor_id", "radius_km", "time_zone", "weekly.0.start")] == [
        "dermatologistId",
        "radiusKm",
        "timeZone",
        "weekly.0.start",
    ]
    # A use case shared by several fields names its own input: the field's only argument.
    assert api_field("id", frozenset({"analysisId"}), ("analysisId",)) == "analysisId"
    assert api_field("slotStart", frozenset({"input", "slotStart"}), ("input",)) == "slotStart"
    assert api_field("id", frozenset({"id", "reason"}), ("id", "reason")) == "id"


def test_a_forged_media_name_is_not_found(container: Container) -> None:
    from metskin.domain.analysis.ports import ObjectMissing

    with pytest.raises(ObjectMissing):
        container.storage.get("../metskin.db")
