"""Every list through HTTP pages alike: `first` from 1 to the cap, and an `after` that no list
gave is VALIDATION_FAILED on `after` (never a page from somewhere else). The lists come from the
schema: a new connection field is checked without anyone adding it here."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_required_argument

from metskin.bootstrap import Container
from metskin.cli.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_all
from metskin.graphql.cursors import NOT_A_CURSOR
from metskin.graphql.schema import build_schema
from tests.e2e.conftest import GraphQLClient, http_app

REFUSED = {"FORBIDDEN", "UNAUTHENTICATED"}  # a list this viewer may not read at all


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


BAD_CURSORS = ["", "!!!!", "%%%", "A" * 5000, b64("p-7") + "!", b64("x" * 2000)]


def connections(schema: GraphQLSchema) -> Iterator[tuple[str, str]]:
    """(root field, document) of every Query field that returns a connection; an argument it
    requires (`patientAppointments(patientId:)`) names nobody: an empty list, its cursors still
    checked."""
    assert schema.query_type is not None
    for name, field in schema.query_type.fields.items():
        named = get_named_type(field.type)
        if isinstance(named, GraphQLObjectType) and named.name.endswith("Connection"):
            assert {"first", "after"} <= set(field.args), f"{name} pages without first/after"
            required = "".join(
                f', {arg}: "nobody"'
                for arg, given in field.args.items()
                if is_required_argument(given) and arg not in {"first", "after"}
            )
            query = (
                "query($f: Int!, $a: String) { %s(first: $f, after: $a%s) { edges { cursor } } }"
            )
            yield name, query % (name, required)


async def viewers(client: GraphQLClient) -> dict[str, str]:
    login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }"
    found = {}
    for email, _name, role in DEMO_ACCOUNTS:
        data = await client.data(login, e=email, p=DEMO_PASSWORD)
        found[role.value] = data["login"]["accessToken"]
    return found


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_list_refuses_a_cursor_it_never_gave_and_a_page_size_out_of_range(
    container: Container, client: GraphQLClient
) -> None:
    """Before: `products` and `articles` (ordered by id or slug) read "", "!!!!" or "%%%" as a
    place in the list and answered a page (the first one again), so a client looping on a
    mangled `endCursor` never stopped; `patients` took any text before its "|" as a name."""
    list(seed_all(container))
    schema = build_schema(container.settings)._schema
    found = list(connections(schema))
    assert len(found) >= 11
    cap = container.settings.max_page_size
    wrong: list[str] = []
    for role, token in (await viewers(client)).items():
        client.token = token
        for name, query in found:
            for first, after in [(2, c) for c in BAD_CURSORS] + [(0, None), (cap + 1, None)]:
                body = await client.call(query, f=first, a=after)
                errors = body.get("errors") or []
                got = [(e["extensions"]["code"], e["extensions"].get("field")) for e in errors]
                if got and got[0][0] in REFUSED:
                    continue
                expected = ("VALIDATION_FAILED", "first" if after is None else "after")
                said = errors[0]["message"] if errors else None
                if got != [expected] or (after is not None and said != NOT_A_CURSOR):
                    wrong.append(f"{role} {name}(first={first}, after={after!r:.20}): {got}")
    assert not wrong, "\n".join(wrong)


ME_ANALYSES = (
    "query($f: Int!, $a: String) { me { analyses(first: $f, after: $a) { edges { cursor } } } }"
)


def edges_of(name: str, data: dict[str, Any]) -> list[dict[str, str]]:
    return data["me"]["analyses"]["edges"] if name == "me.analyses" else data[name]["edges"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_cursor_of_one_list_is_refused_by_every_other_list(
    container: Container, client: GraphQLClient
) -> None:
    """Before, a cursor of `users` given to `myReferrals`, `myRoutines`, `sharedAnalyses` or
    `me { analyses }` (all by creation time) was read as a place in them, and `products` and
    `articles` (by id, by slug) read each other's cursors as an id or a slug: a client that
    mixed two lists' cursors up got a page from somewhere, not an error."""
    list(seed_all(container))
    schema = build_schema(container.settings)._schema
    lists = [*connections(schema), ("me.analyses", ME_ANALYSES)]
    wrong: list[str] = []
    given = 0
    for role, token in (await viewers(client)).items():
        client.token = token
        cursors = {}
        for name, query in lists:
            body = await client.call(query, f=1, a=None)
            if not body.get("errors") and (edges := edges_of(name, body["data"])):
                cursors[name] = edges[0]["cursor"]
                again = await client.call(query, f=1, a=edges[0]["cursor"])
                assert "errors" not in again, (role, name, again)  # its own list reads it
        for source, cursor in cursors.items():
            for name, query in lists:
                if name == source:
                    continue
                body = await client.call(query, f=1, a=cursor)
                got = [
                    (e["extensions"]["code"], e["extensions"].get("field"))
                    for e in body.get("errors") or []
                ]
                if got and got[0][0] in REFUSED:
                    continue
                given += 1
                if got != [("VALIDATION_FAILED", "after")]:
                    wrong.append(f"{role}: a cursor of {source} given to {name}: {got}")
    assert given >= 30
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_cursor_made_before_lists_were_named_reads_until_the_setting_turns_it_off(
    container: Container, client: GraphQLClient
) -> None:
    """The cursors clients held when cursors got their list's name (the base64 alone) still
    continue where they were, until `METSKIN_ACCEPT_UNNAMED_CURSORS=false`."""
    list(seed_all(container))
    query = "query($a: String) { products(first: 2, after: $a) { edges { cursor node { id } } } }"
    first = (await client.data(query))["products"]["edges"]
    named = first[0]["cursor"]
    name, unnamed, _filters = named.split(".")
    assert name == "products" and unnamed == b64(first[0]["node"]["id"])
    by_named = await client.data(query, a=named)
    assert await client.data(query, a=unnamed) == by_named
    assert by_named["products"]["edges"][0] == first[1]
    settings = container.settings.model_copy(update={"accept_unnamed_cursors": False})
    async with http_app(settings) as http:
        strict = GraphQLClient(http)
        assert await strict.data(query, a=named) == by_named
        body = await strict.call(query, a=unnamed)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "VALIDATION_FAILED", "field": "after"}
    assert error["message"] == NOT_A_CURSOR
