"""FastExecutionContext gives graphql-core's results, errors and paths, fast path or not."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry

from metskin.graphql.execution import FastExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Tag:
    name: str
    weight: float | None


@strawberry.type
class Item:
    id: strawberry.ID
    name: str
    count: int
    ratio: float
    on: bool
    colour: Colour
    words: list[str]
    maybe_words: list[str | None] | None
    tag: Tag
    tags: list[Tag]
    maybe_tag: Tag | None

    @strawberry.field
    async def later(self) -> str:
        return self.name.upper()


def item(**changes: Any) -> Item:
    values: dict[str, Any] = {
        "id": "i1",
        "name": "n",
        "count": 3,
        "ratio": 0.5,
        "on": True,
        "colour": Colour.RED,
        "words": ["a", "b"],
        "maybe_words": ["c", None],
        "tag": Tag(name="t", weight=1.5),
        "tags": [Tag(name="u", weight=None), Tag(name="v", weight=2)],
        "maybe_tag": None,
    }
    values.update(changes)
    it = Item.__new__(Item)
    it.__dict__.update(values)
    return it


def schema(items: list[Item], fast: bool) -> strawberry.Schema:
    @strawberry.type
    class Query:
        @strawberry.field
        def items(self) -> list[Item | None]:
            return items

        @strawberry.field
        def first(self) -> Item:
            return items[0]

    kwargs: dict[str, Any] = {"execution_context_class": FastExecutionContext} if fast else {}
    return strawberry.Schema(query=Query, **kwargs)


QUERY = """{
  items { id name count ratio on colour words maybeWords later
          tag { name weight } tags { name weight } maybeTag { name } }
  first { name tags { name } }
}"""

CASES: dict[str, dict[str, Any]] = {
    "ordinary": {},
    "null in a non-null leaf": {"name": None},
    "int out of range": {"count": 2**40},
    "not a number": {"ratio": "x"},
    "float for an int": {"count": 2.5},
    "int for a float": {"ratio": 2},
    "number for an id": {"id": 7},
    "null in a non-null list": {"words": None},
    "null in a list of non-null": {"words": ["a", None]},
    "not a list": {"words": 5},
    "a number in a list of strings": {"words": [1, "b"], "maybe_words": ["c", 2.5]},
    "a tuple of strings": {"words": ("a", "b")},
    "a bool in a list of strings": {"words": ["a", True]},
    "null non-null object": {"tag": None},
    "null item in a non-null object list": {"tags": [Tag(name="u", weight=1), None]},
    "null inside an object of a list": {"tags": [Tag(name=None, weight=1)]},  # type: ignore[arg-type]
    "missing attribute": {"tag": object()},
    "wrong enum": {"colour": "green"},
    "error object": {"tag": ValueError("boom")},
}
COERCED = {  # served, no error
    "ordinary",
    "int for a float",
    "number for an id",
    "a number in a list of strings",
    "a tuple of strings",
    "a bool in a list of strings",
}


def shape(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    errors = sorted((error.message, error.path) for error in result.errors or ())
    return result.data, errors


# Without `later` (a resolver), every selection is plain: an item is completed in one go, and
# on an unusual value field by field.
PLAIN_QUERY = QUERY.replace(" later", "")


@pytest.mark.parametrize("query", [QUERY, PLAIN_QUERY], ids=["with a resolver", "all plain"])
@pytest.mark.parametrize("case", CASES)
async def test_the_same_result_as_graphql_core(case: str, query: str) -> None:
    items = [item(), item(**CASES[case]), item(id="i3")]
    slow = await schema(items, fast=False).execute(query)
    fast = await schema(items, fast=True).execute(query)
    assert shape(fast) == shape(slow)
    assert bool(slow.errors) is (case not in COERCED)  # the others are refused


async def test_only_fields_with_resolvers_take_graphql_cores_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names: list[str] = []
    real = FastExecutionContext.execute_field

    def execute_field(self: Any, parent: Any, source: Any, details: Any, *rest: Any) -> Any:
        names.append(details[0].node.name.value)
        return real(self, parent, source, details, *rest)

    monkeypatch.setattr(FastExecutionContext, "execute_field", execute_field)
    result = await schema([item(), item(), item()], fast=True).execute(QUERY)
    assert result.errors is None
    assert sorted(names) == ["first", "items", "later", "later", "later"]
    names.clear()
    await schema([item(), item(name=None)], fast=True).execute(QUERY)
    assert names.count("name") == 1  # the null non-null name goes through graphql-core
