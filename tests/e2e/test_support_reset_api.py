"""Support's way back into an account, through GraphQL with the emails the embedded worker
sends: an administrator sends the normal reset email to a person who never confirmed their
address and forgot their password (before, nothing could get them back in: their own request
gets a notice and no link, and the address cannot sign up again)."""

from __future__ import annotations

import pytest

from metskin.bootstrap import Container
from tests.e2e.conftest import GraphQLClient, login_as_admin
from tests.e2e.test_passwords_api import (  # noqa: F401  (strict, strict_client: fixtures)
    ASK,
    LOGIN,
    NEW,
    RESET,
    sent,
    strict,
    strict_client,
    token_in,
)

SEND = "mutation($id: ID!) { sendPasswordResetLink(userId: $id) }"
LOG = "{ editorLog(first: 5) { action kind target summary } }"
ME = "{ me { email emailVerified } }"
ERASE = "mutation($id: ID!) { eraseAccount(userId: $id) { rowsDeleted } }"


@pytest.fixture
def working(container: Container) -> Container:
    container.start_embedded_worker()
    return container


async def test_a_person_who_never_confirmed_and_forgot_the_password_gets_back_in_through_support(
    client: GraphQLClient, working: Container
) -> None:
    client.http.headers["accept-language"] = "fr-FR,fr;q=0.9"  # her profile's language
    maya = (await client.register("maya@gmial.example"))["user"]
    seen = len(sent(working))
    assert await GraphQLClient(client.http).data(ASK, e="maya@gmial.example")
    (notice,) = sent(working, seen)  # no link; the notice says support can send one
    assert "/reset-password" not in notice["text"]
    assert "contactez l'assistance de MetSkin" in " ".join(notice["text"].split())

    admin = GraphQLClient(client.http)
    await login_as_admin(admin, working)
    seen = len(sent(working))
    assert await admin.data(SEND, id=maya["id"]) == {"sendPasswordResetLink": True}
    (reset,) = sent(working, seen)
    assert reset["to"] == "maya@gmial.example"
    assert reset["subject"] == "Réinitialisez votre mot de passe MetSkin"  # the normal email
    (entry, *_) = (await admin.data(LOG))["editorLog"]
    assert entry == {
        "action": "reset link sent",
        "kind": "account",
        "target": maya["id"],
        "summary": "password reset link sent to maya@gmial.example (address not confirmed)",
    }

    assert await GraphQLClient(client.http).data(RESET, t=token_in(reset, working), p=NEW)
    login = await GraphQLClient(client.http).data(LOGIN, e="maya@gmial.example", p=NEW)
    client.token = login["login"]["accessToken"]
    assert (await client.data(ME))["me"]["emailVerified"] is True  # vouched, mailbox proved

    await admin.data(ERASE, id=maya["id"])  # the log keeps the sending, naming no one
    (entry, *_) = (await admin.data(LOG))["editorLog"]
    assert entry["target"].startswith("anon-")
    assert entry["summary"] == "reset link sent to an erased account"


async def test_only_an_administrator_sends_one_and_only_to_an_open_account(
    client: GraphQLClient, working: Container
) -> None:
    maya = (await client.register("maya@example.com"))["user"]
    assert await client.error_codes(SEND, id=maya["id"]) == ["FORBIDDEN"]
    admin = GraphQLClient(client.http)
    await login_as_admin(admin, working)
    seen = len(sent(working))
    for unknown in ("", "no-such-account", "x" * 300):
        body = await admin.call(SEND, id=unknown)
        assert body["errors"][0]["extensions"] == {"code": "ACCOUNT_NOT_FOUND", "field": "userId"}
    await admin.data(ERASE, id=maya["id"])
    assert await admin.error_codes(SEND, id=maya["id"]) == ["ACCOUNT_NOT_FOUND"]
    assert sent(working, seen) == []


async def test_an_administrator_sends_at_most_ten_an_hour(
    strict_client: GraphQLClient,  # noqa: F811
    strict: Container,  # noqa: F811
) -> None:
    # four people (each gets at most three a day: the test below)
    names = ("maya", "zoe", "ada", "lin")
    people = [(await strict_client.register(f"{n}@example.com"))["user"] for n in names]
    admin = GraphQLClient(strict_client.http)
    await login_as_admin(admin, strict)
    for sending in range(10):
        assert await admin.data(SEND, id=people[sending // 3]["id"])
    body = await admin.call(SEND, id=people[3]["id"])
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["retryAfter"] > 0


async def test_one_person_gets_at_most_three_support_links_a_day_whoever_sends_them(
    strict_client: GraphQLClient,  # noqa: F811
    strict: Container,  # noqa: F811
) -> None:
    """Before, only each administrator's own ten an hour counted: several administrators (or
    one, ten times) could fill one person's mailbox with reset links. The fourth to one account
    is refused, with nothing sent; another account still gets one."""
    maya = (await strict_client.register("maya@example.com"))["user"]
    zoe = (await strict_client.register("zoe@example.com"))["user"]
    admin = GraphQLClient(strict_client.http)
    await login_as_admin(admin, strict)
    for _ in range(3):
        assert await admin.data(SEND, id=maya["id"])
    body = await admin.call(SEND, id=maya["id"])
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert body["errors"][0]["extensions"]["retryAfter"] > 3600
    assert await admin.data(SEND, id=zoe["id"])
