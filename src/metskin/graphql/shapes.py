"""How a plain field's value is completed without graphql-core's per-field machinery (issue 17).

A plain field has no resolver of its own (Strawberry's basic field: an attribute read, no
arguments, permissions or extensions). Its `Shape` says how to read it and complete it: a leaf
coerced by its type's own `coerce_output_value` (kept as it is when it already has the
scalar's Python type), a list of leaves item by item, an object or a list of objects. Every
helper here answers `SLOW` when the value is unusual (None where the type says non-null, a
leaf that does not coerce, a read that raises), before anything has been completed, so that
graphql-core's own path can take the field and report it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import isfinite
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.pyutils import Undefined

BASIC_RESOLVER = "_get_basic_result"  # strawberry's resolver for a field without one


SLOW: Any = object()  # the value needs graphql-core's own completion (nothing has run yet)


@dataclass(frozen=True)
class Shape:
    """How a plain field's value is completed."""

    read: Callable[[Any], Any]  # the field's value on its parent
    declared: GraphQLOutputType  # the field's type as declared (for error handling)
    non_null: bool
    leaf: Callable[[Any], Any] | None  # coerce_output_value of a leaf (or of a list's items)
    item_type: GraphQLOutputType | None  # a list's item type as declared, else None
    item_non_null: bool
    object_type: GraphQLObjectType | None  # an object (or a list's object items)
    exact: type | None = None  # a single String or ID (str), Boolean (bool): kept as it is
    exact_items: type | None = None  # the same for a list's items (the list is copied)


def shape_of(field: GraphQLField) -> Shape | None:
    """The shape of a plain field, or None when it must take graphql-core's path."""
    resolve = field.resolve
    if resolve is None or getattr(resolve, "__name__", "") != BASIC_RESOLVER or field.args:
        return None
    read = _reader(field, resolve)
    declared = field.type
    non_null = isinstance(declared, GraphQLNonNull)
    inner = declared.of_type if isinstance(declared, GraphQLNonNull) else declared
    item_type: GraphQLOutputType | None = None
    item_non_null = False
    if isinstance(inner, GraphQLList):
        item_type = inner.of_type
        item_non_null = isinstance(item_type, GraphQLNonNull)
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    if isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
        coerce = _coercer(inner)
        exact = _EXACT.get(inner.name) if coerce is not inner.coerce_output_value else None
        return Shape(
            read,
            declared,
            non_null,
            coerce,
            item_type,
            item_non_null,
            None,
            exact if item_type is None else None,
            exact if item_type is not None else None,
        )
    if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
        return Shape(read, declared, non_null, None, item_type, item_non_null, inner)
    return None  # nested lists, interfaces, unions, objects with is_type_of


def _reader(field: GraphQLField, resolve: Callable[..., Any]) -> Callable[[Any], Any]:
    """`getattr(source, name)` when that is all the basic resolver does, else the resolver."""
    definition = (field.extensions or {}).get("strawberry-definition")
    name = getattr(definition, "python_name", None)
    if (
        isinstance(name, str)
        and getattr(definition, "base_resolver", True) is None
        and getattr(definition, "default_resolver", None) is getattr
    ):
        return attrgetter(name)
    return lambda source: resolve(source, None)


# The built-in scalars give back a value of their own Python type unchanged (a float only when
# finite, an int only in 32 bits): those are returned as they are, anything else is coerced.
_SAME: dict[str, Callable[[Any], bool]] = {
    "String": lambda value: type(value) is str,
    "ID": lambda value: type(value) is str,
    "Boolean": lambda value: type(value) is bool,
    "Float": lambda value: type(value) is float and isfinite(value),
    "Int": lambda value: type(value) is int and -(2**31) <= value < 2**31,
}


_EXACT = {"String": str, "ID": str, "Boolean": bool}
_BUILTIN = {
    "String": GraphQLString,
    "ID": GraphQLID,
    "Boolean": GraphQLBoolean,
    "Float": GraphQLFloat,
    "Int": GraphQLInt,
}


