"""`POST /webhooks/sendgrid`, SendGrid's signed Event Webhook, through the app: a bounce
unproves the address (the person is asked to confirm it, reminders are held), a spam report
turns the account's emails off; each is told once in the person's inbox and read by the
banner (`me { emailTrouble }`); an unsigned or foreign POST changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from metskin.bootstrap import bootstrap
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient, http_app, http_on, verify_email
from tests.unit.notifications.test_sendgrid_events import TIMESTAMP, key_pair, signed

PATH = "/webhooks/sendgrid"
ME = "{ me { emailVerified profile { emailOptIn } } }"
TOLD = "{ me { emailTrouble } notifications(first: 10) { edges { node { kind details } } } }"


def headers(signature: str, timestamp: str = TIMESTAMP) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "X-Twilio-Email-Event-Webhook-Signature": signature,
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
    }


async def test_a_bounce_and_a_spam_report_from_sendgrid_change_what_we_send(
    tmp_path: Path, settings: Settings
) -> None:
    private, public = key_pair()
    container = bootstrap(settings.model_copy(update={"sendgrid_event_public_key": public}))
    try:
        async with http_on(container) as http:
            bounced, angry = GraphQLClient(http), GraphQLClient(http)
            for client, email in ((bounced, "gone@example.com"), (angry, "angry@example.com")):
                user = await client.register(email)
                await verify_email(client, container, user["user"]["id"])
            events = [
                {"email": "gone@example.com", "event": "bounce", "type": "bounce"},
                {"email": "angry@example.com", "event": "spamreport"},
            ]
            body = json.dumps(events).encode()
            forged = await http.post(
                PATH, content=body, headers=headers(signed(key_pair(2)[0], body))
            )
            assert forged.status_code == 403
            unsigned = await http.post(
                PATH, content=body, headers={"content-type": "application/json"}
            )
            assert unsigned.status_code == 403
            assert (await bounced.data(ME))["me"]["emailVerified"] is True  # nothing changed

            taken = await http.post(PATH, content=body, headers=headers(signed(private, body)))
            assert taken.status_code == 204
            assert (await bounced.data(ME))["me"] == {
                "emailVerified": False,  # the banner asks to confirm or change the address
                "profile": {"emailOptIn": True},
            }
            assert (await angry.data(ME))["me"] == {
                "emailVerified": True,
                "profile": {"emailOptIn": False},
            }
            again = await http.post(PATH, content=body, headers=headers(signed(private, body)))
            assert again.status_code == 204  # SendGrid posts an event again: told once
            for client, kind, trouble, email in (
                (bounced, "EMAIL_BOUNCED", "BOUNCED", "gone@example.com"),
                (angry, "EMAIL_SPAM_REPORTED", "SPAM_REPORTED", "angry@example.com"),
            ):
                told = await client.data(TOLD)
                assert told["me"] == {"emailTrouble": trouble}  # what the banner says
                nodes = [e["node"] for e in told["notifications"]["edges"]]
                assert nodes == [{"kind": kind, "details": {"email": email}}]
            junk = b'{"not": "a list"}'
            refused = await http.post(PATH, content=junk, headers=headers(signed(private, junk)))
            assert refused.status_code == 400
    finally:
        container.close()


async def test_without_a_key_the_webhook_is_off(tmp_path: Path) -> None:
    async with http_app(make_settings(tmp_path)) as http:
        assert (await http.post(PATH, content=b"[]", headers=headers("x"))).status_code == 404
        assert (await http.get(PATH)).status_code == 405
