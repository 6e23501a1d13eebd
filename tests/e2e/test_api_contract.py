"""What an integrator relies on besides the data (docs/api.md): which operation runs, errors in
the request's language whatever their code, refusals that say what they refused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from metskin.bootstrap import Container, bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.directory.loader import load_dermatologists
from metskin.graphql.app import create_app
from metskin.graphql.guard import NO_OPERATION_NAME
from tests.conftest import make_settings
from tests.e2e.conftest import PASSWORD, GraphQLClient, ws_init
from tests.e2e.test_apikeys_api import KeyClient, new_key
from tests.integration.test_care_booking import every_day

TWO = "query Mine { me { email } } query Catalog { products(first: 1) { edges { cursor } } }"
GENERIC = {
    "fr": "Cette requête n'a pas pu aboutir.",
    "de": "Diese Anfrage konnte nicht ausgeführt werden.",
}


async def post(client: GraphQLClient, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = await client.http.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_document_with_two_operations_runs_only_the_one_named(
    client: GraphQLClient,
) -> None:
    """Before, without `operationName` the first operation ran and the other was dropped
    without a word (GraphQL's spec says the request is refused)."""
    await client.register("two@example.com")
    bearer = {"authorization": f"Bearer {client.token}"}
    refused = await post(client, {"query": TWO}, **bearer)
    assert refused == {
        "data": None,
        "errors": [{"message": NO_OPERATION_NAME, "extensions": {"code": "BAD_REQUEST"}}],
    }
    mine = await post(client, {"query": TWO, "operationName": "Mine"}, **bearer)
    assert mine == {"data": {"me": {"email": "two@example.com"}}}
    catalog = await post(client, {"query": TWO, "operationName": "Catalog"}, **bearer)
    assert list(catalog["data"]) == ["products"]
    french = await post(client, {"query": TWO}, **bearer, **{"accept-language": "fr"})
    assert "operationName" in french["errors"][0]["message"]
    assert french["errors"][0]["message"] != NO_OPERATION_NAME


async def test_an_api_key_refusal_names_the_fields_in_the_request_s_language(
    client: GraphQLClient,
) -> None:
    """Before, in French or German an API_KEY_SCOPE refusal read "This request could not be
    done." (the fields it named were lost)."""
    await client.register("shop@example.com")
    key = KeyClient(client.http, (await new_key(client, "CATALOG_READ"))["key"])
    for language, words in {"fr": "ne couvrent pas", "de": "decken nicht ab"}.items():
        key.headers["accept-language"] = language
        [error] = (await key.call("{ dermatologists(first: 1) { edges { cursor } } }"))["errors"]
        assert error["extensions"] == {"code": "API_KEY_SCOPE"}
        assert words in error["message"] and "Query.dermatologists" in error["message"]
    # Introspection is refused to keys and says where the schema is; without a key it answers.
    introspect = "{ __schema { queryType { name } } }"
    key.headers.pop("accept-language")
    [error] = (await key.call(introspect))["errors"]
    assert "Introspection needs no key" in error["message"]
    anonymous = await post(client, {"query": introspect})
    assert anonymous == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_every_coded_error_reads_as_what_went_wrong_in_french_and_german(
    client: GraphQLClient, container: Container
) -> None:
    """A coded message with no whole translation reads its code's sentence; before, 39 codes
    had none and read "This request could not be done." whatever went wrong."""
    await client.register("lang@example.com")
    bearer = {"authorization": f"Bearer {client.token}"}
    asks = [
        ('{ product(id: "nope") { id } }', "PRODUCT_NOT_FOUND"),
        ('mutation { revokeShare(shareId: "nope") { id } }', "SHARE_NOT_FOUND"),
        ('mutation { revokeApiKey(id: "nope") { id } }', "API_KEY_NOT_FOUND"),
        ('{ article(slug: "nope") { title } }', "CONTENT_NOT_FOUND"),
        ('mutation { startAnalysis(mediaId: "nope") { id } }', "MEDIA_NOT_FOUND"),
    ]
    for language in ("fr", "de"):
        for query, code in asks:
            body = await post(client, {"query": query}, **bearer, **{"accept-language": language})
            [error] = body["errors"]
            assert error["extensions"]["code"] == code, body
            assert error["message"] != GENERIC[language], (language, code)


async def test_an_empty_api_key_header_is_refused_rather_than_read_as_anonymous(
    client: GraphQLClient,
) -> None:
    """An integrator whose key variable is unset sends `X-API-Key: ` (or `ApiKey` alone):
    before, the request ran as anonymous, so public fields answered and the others said
    "Log in", which hid the real mistake."""
    products = {"query": "{ products(first: 1) { edges { cursor } } }"}
    for headers in ({"x-api-key": ""}, {"x-api-key": "  "}, {"authorization": "ApiKey "}):
        body = await post(client, products, **headers)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["API_KEY_INVALID"]
        assert "empty" in body["errors"][0]["message"]
    assert "errors" not in await post(client, products)  # no header at all: anonymous


def first_answer(container: Container, payload: dict[str, Any]) -> dict[str, Any]:
    """The first message of a subscription opened with `payload`, as the patient."""
    container.accounts.register("ws@example.com", PASSWORD, "Wes")
    access = container.accounts.login("ws@example.com", PASSWORD).tokens.access_token
    with (
        TestClient(create_app(container)) as http,
        http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket,
    ):
        socket.send_json(ws_init(access))
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": payload})
        answer: dict[str, Any] = socket.receive_json()
        return answer


def test_a_subscription_s_error_names_its_argument(container: Container) -> None:
    """Before, a stream's coded error named the use case's input (`id`), not the argument
    (`analysisId`): errors without a path were not matched with their root field."""
    query = "subscription($a: ID!) { analysisProgress(analysisId: $a) { stage } }"
    answer = first_answer(container, {"query": query, "variables": {"a": "nope"}})
    [error] = answer["payload"]["errors"]
    assert error["extensions"] == {"code": "ANALYSIS_NOT_FOUND", "field": "analysisId"}


def test_two_subscriptions_in_one_document_need_an_operation_name(container: Container) -> None:
    """Before, the first one was followed and the other dropped without a word."""
    two = """subscription A { analysisProgress(analysisId: "a") { stage } }
             subscription B { analysisProgress(analysisId: "b") { stage } }"""
    answer = first_answer(container, {"query": two})
    assert answer["payload"]["errors"] == [
        {"message": NO_OPERATION_NAME, "extensions": {"code": "BAD_REQUEST"}}
    ]


async def test_a_json_body_that_is_not_an_object_is_a_coded_400(client: GraphQLClient) -> None:
    """Before, a body of `null`, a string, a number or `true`, or bytes that are not UTF-8,
    raised in the request parser: HTTP 500 with no GraphQL answer."""
    json_type = {"content-type": "application/json"}
    for body in (b"null", b'"{ health }"', b"5", b"true", b'{"query": "{ health \xff }"}'):
        response = await client.http.post("/graphql", content=body, headers=json_type)
        assert response.status_code == 400, body
        [error] = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_REQUEST"}, body
    # A GET's `variables=null` is still no variables.
    answer = await client.http.get(
        "/graphql",
        params={"query": "{ health }", "variables": "null"},
        headers={"accept": "application/json"},
    )
    assert answer.json() == {"data": {"health": True}}


def test_a_subscription_over_the_cost_limit_is_refused(tmp_path: Path, database_url: str) -> None:
    """Before, the limits refused a subscription by setting a result its stream ignores: one
    over the cost limit was followed all the same."""
    container = bootstrap(make_settings(tmp_path, database_url=database_url, max_query_cost=2))
    try:
        query = 'subscription { analysisProgress(analysisId: "a") { stage status progress } }'
        answer = first_answer(container, {"query": query})
    finally:
        container.close()
    [error] = answer["payload"]["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["maxCost"] == 2


async def test_a_variable_of_the_wrong_type_names_the_input_it_fills(
    client: GraphQLClient,
) -> None:
    """Before, BAD_USER_INPUT had no `field`: a form could not show it beside its input."""
    await client.register("form@example.com")

    async def fields(query: str, **variables: Any) -> list[Any]:
        body = await client.call(query, **variables)
        return [(e["extensions"]["code"], e["extensions"].get("field")) for e in body["errors"]]

    page = "query($f: Int!) { products(first: $f) { edges { cursor } } }"
    assert await fields(page, f="ten") == [("BAD_USER_INPUT", "first")]
    near = """query($lat: Float!) {
      dermatologists(filter: {near: {lat: $lat, lon: 1}}) { edges { cursor } } }"""
    assert await fields(near, lat="north") == [("BAD_USER_INPUT", "filter.near.lat")]
    profile = "mutation($i: ProfileInput!) { updateProfile(input: $i) { id } }"
    wrong = await fields(profile, i={"allergies": ["oats", 7], "birthYear": "1990"})
    assert sorted(wrong) == [("BAD_USER_INPUT", "allergies.1"), ("BAD_USER_INPUT", "birthYear")]

    # Before, a variable in two places, or only inside a named fragment, had no `field`.
    twice = """query($f: Int!) {
      a: products(first: $f) { edges { cursor } } b: articles(first: $f) { edges { cursor } } }"""
    assert await fields(twice, f="x") == [("BAD_USER_INPUT", "first")]  # the same input twice
    apart = """query($n: Int!) {
      products(first: $n) { edges { cursor } } dashboardEvents(afterId: $n) { id } }"""
    assert await fields(apart, n="x") == [("BAD_USER_INPUT", "n")]  # two inputs: the variable
    fragment = """query($lat: Float!) { ...Near }
      fragment Near on Query {
        dermatologists(filter: {near: {lat: $lat, lon: 1}}) { edges { cursor } } }"""
    assert await fields(fragment, lat="north") == [("BAD_USER_INPUT", "filter.near.lat")]
    nested = """query($lat: Float!) { ...A }
      fragment A on Query { health ...B }
      fragment B on Query {
        dermatologists(filter: {near: {lat: $lat, lon: 1}}) { edges { cursor } } }"""
    assert await fields(nested, lat="north") == [("BAD_USER_INPUT", "filter.near.lat")]
    inside = """mutation($i: ProfileInput!) { ...U }
      fragment U on Mutation { updateProfile(input: $i) { id } }"""
    assert await fields(inside, i={"allergies": ["oats", 7]}) == [("BAD_USER_INPUT", "allergies.1")]


async def test_a_dermatologist_looked_up_by_an_unknown_id_is_not_found_as_a_product_is(
    client: GraphQLClient, container: Container
) -> None:
    """Before, `dermatologist(id:)` answered null without an error for an unknown or malformed
    id while `product(id:)`, `analysis(id:)` and the other lookups by id said NOT_FOUND-style
    codes: a client could not tell "no such dermatologist" from a field that failed."""
    doctor = load_dermatologists()[0]
    user = container.accounts.register(doctor.email, PASSWORD, doctor.name, Role.DERMATOLOGIST)
    container.directory.publish(
        replace(doctor, id=user.id, availability=every_day(user.id, doctor.time_zone))
    )
    one = "query($id: ID!) { dermatologist(id: $id) { id name } }"
    found = await client.data(one, id=user.id)
    assert found == {"dermatologist": {"id": user.id, "name": doctor.name}}
    for unknown in ("no-such-doctor", "", "  ", "1 OR 1=1", "é🙂" * 50, "x" * 5_000):
        body = await client.call(one, id=unknown)
        assert body["data"] == {"dermatologist": None}, unknown
        [error] = body["errors"]
        assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}, unknown
        assert error["path"] == ["dermatologist"]
    product = await client.call('{ product(id: "nope") { id } }')
    assert product["errors"][0]["extensions"] == {"code": "PRODUCT_NOT_FOUND", "field": "id"}
    said = {}
    for language in ("en", "fr", "de"):
        body = await post(
            client, {"query": one, "variables": {"id": "nope"}}, **{"accept-language": language}
        )
        said[language] = body["errors"][0]["message"]
    assert said["en"] == "No dermatologist in the directory has this id."
    assert said["fr"] != said["en"] and said["de"] != said["en"]
    assert GENERIC["fr"] != said["fr"] and GENERIC["de"] != said["de"]
