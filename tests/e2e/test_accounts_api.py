"""Accounts through GraphQL: the round trip, errors with codes, permissions and limits."""

from __future__ import annotations

import unicodedata

import pytest

from metskin.bootstrap import Container
from tests.e2e.conftest import PASSWORD, GraphQLClient, SelectCounter, login_as_admin
from tests.e2e.test_content_api import DOCTOR_INPUT
from tests.integration.test_workers import outbox_messages

ME = "{ me { id email role profile { timeZone skinType allergies pregnant } } }"


async def test_register_login_me_refresh_logout(client: GraphQLClient) -> None:
    registered = await client.register("Maya@Example.com")
    me = (await client.data(ME))["me"]
    assert me["email"] == "maya@example.com"
    assert me["role"] == "PATIENT"
    assert me["id"] == registered["user"]["id"]

    login = await client.data(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }",
        e="MAYA@example.com",
        p=PASSWORD,
    )
    refresh = login["login"]["refreshToken"]
    rotated = await client.data(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken } }",
        t=refresh,
    )
    assert rotated["refreshToken"]["refreshToken"] != refresh
    await client.data(
        "mutation($t: String!) { logout(refreshToken: $t) }",
        t=rotated["refreshToken"]["refreshToken"],
    )
    codes = await client.error_codes(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken } }",
        t=rotated["refreshToken"]["refreshToken"],
    )
    assert codes == ["INVALID_REFRESH_TOKEN"]


async def test_an_access_token_used_after_logout_is_unauthenticated(
    client: GraphQLClient,
) -> None:
    registered = await client.register("maya@example.com")
    assert (await client.data(ME))["me"]["email"] == "maya@example.com"
    assert await client.data(
        "mutation($t: String!) { logout(refreshToken: $t) }", t=registered["refreshToken"]
    ) == {"logout": True}
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]  # the same access token


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [
        ("bad-email", PASSWORD, "VALIDATION_FAILED"),
        ("new@example.com", "short", "WEAK_PASSWORD"),
        ("taken@example.com", PASSWORD, "EMAIL_TAKEN"),
    ],
)
async def test_registration_errors_are_clear(
    client: GraphQLClient, email: str, password: str, code: str
) -> None:
    await client.register("taken@example.com")
    body = await client.call(
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        i={"email": email, "password": password},
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == [code]
    assert "Traceback" not in str(body)


async def test_bad_credentials(client: GraphQLClient) -> None:
    await client.register("maya@example.com")
    codes = await client.error_codes(
        'mutation { login(email: "maya@example.com", password: "wrong-one-99") { accessToken } }'
    )
    assert codes == ["INVALID_CREDENTIALS"]


async def test_me_needs_a_valid_token(client: GraphQLClient) -> None:
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]
    client.token = "not-a-jwt"
    assert await client.error_codes(ME) == ["UNAUTHENTICATED"]


async def test_update_profile_saves_and_reports_bad_fields(client: GraphQLClient) -> None:
    await client.register("maya@example.com")
    update = """mutation($i: ProfileInput!) { updateProfile(input: $i) {
                  profile { skinType allergies pregnant timeZone birthYear } } }"""
    data = await client.data(
        update,
        i={
            "skinType": "OILY",
            "allergies": ["linalool"],
            "pregnant": True,
            "timeZone": "Asia/Tokyo",
            "birthYear": 1994,
        },
    )
    assert data["updateProfile"]["profile"] == {
        "skinType": "OILY",
        "allergies": ["linalool"],
        "pregnant": True,
        "timeZone": "Asia/Tokyo",
        "birthYear": 1994,
    }
    body = await client.call(update, i={"timeZone": "Nowhere/City"})
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "timeZone"}
    body = await client.call(update, i={"sex": "male"})
    assert body["errors"][0]["extensions"]["code"] == "CONTRADICTORY_PROFILE"
    body = await client.call(update, i={"pregnant": None})
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    data = await client.data(update, i={"birthYear": None})
    assert data["updateProfile"]["profile"]["birthYear"] is None
    assert (await client.data(ME))["me"]["profile"]["timeZone"] == "Asia/Tokyo"


