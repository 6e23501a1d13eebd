"""A document seen before is neither parsed nor validated again, and the limits still hold
(issue 17)."""

from __future__ import annotations

from collections import Counter

import pytest

from metskin.graphql.schema import build_schema, limit_rules
from metskin.settings import Settings
from tests.document_work import count_document_work


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    return count_document_work(monkeypatch)


async def test_a_repeated_document_is_parsed_and_validated_once(work: Counter[str]) -> None:
    schema = build_schema(Settings())
    query = "{ health a: health }"
    for _ in range(4):
        result = await schema.execute(query)
        assert result.errors is None
        assert result.data == {"health": True, "a": True}
    assert work == {"parse": 1, "validate": 1}
    other = await schema.execute("{ health }")  # another text: its own parse and validation
    assert other.data == {"health": True}
    assert work == {"parse": 2, "validate": 2}


async def test_a_refused_document_stays_refused_from_the_cache(work: Counter[str]) -> None:
    schema = build_schema(Settings(max_query_depth=1))
    for _ in range(3):
        deep = await schema.execute("{ me { profile { timeZone } } }")
        assert deep.errors and "exceeds maximum operation depth" in deep.errors[0].message
    assert work == {"parse": 1, "validate": 1}


async def test_a_document_over_the_token_limit_is_refused_every_time(work: Counter[str]) -> None:
    schema = build_schema(Settings(max_query_tokens=5))
    for _ in range(2):
        result = await schema.execute("{ a: health b: health c: health }")
        assert result.errors and "token" in result.errors[0].message.lower()
    assert work["validate"] == 0  # never parsed, so never kept


def test_the_store_keeps_at_most_its_size() -> None:
    schema = build_schema(Settings())
    store = schema.documents
    store.max_documents = 2
    for name in ("a", "b", "c"):
        schema.execute_sync(f"{{ {name}: health }}")
    assert len(store) == 2
    assert store.get("{ a: health }") is None
    assert store.get("{ c: health }") is not None


def test_the_limit_rules_are_built_once_per_pair_of_limits() -> None:
    assert limit_rules(12, 15) is limit_rules(12, 15)
    assert limit_rules(12, 15) is not limit_rules(13, 15)


async def test_depth_and_alias_limits_still_refuse() -> None:
    schema = build_schema(Settings(max_query_depth=1, max_aliases=3))
    deep = await schema.execute("{ me { profile { timeZone } } }")
    assert deep.errors and "exceeds maximum operation depth" in deep.errors[0].message
    flood = await schema.execute("{ a: health b: health c: health d: health }")
    assert flood.errors and "aliases" in flood.errors[0].message.lower()
