"""Execution without per-field overhead for plain fields (issue 17, point 3).

graphql-core completes every field the same way: it builds a resolve info, reads the
arguments, calls the resolver, then walks `complete_value` through NonNull, List, item and
object layers. For a field with no resolver (Strawberry's basic fields: an attribute read
with no arguments, permissions or extensions) most of that is waste; on a page of 20 products
it is most of the request.

`FastExecutionContext` serves such fields itself: the attribute is read, a leaf is coerced
with its type's own `coerce_output_value`, a list of leaves item by item, and an object (or a
list of objects) goes on to its sub-fields through graphql-core's own
`collect_and_execute_subfields`, with graphql-core's error handling around it. Whenever the
value is unusual (null where the type says non-null, a leaf that does not coerce, an
awaitable, an error object, a list that is not a list) nothing has run yet, and the field
goes through graphql-core's own `execute_field` as before, so errors, their paths and null
propagation are graphql-core's. Fields with resolvers, `__typename`, abstract types and
nested lists always take the normal path.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

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


_PLAIN: dict[type, bool] = {}


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


def _value(shape: Shape, source: Any) -> Any:
    """A plain field's value on its parent, or SLOW when reading fails or a non-null field
    holds None (graphql-core's path then reports it)."""
    try:
        value = shape.read(source)
    except Exception:
        return SLOW
    return SLOW if value is None and shape.non_null else value


def _leaves_of(shape: Shape, value: Any) -> Any:
    """A leaf field's completed value (or a list of leaves), or SLOW."""
    if value is None or type(value) is shape.exact:
        return value
    coerce = shape.leaf
    assert coerce is not None
    if shape.item_type is None:
        return _leaf(coerce, value, shape.non_null)
    return _leaves(coerce, value, shape.item_non_null)


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        if manager is not None and manager.middlewares:  # an extension wraps every resolver
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        plan = self._plan(parent_type, grouped_field_set)
        return self._run(plan, parent_type, source_value, path, position_context)

    def _run(
        self,
        plan: list[tuple[str, Any, Shape | None]],
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        position_context: Any,
    ) -> Any:
        """graphql-core's execute_fields, with the plain fields served here."""
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        try:
            for response_name, details, shape in plan:
                result = SLOW
                value = SLOW if shape is None else _value(shape, source_value)
                if shape is not None and value is not SLOW:
                    if shape.object_type is None:
                        result = _leaves_of(shape, value)
                        if result is not SLOW:
                            results[response_name] = result  # a leaf: never awaitable
                            continue
                    else:
                        result = self._plain(
                            shape,
                            parent_type,
                            value,
                            details,
                            path,
                            response_name,
                            position_context,
                        )
                if result is SLOW:
                    result = self.execute_field(
                        parent_type,
                        source_value,
                        details,
                        Path(path, response_name, parent_type.name),
                        position_context,
                    )
                if result is not Undefined:
                    results[response_name] = result
                    if type(result) is not dict and is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                results[awaitable_fields[0]] = await results[awaitable_fields[0]]
            else:
                awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> list[tuple[str, Any, Shape | None]]:
        """Each field of a selection with its shape; graphql-core collects a selection once
        per execution, so the items of a list share one plan."""
        plans: dict[int, tuple[Any, list[tuple[str, Any, Shape | None]]]]
        plans = self.__dict__.setdefault("_metskin_plans", {})
        known = plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        # Shapes are kept on the schema, whose types they describe (keys by id stay valid
        # while the schema, which holds those types, lives).
        shapes: dict[tuple[int, str], tuple[GraphQLField | None, Shape | None]]
        shapes = self.schema.__dict__.setdefault("_metskin_shapes", {})
        plan = []
        for response_name, details in grouped_field_set.items():
            name = details[0].node.name.value
            key = (id(parent_type), name)
            found = shapes.get(key)
            if found is None:
                field = self.schema.get_field(parent_type, name)
                found = shapes[key] = (field, shape_of(field) if field else None)
            plan.append((response_name, details, found[1]))
        plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def _plain(
        self,
        shape: Shape,
        parent_type: GraphQLObjectType,
        value: Any,
        details: Any,
        path: Path | None,
        response_name: str,
        position_context: Any,
    ) -> Any:
        """A plain object field's completed value, or SLOW (before anything has run) when the
        value needs graphql-core's own path."""
        if value is None:
            return None
        object_type = shape.object_type
        assert object_type is not None
        field_path = Path(path, response_name, parent_type.name)
        if shape.item_type is None:
            if self.is_awaitable(value) or isinstance(value, Exception):
                return SLOW
            return self._guarded(
                lambda: self._subfields(object_type, details, field_path, value, position_context),
                shape.declared,
                details,
                field_path,
            )
        if not isinstance(value, (list, tuple)) or not all(
            _PLAIN.get(type(item)) or self._is_plain(item) for item in value
        ):
            return SLOW
        return self._guarded(
            lambda: self._objects(object_type, shape, value, details, field_path, position_context),
            shape.declared,
            details,
            field_path,
        )

    def _objects(
        self,
        object_type: GraphQLObjectType,
        shape: Shape,
        items: list[Any] | tuple[Any, ...],
        details: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's complete_iterable_value for items that are objects, none null."""
        item_type = shape.item_type
        assert item_type is not None
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        for index, item in enumerate(items):
            item_path = path.add_key(index, None)
            try:
                done = self._subfields(object_type, details, item_path, item, position_context)
            except Exception as raw_error:
                self.handle_field_error(raw_error, item_type, details, item_path)
                done = None
            if type(done) is not dict and self.is_awaitable(done):
                done = self._settle(done, item_type, details, item_path)
                awaitable_indices.append(index)
            completed.append(done)
        if not awaitable_indices:
            return completed

        async def get_completed() -> list[Any]:
            awaited = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for index, value in zip(awaitable_indices, awaited, strict=True):
                completed[index] = value
            return completed

        return get_completed()

    def _is_plain(self, item: Any) -> bool:
        """Whether a list item is an object to complete as it is (not None, an error or an
        awaitable); remembered for Strawberry types, whose instances are never awaitable."""
        plain = not (item is None or isinstance(item, Exception) or self.is_awaitable(item))
        if plain and hasattr(type(item), "__strawberry_definition__"):
            _PLAIN[type(item)] = True
        return plain

    def _subfields(
        self,
        object_type: GraphQLObjectType,
        details: Any,
        path: Path,
        value: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's collect_and_execute_subfields, straight to the plan when nothing is
        deferred (always, while the schema has no @defer)."""
        subplans: dict[tuple[int, int], tuple[Any, Any]]
        subplans = self.__dict__.setdefault("_metskin_subplans", {})
        key = (id(object_type), id(details))
        known = subplans.get(key)
        if known is None or known[0] is not details:
            grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, details)
            plan = None if new_defer_usages else self._plan(object_type, grouped_field_set)
            known = subplans[key] = (details, plan)
        plan = known[1]
        if plan is None or position_context is not None:
            return self.collect_and_execute_subfields(
                object_type, details, path, value, position_context
            )
        return self._run(plan, object_type, value, path, None)

    def _guarded(
        self, complete: Callable[[], Any], type_: GraphQLOutputType, details: Any, path: Path
    ) -> Any:
        """As graphql-core's execute_field around complete_value: an error becomes null here,
        or goes up when the type is non-null."""
        try:
            done = complete()
        except Exception as raw_error:
            self.handle_field_error(raw_error, type_, details, path)
            return None
        if self.is_awaitable(done):
            return self._settle(done, type_, details, path)
        return done

    async def _settle(
        self, done: Awaitable[Any], type_: GraphQLOutputType, details: Any, path: Path
    ) -> Any:
        try:
            return await done
        except Exception as raw_error:
            self.handle_field_error(raw_error, type_, details, path)
            return None