async def test_prescribed_actives_are_saved_and_checked_like_allergies(
    client: GraphQLClient,
) -> None:
    await client.register("maya@example.com")
    update = "mutation($i: ProfileInput!) { updateProfile(input: $i) { profile { prescribed } } }"
    assert (await client.data(ME.replace("allergies", "allergies prescribed")))["me"]["profile"][
        "prescribed"
    ] == []
    data = await client.data(update, i={"prescribed": [" tretinoin", "Hydroquinone", ""]})
    assert data["updateProfile"]["profile"]["prescribed"] == ["tretinoin", "Hydroquinone"]
    for bad in (["x" * 81], [f"active {n}" for n in range(51)], None):
        body = await client.call(update, i={"prescribed": bad})
        assert body["errors"][0]["extensions"] == {
            "code": "VALIDATION_FAILED",
            "field": "prescribed",
        }, bad
    body = await client.call(update, i={"prescribed": [7]})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await client.data(ME.replace("allergies", "allergies prescribed")))["me"]["profile"][
        "prescribed"
    ] == ["tretinoin", "Hydroquinone"]
    data = await client.data(update, i={"prescribed": []})
    assert data["updateProfile"]["profile"]["prescribed"] == []


async def test_admin_list_is_for_admins_only(client: GraphQLClient) -> None:
    await client.register("maya@example.com")
    codes = await client.error_codes("{ users(first: 5) { edges { node { email } } } }")
    assert codes == ["FORBIDDEN"]


