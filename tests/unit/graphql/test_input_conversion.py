"""Inputs built plainly (`input_conversion`) equal Strawberry's own conversion, for every input
type of the schema and for the kinds of field it has none of yet; new for every request."""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    coerce_input_value,
)
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition

from metskin.graphql import input_conversion
from metskin.graphql.input_conversion import build_input, convert_inputs_plainly
from metskin.graphql.inputs import SCALAR_OVERRIDES
from metskin.graphql.schema import build_schema
from metskin.settings import Settings

SCHEMA = build_schema(Settings())
INPUTS = {
    name: type_
    for name, type_ in SCHEMA._schema.type_map.items()
    if isinstance(type_, GraphQLInputObjectType)
}
# Values as a client sends them in variables, two of each scalar the inputs use.
SAMPLES: dict[str, tuple[Any, Any]] = {
    "String": ("text", ""),
    "ID": ("7f0c", "42"),
    "Int": (3, 0),
    "Float": (1.5, -2),
    "Boolean": (True, False),
    "DateTime": ("2030-01-31T09:00:00+00:00", "2026-03-29T01:30:00-05:00"),
    "Date": ("2030-01-31", "2026-02-28"),
    "Time": ("09:30:00", "17:45"),
}
VARIANTS = ("required", "nulls", "full")


def sample(type_: GraphQLInputType, variant: str, pick: int, depth: int) -> Any:
    """A value of `type_`: in a list two items, the first and the last sample or enum value."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type, variant, pick, depth)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type, variant, index, depth) for index in (0, 1)]
    if isinstance(type_, GraphQLEnumType):
        return list(type_.values)[-pick]
    if isinstance(type_, GraphQLScalarType):
        return SAMPLES[type_.name][pick]  # a new scalar in an input needs its samples here
    assert isinstance(type_, GraphQLInputObjectType)
    return input_value(type_, variant if depth < 3 else "required", depth + 1)


def input_value(type_: GraphQLInputObjectType, variant: str, depth: int = 0) -> dict[str, Any]:
    """`required`: only what has no default (GraphQL fills in the defaults); `nulls`: null for
    every nullable field too; `full`: every field given."""
    value = {}
    for name, field in type_.fields.items():
        nullable = not isinstance(field.type, GraphQLNonNull)
        if variant == "full" or (not nullable and field.default_value is Undefined):
            value[name] = sample(field.type, variant, 0, depth)
        elif variant == "nulls" and nullable:
            value[name] = None
    return value


def definition_of(type_: GraphQLInputObjectType) -> StrawberryObjectDefinition:
    found = type_.extensions["strawberry-definition"]
    assert isinstance(found, StrawberryObjectDefinition)
    return found


def converted(schema: strawberry.Schema, type_: GraphQLInputObjectType, value: Any) -> Any:
    """What a resolver receives for `value` (a variable's JSON), as the schema converts it."""
    coerced = coerce_input_value(value, type_)
    registry = schema.schema_converter.scalar_registry
    return convert_argument(coerced, definition_of(type_).origin, registry, schema.config)


@contextmanager
def strawberrys_own() -> Iterator[None]:
    """Every input type of the schema on Strawberry's own conversion, for a while."""
    builders = [(definition_of(t), definition_of(t).from_input) for t in INPUTS.values()]
    for definition, _ in builders:
        definition.from_input = None
    try:
        yield
    finally:
        for definition, builder in builders:
            definition.from_input = builder


def objects_in(value: Any) -> Iterator[Any]:
    """The lists and input objects inside a converted value (the first one included)."""
    if isinstance(value, list):
        yield value
        for item in value:
            yield from objects_in(item)
    elif dataclasses.is_dataclass(value):
        yield value
        for field in dataclasses.fields(value):
            yield from objects_in(getattr(value, field.name))


def test_every_input_type_of_the_schema_is_built_plainly() -> None:
    assert len(INPUTS) >= 20
    assert all(definition_of(type_).from_input is build_input for type_ in INPUTS.values())


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", sorted(INPUTS))
def test_the_same_objects_as_strawberrys_conversion(name: str, variant: str) -> None:
    type_ = INPUTS[name]
    value = input_value(type_, variant)
    with strawberrys_own():
        expected = converted(SCHEMA, type_, value)
    found, again = converted(SCHEMA, type_, value), converted(SCHEMA, type_, value)
    assert type(found) is type(expected) is definition_of(type_).origin
    assert found == expected
    assert found == again
    shared = {id(o) for o in objects_in(found)} & {id(o) for o in objects_in(again)}
    assert not shared  # each request its own objects and lists, defaults included
    assert definition_of(type_).origin in input_conversion._PLANS  # built plainly


@strawberry.enum
class Kind(Enum):
    VIDEO = "video"
    CLINIC = "clinic"


def make_schema(plainly: bool) -> tuple[strawberry.Schema, list[Any], list[str]]:
    """A schema whose `echo` field answers the repr of the input it received, with the kinds
    of field the real inputs have none of yet (JSON, Decimal, a global id, a Maybe)."""
    received: list[Any] = []

    @strawberry.input
    class Near:
        lat: float
        lon: float
        radius_km: float | None = None

    @strawberry.input
    class Patch:  # a Maybe: left to Strawberry's conversion
        name: strawberry.Maybe[str | None]
        near: Near | None = None

    @strawberry.input
    class Filter:
        required: str
        note: str | None  # no default: None when left out
        tags: list[str] = strawberry.field(default_factory=list)
        count: int = 3
        near: Near | None = None
        places: list[Near] | None = None
        name: str | None = strawberry.UNSET
        kind: Kind | None = None
        kinds: list[Kind | None] | None = None
        since: dt.datetime | None = None
        data: JSON | None = None
        amount: Decimal | None = None
        node: relay.GlobalID | None = None
        patch: Patch | None = None

    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, filter: Filter | None = None, first: int = 1) -> str:
            received.append(filter)
            return repr((filter, first))

    schema = strawberry.Schema(query=Query, scalar_overrides=SCALAR_OVERRIDES)
    kept = convert_inputs_plainly(schema) if plainly else []
    return schema, received, kept


