"""Per-request cost of the GraphQL layer on a query that needs no database: the schema as built
(limit rules made once, so the validation cache hits) against the same schema with strawberry's
stock QueryDepthLimiter and MaxAliasesLimiter (a new rule class per request: every request is
validated again). Both run in this process, interleaved, so they share the machine's state.

    .venv/bin/python bench/validation_bench.py [--runs 7] [--requests 400]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from functools import partial

import strawberry
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from metskin.graphql.errors import MaskUnexpectedErrors
from metskin.graphql.schema import Mutation, Query, Subscription, build_schema
from metskin.settings import Settings

DOCUMENT = "{ health __typename }"


def stock_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.max_query_depth),
            partial(MaxTokensLimiter, max_token_count=settings.max_query_tokens),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
            partial(ParserCache, maxsize=512),
            partial(ValidationCache, maxsize=512),
            MaskUnexpectedErrors,
        ],
    )


def per_request_us(schema: strawberry.Schema, requests: int) -> float:
    """Async execution, as the server runs it (the schema's limits hook is async)."""

    async def run() -> float:
        started = time.perf_counter()
        for _ in range(requests):
            result = await schema.execute(DOCUMENT)
            assert result.errors is None, result.errors
        return (time.perf_counter() - started) / requests * 1e6

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    settings = Settings()
    contenders = {"as built": build_schema(settings), "stock limiters": stock_schema(settings)}
    timings: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(args.runs):
        for name, schema in contenders.items():
            timings[name].append(per_request_us(schema, args.requests))
    for name, values in timings.items():
        print(
            f"{name:15s} median {statistics.median(values):7.0f} us per request "
            f"(min {min(values):.0f}, max {max(values):.0f}, {args.runs} runs)"
        )
    ratio = statistics.median(timings["stock limiters"]) / statistics.median(timings["as built"])
    print(f"stock / as built: {ratio:.1f}x")


if __name__ == "__main__":
    main()
