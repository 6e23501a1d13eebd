"""Proving an email address and changing it, through GraphQL, with the emails the embedded
worker sends (the outbox). Before, anyone could sign up with a stranger's address and MetSkin
then emailed that stranger about skin care and dermatologist appointments; an address could
not be changed at all."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

import pytest

from metskin.bootstrap import Container
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_on
from tests.e2e.test_care_api import BOOK, booking
from tests.e2e.test_passwords_api import (  # noqa: F401  (strict: a fixture)
    ASK,
    CHANGE,
    LOGIN,
    NEW,
    RESET,
    sent,
    strict,
    token_in,
)
from tests.integration.test_care_booking import day_slots, make_doctor

ME = "{ me { email emailVerified } }"
VERIFY = "mutation($t: String!) { verifyEmail(token: $t) }"
RESEND = "mutation { resendVerificationEmail }"
REQUEST = """mutation($e: String!, $p: String!) {
  requestEmailChange(newEmail: $e, password: $p) }"""
CONFIRM = "mutation($t: String!) { confirmEmailChange(token: $t) }"


def link_in(email: dict[str, Any], page: str, container: Container) -> str:
    """The token of the email's link to `page` (in the fragment: out of every log)."""
    found = re.search(rf"(https?://[^\s\"<>]+/{page}#token=([^\s\"<>]+))", email["text"])
    assert found, email["text"]
    link, token = found.groups()
    assert link.startswith(f"{container.settings.effective_public_url}/{page}#token=")
    assert link in email["html"]
    return unquote(token)


def to(emails: list[dict[str, Any]], address: str) -> dict[str, Any]:
    """The one email to `address` (the worker's threads may send jobs in any order)."""
    (email,) = [e for e in emails if e["to"] == address]
    return email


@pytest.fixture
def working(container: Container) -> Container:
    container.start_embedded_worker()
    return container


async def test_a_new_address_gets_only_its_account_emails_until_its_link_comes_back(
    client: GraphQLClient, working: Container, caplog: pytest.LogCaptureFixture
) -> None:
    """The welcome email carries the link; a booking's confirmation to the unverified address
    is held (and logged why), the next one, once verified, leaves."""
    await client.register("maya@example.com")
    assert (await client.data(ME))["me"] == {"email": "maya@example.com", "emailVerified": False}
    (welcome,) = sent(working)
    assert welcome["to"] == "maya@example.com" and "Confirm my email address" in welcome["html"]
    token = link_in(welcome, "verify-email", working)

    doctor = make_doctor(working)
    slots, seen = day_slots(), len(sent(working))  # and the doctor's welcome
    with caplog.at_level(logging.INFO, logger="metskin.domain.notifications.service"):
        await client.data(BOOK, input=booking(slots[0], doctor.id, "VIDEO"))
        assert sent(working, seen) == []  # held: no confirmation to an unproved address
    held = [r for r in caplog.records if r.getMessage() == "email held: address not verified"]
    assert held and held[0].kind == "appt"  # type: ignore[attr-defined]

    # Whoever reads the mailbox has the link, not the account: not signed in, or signed in
    # to another account, it proves nothing (before, anyone holding the link proved it).
    anonymous = GraphQLClient(client.http)
    assert await anonymous.error_codes(VERIFY, t=token) == ["UNAUTHENTICATED"]
    stranger = GraphQLClient(client.http)
    await stranger.register("stranger@example.com")
    refused = await stranger.call(VERIFY, t=token)
    assert refused["errors"][0]["extensions"] == {"code": "EMAIL_LINK_INVALID", "field": "token"}
    assert refused["errors"][0]["message"].startswith("This link is for another MetSkin account")
    assert (await client.data(ME))["me"]["emailVerified"] is False
    assert await client.data(VERIFY, t=token) == {"verifyEmail": True}
    assert await client.data(VERIFY, t=token) == {"verifyEmail": True}  # twice: no error
    assert (await client.data(ME))["me"]["emailVerified"] is True
    assert await client.data(RESEND) == {"resendVerificationEmail": False}
    await client.data(BOOK, input=booking(slots[2], doctor.id, "VIDEO"))
    confirmation = to(sent(working, seen), "maya@example.com")  # (and the stranger's welcome)
    assert "confirmed" in confirmation["subject"]


