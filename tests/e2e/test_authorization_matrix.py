"""The authorization matrix (issue 13, point 8): every field of the running schema, as each of
six personas, against the rule table in tests/e2e/authz_rules.py.

The fields come from the schema itself: every root field of Query, Mutation and Subscription,
and every object field with a resolver of its own. A field without a rule fails the test. Each
rule runs as every persona; an answer that is allowed but only the persona's own must hold
nothing of P's (ids, email, name); a dermatologist's read of P's data must reach P's access log.
Queries and object fields share one world; each mutation gets a fresh world and runs the
non-owners first. Subscriptions go over graphql-transport-ws.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, is_object_type
from starlette.testclient import TestClient

from metskin.graphql.app import create_app
from metskin.graphql.schema import build_schema
from tests.e2e.authz_rules import (
    AFTER_REVOKE,
    MUTATIONS,
    OBJECT_FIELDS,
    QUERIES,
    RULES,
    SUBSCRIPTIONS,
    Rule,
)
from tests.e2e.authz_world import PERSONAS, World, build_world, template_database
from tests.e2e.conftest import ws_init, ws_subscribe
from tests.media_samples import face_jpeg


def fields_needing_rules(schema: GraphQLSchema) -> list[str]:
    """Every root field, and every object field that has a resolver of its own."""
    roots = [schema.query_type, schema.mutation_type, schema.subscription_type]
    found = [f"{root.name}.{name}" for root in roots if root for name in root.fields]
    for type_ in schema.type_map.values():
        if not is_object_type(type_) or type_ in roots or type_.name.startswith("__"):
            continue
        for name, field in type_.fields.items():  # type: ignore[attr-defined]
            definition = (field.extensions or {}).get("strawberry-definition")
            if definition is not None and definition.base_resolver is not None:
                found.append(f"{type_.name}.{name}")
    return found


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with template_database(tmp_path_factory.mktemp("authz")) as path:
        yield path


def test_every_field_of_the_schema_has_a_rule() -> None:
    fields = fields_needing_rules(build_schema()._schema)
    object_fields = [
        f for f in fields if f.split(".")[0] not in ("Query", "Mutation", "Subscription")
    ]
    missing = sorted(set(fields) - set(RULES))
    stale = sorted(set(RULES) - set(fields))
    print(f"authorization matrix: {len(fields)} fields, {len(object_fields)} object fields")
    assert not missing, f"fields without an authorization rule: {missing}"
    assert not stale, f"rules for fields the schema no longer has: {stale}"
    assert len(object_fields) >= 16
    audited = {name for name, rule in RULES.items() if rule.audited}
    assert audited == set(AFTER_REVOKE), "each audited read needs its cell after a revoke"


# --- judging one answer -------------------------------------------------------------------


def holds_p(value: Any, markers: set[str]) -> bool:
    text = json.dumps(value)
    return any(marker in text for marker in markers)


def has_value(data: Any, key: str) -> bool:
    """Whether `key` holds a non-empty value somewhere in the answer."""
    if isinstance(data, dict):
        return any((k == key and v not in (None, [])) or has_value(v, key) for k, v in data.items())
    if isinstance(data, list):
        return any(has_value(item, key) for item in data)
    return False


def observe(body: dict[str, Any], markers: set[str]) -> str:
    """What the answer is, in the table's words: an error code, `P` or `ok`."""
    errors = body.get("errors") or []
    if errors:
        codes = {(e.get("extensions") or {}).get("code") or "NO_CODE" for e in errors}
        return "/".join(sorted(codes))
    return "P" if holds_p(body.get("data"), markers) else "ok"


def judge(rule: Rule, who: str, body: dict[str, Any], world: World, audited: bool) -> list[str]:
    """The ways the answer breaks the rule's cell."""
    expected, markers = rule.cells[who], world.markers()
    seen = observe(body, markers)
    where = f"{rule.field} as {who}"
    problems = []
    if who == "P" and expected == "ok":
        expected = seen if seen in ("ok", "P") else "ok"
    if seen != expected:
        problems.append(f"{where}: expected {expected}, got {seen}: {json.dumps(body)[:300]}")
    if who != "P" and expected != "P" and holds_p(body, markers):
        problems.append(f"{where}: P's data in the answer: {json.dumps(body)[:300]}")
    if expected == "P" and seen == "P" and not has_value(body.get("data"), rule.target):
        problems.append(f"{where}: {rule.target} is empty: {json.dumps(body)[:300]}")
    if rule.audited and who == "D1" and expected == "P" and not audited:
        problems.append(f"{where}: the read is not in P's access log")
    return problems


# --- sending ------------------------------------------------------------------------------

PHOTO = face_jpeg(256)


async def send(http: httpx.AsyncClient, rule: Rule, world: World, who: str) -> dict[str, Any]:
    token = world.tokens.get(who)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    query, variables = rule.document_for(who), rule.variables(world, who)
    if rule.upload:
        operations = {"query": query, "variables": {**variables, "file": None}}
        response = await http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
            files={"0": ("face.jpg", PHOTO, "image/jpeg")},
            headers=headers,
        )
    else:
        body = {"query": query, "variables": variables}
        response = await http.post("/graphql", json=body, headers=headers)
    assert response.status_code < 500, response.text
    return response.json()


