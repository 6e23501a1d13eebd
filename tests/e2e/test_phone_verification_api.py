"""Phone verification through HTTP: a number saved in the profile gets no SMS until the code
texted to it comes back (requestPhoneCode, verifyPhone). Before, any number got the
appointment SMS: a typo texted a stranger about someone's dermatology appointment."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from metskin.adapters.notify.errors import raise_for_status
from metskin.bootstrap import Container
from metskin.domain.messages import OutgoingSms
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient, http_app, outbox
from tests.e2e.test_care_api import BOOK, booking
from tests.e2e.test_privacy_api import export_zip
from tests.integration.test_care_booking import day_slots, make_doctor

PHONE = "+447700900123"
TYPO = "+447700900132"
UPDATE = """mutation($input: ProfileInput!) { updateProfile(input: $input) {
  profile { phone smsOptIn phoneVerified } } }"""
REQUEST = "mutation { requestPhoneCode }"
CANCEL = "mutation($id: ID!) { cancelAppointment(id: $id) { id } }"
VERIFY = "mutation($c: String!) { verifyPhone(code: $c) { profile { phone phoneVerified } } }"


def texts_to(container: Container, phone: str) -> list[str]:
    return [m["body"] for m in outbox(container, phone) if m["channel"] == "sms"]


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{6})\b", text)
    assert found, text
    return found.group(1)


async def verify_phone(client: GraphQLClient, container: Container, phone: str) -> None:
    """Prove the caller's number as its owner does: ask for the code, send back the one texted."""
    await client.data(REQUEST)
    code = code_in(texts_to(container, phone)[-1])
    assert (await client.data(VERIFY, c=code))["verifyPhone"]["profile"]["phoneVerified"]


