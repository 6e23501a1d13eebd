"""The administrators' list of accounts through GraphQL: by name, paged past any number of
dermatologists, and searched by name or address without case or accents. Before, the admin
page read `users(first: 100)` oldest first and had no search: a directory of more showed no
activation status for the rest."""

from __future__ import annotations

from typing import Any

from metskin.bootstrap import Container
from metskin.domain.accounts.model import Role
from tests.e2e.conftest import PASSWORD, GraphQLClient, login_as_admin
from tests.e2e.test_content_api import DOCTOR_INPUT

BY_NAME = """query($after: String, $s: String) {
  users(role: DERMATOLOGIST, orderBy: NAME, first: 3, after: $after, search: $s) {
    edges { node { email activated profile { displayName } } }
    pageInfo { hasNextPage endCursor } } }"""
NAMES = ["Zoe", "zoë", "Élodie Durand", "Ångström", "", "Eve %", "Ève_Marie"]
UPDATE = """mutation($id: ID!, $i: DermatologistInput!) {
  updateDermatologist(id: $id, input: $i) { name } }"""


async def listed(admin: GraphQLClient, search: str | None = None) -> list[str]:
    """Every page, by name: the local part of each address."""
    found: list[str] = []
    after = None
    while True:
        page = (await admin.data(BY_NAME, after=after, s=search))["users"]
        found += [e["node"]["email"].split("@")[0] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_dermatologists_by_name_paged_and_searched(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    for number, name in enumerate(NAMES):
        container.accounts.register(f"d{number}@clinic.example", PASSWORD, name, Role.DERMATOLOGIST)
    container.accounts.register("zoe.patient@example.com", PASSWORD, "Zoe")  # not listed

    # ångström, d4@clinic.example (no name), élodie, eve %, ève_marie, zoe, zoë
    assert await listed(client) == ["d3", "d4", "d2", "d5", "d6", "d0", "d1"]
    assert await listed(client, "ELO") == ["d2"]  # no case, no accent
    assert await listed(client, "ZOË") == ["d0", "d1"]  # accents are not told apart
    assert await listed(client, "  d4@CLINIC ") == ["d4"]  # the address
    assert await listed(client, "clinic.example") == ["d3", "d4", "d2", "d5", "d6", "d0", "d1"]
    assert await listed(client, "%") == ["d5"]  # literally, not a wildcard
    assert await listed(client, "e_m") == ["d6"]
    assert await listed(client, "nobody") == []
    too_long = await client.error_codes(BY_NAME, after=None, s="x" * 101)
    assert too_long == ["VALIDATION_FAILED"]
    oldest: Any = await client.data(
        '{ users(role: DERMATOLOGIST, search: "zo") { edges { node { email } } } }'
    )
    assert [e["node"]["email"] for e in oldest["users"]["edges"]] == [
        "d0@clinic.example",
        "d1@clinic.example",
    ]
    oldest_first = await client.data(
        "{ users(role: DERMATOLOGIST, first: 1) { pageInfo { endCursor } } }"
    )
    other_order = oldest_first["users"]["pageInfo"]["endCursor"]  # refused by NAME
    refused = await client.error_codes(BY_NAME, after=other_order, s=None)
    assert refused == ["CURSOR_FILTERS_CHANGED"]


async def test_a_listing_renamed_by_an_administrator_is_found_by_its_new_name(
    client: GraphQLClient, container: Container
) -> None:
    """The account's name follows the listing's, so the list by name and its search say the
    name the directory shows."""
    await login_as_admin(client, container)
    create = """mutation($e: String!, $i: DermatologistInput!) {
      createDermatologist(email: $e, input: $i) { id } }"""
    created = await client.data(create, e="ada@clinic.example", i=DOCTOR_INPUT)
    doctor_id = created["createDermatologist"]["id"]
    assert await listed(client, "lune") == ["ada"]
    renamed = {**DOCTOR_INPUT, "name": "Dr Ada Soleil"}
    await client.data(UPDATE, id=doctor_id, i=renamed)
    assert await listed(client, "lune") == []
    assert await listed(client, "soleil") == ["ada"]
