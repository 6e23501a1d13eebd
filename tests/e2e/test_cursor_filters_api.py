"""A page cursor belongs to the filters and order it was read under: through HTTP, the next
page with the same filters (inline or as variables, a default given or left out, a search in
another case, a set in another order) continues; with other filters or another order it is
CURSOR_FILTERS_CHANGED on `after`. Before, `users(search: "bob", orderBy: NAME)`'s cursor
given with `search: "ann"` answered Hannah alone (Ann, Anna and Annie skipped), and the
directory's cursor of acne near London given with rosacea answered Vogel, Kim and Johnson
(Rahman, Begum and Gallagher-Ross skipped), without `near` an empty last page, with no error
(docs/reliability.md)."""

from __future__ import annotations

from typing import Any

import pytest

from metskin.bootstrap import Container
from metskin.cli.seed import seed_catalog, seed_dermatologists
from metskin.graphql.cursors import FILTERS_CHANGED
from tests.e2e.conftest import PASSWORD, GraphQLClient, http_app, login_as_admin

USERS = """query($a: String, $s: String, $o: UserOrder! = NAME, $r: Role) {
  users(first: 2, after: $a, search: $s, orderBy: $o, role: $r) {
    edges { node { email } } pageInfo { hasNextPage endCursor } } }"""
NAMES = ["Ann Arbor", "Anna Bell", "Annie Cole", "Bob Dean", "Bobby Eze", "Bobo Fay", "Hannah Gil"]


def emails(data: dict[str, Any], field: str = "users") -> list[str]:
    return [edge["node"]["email"].split("@")[0] for edge in data[field]["edges"]]


def refusal(body: dict[str, Any]) -> tuple[str, str | None, str] | dict[str, Any]:
    """The one error's code, field and message, or the body when it answered a page."""
    errors = body.get("errors")
    if not errors:
        return body["data"]
    [error] = errors
    return error["extensions"]["code"], error["extensions"].get("field"), error["message"]


REFUSED = ("CURSOR_FILTERS_CHANGED", "after", FILTERS_CHANGED)


async def test_the_users_cursor_continues_its_search_and_order_only(
    client: GraphQLClient, container: Container
) -> None:
    await login_as_admin(client, container)
    for name in NAMES:
        email = name.split()[0].lower() + "@people.example"
        container.accounts.register(email, PASSWORD, name)
    first = (await client.data(USERS, s="bob"))["users"]
    assert emails({"users": first}) == ["bob", "bobby"]
    cursor = first["pageInfo"]["endCursor"]

    # The same list: the search in another case and spacing, inline, the default order given.
    assert emails(await client.data(USERS, a=cursor, s="  BOB ")) == ["bobo"]
    inline = """query($a: String) { users(search: "Bob", first: 2, after: $a, orderBy: NAME) {
      edges { node { email } } } }"""
    assert emails(await client.data(inline, a=cursor)) == ["bobo"]

    # Another search, order or role: refused, whatever page it would have read (before:
    # `search: "ann"` answered Hannah alone, Ann, Anna and Annie skipped).
    assert refusal(await client.call(USERS, a=cursor, s="ann")) == REFUSED
    assert refusal(await client.call(USERS, a=cursor, s="bob", o="CREATED")) == REFUSED
    assert refusal(await client.call(USERS, a=cursor, s="bob", r="PATIENT")) == REFUSED
    assert refusal(await client.call(USERS, a=cursor)) == REFUSED  # the search left out
    created = (await client.data(USERS, s="bob", o="CREATED"))["users"]["pageInfo"]["endCursor"]
    assert refusal(await client.call(USERS, a=created, s="bob")) == REFUSED  # NAME's default


DIRECTORY = """query($a: String, $f: DermatologistFilter) {
  dermatologists(first: 3, after: $a, filter: $f) {
    edges { node { name } } pageInfo { endCursor } } }"""


LONDON = {"lat": 51.5074, "lon": -0.1278}


