"""An address held by an account that never confirmed it, taken back by the owner of its mailbox,
through GraphQL with the emails the embedded worker sends (domain/accounts/release.py).

Before, someone who signed up with a mistyped address (the real owner's) kept that owner out
for good: the owner's sign-up was EMAIL_TAKEN, and their reset request got a notice without a
link. These tests also hold the abuse cases: a confirmed address is never freed, a link works
once and for its address only, the answers say no more than before, and the links are limited."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import pytest

from metskin.bootstrap import Container
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin, verify_email
from tests.e2e.test_passwords_api import (  # noqa: F401  (strict, strict_client: fixtures)
    ASK,
    LOGIN,
    NEW,
    sent,
    strict,
    strict_client,
)

ADDRESS = "ana@example.com"
RELEASE = "mutation($t: String!) { releaseEmail(token: $t) }"
REGISTER = """mutation($e: String!, $p: String!) {
  register(input: {email: $e, password: $p, photoConsent: true}) { accessToken user { id } } }"""
ME = "{ me { id email emailVerified emailTrouble } }"
INBOX = "{ notifications(first: 5) { edges { node { kind details } } } }"
LOG = "{ editorLog(first: 10) { actorId action kind target summary } }"
LINK = re.compile(r"(https?://[^\s\"<>]+/release-email#token=([^\s\"<>]+))")


@pytest.fixture
def working(container: Container) -> Container:
    container.start_embedded_worker()
    return container


def release_links(emails: list[dict[str, Any]], container: Container) -> list[str]:
    """The release tokens of the emails, each link the same in the text and the HTML."""
    tokens = []
    for email in emails:
        found = LINK.search(email["text"])
        if found is None:
            continue
        link, token = found.groups()
        assert link.startswith(container.settings.effective_public_url + "/release-email#token=")
        assert link in email["html"]
        tokens.append(unquote(token))
    return tokens


async def test_the_owner_of_a_mistyped_address_takes_it_back_and_signs_up(
    client: GraphQLClient, working: Container
) -> None:
    typist = (await client.register(ADDRESS))["user"]  # Maya meant another address
    owner = GraphQLClient(client.http)
    seen = len(sent(working))

    for _ in range(2):  # the answer is unchanged; the address gets one email a day
        body = await owner.call(REGISTER, e=ADDRESS, p=NEW)
        assert body["errors"][0]["extensions"] == {"code": "EMAIL_TAKEN", "field": "email"}
        sent(working)  # each sent in turn (two sent at the same moment may both leave)
    emails = sent(working, seen)
    assert [email["to"] for email in emails] == [ADDRESS]
    assert "Maya" not in emails[0]["text"] and "Test" not in emails[0]["text"]  # no name
    (token,) = release_links(emails, working)

    assert await owner.data(RELEASE, t=token) == {"releaseEmail": ADDRESS}  # no session needed
    again = await owner.call(RELEASE, t=token)
    assert again["errors"][0]["extensions"] == {"code": "EMAIL_LINK_INVALID", "field": "token"}

    mine = (await owner.data(REGISTER, e=ADDRESS, p=NEW))["register"]
    assert mine["user"]["id"] != typist["id"]
    owner.token = mine["accessToken"]
    assert (await owner.data(ME))["me"]["email"] == ADDRESS

    # The typist's account: its session goes on, its data kept, asked to set its address
    me = (await client.data(ME))["me"]
    assert me["id"] == typist["id"] and me["email"] != ADDRESS
    assert me["email"].endswith("@released.metskin.invalid") and me["emailTrouble"] == "RELEASED"
    (entry,) = [e["node"] for e in (await client.data(INBOX))["notifications"]["edges"]]
    assert entry == {"kind": "EMAIL_RELEASED", "details": {"email": ADDRESS}}
    # ... and it still logs in with the old address and its own password
    login = await client.data(LOGIN, e=ADDRESS, p=PASSWORD)
    client.token = login["login"]["accessToken"]
    assert (await client.data(ME))["me"]["id"] == typist["id"]

    admin = GraphQLClient(client.http)
    await login_as_admin(admin, working)
    entries = (await admin.data(LOG))["editorLog"]
    mine_only = [(e["action"], e["target"]) for e in entries if e["actorId"] == "mailbox"]
    assert mine_only == [("address released", typist["id"]), ("release link", typist["id"])]
    assert all(ADDRESS in e["summary"] for e in entries if e["actorId"] == "mailbox")


async def test_a_reset_request_s_notice_carries_the_link(
    client: GraphQLClient, working: Container
) -> None:
    """The owner who asks for a reset instead gets the notice (no reset link), with the link
    that frees the address, in the account's language."""
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"
    await client.register(ADDRESS)
    seen = len(sent(working))
    assert await GraphQLClient(client.http).data(ASK, e=ADDRESS) == {"requestPasswordReset": True}
    emails = sent(working, seen)
    assert "reset-password#token" not in emails[0]["text"]
    assert "Libérer mon adresse" in emails[0]["html"]
    (token,) = release_links(emails, working)
    assert await GraphQLClient(client.http).data(RELEASE, t=token) == {"releaseEmail": ADDRESS}