def _coercer(leaf: GraphQLScalarType | GraphQLEnumType) -> Callable[[Any], Any]:
    coerce = leaf.coerce_output_value
    builtin = _BUILTIN.get(leaf.name)
    same = _SAME.get(leaf.name)
    if builtin is None or same is None or coerce != builtin.coerce_output_value:
        return coerce
    return lambda value: value if same(value) else coerce(value)


# Strawberry types whose instances are objects to complete as they are (never None, an error or
# an awaitable), learnt as they are met by `FastExecutionContext`.
PLAIN_TYPES: dict[type, bool] = {}


def _leaf(coerce: Callable[[Any], Any], value: Any, non_null: bool) -> Any:
    if value is None:
        return SLOW if non_null else None
    try:
        coerced = coerce(value)
    except Exception:  # graphql-core's path reports it
        return SLOW
    return SLOW if coerced is None or coerced is Undefined else coerced


def _leaves(coerce: Callable[[Any], Any], value: Any, non_null: bool) -> Any:
    if not isinstance(value, (list, tuple)):
        return SLOW
    done = [_leaf(coerce, item, non_null) for item in value]
    return SLOW if any(item is SLOW for item in done) else done


def value_of(shape: Shape, source: Any) -> Any:
    """A plain field's value on its parent, or SLOW when reading fails or a non-null field
    holds None (graphql-core's path then reports it)."""
    try:
        value = shape.read(source)
    except Exception:
        return SLOW
    return SLOW if value is None and shape.non_null else value


def leaves_of(shape: Shape, value: Any) -> Any:
    """A leaf field's completed value (or a list of leaves), or SLOW."""
    if value is None or type(value) is shape.exact:
        return value
    exact = shape.exact_items
    if exact is not None and type(value) is list and all(type(item) is exact for item in value):
        return list(value)
    coerce = shape.leaf
    assert coerce is not None
    if shape.item_type is None:
        return _leaf(coerce, value, shape.non_null)
    return _leaves(coerce, value, shape.item_non_null)


# A field of a selection whose fields are all plain: its response name, its shape and, for an
# object (or a list of objects), the completion of its own selection.
Entry = tuple[str, Shape, "Callable[[Any], Any] | None"]


@dataclass(frozen=True)
class Selection:
    """A collected selection on one object type, planned: each field with its shape (None: the
    field takes graphql-core's path), and `complete` when every field is plain, all the way
    down."""

    fields: list[tuple[str, Any, Shape | None]]
    complete: Callable[[Any], Any] | None


def complete_all(entries: list[Entry]) -> Callable[[Any], Any]:
    """The completion of a selection whose fields are all plain: the object's completed value
    (the dict graphql-core would build), or SLOW as soon as one value is unusual. Only reads
    have run by then (attribute reads, no resolver), so the caller can complete the object
    graphql-core's way from the start, which reports what was unusual."""

    def complete(source: Any) -> Any:
        done: dict[str, Any] = {}
        for response_name, shape, child in entries:
            value = value_of(shape, source)
            if value is SLOW:
                return SLOW
            if value is not None:
                if child is None:
                    value = leaves_of(shape, value)
                elif shape.item_type is None:
                    value = child(value) if PLAIN_TYPES.get(type(value)) else SLOW
                else:
                    value = objects_of(child, value)
                if value is SLOW:
                    return SLOW
            done[response_name] = value
        return done

    return complete


def objects_of(complete: Callable[[Any], Any], value: Any) -> Any:
    """A list of objects completed by `complete`, or SLOW (not a list, an item that is None,
    not a known plain object, or unusual)."""
    if not isinstance(value, (list, tuple)):
        return SLOW
    done = []
    for item in value:
        one = complete(item) if PLAIN_TYPES.get(type(item)) else SLOW
        if one is SLOW:
            return SLOW
        done.append(one)
    return done
