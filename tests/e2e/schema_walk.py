"""Walks the schema itself: every argument and input field of every query and mutation, and a
list of bad values for each, so a new argument is fuzzed without anyone adding it here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    is_leaf_type,
    is_object_type,
)

MEGABYTE = "x" * (1024 * 1024)
UNICODE_JUNK = "\u0000\ud800\ufffe\u202e\U0001f9b4' OR 1=1 --\u200b<script>"
EVERY_TYPE = [None, "", MEGABYTE, UNICODE_JUNK, 1, -1, 2**63, True, [], {}, ["a"], {"a": 1}]
FLOATS = ["NaN", "Infinity", "-Infinity", "1e999999", float("nan"), float("inf"), -float("inf")]
FLOATS += [1e308, -1e308, 5e-324]
DATETIMES = [
    "2030-01-01T10:00:00",  # naive
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "2030-02-30T10:00:00+00:00",
    "not a date",
]
BAD_VALUES: dict[str, list[Any]] = {
    "String": ["NaN", "1e999999", "-Infinity", "../metskin.db", "../../etc/passwd", " " * 300],
    "ID": ["../metskin.db", "0" * 10_000, "NaN"],
    "Int": [*FLOATS, 2**31, -(2**31), 2**31 - 1, 0, 1.5],
    "Float": FLOATS,
    "Boolean": ["true", 0],
    "DateTime": DATETIMES,
    "Date": ["0001-01-01", "9999-12-31", "2030-02-30", "2030-13-01"],
    "Time": ["24:00", "25:61", "23:59:60", "-01:00"],
    "JSON": [float("nan"), [[[[[[[[[[]]]]]]]]]], {"id": MEGABYTE}, {"id": "p", "price": "NaN"}],
    "Upload": ["../metskin.db"],
}


@dataclass(frozen=True)
class Target:
    """One place to put a bad value: `path` is the argument then the input fields under it."""

    operation: str  # "query" or "mutation"
    field: str
    path: tuple[str, ...]
    type_name: str


def targets(schema: GraphQLSchema) -> Iterator[Target]:
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert root is not None
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                yield from _walk(operation, name, (arg_name,), arg.type, set())


def _walk(
    operation: str, field: str, path: tuple[str, ...], type_: GraphQLInputType, seen: set[str]
) -> Iterator[Target]:
    named = get_named_type(type_)
    yield Target(operation, field, path, named.name)
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for sub_name, sub in named.fields.items():
            yield from _walk(operation, field, (*path, sub_name), sub.type, seen | {named.name})


def bad_values(named: GraphQLNamedType) -> list[Any]:
    specific = BAD_VALUES.get(named.name, [])
    if isinstance(named, GraphQLEnumType):
        specific = ["NOT_A_VALUE", "", 0]
    return [*EVERY_TYPE, *specific]


def minimal_value(type_: GraphQLInputType, known: dict[str, Any], name: str) -> Any:
    """A plausible value for a required argument, so the bad one is what the server sees."""
    if name in known:
        return known[name]
    if isinstance(type_, GraphQLNonNull):
        return minimal_value(type_.of_type, known, name)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            sub_name: minimal_value(sub.type, known, sub_name)
            for sub_name, sub in type_.fields.items()
            if isinstance(sub.type, GraphQLNonNull) and sub.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    return {
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "DateTime": "2030-01-01T10:00:00+00:00",
        "Date": "2030-01-01",
        "Time": "09:00",
        "JSON": {},
    }.get(type_.name, "x")


def with_value(
    type_: GraphQLInputType, base: Any, path: tuple[str, ...], value: Any, known: dict[str, Any]
) -> Any:
    """`base` (a value of `type_`) with `value` put at `path`, inside one-item lists on the way."""
    if isinstance(type_, GraphQLNonNull):
        return with_value(type_.of_type, base, path, value, known)
    if isinstance(type_, GraphQLList):
        item = base[0] if isinstance(base, list) and base else None
        if item is None and path:
            item = minimal_value(type_.of_type, known, "")
        return [with_value(type_.of_type, item, path, value, known)] if path else value
    if not path:
        return value
    assert isinstance(type_, GraphQLInputObjectType)
    inner = dict(base) if isinstance(base, dict) else minimal_value(type_, known, "")
    field = type_.fields[path[0]]
    inner[path[0]] = with_value(field.type, inner.get(path[0]), path[1:], value, known)
    return inner


def selection(type_: GraphQLNamedType, depth: int = 0) -> str:
    """The scalar fields of the result (and of its objects, two levels down) without arguments."""
    if is_leaf_type(type_) or not is_object_type(type_) or depth > 2:
        return ""
    assert isinstance(type_, GraphQLObjectType)
    parts = []
    for name, field in type_.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth < 2 and (sub := selection(inner, depth + 1)):
            parts.append(f"{name} {sub}")
    return "{ " + " ".join(parts) + " }" if parts else "{ __typename }"


def document(schema: GraphQLSchema, target: Target) -> str:
    """One operation that passes every argument of the field as a variable."""
    root = schema.query_type if target.operation == "query" else schema.mutation_type
    assert root is not None
    field = root.fields[target.field]
    declared = ", ".join(f"${name}: {arg.type}" for name, arg in field.args.items())
    passed = ", ".join(f"{name}: ${name}" for name in field.args)
    head = f"{target.operation}({declared})" if declared else target.operation
    call = f"{target.field}({passed})" if passed else target.field
    return f"{head} {{ {call} {selection(get_named_type(field.type))} }}"


def arguments(
    schema: GraphQLSchema, target: Target, value: Any, known: dict[str, Any]
) -> dict[str, Any]:
    """The variables: plausible required arguments, and `value` at the target's path."""
    root = schema.query_type if target.operation == "query" else schema.mutation_type
    assert root is not None
    field = root.fields[target.field]
    variables = {
        name: minimal_value(arg.type, known, name)
        for name, arg in field.args.items()
        if isinstance(arg.type, GraphQLNonNull)
    }
    name, *rest = target.path
    arg_type = field.args[name].type
    variables[name] = with_value(arg_type, variables.get(name), tuple(rest), value, known)
    return variables


