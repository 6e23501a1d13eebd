"""`POST /webhooks/sms`, the SMS provider's signed messaging webhook, through the app: a STOP
turns the person's texts off at once (told in the inbox), a START turns them on again, a retry
is read once, an unknown number or a HELP changes nothing; unsigned, forged or malformed POSTs
are refused with a code, never a 500; without the auth token the route is a coded 404."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from pydantic import SecretStr

from metskin.adapters.notify.sms_replies import SmsReplySignature
from metskin.bootstrap import bootstrap
from metskin.domain.errors import Conflict, DatabaseUnavailable
from metskin.domain.notifications.sms_replies import SmsReply
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient, http_app, http_on
from tests.e2e.test_phone_verification_api import verify_phone

PATH = "/webhooks/sms"
TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://app.metskin.example"
PHONE = "+447700900123"
ME = "{ me { profile { smsOptIn phoneVerified } } }"
INBOX = "{ notifications(first: 10) { edges { node { kind details } } } }"
UPDATE = "mutation($i: ProfileInput!) { updateProfile(input: $i) { profile { smsOptIn } } }"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def message(sid: str, body: str, sender: str = PHONE, **more: str) -> dict[str, str]:
    """A message as Twilio posts it."""
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": sender,
        "To": "+447700900000",
        "Body": body,
        "NumMedia": "0",
        **more,
    }


def signed(form: dict[str, str], url: str = PUBLIC + PATH, token: str = TOKEN) -> dict[str, str]:
    signature = SmsReplySignature(token).sign(url, list(form.items()))
    return {
        "content-type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": signature,
    }


async def kinds(client: GraphQLClient) -> list[tuple[str, dict[str, object]]]:
    edges = (await client.data(INBOX))["notifications"]["edges"]
    return [(edge["node"]["kind"], edge["node"]["details"]) for edge in edges]


async def test_stop_and_start_sent_to_our_number_change_the_texts_at_once(
    tmp_path: Path, settings: Settings
) -> None:
    update = {"sms_auth_token": SecretStr(TOKEN), "public_url": PUBLIC}
    container = bootstrap(settings.model_copy(update=update))
    try:
        async with http_on(container) as http:
            texter, never = GraphQLClient(http), GraphQLClient(http)
            await texter.register("texter@example.com")
            await texter.data(UPDATE, i={"phone": PHONE, "smsOptIn": True})
            await verify_phone(texter, container, PHONE)
            await never.register("never@example.com")  # the same phone, texts never chosen
            await never.data(UPDATE, i={"phone": PHONE, "smsOptIn": False})
            await verify_phone(never, container, PHONE)

            stop = message("SM00000000000000000000000000000001", "Stop ")
            body = urlencode(stop)
            forged = await http.post(PATH, content=body, headers=signed(stop, token="not-it"))
            assert forged.status_code == 403
            assert forged.json()["errors"][0]["extensions"]["code"] == "SIGNATURE_INVALID"
            unsigned = await http.post(
                PATH, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
            )
            assert unsigned.status_code == 403
            other = {**stop, "From": "+447700900999"}  # a signature of another message
            moved = await http.post(PATH, content=urlencode(other), headers=signed(stop))
            assert moved.status_code == 403
            assert (await texter.data(ME))["me"]["profile"]["smsOptIn"] is True

            taken = await http.post(PATH, content=body, headers=signed(stop))
            assert taken.status_code == 200 and taken.text == TWIML
            assert taken.headers["content-type"].startswith("text/xml")
            assert (await texter.data(ME))["me"]["profile"] == {
                "smsOptIn": False,
                "phoneVerified": True,
            }
            stopped = ("SMS_STOPPED", {"phone": "+44 7700 900123", "replied": True})
            assert await kinds(texter) == [stopped]
            assert await kinds(never) == []

            again = await http.post(PATH, content=body, headers=signed(stop))  # a retry
            assert again.status_code == 200
            assert await kinds(texter) == [stopped]

            # signed with the address this process sees (no proxy in front): taken too
            start = message("SM00000000000000000000000000000002", "START")
            here = signed(start, url=f"http://test{PATH}")
            assert (
                await http.post(PATH, content=urlencode(start), headers=here)
            ).status_code == 200
            assert (await texter.data(ME))["me"]["profile"]["smsOptIn"] is True
            started = ("SMS_STARTED", {"phone": "+44 7700 900123"})
            assert await kinds(texter) == [started, stopped]
            assert (await never.data(ME))["me"]["profile"]["smsOptIn"] is False  # not opted in

            late = await http.post(PATH, content=body, headers=signed(stop))  # STOP's late retry
            assert late.status_code == 200
            assert (await texter.data(ME))["me"]["profile"]["smsOptIn"] is True

            for sid, words, sender in (
                ("SM3", "HELP", PHONE),
                ("SM4", "my rash came back", PHONE),
                ("SM5", "STOP", "+447700900777"),  # nobody's number
            ):
                form = message(sid, words, sender)
                answer = await http.post(PATH, content=urlencode(form), headers=signed(form))
                assert answer.status_code == 200
            assert (await texter.data(ME))["me"]["profile"]["smsOptIn"] is True
            assert len(await kinds(texter)) == 2

            junk = {"Body": "STOP", "From": PHONE}  # no MessageSid
            refused = await http.post(PATH, content=urlencode(junk), headers=signed(junk))
            assert refused.status_code == 400
            assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
            broken = await http.post(PATH, content=b"\xff\xfe", headers={"X-Twilio-Signature": "x"})
            assert broken.status_code == 400
    finally:
        container.close()


async def test_a_flood_of_replies_is_rate_limited_with_a_code(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, sms_auth_token=TOKEN, rate_limits={"smsReply.ip": "2/60"}, rate_limit_scale=1
    )
    async with http_app(settings) as http:
        for _ in range(2):
            assert (await http.post(PATH, content=b"", headers={})).status_code == 403
        limited = await http.post(PATH, content=b"", headers={})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        [error] = limited.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert error["extensions"]["retryAfter"] >= 1


async def test_without_the_auth_token_the_webhook_is_a_coded_404(tmp_path: Path) -> None:
    async with http_app(make_settings(tmp_path)) as http:
        form = message("SM1", "STOP")
        off = await http.post(PATH, content=urlencode(form), headers=signed(form))
        assert off.status_code == 404
        assert off.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        french = await http.post(PATH, content=b"", headers={"accept-language": "fr"})
        assert "ne reçoit pas de réponses SMS" in french.json()["errors"][0]["message"]
        assert (await http.get(PATH)).status_code == 405


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (DatabaseUnavailable("The database did not answer."), 503),
        (Conflict("Someone changed the same data at the same moment."), 409),  # a twin retry
    ],
)
async def test_a_database_away_or_a_twin_retry_is_coded_never_a_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, status: int
) -> None:
    container = bootstrap(make_settings(tmp_path, sms_auth_token=TOKEN, public_url=PUBLIC))

    def away(_reply: SmsReply) -> None:
        raise error

    monkeypatch.setattr(container.sms_replies, "take", away)
    try:
        async with http_on(container) as http:
            form = message("SM1", "STOP")
            answer = await http.post(PATH, content=urlencode(form), headers=signed(form))
            assert answer.status_code == status
            [said] = answer.json()["errors"]
            assert said["extensions"]["code"] == getattr(error, "code", None)
    finally:
        container.close()


HISTORY = "{ me { profile { smsOptIn } smsChanges { on why phone } } }"


async def test_the_profile_tells_when_and_why_texts_went_on_and_off(settings: Settings) -> None:
    """The person's own ticks are recorded with the replies: a START after they unticked the
    box themselves (after a STOP) leaves texts off, and the history says each change's why."""
    update = {"sms_auth_token": SecretStr(TOKEN), "public_url": PUBLIC}
    container = bootstrap(settings.model_copy(update=update))
    try:
        async with http_on(container) as http:
            person = GraphQLClient(http)
            await person.register("history@example.com")
            await person.data(UPDATE, i={"phone": PHONE, "smsOptIn": True})
            await verify_phone(person, container, PHONE)
            stop = message("SM00000000000000000000000000000011", "STOP")
            assert (await http.post(PATH, content=urlencode(stop), headers=signed(stop))).is_success
            await person.data(UPDATE, i={"smsOptIn": True})
            await person.data(UPDATE, i={"smsOptIn": False})  # their own choice, after the STOP
            start = message("SM00000000000000000000000000000012", "START")
            answer = await http.post(PATH, content=urlencode(start), headers=signed(start))
            assert answer.status_code == 200
            me = (await person.data(HISTORY))["me"]
            assert me["profile"]["smsOptIn"] is False  # the START did not undo their choice
            shown = "+44 7700 900123"
            assert me["smsChanges"] == [
                {"on": False, "why": "CHOSEN", "phone": None},
                {"on": True, "why": "CHOSEN", "phone": None},
                {"on": False, "why": "REPLIED_STOP", "phone": shown},
                {"on": True, "why": "CHOSEN", "phone": None},
            ]
    finally:
        container.close()