async def test_a_confirmed_address_is_never_freed(
    client: GraphQLClient, working: Container
) -> None:
    typist = (await client.register(ADDRESS))["user"]
    stranger = GraphQLClient(client.http)
    seen = len(sent(working))
    await stranger.call(REGISTER, e=ADDRESS, p=NEW)
    (early,) = release_links(sent(working, seen), working)
    await verify_email(client, working, typist["id"])  # the account confirms it after all

    seen = len(sent(working))
    body = await stranger.call(RELEASE, t=early)  # the link sent before is void
    assert body["errors"][0]["extensions"] == {"code": "EMAIL_LINK_INVALID", "field": "token"}
    body = await stranger.call(REGISTER, e=ADDRESS, p=NEW)
    assert body["errors"][0]["extensions"]["code"] == "EMAIL_TAKEN"
    await stranger.data(ASK, e=ADDRESS)
    emails = sent(working, seen)
    assert release_links(emails, working) == []  # the normal reset email, no release link
    assert "/reset-password#token=" in emails[0]["text"]
    assert (await client.data(ME))["me"] == {
        "id": typist["id"],
        "email": ADDRESS,
        "emailVerified": True,
        "emailTrouble": None,
    }


@pytest.mark.parametrize(
    "token", ["", "forged", "x" * 5000, "a.b.c", "release-email.e30.AAAA", "\u0000"]
)
async def test_a_bad_link_is_a_coded_error(client: GraphQLClient, token: str) -> None:
    body = await client.call(RELEASE, t=token)
    assert body["errors"][0]["extensions"] == {"code": "EMAIL_LINK_INVALID", "field": "token"}
    assert "not valid" in body["errors"][0]["message"]


async def test_the_answers_say_no_more_than_before(
    client: GraphQLClient, working: Container
) -> None:
    """A stranger cannot tell an unconfirmed address from a confirmed one: the same error,
    word for word, and the same answer to a reset request."""
    confirmed = (await client.register("zoe@example.com"))["user"]
    await verify_email(client, working, confirmed["id"])
    await GraphQLClient(client.http).register(ADDRESS)
    stranger = GraphQLClient(client.http)
    answers = [await stranger.call(REGISTER, e=e, p=NEW) for e in ("zoe@example.com", ADDRESS)]
    assert answers[0] == answers[1]
    asks = [await stranger.call(ASK, e=e) for e in ("zoe@example.com", ADDRESS, "no@example.com")]
    assert asks == [{"data": {"requestPasswordReset": True}}] * 3


async def test_release_links_are_limited_per_client(
    strict_client: GraphQLClient,  # noqa: F811
) -> None:
    """A token is signed, so guessing is hopeless; still, tries are counted (`emailLink`)."""
    for _ in range(30):
        body = await strict_client.call(RELEASE, t="forged")
        assert body["errors"][0]["extensions"]["code"] == "EMAIL_LINK_INVALID"
    body = await strict_client.call(RELEASE, t="forged")
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
