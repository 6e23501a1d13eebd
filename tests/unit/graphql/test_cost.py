"""The cost of an operation: list sizes multiplied, aliases each counted, variables read."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import parse

from metskin.graphql import cost as cost_module
from metskin.graphql.cost import DEFAULT_LIST_SIZE, SLOTS_PER_DAY, operation_cost
from metskin.graphql.schema import build_schema
from metskin.settings import Settings

SCHEMA = build_schema(Settings())._schema
SLOTS = """query($from: DateTime!, $to: DateTime!) {
  %s
}"""
ONE_SLOTS = 'availableSlots(dermatologistId: "d1", from: $from, to: $to) { start end }'


def cost(query: str, **variables: object) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables, page_cap=100)


def test_scalars_cost_one_each_and_introspection_is_free() -> None:
    assert cost("{ health }") == 1
    assert cost("{ health a: health b: health }") == 3
    assert cost("{ __typename __schema { types { name fields { name } } } }") == 0


def test_a_connection_multiplies_by_first_capped_at_the_page_size() -> None:
    page = "{ dermatologists(first: %d) { edges { node { id name } } pageInfo { hasNextPage } } }"
    # 1 (connection) + first * (edges 1 + node 1 + id + name + pageInfo 1 + hasNextPage)
    assert cost(page % 10) == 1 + 10 * 6
    assert cost(page % 100) == 1 + 100 * 6
    assert cost(page % 5000) == cost(page % 100)


def test_first_from_a_variable_or_the_default_counts_the_same() -> None:
    by_variable = "query($n: Int!) { dermatologists(first: $n) { edges { node { id } } } }"
    default = "{ dermatologists { edges { node { id } } } }"  # first defaults to 20
    assert cost(by_variable, n=50) == 1 + 50 * 3
    assert cost(default) == 1 + 20 * 3


def test_available_slots_costs_its_days() -> None:
    week = {"from": "2026-03-02T00:00:00+00:00", "to": "2026-03-09T00:00:00+00:00"}
    quarter = {"from": "2026-03-02T00:00:00+00:00", "to": "2026-06-02T00:00:00+00:00"}
    assert cost(SLOTS % ONE_SLOTS, **week) == 1 + 7 * SLOTS_PER_DAY * 2
    assert cost(SLOTS % ONE_SLOTS, **quarter) == 1 + 92 * SLOTS_PER_DAY * 2
    unreadable = {"from": "not a date", "to": "2026-03-09T00:00:00+00:00"}
    assert cost(SLOTS % ONE_SLOTS, **unreadable) == 1 + 92 * SLOTS_PER_DAY * 2


def test_aliases_each_cost_in_full() -> None:
    quarter = {"from": "2026-03-02T00:00:00+00:00", "to": "2026-06-02T00:00:00+00:00"}
    thirty = " ".join(f"s{i}: {ONE_SLOTS}" for i in range(30))
    assert cost(SLOTS % thirty, **quarter) == 30 * cost(SLOTS % ONE_SLOTS, **quarter)


def test_other_lists_count_a_default_size_and_fragments_count_where_spread() -> None:
    query = """{ myShares { id dermatologist { id } } }"""
    assert cost(query) == 1 + DEFAULT_LIST_SIZE * 3
    with_fragment = """{ myShares { ...S } } fragment S on Share { id dermatologist { id } }"""
    assert cost(with_fragment) == cost(query)


def test_a_fragment_bomb_is_costed_without_walking_it_out() -> None:
    # each fragment spreads the one before twice: each spread counts (an over-estimate, which
    # refuses it), and each fragment is costed once, so this takes microseconds, not 2**40 steps
    lines = ["fragment F0 on Query { health }"]
    lines += [
        f"fragment F{i} on Query {{ a{i}: health ...F{i - 1} b{i}: dermatologist(id: 1) "
        f"{{ ...D{i} }} }} fragment D{i} on Dermatologist {{ id }}"
        for i in range(1, 41)
    ]
    lines = [
        line.replace(f"...F{i - 1} ", f"...F{i - 1} ...F{i - 1} ") for i, line in enumerate(lines)
    ]
    assert cost("{ ...F40 } " + " ".join(lines)) > 2**40


def test_a_known_document_is_costed_once_per_set_of_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walks: list[int] = []
    real = cost_module._Costing.operation

    def counted(self: Any, name: str | None) -> int:
        walks.append(1)
        return real(self, name)

    monkeypatch.setattr(cost_module._Costing, "operation", counted)
    document = parse("query($n: Int!) { dermatologists(first: $n) { edges { node { id } } } }")
    costs = [operation_cost(SCHEMA, document, None, {"n": n}, 100) for n in (5, 50, 5, 50)]
    assert costs == [1 + 5 * 3, 1 + 50 * 3, 1 + 5 * 3, 1 + 50 * 3]
    assert len(walks) == 2
    other = parse("query($n: Int!) { dermatologists(first: $n) { edges { node { id } } } }")
    assert operation_cost(SCHEMA, other, None, {"n": 5}, 100) == 1 + 5 * 3
    assert len(walks) == 3  # another document object is walked: documents are kept by identity
    listed = {"n": 5, "ids": ["a"]}  # a variable that is not a scalar: costed every time
    operation_cost(SCHEMA, document, None, listed, 100)
    operation_cost(SCHEMA, document, None, listed, 100)
    assert len(walks) == 5
