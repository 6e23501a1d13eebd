"""Automatic persisted queries: a known document travels as its hash and is neither parsed nor
validated again (issue 17, point 2)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from strawberry.http import GraphQLRequestData

from metskin.graphql.persisted import PersistedQueries
from tests.document_work import count_document_work
from tests.e2e.conftest import GraphQLClient

QUERY = "query Catalog($n: Int!) { products(first: $n) { edges { node { id } } } health }"
HASH = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str = HASH, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def post(client: GraphQLClient, **body: Any) -> dict[str, Any]:
    response = await client.http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_an_unknown_hash_is_not_found_then_the_query_is_kept_under_it(
    client: GraphQLClient,
) -> None:
    missing = await post(client, extensions=persisted(), variables={"n": 2})
    assert missing["errors"][0]["message"] == "PersistedQueryNotFound"
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    full = await post(client, query=QUERY, extensions=persisted(), variables={"n": 2})
    assert "errors" not in full and full["data"]["health"] is True
    by_hash = await post(client, extensions=persisted(), variables={"n": 2})
    assert by_hash == full
    upper = await post(client, extensions=persisted(HASH.upper()), variables={"n": 2})
    assert upper == full

    response = await client.http.get(
        "/graphql",
        params={"extensions": json.dumps(persisted()), "variables": json.dumps({"n": 2})},
        headers={"accept": "application/json"},
    )
    assert response.json() == full


async def test_a_known_hash_is_neither_parsed_nor_validated_again(
    client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await post(client, query=QUERY, extensions=persisted(), variables={"n": 1})
    done = count_document_work(monkeypatch)
    for n in (1, 2, 3):
        result = await post(client, extensions=persisted(), variables={"n": n})
        assert len(result["data"]["products"]["edges"]) <= n
    assert done == {}
    await post(client, query="{ health }")  # the counting is live: a new text is parsed
    assert done == {"parse": 1, "validate": 1}


async def test_a_hash_that_does_not_match_the_query_is_refused_and_not_kept(
    client: GraphQLClient,
) -> None:
    wrong = hashlib.sha256(b"{ health }").hexdigest()
    refused = await post(client, query=QUERY, extensions=persisted(wrong), variables={"n": 1})
    assert refused["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    still_missing = await post(client, extensions=persisted(wrong))
    assert still_missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extensions",
    [persisted(version=2), {"persistedQuery": "yes"}, {"persistedQuery": {"version": 1}}],
)
async def test_a_malformed_persisted_query_gets_a_coded_error(
    client: GraphQLClient, extensions: dict[str, Any]
) -> None:
    refused = await post(client, extensions=extensions)
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_the_store_keeps_the_most_recently_used_documents() -> None:
    store = PersistedQueries(max_documents=2)
    queries = ["{ a }", "{ b }", "{ c }"]
    digests = [hashlib.sha256(q.encode()).hexdigest() for q in queries]

    def send(query: str | None, digest: str) -> GraphQLRequestData:
        request = GraphQLRequestData(query, None, None, persisted(digest))
        assert store.resolve(request) is None or query is None
        return request

    send(queries[0], digests[0])
    send(queries[1], digests[1])
    assert send(None, digests[0]).query == queries[0]  # used: now the newest
    send(queries[2], digests[2])  # evicts b, the least recently used
    assert len(store) == 2
    assert send(None, digests[0]).query == queries[0]
    gone = GraphQLRequestData(None, None, None, persisted(digests[1]))
    assert store.resolve(gone) is not None and gone.query is None
