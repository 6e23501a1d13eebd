"""Arguments written as literals in a kept query are converted once per field node; every call
gets its own copies, variables and errors behave as before."""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import pytest
import strawberry
from graphql import ExecutionResult, execute, parse
from strawberry.permission import BasePermission
from strawberry.types import Info

from metskin.graphql.arguments import direct_call, fresh
from metskin.graphql.execution import FastExecutionContext
from metskin.graphql.input_conversion import convert_inputs_plainly


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.input
class Point:
    x: float
    y: float = 0.0


@strawberry.input
class Search:
    word: str | None = None
    colour: Colour | None = None
    near: Point | None = None
    tags: list[str] | None = None


class Closed(BasePermission):
    message = "closed"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return False


SEEN: list[Search] = []


@strawberry.type
class Query:
    @strawberry.field
    async def find(self, info: Info, search: Search, first: int = 3) -> str:
        """Changes what it was given: no other call may see the change."""
        SEEN.append(search)
        assert search.tags is not None and search.near is not None
        near = f"{search.near.x},{search.near.y}"
        said = f"{search.word}:{search.colour}:{near}:{search.tags}:{first}"
        search.tags.append("changed")
        search.near.x = -1.0
        search.word = "changed"
        return f"{said}:{info.field_name}"

    @strawberry.field
    def plain(self, n: int) -> int:
        return n * 2

    @strawberry.field(permission_classes=[Closed])
    def guarded(self, n: int) -> int:
        return n

    @strawberry.field
    def identified(self, id: strawberry.relay.GlobalID) -> str:
        return id.node_id


SCHEMA = strawberry.Schema(query=Query, execution_context_class=FastExecutionContext)
convert_inputs_plainly(SCHEMA)
FIND = (
    '{ find(search: {word: "w", colour: RED, near: {x: 1.5}, tags: ["a", "b"]}, first: 2) '
    "plain(n: 4) }"
)


def run(document: Any, variables: dict[str, Any] | None = None) -> ExecutionResult:
    async def go() -> ExecutionResult:
        result = execute(
            SCHEMA._schema,
            document,
            variable_values=variables,
            executor_class=FastExecutionContext,
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return result

    return asyncio.run(go())


def node_of(text: str) -> Any:
    return parse(text).definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]


def test_a_kept_query_gives_each_call_its_own_input_objects() -> None:
    document, SEEN[:] = parse(FIND), []
    results = [run(document) for _ in range(3)]
    expected = {"find": "w:Colour.RED:1.5,0.0:['a', 'b']:2:find", "plain": 8}
    assert all(result.errors is None and result.data == expected for result in results)
    assert len({id(search) for search in SEEN}) == 3
    assert len({id(search.tags) for search in SEEN}) == 3
    assert len({id(search.near) for search in SEEN}) == 3


def test_literal_fields_take_the_direct_call_and_variables_do_not() -> None:
    field = SCHEMA._schema.query_type.fields["find"]  # type: ignore[union-attr]
    assert direct_call(SCHEMA, field, node_of(FIND)) is not None
    with_variable = "query($w: String) { find(search: {word: $w, near: {x: 1}, tags: []}) }"
    assert direct_call(SCHEMA, field, node_of(with_variable)) is None


def test_variables_still_give_each_request_its_values() -> None:
    document = parse("query($s: Search!, $n: Int!) { find(search: $s, first: $n) plain(n: $n) }")
    first = run(document, {"s": {"word": "v", "near": {"x": 2}, "tags": []}, "n": 5})
    second = run(document, {"s": {"word": "u", "near": {"x": 3}, "tags": ["t"]}, "n": 6})
    assert first.data == {"find": "v:None:2.0,0.0:[]:5:find", "plain": 10}
    assert second.data == {"find": "u:None:3.0,0.0:['t']:6:find", "plain": 12}


@pytest.mark.parametrize(
    ("field", "text", "error"),
    [
        ("guarded", "{ guarded(n: 1) }", "closed"),  # a permission: Strawberry's path
        ("identified", '{ identified(id: "not a global id") }', None),  # does not convert
    ],
)
def test_strawberrys_path_reports_its_errors_on_every_request(
    field: str, text: str, error: str | None
) -> None:
    definition = SCHEMA._schema.query_type.fields[field]  # type: ignore[union-attr]
    assert direct_call(SCHEMA, definition, node_of(text)) is None
    document = parse(text)
    for _ in range(2):
        result = run(document)
        assert result.data is None and result.errors is not None
        assert error is None or result.errors[0].message == error


def test_fresh_copies_what_can_change_and_keeps_the_rest() -> None:
    search = Search(word="w", colour=Colour.BLUE, near=Point(x=1.0), tags=["a"])
    copied = fresh({"search": search, "n": 3})["search"]
    assert copied == search and copied is not search
    assert copied.near is not search.near and copied.tags is not search.tags
    assert copied.word is search.word and copied.colour is search.colour
    payload = {"deep": [1, {"x": 2}]}
    assert fresh(payload) == payload and fresh(payload)["deep"] is not payload["deep"]


@pytest.mark.parametrize("value", [None, 1, 2.5, "s", True, Colour.RED])
def test_fresh_keeps_immutable_values(value: Any) -> None:
    assert fresh(value) is value
