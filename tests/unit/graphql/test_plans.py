"""Execution plans are kept across requests for a known document without directives."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import ExecutionResult, OperationDefinitionNode, execute, parse

from metskin.graphql.execution import FastExecutionContext
from metskin.graphql.plans import PlanStore, is_static, plan_store


@strawberry.type
class Tag:
    name: str


@strawberry.type
class Item:
    name: str
    tags: list[Tag]


ITEMS = [Item(name="a", tags=[Tag(name="x")]), Item(name="b", tags=[])]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS


SCHEMA = strawberry.Schema(query=Query, execution_context_class=FastExecutionContext)


def run(document: Any, variables: dict[str, Any] | None = None) -> ExecutionResult:
    result = execute(
        SCHEMA._schema,
        document,
        variable_values=variables,
        executor_class=FastExecutionContext,
    )
    assert isinstance(result, ExecutionResult)
    return result


def store() -> PlanStore:
    return plan_store(SCHEMA._schema)


def test_a_repeated_document_is_planned_once() -> None:
    document = parse("{ items { name tags { name } } alias: items { name } }")
    first = run(document)
    built = store().built
    assert built >= 3  # the root, the items (twice: two selections) and their tags
    for _ in range(3):
        assert run(document) == first
    assert store().built == built
    assert first.data == {
        "items": [{"name": "a", "tags": [{"name": "x"}]}, {"name": "b", "tags": []}],
        "alias": [{"name": "a"}, {"name": "b"}],
    }


def test_the_same_text_parsed_again_is_planned_again() -> None:
    text = "{ items { tags { name } } }"
    run(parse(text))
    built = store().built
    run(parse(text))  # another document object: the store keeps plans by node identity
    assert store().built > built


def test_a_document_whose_collection_depends_on_variables_is_planned_per_request() -> None:
    document = parse("query($on: Boolean!) { items { name tags @include(if: $on) { name } } }")
    with_tags = run(document, {"on": True})
    built = store().built
    without = run(document, {"on": False})
    assert store().built > built
    assert with_tags.data == {
        "items": [{"name": "a", "tags": [{"name": "x"}]}, {"name": "b", "tags": []}]
    }
    assert without.data == {"items": [{"name": "a"}, {"name": "b"}]}
    assert run(document, {"on": True}) == with_tags


def test_only_queries_are_kept() -> None:
    query, mutation = parse("{ items { name } }"), parse("mutation { items { name } }")
    assert store().for_operation(operation(query), {}).kept
    assert not store().for_operation(operation(mutation), {}).kept


def test_the_store_is_bounded() -> None:
    small = PlanStore(max_operations=2)
    operations = [operation(parse("{ items { name } }")) for _ in range(3)]
    kept = [small.for_operation(op, {}) for op in operations]
    assert all(plans.kept for plans in kept)
    assert small.for_operation(operations[2], {}) is kept[2]
    assert small.for_operation(operations[0], {}) is not kept[0]  # evicted, kept again fresh


def operation(document: Any) -> OperationDefinitionNode:
    node = document.definitions[0]
    assert isinstance(node, OperationDefinitionNode)
    return node


def fragments(document: Any) -> dict[str, Any]:
    return {d.name.value: d for d in document.definitions[1:]}


def test_which_operations_are_static() -> None:
    static = parse("query Q { items { ...F ... on Item { name } } } fragment F on Item { name }")
    assert is_static(operation(static), fragments(static))
    for text in (
        "query Q @cached { items { name } }",
        "{ items { name @skip(if: true) } }",
        "{ items { ... on Item @include(if: false) { name } } }",
        "{ items { ...F @include(if: false) } } fragment F on Item { name }",
        "{ items { ...F } } fragment F on Item @x { name }",
        "{ items { ...F } } fragment F on Item { tags { name @skip(if: true) } }",
    ):
        document = parse(text)
        assert not is_static(operation(document), fragments(document)), text