CASES = [
    ("{ echo }", None),
    ('{ echo(filter: {required: "r"}) }', None),
    (
        '{ echo(filter: {required: "r", near: {lat: 51.5, lon: -0.1}, kind: VIDEO}, first: 2) }',
        None,
    ),
    ('{ echo(filter: {required: "r", name: null, near: null, tags: ["a", "b"], count: 7}) }', None),
    ('{ echo(filter: {required: "r", patch: {name: null, near: {lat: 1, lon: 2}}}) }', None),
    ('{ echo(filter: {required: "r", patch: {name: "n"}, kinds: [CLINIC, null]}) }', None),
    (
        "query($f: Filter) { echo(filter: $f) }",
        {
            "f": {
                "required": "r",
                "near": {"lat": 1, "lon": 2, "radiusKm": 3.5},
                "places": [{"lat": 3, "lon": 4}, {"lat": 5, "lon": 6, "radiusKm": None}],
                "kind": "CLINIC",
                "since": "2030-01-31T09:00:00+00:00",
                "data": {"a": [1, None, {"b": "c"}]},
                "amount": "12.50",
                "node": "Tm9kZTox",  # Node:1
            }
        },
    ),
]


@pytest.mark.parametrize(("query", "variables"), CASES)
def test_the_other_kinds_of_field_too(query: str, variables: Any) -> None:
    stock, _, _ = make_schema(plainly=False)
    plain, _, kept = make_schema(plainly=True)
    assert kept == ["Patch"]  # its Maybe needs Strawberry's own conversion
    expected = stock.execute_sync(query, variable_values=variables)
    found = plain.execute_sync(query, variable_values=variables)
    assert expected.errors is None
    assert found.errors is None
    assert found.data == expected.data


def test_bad_values_are_refused_alike() -> None:
    stock, _, _ = make_schema(plainly=False)
    plain, _, _ = make_schema(plainly=True)
    query = "query($f: Filter) { echo(filter: $f) }"
    for bad in ({"note": "no required"}, {"required": "r", "node": "not base64"}):
        expected = stock.execute_sync(query, variable_values={"f": bad})
        found = plain.execute_sync(query, variable_values={"f": bad})
        assert expected.errors and found.errors
        assert [e.message for e in found.errors] == [e.message for e in expected.errors]


def test_every_request_gets_its_own_objects() -> None:
    plain, received, _ = make_schema(plainly=True)
    query = '{ echo(filter: {required: "r", near: {lat: 1, lon: 2}, tags: ["a"]}) }'
    plain.execute_sync(query)
    plain.execute_sync(query)
    first, second = received
    assert first == second
    assert first is not second
    assert first.near is not second.near
    assert first.tags is not second.tags
    assert {type(first), type(first.near)} <= set(input_conversion._PLANS)  # built plainly
