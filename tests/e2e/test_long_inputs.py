"""Text too long for the column that keeps it is a coded error on MariaDB too, where a
VARCHAR refuses what SQLite stores (issue 13, point 3, on the second database).

Every String and ID argument and input field of every query and mutation (from the schema:
tests/e2e/schema_walk.py) gets texts of 256 to 60,000 characters (4-byte emoji and 2-byte
letters among them), the other inputs valid, as a patient, a dermatologist and an admin."""

from __future__ import annotations

import uuid
from collections import Counter
from functools import partial

import httpx
import pytest
from graphql import GraphQLSchema

from metskin.bootstrap import Container
from metskin.cli.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_all
from metskin.graphql.app import create_app
from metskin.graphql.schema import build_schema
from tests.e2e.schema_walk import arguments, document, is_input_path, targets
from tests.e2e.test_bad_inputs import Sender, known_values, problems, tokens

LONG_TEXTS = ["a" * 256, "é" * 1000, "\U0001f9f4" * 2000, "a" * 60_000]


@pytest.mark.mariadb
@pytest.mark.parametrize("database_url", ["mariadb"], indirect=True)
async def test_every_text_input_too_long_for_its_column_gets_a_code(container: Container) -> None:
    """Before: a practice's name, address or city over its column was INTERNAL_ERROR."""
    list(seed_all(container))
    schema: GraphQLSchema = build_schema(container.settings)._schema
    known = known_values(container)
    known["id"] = container.accounts.login(DEMO_ACCOUNTS[1][0], DEMO_PASSWORD).user.id
    walked = [t for t in targets(schema) if t.type_name in ("String", "ID")]
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        sender = Sender(http)
        viewers = await tokens(sender)
        failures: Counter[str] = Counter()
        for target in walked:
            query = document(schema, target)
            names = partial(is_input_path, schema, target.operation, target.field)
            for value in LONG_TEXTS:
                for role, token in viewers.items():
                    known["email"] = f"long-{uuid.uuid4().hex[:8]}@example.com"
                    body = await sender.post(query, arguments(schema, target, value, known), token)
                    for problem in problems(body, names):
                        where = f"{target.field}({'.'.join(target.path)}: {len(value)})"
                        failures[f"{where} {role}: {problem[:160]}"] += 1
    print(f"long texts: {len(walked)} text inputs, {sender.sent} requests")
    assert not failures, "\n".join(sorted(failures))
