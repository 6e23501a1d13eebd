"""The limits through HTTP, with the default rules (the other tests raise them 100 times):
query cost, rate limits with retry-after, login backoff, body caps, deeply nested JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.graphql.app import create_app
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_app
from tests.e2e.test_care_api import BOOK, booking, seed_directory
from tests.fakes.infra import FakeClock
from tests.integration.test_care_booking import day_slots, make_doctor

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
REGISTER = """mutation($e: String!) {
  register(input: {email: $e, password: "tea-and-toast-77"}) { accessToken } }"""


def slots_request(
    doctor_id: str,
    aliases: int,
    days: int = 92,
    start: datetime = datetime(2026, 11, 24, tzinfo=UTC),
) -> dict[str, Any]:
    fields = " ".join(
        f"s{i}: availableSlots(dermatologistId: $id, from: $from, to: $to) "
        "{ start end startLocal timeZone }"
        for i in range(aliases)
    )
    return {
        "query": f"query($id: ID!, $from: DateTime!, $to: DateTime!) {{ {fields} }}",
        "variables": {
            "id": doctor_id,
            "from": start.isoformat(),
            "to": (start + timedelta(days=days)).isoformat(),
        },
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def strict(tmp_path: Path, database_url: str, clock: FakeClock) -> Iterator[Container]:
    """A container with the default limits (scale 1), and a clock the test moves."""
    container = bootstrap(
        make_settings(tmp_path, database_url=database_url, rate_limit_scale=1.0), clock=clock
    )
    yield container
    container.close()


@pytest.fixture
async def http(strict: Container) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(strict), client=("203.0.113.7", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


async def test_thirty_aliases_of_a_quarter_of_slots_are_refused_by_cost(
    http: httpx.AsyncClient, strict: Container
) -> None:
    doctor = seed_directory(strict)["derm-london-01"]
    one = (await http.post("/graphql", json=slots_request(doctor, 1))).json()
    assert "errors" not in one and len(one["data"]["s0"]) > 100  # one quarter is allowed
    flood = (await http.post("/graphql", json=slots_request(doctor, 30))).json()
    assert flood["data"] is None
    [error] = flood["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 12_000


async def test_slots_aliases_count_against_the_rate_per_address(
    http: httpx.AsyncClient, strict: Container
) -> None:
    doctor = seed_directory(strict)["derm-london-01"]
    week = slots_request(doctor, 6, days=1)  # cheap, but six calls each time
    for _ in range(10):  # 60 calls: the default is 60 a minute per address
        assert "errors" not in (await http.post("/graphql", json=week)).json()
    refused = await http.post("/graphql", json=week)
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfter"] >= 1
    assert refused.headers["retry-after"] == str(error["extensions"]["retryAfter"])


async def test_registrations_from_one_address_are_limited(http: httpx.AsyncClient) -> None:
    outcomes = []
    for n in range(12):
        body = (
            await http.post(
                "/graphql", json={"query": REGISTER, "variables": {"e": f"u{n}@example.com"}}
            )
        ).json()
        outcomes.append(codes(body))
    assert outcomes[:10] == [[]] * 10  # 10 an hour per address
    assert outcomes[10:] == [["RATE_LIMITED"]] * 2


async def test_wrong_logins_back_off_per_account_and_a_right_one_after_the_wait_works(
    http: httpx.AsyncClient, strict: Container, clock: FakeClock
) -> None:
    strict.accounts.register("maya@example.com", PASSWORD, "Maya", Role.PATIENT)
    wrong = {"query": LOGIN, "variables": {"e": "maya@example.com", "p": "not-her-password"}}
    right = {"query": LOGIN, "variables": {"e": "maya@example.com", "p": PASSWORD}}
    for _ in range(5):  # five free failures
        assert codes((await http.post("/graphql", json=wrong)).json()) == ["INVALID_CREDENTIALS"]
    # now even the right password waits: the password is not tried during the wait
    waited = (await http.post("/graphql", json=right)).json()
    assert codes(waited) == ["RATE_LIMITED"]
    assert waited["errors"][0]["extensions"]["retryAfter"] == 1
    clock.advance(seconds=1)
    assert codes((await http.post("/graphql", json=wrong)).json()) == ["INVALID_CREDENTIALS"]
    refused = (await http.post("/graphql", json=right)).json()
    assert refused["errors"][0]["extensions"]["retryAfter"] == 2  # it doubles
    clock.advance(seconds=2)
    assert "errors" not in (await http.post("/graphql", json=right)).json()
    # the success forgot the failures
    assert codes((await http.post("/graphql", json=wrong)).json()) == ["INVALID_CREDENTIALS"]
    assert codes((await http.post("/graphql", json=right)).json()) == []


async def test_the_backoff_holds_for_every_spelling_of_the_address(
    http: httpx.AsyncClient, strict: Container
) -> None:
    """The account is found under each spelling of its address (punycode domain, decomposed
    umlaut), so its failures are counted under one key too: five wrong passwords spelled one way
    make the next login wait, however it is spelled."""
    strict.accounts.register("jörg@bücher.de", PASSWORD, "Jörg", Role.PATIENT)
    spellings = ["jörg@bücher.de", "jörg@xn--bcher-kva.de", "jo\u0308rg@BU\u0308CHER.de"]
    for index in range(5):
        wrong = {"query": LOGIN, "variables": {"e": spellings[index % 3], "p": "not-his-1234"}}
        assert codes((await http.post("/graphql", json=wrong)).json()) == ["INVALID_CREDENTIALS"]
    for spelling in spellings:
        right = {"query": LOGIN, "variables": {"e": spelling, "p": PASSWORD}}
        assert codes((await http.post("/graphql", json=right)).json()) == ["RATE_LIMITED"]


async def test_logins_from_one_address_are_limited_whatever_the_account(
    http: httpx.AsyncClient,
) -> None:
    def logins(first: int, count: int) -> dict[str, str]:
        aliases = " ".join(
            f'l{i}: login(email: "u{i}@example.com", password: "x") {{ accessToken }}'
            for i in range(first, first + count)
        )
        return {"query": f"mutation {{ {aliases} }}"}

    wrong = (await http.post("/graphql", json=logins(0, 25))).json()
    assert set(codes(wrong)) == {"INVALID_CREDENTIALS"}  # counted as 25 logins
    body = (await http.post("/graphql", json=logins(25, 6))).json()
    assert codes(body) == ["RATE_LIMITED"]  # 31 in all: over 30 per 5 minutes


async def test_uploads_are_refused_before_their_body_is_read(
    tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(
        tmp_path,
        database_url=database_url,
        rate_limit_scale=1.0,
        rate_limits={"upload.ip": "2/3600"},
    )
    async with http_app(settings) as http:
        statuses = []
        for _ in range(3):
            response = await http.post(
                "/graphql",
                files={"0": ("a.jpg", b"\xff\xd8\xff" + b"\x00" * 1000)},
                data={"operations": "{}", "map": "{}"},
            )
            statuses.append(response.status_code)
    assert statuses[:2] != [429, 429] and statuses[2] == 429
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(response.headers["retry-after"]) > 1000  # one upload per 30 minutes


async def test_a_json_body_over_one_megabyte_is_refused_but_not_an_upload_of_that_size(
    http: httpx.AsyncClient,
) -> None:
    big = {"query": "{ health }", "variables": {"pad": "x" * (1024 * 1024 + 10)}}
    response = await http.post("/graphql", json=big)
    assert response.status_code == 413
    assert codes(response.json()) == ["TOO_LARGE"]
    upload = await http.post(
        "/graphql",
        files={"0": ("a.jpg", b"\xff\xd8\xff" + b"\x00" * 2_000_000)},
        data={"operations": json.dumps({"query": "{ health }"}), "map": "{}"},
    )
    assert upload.status_code == 200  # the large cap is for multipart uploads


@pytest.mark.parametrize("depth", [50_000, 2_000])
async def test_deeply_nested_json_is_a_coded_400(http: httpx.AsyncClient, depth: int) -> None:
    nested = '{"query": "{ health }", "variables": {"a": ' + "[" * depth + "]" * depth + "}}"
    response = await http.post(
        "/graphql", content=nested, headers={"content-type": "application/json"}
    )
    assert response.status_code in (200, 400)
    if depth == 50_000:
        assert response.status_code == 400
    assert codes(response.json())


async def test_a_deeply_nested_document_is_a_coded_error(http: httpx.AsyncClient) -> None:
    document = "{" + "me { " * 900 + "id" + " }" * 900 + "}"
    response = await http.post("/graphql", json={"query": document})
    assert response.status_code in (200, 400)
    assert codes(response.json()) and "INTERNAL_ERROR" not in codes(response.json())


async def test_malformed_json_is_a_coded_400(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", content=b'{"query": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["BAD_REQUEST"]


async def test_the_client_helper_still_works_under_the_limits(strict: Container) -> None:
    transport = httpx.ASGITransport(app=create_app(strict))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        client = GraphQLClient(http)
        await client.register("maya@example.com")
        assert (await client.data("{ me { email } }"))["me"]["email"] == "maya@example.com"


async def test_data_exports_replace_each_other_and_are_limited_per_account(
    strict: Container, http: httpx.AsyncClient
) -> None:
    """Before, every `exportMyData` after the last was READY zipped all the person's photos and
    videos again, on the analyses' worker, and kept each copy 72 hours (ninth session)."""
    client = GraphQLClient(http)
    await client.register("exporter@example.com")
    export = "mutation { exportMyData { id } }"
    mine = "{ myDataExports { id status downloadUrl } }"
    strict.start_embedded_worker()
    links = {}
    for _ in range(5):
        started = (await client.data(export))["exportMyData"]["id"]
        strict.broker.join("default")
        found = {e["id"]: e for e in (await client.data(mine))["myDataExports"]}
        links[started] = found[started]["downloadUrl"]
    found = {e["id"]: e["status"] for e in (await client.data(mine))["myDataExports"]}
    *earlier, last = links
    assert [found[key] for key in links] == ["EXPIRED"] * 4 + ["READY"]  # the newest zip kept
    assert (await http.get(links[earlier[0]])).status_code == 403  # its link no longer works
    assert (await http.get(links[last])).status_code == 200
    refused = await client.call(export)
    assert codes(refused) == ["RATE_LIMITED"] and refused["errors"][0]["extensions"]["retryAfter"]


