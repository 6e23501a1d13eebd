"""The one-click unsubscribe (RFC 8058) of the emails a person can turn off: the check-in
reminder carries a signed link in List-Unsubscribe; a mail client's POST to it turns the
account's emails off, a GET (a person, or a link scanner) only asks, a forged link is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from metskin.bootstrap import Container
from metskin.settings import Settings
from tests.conftest import make_settings
from tests.e2e.conftest import GraphQLClient

PUBLIC = "https://care.example"
OPTED_IN = "{ me { profile { emailOptIn } } }"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url, public_url=PUBLIC)


def one_click_path(container: Container, to: str) -> str:
    context = {"name": "Maya", "due_day": "30 November 2026", "weeks": 4}
    email = container.messenger.renderer.render_email("check_in_due", to, context)
    headers = dict(email.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(f"{PUBLIC}/unsubscribe/")
    return url.removeprefix(PUBLIC)


async def opted_in(client: GraphQLClient) -> bool:
    return bool((await client.data(OPTED_IN))["me"]["profile"]["emailOptIn"])


async def test_the_reminder_s_one_click_link_stops_emails_and_a_get_only_asks(
    container: Container, client: GraphQLClient
) -> None:
    await client.register("maya@example.com")
    path = one_click_path(container, "maya@example.com")

    asked = await client.http.get(path, headers={"accept-language": "fr"})
    assert asked.status_code == 200 and '<form method="post">' in asked.text
    assert 'lang="fr' in asked.text and "Ne plus recevoir" in asked.text
    assert await opted_in(client)  # a link scanner's GET changes nothing

    done = await client.http.post(
        path,
        content=b"List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200 and "no more emails" in done.text
    assert not await opted_in(client)
    again = await client.http.post(path, content=b"List-Unsubscribe=One-Click")
    assert again.status_code == 200  # a second click: still done


async def test_a_forged_or_altered_link_is_refused_and_changes_nothing(
    container: Container, client: GraphQLClient
) -> None:
    await client.register("maya@example.com")
    path = one_click_path(container, "maya@example.com")
    head, _, signature = path.rpartition(".")
    altered = f"{head}.{signature[::-1]}"
    for bad in (altered, "/unsubscribe/not-a-token"):
        refused = await client.http.post(bad, content=b"List-Unsubscribe=One-Click")
        assert refused.status_code == 400 and "not valid" in refused.text
    assert await opted_in(client)


async def test_a_link_for_an_address_without_an_account_does_nothing(
    container: Container, client: GraphQLClient
) -> None:
    await client.register("maya@example.com")
    path = one_click_path(container, "gone@example.com")  # erased, or the address changed
    done = await client.http.post(path, content=b"List-Unsubscribe=One-Click")
    assert done.status_code == 200
    assert await opted_in(client)
