"""A document seen before is not validated again, and the limits still hold (issue 17)."""

from __future__ import annotations

from strawberry.extensions.validation_cache import _get_validate_cache

from metskin.graphql.schema import build_schema, limit_rules
from metskin.settings import Settings

CACHE_SIZE = 512  # as configured in build_schema


async def test_a_repeated_document_is_validated_once() -> None:
    schema = build_schema(Settings())
    cache = _get_validate_cache(CACHE_SIZE)
    query = "{ health a: health }"
    assert (await schema.execute(query)).data == {"health": True, "a": True}
    before = cache.cache_info()
    for _ in range(3):
        assert (await schema.execute(query)).errors is None
    after = cache.cache_info()
    assert after.hits - before.hits == 3
    assert after.misses == before.misses


def test_the_limit_rules_are_built_once_per_pair_of_limits() -> None:
    assert limit_rules(12, 15) is limit_rules(12, 15)
    assert limit_rules(12, 15) is not limit_rules(13, 15)


async def test_depth_and_alias_limits_still_refuse() -> None:
    schema = build_schema(Settings(max_query_depth=1, max_aliases=3))
    deep = await schema.execute("{ me { profile { timeZone } } }")
    assert deep.errors and "exceeds maximum operation depth" in deep.errors[0].message
    flood = await schema.execute("{ a: health b: health c: health d: health }")
    assert flood.errors and "aliases" in flood.errors[0].message.lower()