MOVE = """mutation($id: ID!, $s: DateTime!) {
  rescheduleAppointment(id: $id, slotStart: $s) { start } }"""
CANCEL = 'mutation($id: ID!) { cancelAppointment(id: $id, reason: "changed my mind") { status } }'


async def test_booking_churn_is_limited_per_account(
    strict: Container, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    """Before, one account booked and cancelled in a loop (2 upcoming at a time) without end,
    each booking and cancellation a message and an event on the dermatologist's dashboard
    (ninth session's review). Now 10 bookings or moves an hour per account."""
    doctor = make_doctor(strict)
    slots = day_slots(now=clock())
    client = GraphQLClient(http)
    await client.register("churner@example.com")
    for round_ in range(10):
        booked = await client.data(BOOK, input=booking(slots[round_ % 2], doctor.id))
        if round_ < 9:
            await client.data(CANCEL, id=booked["bookAppointment"]["id"])
    kept = booked["bookAppointment"]["id"]
    refused = await client.call(BOOK, input=booking(slots[3], doctor.id))
    assert codes(refused) == ["RATE_LIMITED"]
    wait = refused["errors"][0]["extensions"]["retryAfter"]
    assert 0 < wait <= 360  # one more every 6 minutes
    # A move tells the dashboard and the patient too: the same budget.
    assert codes(await client.call(MOVE, id=kept, s=slots[4].isoformat())) == ["RATE_LIMITED"]
    assert (await client.data(CANCEL, id=kept))["cancelAppointment"]["status"] == "CANCELLED"
    clock.advance(seconds=wait)
    again = await client.data(BOOK, input=booking(slots[3], doctor.id))
    assert again["bookAppointment"]["status"] == "BOOKED"


BY_KEY = "query($k: String!) { uploadByKey(idempotencyKey: $k) { state } }"


async def test_asking_for_an_upload_by_its_key_is_limited_beyond_a_phone_s_polling(
    strict: Container, http: httpx.AsyncClient, clock: FakeClock
) -> None:
    """`uploadByKey` had no rule of its own: a script could ask it without end (each ask reads
    the upload store). A phone asks every 3 s for 5 minutes at most while its upload is
    checked (web/views/analysis.js): all of that passes; a burst beyond the rule is refused."""
    client = GraphQLClient(http)
    await client.register("poller@example.com")
    key = "0f6c2d7e-3b1a-4c55-9d0e-7a8b9c0d1e2f"
    for _ in range(100):
        assert (await client.data(BY_KEY, k=key))["uploadByKey"]["state"] == "UNKNOWN"
        clock.advance(seconds=3)
    allowed, refused = 0, None
    while refused is None and allowed < 200:
        answer = await client.call(BY_KEY, k=key)
        if "errors" in answer:
            refused = answer
        else:
            allowed += 1
    assert refused is not None and codes(refused) == ["RATE_LIMITED"]
    assert 100 <= allowed <= 120  # the burst: 120 per account, less what the polls left owed
    error = refused["errors"][0]
    assert 1 <= error["extensions"]["retryAfter"] <= 3
    assert error["message"].startswith("Too many upload status checks; try again in ")
