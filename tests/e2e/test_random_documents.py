"""Random GraphQL documents from the schema (issue 13, point 8): zero 5xx, every error coded.

Seeded documents (tests/e2e/random_documents.py) are posted to the embedded app (SQLite,
in-process) as anonymous, a patient, a dermatologist and an admin. 500 in the suite;
`METSKIN_RANDOM_DOCUMENTS=5000` for the full run (figures in docs/reliability.md).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter
from typing import Any

import httpx

from metskin.bootstrap import Container
from metskin.cli.seed import seed_all
from metskin.graphql.app import create_app
from metskin.graphql.schema import build_schema
from tests.e2e.random_documents import DocumentMaker
from tests.e2e.test_bad_inputs import Sender, known_values, tokens
from tests.e2e.test_bad_inputs import database_url as database_url  # SQLite only

COUNT = int(os.environ.get("METSKIN_RANDOM_DOCUMENTS", "500"))
SEED = int(os.environ.get("METSKIN_RANDOM_SEED", "13"))
BEFORE_EXECUTION = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}


def outcome(body: Any) -> tuple[str, list[str]]:
    """How the document ended (data, refused before execution, or errors while executing) and
    any error without a code or with INTERNAL_ERROR."""
    errors = body.get("errors") or []
    codes = [(e.get("extensions") or {}).get("code") for e in errors]
    wrong = [f"{c}: {e.get('message')}" for c, e in zip(codes, errors, strict=True)]
    wrong = [w for c, w in zip(codes, wrong, strict=True) if not c or c == "INTERNAL_ERROR"]
    if not errors:
        return "data", wrong
    if set(codes) <= BEFORE_EXECUTION and body.get("data") is None:
        return "refused before execution", wrong
    return "errors while executing", wrong


async def test_random_documents_get_no_5xx_and_only_coded_errors(container: Container) -> None:
    list(seed_all(container))
    schema = build_schema(container.settings)._schema
    maker = DocumentMaker(schema, random.Random(SEED), known_values(container))
    transport = httpx.ASGITransport(app=create_app(container))
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        sender = Sender(http)  # it fails on any 5xx
        viewers = [None, *(await tokens(sender)).values()]
        for number in range(COUNT):
            document, variables = maker.make()
            body = await sender.post(document, variables, viewers[number % len(viewers)])
            ended, wrong = outcome(body)
            outcomes[ended] += 1
            failures += [
                f"{w[:200]}\n  {document[:400]} {json.dumps(variables)[:200]}" for w in wrong
            ]
    elapsed = time.perf_counter() - started
    print(f"\nrandom documents (seed {SEED}): {COUNT} in {elapsed:.1f} s: {dict(outcomes)}")
    assert not failures, "\n".join(failures[:30])
    assert outcomes["data"] > COUNT // 20 and outcomes["refused before execution"] > COUNT // 20