@pytest.mark.parametrize("token", ["", "x", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
async def test_a_bad_verification_or_change_token_is_a_coded_translated_error(
    client: GraphQLClient, token: str
) -> None:
    await client.register("maya@example.com")
    client.http.headers["accept-language"] = "de-DE"
    for query in (VERIFY, CONFIRM):
        body = await client.call(query, t=token)
        assert [e["extensions"] for e in body["errors"]] == [
            {"code": "EMAIL_LINK_INVALID", "field": "token"}
        ]
        assert body["errors"][0]["message"].startswith("Dieser Link ist nicht gültig")


async def test_a_resent_link_verifies_and_a_link_for_an_old_address_does_not(
    client: GraphQLClient, working: Container
) -> None:
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"
    await client.register("camille@example.com")
    (welcome,) = sent(working)
    first = link_in(welcome, "verify-email", working)
    assert await client.data(RESEND) == {"resendVerificationEmail": True}
    (again,) = sent(working, 1)
    assert again["subject"] == "Confirmez votre adresse e-mail pour MetSkin"
    second = link_in(again, "verify-email", working)

    # The address changes before either link is opened: they verify nothing any more.
    assert await client.data(REQUEST, e="camille@exemple.fr", p=PASSWORD)
    link = to(sent(working, 2), "camille@exemple.fr")
    assert await client.data(CONFIRM, t=link_in(link, "change-email", working))
    for token in (first, second):
        codes = await client.error_codes(VERIFY, t=token)
        assert codes == ["EMAIL_LINK_INVALID"]
    assert (await client.data(ME))["me"] == {"email": "camille@exemple.fr", "emailVerified": True}


async def test_a_mistyped_address_s_reader_gets_no_reset_link_and_so_no_account(
    client: GraphQLClient, working: Container
) -> None:
    """Before, the reader of an address mistyped at sign-up asked for a reset, got the link,
    chose a password and had the account, photos and results (the reset also proved the
    address). Now an unconfirmed address gets an email that says why no link came, in the
    account's language; once its owner confirms it, signed in, a reset works."""
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"  # her profile's language
    await client.register("maya@gmial.example")
    seen = len(sent(working))
    assert await GraphQLClient(client.http).data(ASK, e="maya@gmial.example")
    (notice,) = sent(working, seen)
    assert notice["to"] == "maya@gmial.example" and "/reset-password" not in notice["text"]
    assert notice["subject"] == "Votre mot de passe MetSkin n'a pas été réinitialisé"
    assert (await client.data(ME))["me"]["emailVerified"] is False

    (welcome,) = [e for e in sent(working) if "/verify-email#" in e["text"]]
    assert await client.data(VERIFY, t=link_in(welcome, "verify-email", working))
    seen = len(sent(working))
    await client.call(ASK, e="maya@gmial.example")
    (reset,) = sent(working, seen)
    assert await client.data(RESET, t=token_in(reset, working), p=NEW)
    assert await client.data(LOGIN, e="maya@gmial.example", p=NEW)


async def test_changing_the_address_asks_the_password_and_the_new_mailbox(
    client: GraphQLClient, working: Container
) -> None:
    await client.register("maya@example.com")
    here = client.token
    other = (await client.data(LOGIN, e="maya@example.com", p=PASSWORD))["login"]["accessToken"]
    seen = len(sent(working))
    bystander = GraphQLClient(client.http)
    await bystander.register("taken@example.com")
    client.token = here

    refusals = {
        ("maya-new@example.com", "not-my-password-1"): ("INVALID_CREDENTIALS", "password"),
        (" MAYA@Example.com ", PASSWORD): ("EMAIL_UNCHANGED", "newEmail"),
        ("Taken@example.com", PASSWORD): ("EMAIL_TAKEN", "newEmail"),
        ("not an address", PASSWORD): ("VALIDATION_FAILED", "newEmail"),
    }
    for (new, password), (code, field) in refusals.items():
        body = await client.call(REQUEST, e=new, p=password)
        assert body["errors"][0]["extensions"] == {"code": code, "field": field}, new
    assert sent(working, seen + 1) == []  # nothing was emailed (but the bystander's welcome)

    assert await client.data(REQUEST, e=" Maya.New@Example.com", p=PASSWORD)
    emails = sent(working, seen + 1)
    link, notice = to(emails, "maya.new@example.com"), to(emails, "maya@example.com")
    assert link["to"] == "maya.new@example.com" and "maya.new@example.com" in link["text"]
    assert notice["to"] == "maya@example.com" and "maya.new@example.com" in notice["text"]
    assert "change it now" in notice["text"] and "/forgot-password" in notice["text"]
    assert (await client.data(ME))["me"]["email"] == "maya@example.com"  # not before the link
    token = link_in(link, "change-email", working)

    stranger = GraphQLClient(client.http)  # the new mailbox's reader, with an account of theirs
    await stranger.register("reader@example.com")
    assert await stranger.error_codes(CONFIRM, t=token) == ["EMAIL_LINK_INVALID"]
    assert await GraphQLClient(client.http).error_codes(CONFIRM, t=token) == ["UNAUTHENTICATED"]
    assert await client.data(CONFIRM, t=token) == {"confirmEmailChange": True}
    assert (await client.data(ME))["me"] == {"email": "maya.new@example.com", "emailVerified": True}
    client.token = other  # every other session ended; the one that asked stays
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]
    client.token = None
    assert await client.error_codes(LOGIN, e="maya@example.com", p=PASSWORD) == [
        "INVALID_CREDENTIALS"
    ]
    login = await client.data(LOGIN, e="maya.new@example.com", p=PASSWORD)
    client.token = login["login"]["accessToken"]
    assert await client.error_codes(CONFIRM, t=token) == ["EMAIL_LINK_INVALID"]  # used


async def test_a_change_link_fails_when_the_address_was_taken_or_the_password_changed(
    client: GraphQLClient, working: Container
) -> None:
    await client.register("maya@example.com")
    here = client.token
    assert await client.data(REQUEST, e="wanted@example.com", p=PASSWORD)
    wanted = to(sent(working), "wanted@example.com")
    # Someone signs up with the wanted address meanwhile.
    await GraphQLClient(client.http).register("wanted@example.com")
    taken = await client.call(CONFIRM, t=link_in(wanted, "change-email", working))
    assert taken["errors"][0]["extensions"] == {"code": "EMAIL_TAKEN", "field": "token"}
    client.token = here
    assert await client.data(REQUEST, e="second@example.com", p=PASSWORD)
    second = to(sent(working), "second@example.com")
    # A newer request ends the earlier link (it may have gone to a mistyped address).
    codes = await client.error_codes(CONFIRM, t=link_in(wanted, "change-email", working))
    assert codes == ["EMAIL_LINK_INVALID"]
    # "If it wasn't you, change your password": the pending link then stops working.
    assert await client.data(CHANGE, c=PASSWORD, n=NEW)
    codes = await client.error_codes(CONFIRM, t=link_in(second, "change-email", working))
    assert codes == ["EMAIL_LINK_INVALID"]
    assert (await client.data(ME))["me"]["email"] == "maya@example.com"


# --- limits, as deployed ----------------------------------------------------------------------


async def test_verification_emails_and_change_requests_are_rate_limited(
    strict: Container,  # noqa: F811  (the fixture imported above)
) -> None:
    """Each emails an address, maybe a stranger's: three verification emails an hour per
    account, five change requests."""
    async with http_on(strict) as http:
        client = GraphQLClient(http)
        await client.register("maya@example.com")
        answers = [await client.call(RESEND) for _ in range(4)]
        assert [a.get("data") for a in answers[:3]] == [{"resendVerificationEmail": True}] * 3
        assert answers[3]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        changes = [await client.call(REQUEST, e=f"m{n}@example.com", p=PASSWORD) for n in range(6)]
        assert [bool(a.get("data")) for a in changes] == [True] * 5 + [False]
        assert changes[5]["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_change_refusals_speak_the_request_s_language(client: GraphQLClient) -> None:
    await client.register("camille@example.com")
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"
    said = {
        ("camille@example.com", PASSWORD): "C'est déjà l'adresse de votre compte.",
        ("nouvelle@example.com", "pas-le-bon-1"): "Votre mot de passe n'est pas le bon.",
        ("pas une adresse", PASSWORD): "Saisissez une adresse e-mail valide.",
    }
    for (new, password), message in said.items():
        body = await client.call(REQUEST, e=new, p=password)
        assert body["errors"][0]["message"] == message, body