def names(data: dict[str, Any]) -> list[str]:
    return [edge["node"]["name"].split()[-1] for edge in data["dermatologists"]["edges"]]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_directory_cursor_continues_its_filter_only(
    client: GraphQLClient, container: Container
) -> None:
    list(seed_dermatologists(container, PASSWORD))
    acne = {"specialty": "acne", "near": LONDON}
    first = await client.data(DIRECTORY, f=acne)
    assert names(first) == ["Patel", "Begum", "Whitworth"]
    cursor = first["dermatologists"]["pageInfo"]["endCursor"]
    following = names(await client.data(DIRECTORY, a=cursor, f=acne))
    assert following == ["Becker", "Schmidt", "Kim"]
    same = [
        {"specialty": " ACNE", "near": {**LONDON, "radiusKm": None}},
        {**acne, "language": None, "consultationType": None},
    ]
    for again in same:
        assert names(await client.data(DIRECTORY, a=cursor, f=again)) == following, again
    inline = """query($a: String) { dermatologists(first: 3, after: $a,
      filter: {near: {lon: -0.1278, lat: 51.5074}, specialty: "Acne"}) {
      edges { node { name } } } }"""
    assert names(await client.data(inline, a=cursor)) == following

    changed: list[Any] = [
        {**acne, "specialty": "rosacea"},  # before: from Gallagher-Ross on, Rahman skipped
        {**acne, "language": "en"},
        {**acne, "near": {"lat": 48.8566, "lon": 2.3522}},  # nearest to Paris
        {"specialty": "acne"},  # by id
        None,
    ]
    for other in changed:
        assert refusal(await client.call(DIRECTORY, a=cursor, f=other)) == REFUSED, other
    client.http.headers["accept-language"] = "de"
    german = refusal(await client.call(DIRECTORY, a=cursor, f=None))
    assert german[:2] == REFUSED[:2] and str(german[2]).startswith("Dieser Cursor gehört")


PRODUCTS = """query($a: String, $f: ProductFilter) {
  products(first: 2, after: $a, filter: $f) { edges { node { id } } pageInfo { endCursor } } }"""


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_products_cursor_reads_a_set_in_any_order_and_a_text_in_any_case(
    client: GraphQLClient, container: Container
) -> None:
    list(seed_catalog(container))
    wanted = {"excludeIngredients": ["Fragrance", "retinol"], "text": "cream Gel"}
    first = await client.data(PRODUCTS, f=wanted)
    cursor = first["products"]["pageInfo"]["endCursor"]
    following = await client.data(PRODUCTS, a=cursor, f=wanted)
    same = {"excludeIngredients": ["RETINOL", " fragrance"], "text": "gel  CREAM", "slot": None}
    assert await client.data(PRODUCTS, a=cursor, f=same) == following
    for other in [{**wanted, "text": "cream"}, {**wanted, "excludeIngredients": []}]:
        assert refusal(await client.call(PRODUCTS, a=cursor, f=other)) == REFUSED, other


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_cursor_handed_out_before_it_carried_its_filters_reads_until_turned_off(
    client: GraphQLClient, container: Container
) -> None:
    """`<list>.<base64>` (this release's cursors before it) still continue, unchecked, until
    `METSKIN_ACCEPT_CURSORS_WITHOUT_FILTERS=false`; then VALIDATION_FAILED, like any cursor
    no list gives."""
    list(seed_dermatologists(container, PASSWORD))
    acne = {"specialty": "acne"}
    first = await client.data(DIRECTORY, f=acne)
    cursor = first["dermatologists"]["pageInfo"]["endCursor"]
    name, key, fingerprint = cursor.split(".")
    assert name == "dermatologists" and len(fingerprint) == 8
    following = await client.data(DIRECTORY, a=cursor, f=acne)
    kept = f"{name}.{key}"
    assert await client.data(DIRECTORY, a=kept, f=acne) == following
    settings = container.settings.model_copy(update={"accept_cursors_without_filters": False})
    async with http_app(settings) as http:
        strict = GraphQLClient(http)
        assert await strict.data(DIRECTORY, a=cursor, f=acne) == following
        [error] = (await strict.call(DIRECTORY, a=kept, f=acne))["errors"]
    assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "after"}