async def test_sms_go_only_to_a_number_proved_with_its_code(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("pat@example.com")
    doctor = make_doctor(container)
    slots = day_slots()
    saved = await client.data(UPDATE, input={"phone": PHONE, "smsOptIn": True})
    assert saved["updateProfile"]["profile"] == {
        "phone": PHONE,
        "smsOptIn": True,
        "phoneVerified": False,
    }
    first = (await client.data(BOOK, input=booking(slots[0], doctor.id)))["bookAppointment"]
    assert texts_to(container, PHONE) == []  # the confirmation went by email only

    assert (await client.data(REQUEST))["requestPhoneCode"] is True
    (text,) = texts_to(container, PHONE)  # once the worker sent it
    assert (await client.data(REQUEST))["requestPhoneCode"] is False  # the same code: sent
    code = code_in(text)
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    assert await client.error_codes(VERIFY, c=wrong) == ["PHONE_CODE_INVALID"]
    verified = await client.data(VERIFY, c=code)
    assert verified["verifyPhone"]["profile"] == {"phone": PHONE, "phoneVerified": True}

    await client.data(BOOK, input=booking(slots[2], doctor.id))
    later = texts_to(container, PHONE)
    assert len(later) == 2 and "appointment" in later[1]  # now the confirmation comes by SMS

    archive = await export_zip(client, container)
    assert json.loads(archive.read("profile.json"))["phone_verified"] == PHONE

    changed = await client.data(UPDATE, input={"phone": TYPO})
    assert changed["updateProfile"]["profile"]["phoneVerified"] is False
    await client.data(CANCEL, id=first["id"])  # two upcoming with one dermatologist at most
    await client.data(BOOK, input=booking(slots[4], doctor.id))
    assert texts_to(container, TYPO) == []
    assert await client.error_codes(VERIFY, c=code) == ["PHONE_CODE_INVALID"]  # the old number's


async def test_wrong_codes_are_limited_and_a_missing_phone_is_a_coded_error(
    client: GraphQLClient, container: Container
) -> None:
    await client.register("pat@example.com")
    assert await client.error_codes(REQUEST) == ["PHONE_MISSING"]
    assert await client.error_codes(VERIFY, c="123456") == ["PHONE_MISSING"]
    await client.data(UPDATE, input={"phone": PHONE})
    await client.data(REQUEST)
    code = code_in(texts_to(container, PHONE)[0])
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    for attempt in [wrong, wrong, wrong, "abc", "1234567"]:
        assert await client.error_codes(VERIFY, c=attempt) == ["PHONE_CODE_INVALID"]
    body = await client.call(VERIFY, c=code)  # the right one, after five wrong
    assert [e["extensions"]["code"] for e in body["errors"]] == ["RATE_LIMITED"]
    assert 1 <= body["errors"][0]["extensions"]["retryAfter"] <= 3600  # the hour's wait
    assert body["data"] is None


async def test_the_code_is_texted_by_a_retried_job_not_in_the_request(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, the SMS went inside requestPhoneCode: an SMS provider outage failed the request
    with an internal error (and a slow provider held it). Now the request only queues it, and
    the worker's retry texts a code that verifies once the provider is back."""
    await client.register("pat@example.com")
    await client.data(UPDATE, input={"phone": PHONE})
    notifier = container.notifications.notifier
    send, failures = notifier.send_sms, []

    def down_once(sms: OutgoingSms) -> None:
        if not failures:
            failures.append(sms.to)
            raise ConnectionError("the SMS provider does not answer")
        send(sms)

    monkeypatch.setattr(notifier, "send_sms", down_once)
    assert (await client.data(REQUEST))["requestPhoneCode"] is True
    (text,) = texts_to(container, PHONE)  # the job failed once, its retry sent it
    assert failures == [PHONE]
    verified = await client.data(VERIFY, c=code_in(text))
    assert verified["verifyPhone"]["profile"] == {"phone": PHONE, "phoneVerified": True}


@pytest.fixture
async def strict(tmp_path: Path, database_url: str) -> AsyncIterator[GraphQLClient]:
    """A client on a container with the default limits (scale 1; the tests raise it)."""
    settings = make_settings(tmp_path, database_url=database_url, rate_limit_scale=1.0)
    async with http_app(settings) as http:
        yield GraphQLClient(http)


async def test_requesting_codes_is_rate_limited(strict: GraphQLClient) -> None:
    await strict.register("pat@example.com")
    await strict.data(UPDATE, input={"phone": PHONE})
    for _ in range(5):
        await strict.data(REQUEST)
    assert await strict.error_codes(REQUEST) == ["RATE_LIMITED"]


DELIVERY = "{ phoneCodeDelivery { state problem message retryAfter } }"


async def in_french(client: GraphQLClient, query: str) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {client.token}", "accept-language": "fr-FR"}
    response = await client.http.post("/graphql", json={"query": query}, headers=headers)
    body: dict[str, Any] = response.json()
    return body


async def test_why_no_code_came_is_said_number_refused_or_service_busy(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a refused number or a busy provider left the person with "nothing after a few
    minutes? Send code again": asking again failed the same way, and nothing said why."""
    await client.register("pat@example.com")
    await client.data(UPDATE, input={"phone": PHONE})
    assert (await client.data(DELIVERY))["phoneCodeDelivery"] is None
    notifier = container.notifications.notifier
    send = notifier.send_sms
    answers = [(400, b'{"code": 21614, "message": "To number is not a mobile number"}')]

    def provider(sms: OutgoingSms) -> None:
        if answers:
            status, body = answers.pop(0)
            raise_for_status("SMS provider", status, body, "1")
        send(sms)

    monkeypatch.setattr(notifier, "send_sms", provider)
    assert (await client.data(REQUEST))["requestPhoneCode"] is True
    assert texts_to(container, PHONE) == []  # refused for good: not retried
    told = (await in_french(client, DELIVERY))["data"]["phoneCodeDelivery"]
    assert (told["state"], told["problem"], told["retryAfter"]) == (
        "FAILED",
        "NUMBER_REFUSED",
        None,
    )
    assert "numéro de mobile" in told["message"] and PHONE in told["message"]
    again = await in_french(client, REQUEST)
    assert [e["extensions"]["code"] for e in again["errors"]] == ["PHONE_NUMBER_REFUSED"]
    assert again["errors"][0]["extensions"]["field"] == "phone"
    assert "indicatif de pays" in again["errors"][0]["message"]
    wrong = await client.call(VERIFY, c="000000")
    assert [e["extensions"]["code"] for e in wrong["errors"]] == ["PHONE_CODE_NOT_DELIVERED"]

    await client.data(UPDATE, input={"phone": TYPO})  # another number: busy, then sent
    answers.append((429, b'{"message": "Too many requests"}'))
    assert (await client.data(REQUEST))["requestPhoneCode"] is True
    (text,) = texts_to(container, TYPO)  # retried after the second it asked for
    assert (await client.data(DELIVERY))["phoneCodeDelivery"] == {
        "state": "SENT",
        "problem": None,
        "message": None,
        "retryAfter": None,
    }
    verified = await client.data(VERIFY, c=code_in(text))
    assert verified["verifyPhone"]["profile"] == {"phone": TYPO, "phoneVerified": True}
    archive = await export_zip(client, container)  # the person's data: in their export
    (noted,) = json.loads(archive.read("phone_codes.json"))
    assert noted["state"] == "SENT" and TYPO not in json.dumps(noted)
