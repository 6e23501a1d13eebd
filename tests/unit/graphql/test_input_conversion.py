"""Inputs built by `converted_plainly` equal Strawberry's own conversion, new for every request."""

import datetime as dt
from enum import Enum
from typing import Any

import pytest
import strawberry

from metskin.graphql import input_conversion
from metskin.graphql.input_conversion import converted_plainly
from metskin.graphql.inputs import SCALAR_OVERRIDES


@strawberry.enum
class Kind(Enum):
    VIDEO = "video"
    CLINIC = "clinic"


def make_schema(plainly: bool) -> tuple[strawberry.Schema, list[Any]]:
    """A schema whose `echo` field answers the repr of the input it received."""
    decorate = converted_plainly if plainly else (lambda cls: cls)
    received: list[Any] = []

    @decorate
    @strawberry.input
    class Near:
        lat: float
        lon: float
        radius_km: float | None = None

    @decorate
    @strawberry.input
    class Filter:
        required: str
        note: str | None  # no default: None when left out
        tags: list[str] = strawberry.field(default_factory=list)
        count: int = 3
        near: Near | None = None
        places: list[Near] | None = None
        name: str | None = None
        kind: Kind | None = None
        since: dt.datetime | None = None

    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, filter: Filter | None = None, first: int = 1) -> str:
            received.append(filter)
            return repr((filter, first))

    return strawberry.Schema(query=Query, scalar_overrides=SCALAR_OVERRIDES), received


CASES = [
    ("{ echo }", None),
    ('{ echo(filter: {required: "r"}) }', None),
    (
        '{ echo(filter: {required: "r", near: {lat: 51.5, lon: -0.1}, kind: VIDEO}, first: 2) }',
        None,
    ),
    ('{ echo(filter: {required: "r", name: null, near: null, tags: ["a", "b"], count: 7}) }', None),
    (
        "query($f: Filter) { echo(filter: $f) }",
        {
            "f": {
                "required": "r",
                "near": {"lat": 1, "lon": 2, "radiusKm": 3.5},
                "places": [{"lat": 3, "lon": 4}, {"lat": 5, "lon": 6, "radiusKm": None}],
                "kind": "CLINIC",
                "since": "2030-01-31T09:00:00+00:00",
            }
        },
    ),
]


@pytest.mark.parametrize(("query", "variables"), CASES)
def test_the_same_objects_as_strawberrys_conversion(query: str, variables: Any) -> None:
    stock, _ = make_schema(plainly=False)
    plain, _ = make_schema(plainly=True)
    expected = stock.execute_sync(query, variable_values=variables)
    found = plain.execute_sync(query, variable_values=variables)
    assert expected.errors is None
    assert found.errors is None
    assert found.data == expected.data


def test_every_request_gets_its_own_objects() -> None:
    plain, received = make_schema(plainly=True)
    query = '{ echo(filter: {required: "r", near: {lat: 1, lon: 2}, tags: ["a"]}) }'
    plain.execute_sync(query)
    plain.execute_sync(query)
    first, second = received
    assert first == second
    assert first is not second
    assert first.near is not second.near
    assert first.tags is not second.tags
    assert {type(first), type(first.near)} <= set(input_conversion._PLANS)  # built plainly


def test_only_plain_input_types_take_it() -> None:
    @strawberry.type
    class Output:
        name: str

    with pytest.raises(TypeError):
        converted_plainly(Output)
