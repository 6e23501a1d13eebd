"""The cost of an operation: how many fields it may resolve, each list's size multiplied in.

A field costs 1 for each time it can be resolved. A list field multiplies what it selects by its
size: `first` (capped at the page size) for a connection, the days of the range times
SLOTS_PER_DAY for `availableSlots`, DEFAULT_LIST_SIZE for any other list. Aliases count once
each. The arguments are read with the request's variables, so a variable cannot hide a size.
Introspection (`__schema`, `__type`, `__typename`) is free: its size is the schema's.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_operation_ast,
)
from graphql.type.definition import GraphQLInterfaceType

DEFAULT_LIST_SIZE = 10
SLOTS_PER_DAY = 16  # eight hours of half-hour slots
MAX_SLOT_DAYS = 92


_SCALARS = (str, int, float, bool, type(None))
MAX_REMEMBERED = 1024
# (schema id, document id, operation, variables, page cap) -> (the schema, the document, the
# cost). Both are kept, so that their ids cannot be reused by others while the entry lives.
_remembered: OrderedDict[tuple[Any, ...], tuple[GraphQLSchema, DocumentNode, int]] = OrderedDict()


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    page_cap: int,
) -> int:
    """The cost, remembered per (document, operation, scalar variables): a known document
    (documents.py hands out the same object for the same text) is not walked again."""
    values = tuple(sorted((name, type(value), value) for name, value in (variables or {}).items()))
    if not all(isinstance(value, _SCALARS) for _, _, value in values):
        return _Costing(schema, document, variables, page_cap).operation(operation_name)
    key = (id(schema), id(document), operation_name, values, page_cap)
    known = _remembered.get(key)
    if known is not None and known[0] is schema and known[1] is document:
        _remembered.move_to_end(key)
        return known[2]
    cost = _Costing(schema, document, variables, page_cap).operation(operation_name)
    _remembered[key] = (schema, document, cost)
    while len(_remembered) > MAX_REMEMBERED:
        _remembered.popitem(last=False)
    return cost


def _unwrap(type_: GraphQLOutputType) -> tuple[GraphQLNamedType, bool]:
    is_list = False
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


class _Costing:
    """One walk of a document (`operation` is the walk itself, without the memo)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        page_cap: int,
    ) -> None:
        self.schema = schema
        self.document = document
        self.fragments = {
            node.name.value: node
            for node in document.definitions
            if isinstance(node, FragmentDefinitionNode)
        }
        self.variables = variables or {}
        self.page_cap = page_cap
        self.fragment_costs: dict[str, int] = {}  # a fragment spread twice is costed once

    def operation(self, name: str | None) -> int:
        """The cost of the operation called `name` (or the only one); 0 when there is none."""
        operation = get_operation_ast(self.document, name)
        root = self.schema.get_root_type(operation.operation) if operation else None
        if operation is None or root is None:
            return 0
        return self.unit(root, operation.selection_set)

    def unit(self, parent: GraphQLNamedType, selection_set: SelectionSetNode) -> int:
        """The cost of a selection set resolved once."""
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.unit(inner or parent, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value)
        return total

    def spread(self, name: str) -> int:
        if name not in self.fragment_costs:
            self.fragment_costs[name] = 0  # a cycle (refused by validation) costs nothing
            fragment = self.fragments.get(name)
            if fragment is not None:
                inner = self.schema.get_type(fragment.type_condition.name.value)
                if inner is not None:
                    self.fragment_costs[name] = self.unit(inner, fragment.selection_set)
        return self.fragment_costs[name]

    def field(self, parent: GraphQLNamedType, node: FieldNode) -> int:
        name = node.name.value
        if name.startswith("__") or not isinstance(
            parent, (GraphQLObjectType, GraphQLInterfaceType)
        ):
            return 0
        definition = parent.fields.get(name)
        if definition is None:
            return 0
        child_type, is_list = _unwrap(definition.type)
        if node.selection_set is None:
            return 1
        size = self.size(parent, name, node, is_list)
        return 1 + size * self.unit(child_type, node.selection_set)

    def size(self, parent: GraphQLNamedType, name: str, node: FieldNode, is_list: bool) -> int:
        arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
        if name == "availableSlots":
            return self.slot_days(arguments) * SLOTS_PER_DAY
        if parent.name.endswith("Connection") and name in ("edges", "nodes"):
            return 1  # the connection's `first` already counts them
        definition = parent.fields[name]  # type: ignore[attr-defined]
        if "first" in definition.args:
            first = self.value(arguments.get("first"))
            if not isinstance(first, int):
                first = definition.args["first"].default_value
            return min(max(first if isinstance(first, int) else self.page_cap, 1), self.page_cap)
        return DEFAULT_LIST_SIZE if is_list else 1

    def slot_days(self, arguments: dict[str, ValueNode]) -> int:
        try:
            start = _as_datetime(self.value(arguments.get("from")))
            end = _as_datetime(self.value(arguments.get("to")))
            days = math.ceil((end - start).total_seconds() / 86_400)
        except (TypeError, ValueError, OverflowError):
            return MAX_SLOT_DAYS
        return min(max(days, 1), MAX_SLOT_DAYS)

    def value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, StringValueNode):
            return node.value
        return None


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise TypeError("not a datetime")
    return datetime.fromisoformat(value)