async def run_as(rule: Rule, world: World, who: str) -> tuple[str, list[str]]:
    """One cell: the answer in the table's words and what is wrong with it."""
    transport = httpx.ASGITransport(app=create_app(world.container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        before = world.p_access_reads()
        body = await send(http, rule, world, who)
        audited = world.p_access_reads() > before
    return observe(body, world.markers()), judge(rule, who, body, world, audited)


def after_revoke(rule: Rule, body: dict[str, Any], world: World) -> tuple[str, list[str]]:
    """D1's answer once P revoked the share, against AFTER_REVOKE."""
    expected, seen = AFTER_REVOKE[rule.field], observe(body, world.markers())
    if seen == "P" and not has_value(body.get("data"), rule.target):
        seen = "P-"
    wrong = [] if seen == expected else [f"{rule.field} as D1 after revoke: expected {expected}"]
    return seen, [f"{w}, got {seen}: {json.dumps(body)[:300]}" for w in wrong]


def revoke_p_share(world: World) -> None:
    world.container.sharing.revoke(world.id("P"), world.p["share"])


def print_matrix(title: str, rows: dict[str, dict[str, str]]) -> None:
    width = max(len(name) for name in rows)
    print(f"\n{title}\n{'field':<{width}}  " + "  ".join(f"{p:<21}" for p in PERSONAS))
    for name, cells in rows.items():
        print(f"{name:<{width}}  " + "  ".join(f"{cells[p]:<21}" for p in PERSONAS))


def world_in(tmp_path: Path, template: Path, name: str) -> World:
    return build_world(tmp_path, template, name.replace(".", "-"))


# --- the matrix ---------------------------------------------------------------------------


async def test_queries_and_object_fields_as_every_persona(tmp_path: Path, template: Path) -> None:
    world = world_in(tmp_path, template, "reads")
    rows: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    reads = [*QUERIES, *OBJECT_FIELDS]
    try:
        for rule in reads:
            rows[rule.field] = {}
            for who in PERSONAS:
                seen, wrong = await run_as(rule, world, who)
                rows[rule.field][who] = seen
                problems += wrong
        revoke_p_share(world)
        for rule in (r for r in reads if r.field in AFTER_REVOKE):
            transport = httpx.ASGITransport(app=create_app(world.container))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                body = await send(http, rule, world, "D1")
            rows[rule.field]["D1"] += f" / revoked: {after_revoke(rule, body, world)[0]}"
            problems += after_revoke(rule, body, world)[1]
    finally:
        world.container.close()
    print_matrix(f"queries and object fields: {len(rows)} x {len(PERSONAS)}", rows)
    assert not problems, "\n".join(problems)


async def test_mutations_as_every_persona_on_a_fresh_world(tmp_path: Path, template: Path) -> None:
    rows: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for rule in MUTATIONS:
        world = world_in(tmp_path, template, rule.field)
        rows[rule.field] = {}
        try:
            for who in [*(p for p in PERSONAS if p != rule.owner), rule.owner]:
                seen, wrong = await run_as(rule, world, who)
                rows[rule.field][who] = seen
                problems += wrong
        finally:
            world.container.close()
    print_matrix(f"mutations: {len(rows)} x {len(PERSONAS)}", rows)
    assert not problems, "\n".join(problems)


def first_answer(http: TestClient, rule: Rule, world: World, who: str) -> dict[str, Any]:
    """The first message a subscription sends, as a GraphQL answer."""
    token = world.tokens.get(who)
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_json(ws_init(token) if token else {"type": "connection_init", "payload": {}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json(ws_subscribe(rule.document, **rule.variables(world, who)))
        message = ws.receive_json()
    if message["type"] == "error":
        return {"errors": message["payload"]}
    assert message["type"] == "next", message
    return dict(message["payload"])


def test_subscriptions_as_every_persona(tmp_path: Path, template: Path) -> None:
    world = world_in(tmp_path, template, "subscriptions")
    rows: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    try:
        with TestClient(create_app(world.container)) as http:
            for rule in SUBSCRIPTIONS:
                rows[rule.field] = {}
                for who in PERSONAS:
                    before = world.p_access_reads()
                    body = first_answer(http, rule, world, who)
                    audited = world.p_access_reads() > before
                    rows[rule.field][who] = observe(body, world.markers())
                    problems += judge(rule, who, body, world, audited)
            revoke_p_share(world)
            for rule in (r for r in SUBSCRIPTIONS if r.field in AFTER_REVOKE):
                seen, wrong = after_revoke(rule, first_answer(http, rule, world, "D1"), world)
                rows[rule.field]["D1"] += f" / revoked: {seen}"
                problems += wrong
    finally:
        world.container.close()
    print_matrix(f"subscriptions: {len(rows)} x {len(PERSONAS)}", rows)
    assert not problems, "\n".join(problems)
