"""Input objects built without Strawberry's generic conversion (issue 17).

For every request, Strawberry builds an input object from its GraphQL value field by field:
for each field of the type it converts the field's name, resolves its type and walks
`convert_argument` through the Optional, scalar and enum layers, even for the fields the
client left out (the directory filter: about 20 such calls per search).
`convert_inputs_plainly` gives every input type of a schema a builder (Strawberry's
`from_input` hook) that does the same from a list worked out once per type: a leaf (scalar or
enum, optional or not) is taken as graphql-core coerced it, as Strawberry's conversion does;
any other field (a nested input, a list) still goes through Strawberry's conversion, which
uses the nested type's own builder. A type with a `Maybe` field or a builder of its own keeps
Strawberry's conversion. Every request gets new objects: nothing is shared between requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass
from typing import Any

import strawberry
from graphql import GraphQLInputObjectType
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    get_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType


@dataclass(frozen=True)
class _Field:
    graphql_name: str
    python_name: str
    leaf: bool  # taken as coerced; else converted by Strawberry
    type_: Any


@dataclass(frozen=True)
class _Plan:
    config: object  # the schema's config and scalars the plan was made with
    scalars: object
    implicit: dict[str, None]  # fields without a default: None unless given (as Strawberry)
    fields: tuple[_Field, ...]


_PLANS: dict[type, _Plan] = {}


def convert_inputs_plainly(schema: strawberry.Schema) -> list[str]:
    """Give every input type of `schema` the plain builder; the names of those that keep
    Strawberry's conversion (a `Maybe` field, or a builder of their own) are returned."""
    kept = []
    for type_ in schema._schema.type_map.values():
        if not isinstance(type_, GraphQLInputObjectType):
            continue
        definition = type_.extensions[GraphQLCoreConverter.DEFINITION_BACKREF]
        assert isinstance(definition, StrawberryObjectDefinition)
        if definition.from_input is build_input:
            continue
        if definition.from_input is not None or any(
            isinstance(field.resolve_type(type_definition=definition), StrawberryMaybe)
            for field in definition.fields
        ):
            kept.append(type_.name)
        else:
            definition.from_input = build_input
    return kept


def build_input(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
    """The input object for a GraphQL input value, as Strawberry's conversion builds it."""
    plan = _PLANS.get(cls)
    if (
        plan is None
        or plan.config is not context.config
        or plan.scalars is not context.scalar_registry
    ):
        plan = _PLANS[cls] = _plan(cls, context)
    kwargs: dict[str, Any] = dict(plan.implicit)
    for field in plan.fields:
        if field.graphql_name in value:
            given = value[field.graphql_name]
            kwargs[field.python_name] = (
                given if field.leaf else context.convert(given, field.type_, field.graphql_name)
            )
    return cls(**kwargs)


def _plan(cls: type, context: InputContext) -> _Plan:
    definition = get_object_definition(cls, strict=True)
    fields = []
    for field in definition.fields:
        type_ = field.resolve_type(type_definition=definition)
        fields.append(
            _Field(
                context.config.name_converter.from_field(field),
                field.python_name,
                _leaf(type_, context.scalar_registry),
                type_,
            )
        )
    implicit = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is MISSING and field.default_factory is MISSING
    }
    return _Plan(context.config, context.scalar_registry, implicit, tuple(fields))


def _leaf(type_: Any, scalars: Mapping[object, Any]) -> bool:
    """Whether Strawberry's conversion gives a value of this type back as it is."""
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, LazyType):
        type_ = type_.resolve_type()
    if type_ is GlobalID:
        return False
    return (
        is_scalar(type_, scalars)
        or isinstance(type_, StrawberryEnumDefinition)
        or has_enum_definition(type_)
    )