USERS_PAGE = """query($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    edges { node { email profile { timeZone } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_admin_pages_through_users_with_a_constant_query_count(
    client: GraphQLClient, container: Container
) -> None:
    for index in range(12):
        container.accounts.register(f"p{index}@example.com", PASSWORD)
    await login_as_admin(client, container)

    selects = SelectCounter(client, container)
    assert await selects(USERS_PAGE, first=2) == await selects(USERS_PAGE, first=13)

    emails = [node["email"] for node in await client.every_node(USERS_PAGE, "users", 5)]
    assert len(emails) == 13 and len(set(emails)) == 13


@pytest.mark.parametrize(("first", "after"), [(0, None), (101, None), (5, "%%%not-base64")])
async def test_bad_pagination_arguments(
    client: GraphQLClient, container: Container, first: int, after: str | None
) -> None:
    await login_as_admin(client, container)
    assert await client.error_codes(USERS_PAGE, first=first, after=after) == ["VALIDATION_FAILED"]


async def test_deep_queries_and_alias_floods_are_refused(client: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: health" for i in range(40))
    body = await client.call("{ " + aliases + " }")
    assert body["errors"] and body.get("data") is None
    body = await client.call("{ me { profile { " + "x " * 3000 + "} } }")
    assert body["errors"]


async def test_unexpected_errors_are_masked(
    client: GraphQLClient, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    await client.register("maya@example.com")

    def explode(_ids: list[str]) -> list[object]:
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(container.accounts, "get_users", explode)
    body = await client.call(ME)
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert "hunter2" not in str(body)


async def test_syntax_errors_have_a_code(client: GraphQLClient) -> None:
    assert await client.error_codes("{ me { ") == ["GRAPHQL_VALIDATION_FAILED"]
    assert await client.error_codes("{ nope }") == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_sign_up_speaks_the_language_it_was_made_in(
    client: GraphQLClient, container: Container
) -> None:
    """A visitor whose browser (and so the web app's pages) is in French signs up without
    naming a locale: the profile, the app after sign-up and the welcome email are French.
    Before, every sign-up was en-GB, so the app turned English and the email came in English."""
    client.http.headers["accept-language"] = "fr-CH,fr;q=0.9,en;q=0.5"
    register = """mutation($i: RegisterInput!) {
        register(input: $i) { user { id profile { locale } } } }"""
    data = await client.data(
        register, i={"email": "camille@example.com", "password": PASSWORD, "displayName": "Camille"}
    )
    assert data["register"]["user"]["profile"]["locale"] == "fr-CH"
    user_id = data["register"]["user"]["id"]
    link = container.email_addresses.verification_link(user_id)  # as the actor sends it
    container.notifications.send_welcome_email(user_id, link)
    (email,) = outbox_messages(container)
    assert email["subject"] == "Bienvenue sur MetSkin, Camille"
    assert "/verify-email#token=" in email["text"] and "Confirmer mon adresse" in email["html"]
    assert "/learn?locale=fr-CH" in email["html"] and "/learn?locale=fr-CH" in email["text"]

    # A locale given wins over the header; without the header the default stays en-GB.
    given = await client.data(
        register, i={"email": "ana@example.com", "password": PASSWORD, "locale": "de-AT"}
    )
    assert given["register"]["user"]["profile"]["locale"] == "de-AT"
    del client.http.headers["accept-language"]
    plain = await client.data(register, i={"email": "tom@example.com", "password": PASSWORD})
    assert plain["register"]["user"]["profile"]["locale"] == "en-GB"


async def test_a_password_logs_in_however_its_accents_were_typed(client: GraphQLClient) -> None:
    """A French password typed on one device as "é" and on another as "e" + accent, or digits
    typed full-width by an input method, is the same password. Before, only the exact code
    points logged in: INVALID_CREDENTIALS, and after five tries a wait."""
    composed = unicodedata.normalize("NFC", "Crème-brûlée-2026")
    await client.register("lea@example.com", composed)
    login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
    for typed in (unicodedata.normalize("NFD", composed), "Crème-brûlée-\uff12\uff10\uff12\uff16"):
        assert (await client.data(login, e="lea@example.com", p=typed))["login"]["accessToken"]
    assert await client.error_codes(login, e="lea@example.com", p="Creme-brulee-2026") == [
        "INVALID_CREDENTIALS"
    ]


@pytest.mark.parametrize("name", ["Dr " + "L" * 97, "Dr Lee\nSecond line", "Dr \u202eeeL"])
async def test_a_dermatologist_s_name_is_checked_as_a_display_name_on_the_listing_s_field(
    client: GraphQLClient, container: Container, name: str
) -> None:
    """Creating a dermatologist makes their account with the listing's name as display name.
    Before, the listing took 120 characters and any character, so a name the account refuses
    failed with `field: displayName`, an argument createDermatologist does not have."""
    await login_as_admin(client, container)
    create = """mutation($e: String!, $p: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, password: $p, input: $i) { id } }"""
    body = await client.call(
        create, e="lee@example.com", p=PASSWORD, i={**DOCTOR_INPUT, "name": name}
    )
    assert body["errors"][0]["extensions"] == {"code": "VALIDATION_FAILED", "field": "name"}
    codes = await client.error_codes(LOGIN_LEE, p=PASSWORD)
    assert codes == ["INVALID_CREDENTIALS"]  # no account was made


LOGIN_LEE = """mutation($p: String!) {
  login(email: "lee@example.com", password: $p) { accessToken } }"""


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("lea@example.com", "short", "Utilisez au moins 10 caractères."),
        ("lea@example.com", "x1-" * 100, "Utilisez au plus 256 caractères."),
        ("lea@example.com", "password123", "Ce mot de passe est trop facile à deviner."),
        ("camille@example.com", "camille-rose-77", "Le mot de passe ne doit pas contenir le nom"),
        ("lea@example", PASSWORD, "Saisissez une adresse e-mail valide."),
    ],
)
async def test_a_sign_up_refused_in_french_says_why(
    client: GraphQLClient, email: str, password: str, message: str
) -> None:
    """Before, a refused password read in French "use at least 10 characters" whatever the
    reason (the code's own sentence): also for a 300-character or a common 11-character one."""
    client.http.headers["accept-language"] = "fr-FR"
    body = await client.call(
        "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }",
        i={"email": email, "password": password},
    )
    assert body["errors"][0]["message"].startswith(message)


@pytest.mark.parametrize(
    ("first", "second"),
    [("jörg@bücher.de", "jorg@bucher.de"), ("strauß@example.de", "strauss@example.de")],
)
async def test_addresses_that_differ_by_an_accent_are_two_people(
    client: GraphQLClient, first: str, second: str
) -> None:
    """MariaDB compared emails under utf8mb4_unicode_ci, where ö = o and ß = ss: the second
    person got EMAIL_TAKEN, and the first one's password logged in under the second address."""
    mine = await client.register(first, password="first-person-pass")
    theirs = await client.register(second, password="second-person-pass")
    assert mine["user"]["id"] != theirs["user"]["id"]
    login = """mutation($email: String!, $password: String!) {
        login(email: $email, password: $password) { user { id } } }"""
    assert await client.error_codes(login, email=second, password="first-person-pass") == [
        "INVALID_CREDENTIALS"
    ]
    found = await client.data(login, email=first, password="first-person-pass")
    assert found["login"]["user"]["id"] == mine["user"]["id"]
