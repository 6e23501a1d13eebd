"""Arguments written into a known query, converted once (issue 17).

For every field with arguments, graphql-core coerces the arguments' values from the document
(`get_argument_values`) and Strawberry's resolver wrapper converts them again into the
resolver's Python values (`convert_arguments`: names, types, input objects), then calls the
resolver through its extension chain. A query kept by the plan store (`plans.py`) brings the
same field nodes on every request, and where a node's arguments are literals (no variable
anywhere in them), both steps give the same values every time.

`direct_call` plans such a field once per node: its arguments coerced and converted with
graphql-core's and Strawberry's own functions, then kept with the operation's plans. Each
request then calls the resolver as Strawberry's wrapper would (the source as `self`, `root` or
`parent` where the resolver asks for it, a new `Info`), with new copies of every input object
and list, so that nothing a resolver changes reaches another request. A field takes
Strawberry's path as before when its resolver has field extensions (permission classes are
one) or exception handlers, when an input type in its arguments has a builder of its own
(`from_input`, which may read the request), or when coercing or converting its literals raises
(the normal path reports the error on every request).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
)
from graphql.execution.values import get_argument_values
from strawberry.relay.types import GlobalID
from strawberry.types.arguments import convert_arguments
from strawberry.types.base import (
    StrawberryContainer,
    get_object_definition,
)
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType
from strawberry.types.maybe import Some
from strawberry.types.unset import UnsetType

from metskin.graphql.input_conversion import build_input

# Values that no resolver can change: shared between requests as they are.
_IMMUTABLE: tuple[type, ...] = (str, int, float, bool, type(None), Decimal, datetime, date)
_IMMUTABLE += (time, timedelta, UUID, Enum, GlobalID, UnsetType)
_PLAIN = frozenset({str, int, float, bool, type(None)})  # the usual ones, found by type


@dataclass(frozen=True)
class DirectCall:
    """A field's resolver with its arguments converted once."""

    field: StrawberryField
    kwargs: dict[str, Any]  # the converted arguments that no one can change
    copied: dict[str, Any]  # and those copied for each call (input objects, lists, ...)
    info_class: type
    self_source: bool  # the resolver's first parameter is `self` (the source)
    source_names: tuple[str, ...]  # its `root` / `parent` parameters
    info_name: str | None  # its `info` parameter

    def __call__(self, source: Any, info: GraphQLResolveInfo) -> Any:
        """As Strawberry's resolver wrapper calls a resolver without extensions."""
        kwargs = dict(self.kwargs)
        for name, value in self.copied.items():
            kwargs[name] = fresh(value)
        strawberry_info = self.info_class(_raw_info=info, _field=self.field)
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = strawberry_info
        args = [source] if self.self_source else []
        return self.field.get_result(source, info=strawberry_info, args=args, kwargs=kwargs)


def planned_call(
    schema: GraphQLSchema,
    calls: dict[tuple[int, int], tuple[Any, Any]],
    parent_type: GraphQLObjectType,
    details: Any,
) -> tuple[GraphQLField, DirectCall] | None:
    """The field of `details` and its call with converted literal arguments, or None; planned
    once per field node and kept in `calls` (the operation's plans, keyed by identity)."""
    node = details.node
    if not node.arguments or details.fragment_variable_values is not None:
        return None
    key = (id(parent_type), id(node))
    known = calls.get(key)
    if known is None or known[0] is not node:
        field_def = schema.get_field(parent_type, node.name.value)
        strawberry_schema = getattr(schema, "_strawberry_schema", None)
        planned = None
        if field_def is not None and strawberry_schema is not None:
            call = direct_call(strawberry_schema, field_def, node)
            planned = (field_def, call) if call is not None else None
        known = calls[key] = (node, planned)
    found: tuple[GraphQLField, DirectCall] | None = known[1]
    return found


def direct_call(
    strawberry_schema: Any, field_def: GraphQLField, node: FieldNode
) -> DirectCall | None:
    """The field's call with its literal arguments converted, or None (Strawberry's path)."""
    field = (field_def.extensions or {}).get("strawberry-definition")
    if not isinstance(field, StrawberryField) or field.base_resolver is None or field.extensions:
        return None
    converter = strawberry_schema.schema_converter
    if converter._get_field_exception_handlers(field):
        return None
    if not node.arguments or not all(_literal(argument.value) for argument in node.arguments):
        return None
    if not all(_built_plainly(argument.type) for argument in field.arguments):
        return None
    try:
        coerced = get_argument_values(field_def, node)
        kwargs = convert_arguments(
            coerced, field.arguments, converter.scalar_registry, strawberry_schema.config
        )
    except Exception:  # the normal path raises it again, for each request
        return None
    resolver = field.base_resolver
    parameters = (resolver.root_parameter, resolver.parent_parameter)
    return DirectCall(
        field,
        {name: value for name, value in kwargs.items() if fresh(value) is value},
        {name: value for name, value in kwargs.items() if fresh(value) is not value},
        strawberry_schema.config.info_class,
        resolver.self_parameter is not None,
        tuple(parameter.name for parameter in parameters if parameter is not None),
        resolver.info_parameter.name if resolver.info_parameter is not None else None,
    )


def fresh(value: Any) -> Any:
    """A copy of a converted argument that shares nothing mutable with `value` (`value`
    itself when it cannot change)."""
    if type(value) in _PLAIN or isinstance(value, _IMMUTABLE):
        return value
    if type(value) is list:
        return [fresh(item) for item in value]
    if type(value) is Some:
        return Some(fresh(value.value))
    definition = get_object_definition(type(value))
    if definition is not None and definition.is_input:
        made = object.__new__(type(value))
        made.__dict__.update({name: fresh(item) for name, item in vars(value).items()})
        return made
    return copy.deepcopy(value)


def _literal(value: ValueNode) -> bool:
    """Whether a value node holds no variable."""
    if isinstance(value, VariableNode):
        return False
    if isinstance(value, ListValueNode):
        return all(_literal(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return all(_literal(field.value) for field in value.fields)
    return True


def _built_plainly(type_: Any, seen: set[int] | None = None) -> bool:
    """Whether converting a value of this type reads nothing but the value: no input type in
    it has a builder of its own other than the plain one."""
    seen = set() if seen is None else seen
    while isinstance(type_, (StrawberryContainer, LazyType)):
        type_ = type_.resolve_type() if isinstance(type_, LazyType) else type_.of_type
    definition = get_object_definition(type_)
    if definition is None or not definition.is_input or id(definition) in seen:
        return True
    seen.add(id(definition))
    if definition.from_input not in (None, build_input):
        return False
    return all(
        _built_plainly(field.resolve_type(type_definition=definition), seen)
        for field in definition.fields
    )