def is_input_path(schema: GraphQLSchema, operation: str, field: str, path: str) -> bool:
    """Whether `path` (an error's `extensions.field`: `input.weekly.2.start`, `rates.0.perEur`,
    or a bare input field name such as `slotStart`) names an argument or an input field of the
    root field, a list item by its index: the one shape every error's `field` takes."""
    root = schema.query_type if operation == "query" else schema.mutation_type
    assert root is not None
    args = root.fields[field].args
    head, *rest = path.split(".")
    if head in args:
        return _input_path(args[head].type, rest)
    # A bare input field name, at any depth (`slotStart` of `bookAppointment(input:)`).
    return any(
        target.path[-1] == head and _input_path(target_type(schema, target), rest)
        for target in targets(schema)
        if (target.operation, target.field) == (operation, field)
    )


def target_type(schema: GraphQLSchema, target: Target) -> GraphQLInputType:
    """The type at a target's path (lists and non-null kept)."""
    root = schema.query_type if target.operation == "query" else schema.mutation_type
    assert root is not None
    type_: GraphQLInputType = root.fields[target.field].args[target.path[0]].type
    for name in target.path[1:]:
        named = get_named_type(type_)
        assert isinstance(named, GraphQLInputObjectType)
        type_ = named.fields[name].type
    return type_


def _input_path(type_: GraphQLInputType, rest: list[str]) -> bool:
    if not rest:
        return True
    if isinstance(type_, GraphQLNonNull):
        return _input_path(type_.of_type, rest)
    head, *tail = rest
    if isinstance(type_, GraphQLList):
        return head.isdigit() and _input_path(type_.of_type, tail)
    if isinstance(type_, GraphQLInputObjectType) and head in type_.fields:
        return _input_path(type_.fields[head].type, tail)
    return False
