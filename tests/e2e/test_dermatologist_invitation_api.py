"""A clinic's onboarding through GraphQL, with the emails the embedded worker sends: an
administrator lists a dermatologist, who gets an invitation and chooses their own password.
Before, the administrator chose the password (a secret to pass on) and the new dermatologist's
address stayed unverified, so the email gate held anything but the account's own emails."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.bootstrap import Container
from metskin.domain.messages import OutgoingEmail
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin
from tests.e2e.test_content_api import DOCTOR_INPUT
from tests.e2e.test_email_address_api import link_in, to
from tests.e2e.test_passwords_api import sent

EMAIL = "ada@clinic.example"
OWN = "rain-on-the-roof-42"
CREATE = """mutation($e: String!, $i: DermatologistInput!) {
  createDermatologist(email: $e, input: $i) { id } }"""
CREATE_WITH_PASSWORD = """mutation($e: String!, $p: String!, $i: DermatologistInput!) {
  createDermatologist(email: $e, password: $p, input: $i) { id } }"""
ACCOUNTS = """{ users(first: 50, role: DERMATOLOGIST) {
  edges { node { id activated emailVerified } } } }"""
RESEND = "mutation($id: ID!) { resendDermatologistInvitation(id: $id) }"
ACCEPT = """mutation($t: String!, $p: String!) {
  acceptInvitation(token: $t, password: $p) { accessToken user { email role emailVerified } } }"""
NOTE = OutgoingEmail(EMAIL, "Your appointments", "<p>.</p>", ".")  # what the gate holds
LOGIN = """mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"""


@pytest.fixture
def working(container: Container) -> Container:
    container.start_embedded_worker()
    return container


async def accounts_of(admin: GraphQLClient) -> dict[str, dict[str, bool]]:
    edges = (await admin.data(ACCOUNTS))["users"]["edges"]
    return {e["node"]["id"]: {k: v for k, v in e["node"].items() if k != "id"} for e in edges}


async def test_an_invited_dermatologist_chooses_their_password_and_their_address_is_proved(
    client: GraphQLClient, working: Container
) -> None:
    await login_as_admin(client, working)
    doctor_id = (await client.data(CREATE, e=EMAIL, i=DOCTOR_INPUT))["createDermatologist"]["id"]
    invitation = to(sent(working), EMAIL)
    assert invitation["to"] == EMAIL and "choose your password" in invitation["subject"]
    token = link_in(invitation, "accept-invitation", working)
    pending = {"activated": False, "emailVerified": False}
    assert (await accounts_of(client))[doctor_id] == pending

    anonymous = GraphQLClient(client.http)
    for guess in (PASSWORD, OWN, ""):  # no password works until they choose one
        assert await anonymous.error_codes(LOGIN, e=EMAIL, p=guess) == ["INVALID_CREDENTIALS"]

    # The one gate on emails (reminders, bookings) holds any to the unproved address.
    assert working.notifications.send_email_once("about:1", NOTE) is False

    accepted = (await anonymous.data(ACCEPT, t=token, p=OWN))["acceptInvitation"]
    assert accepted["user"] == {"email": EMAIL, "role": "DERMATOLOGIST", "emailVerified": True}
    assert accepted["accessToken"]
    assert (await anonymous.data(LOGIN, e=EMAIL, p=OWN))["login"]["accessToken"]
    assert (await accounts_of(client))[doctor_id] == {"activated": True, "emailVerified": True}
    # The link worked once; the invitation is not sent again.
    assert await anonymous.error_codes(ACCEPT, t=token, p="another-pass-99") == ["INVITATION_USED"]
    assert await client.data(RESEND, id=doctor_id) == {"resendDermatologistInvitation": False}

    assert working.notifications.send_email_once("about:1", NOTE) is True


async def test_a_resent_invitation_works_and_the_old_password_argument_is_ignored(
    client: GraphQLClient, working: Container
) -> None:
    """An older client still sends `password` (deprecated): it is accepted and ignored, so
    the administrator's choice never logs in."""
    await login_as_admin(client, working)
    french = {**DOCTOR_INPUT, "languages": ["fr", "en"]}
    made = await client.data(CREATE_WITH_PASSWORD, e=EMAIL, p=PASSWORD, i=french)
    doctor_id = made["createDermatologist"]["id"]
    # In the language the listing names first, and the practice's zone.
    profile = working.accounts.get_user(doctor_id).profile
    assert (profile.locale, profile.time_zone) == ("fr-FR", "Europe/Paris")
    assert to(sent(working), EMAIL)["subject"].startswith("Vous êtes invité sur MetSkin")
    anonymous = GraphQLClient(client.http)
    assert await anonymous.error_codes(LOGIN, e=EMAIL, p=PASSWORD) == ["INVALID_CREDENTIALS"]
    seen = len(sent(working))
    assert await client.data(RESEND, id=doctor_id) == {"resendDermatologistInvitation": True}
    (again,) = sent(working, seen)
    assert again["to"] == EMAIL and "choisissez votre mot de passe" in again["subject"]
    await anonymous.data(ACCEPT, t=link_in(again, "accept-invitation", working), p=OWN)
    assert (await anonymous.data(LOGIN, e=EMAIL, p=OWN))["login"]["accessToken"]
    log = (await client.data("{ editorLog(first: 5) { action summary } }"))["editorLog"]
    assert {
        "action": "invited",
        "summary": "invitation sent again to dermatologist 'Dr Ada Lune'",
    } in log


@pytest.mark.parametrize("token", ["", "x", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
async def test_a_bad_invitation_token_is_a_coded_translated_error(
    client: GraphQLClient, token: str
) -> None:
    client.http.headers["accept-language"] = "fr-FR"
    body = await client.call(ACCEPT, t=token, p=OWN)
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "INVITATION_INVALID", "field": "token"}
    ]
    assert body["errors"][0]["message"].startswith("Ce lien d'invitation n'est pas valide")


async def test_an_expired_invitation_says_so(client: GraphQLClient, working: Container) -> None:
    await login_as_admin(client, working)
    await client.data(CREATE, e=EMAIL, i=DOCTOR_INPUT)
    invitation = to(sent(working), EMAIL)
    token = link_in(invitation, "accept-invitation", working)
    later = working.clock() + timedelta(days=8)
    working.invitations.clock = lambda: later
    client.http.headers["accept-language"] = "de-DE"
    body = await GraphQLClient(client.http).call(ACCEPT, t=token, p=OWN)
    assert body["errors"][0]["extensions"] == {"code": "INVITATION_EXPIRED", "field": "token"}
    assert body["errors"][0]["message"].startswith("Diese Einladung ist abgelaufen")
