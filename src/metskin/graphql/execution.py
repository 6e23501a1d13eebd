"""Execution without per-field overhead for plain fields (issue 17, point 3).

graphql-core completes every field the same way: it builds a resolve info, reads the
arguments, calls the resolver, then walks `complete_value` through NonNull, List, item and
object layers. For a field with no resolver (Strawberry's basic fields: an attribute read
with no arguments, permissions or extensions) most of that is waste; on a page of 20 products
it is most of the request.

`FastExecutionContext` serves such fields itself (`shapes.py`): the attribute is read, a leaf
is coerced with its type's own `coerce_output_value`, a list of leaves item by item, and an
object (or a list of objects) goes on to its sub-fields through a plan of its selection, with
graphql-core's error handling around it. A selection whose fields are all plain, all the way
down, is completed in one go (`Selection.complete`): no path, no awaitable check per field.
Whenever a value is unusual (null where the type says non-null, a leaf that does not coerce,
an awaitable, an error object, a list that is not a list) nothing has been completed yet, and
the field (or the object, for a selection completed in one go) goes through the per-field
path, and from there through graphql-core's own `execute_field`, so errors, their paths and
null propagation are graphql-core's. Fields with resolvers, `__typename`, abstract types and
nested lists always take the normal path.

The collected selections and their plans are kept with the operation (`plans.py`): across
requests for an operation whose collection cannot depend on the request. So are the arguments
a field node writes as literals, converted once (`arguments.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, GraphQLOutputType, GraphQLResolveInfoHelpers
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from metskin.graphql.arguments import planned_call
from metskin.graphql.plans import plan_store
from metskin.graphql.shapes import (
    PLAIN_TYPES,
    SLOW,
    Entry,
    Selection,
    Shape,
    complete_all,
    leaves_of,
    objects_of,
    shape_of,
    value_of,
)


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plan_store = plan_store(self.schema)
        self._plans = self._plan_store.for_operation(self.operation, self.fragment_definitions)

    # graphql-core keeps its resolvers' helpers (two of its own bound methods) on the executor:
    # a reference cycle of every request, garbage only the cyclic collector frees. Made when a
    # resolve info asks for them instead (a few per request; plain fields build none).
    @property
    def async_helpers(self) -> GraphQLResolveInfoHelpers:
        return GraphQLResolveInfoHelpers(gather=self.gather_async_work, track=self.track_async_work)

    @async_helpers.setter
    def async_helpers(self, _helpers: GraphQLResolveInfoHelpers) -> None:
        """graphql-core's `__init__` sets them: nothing to keep."""

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> Any:
        """graphql-core's, remembered with the operation's plans (across requests when kept)."""
        collected = self._plans.collected
        key = (id(return_type), id(field_details_list))
        found = collected.get(key)
        if found is not None and found[0] is field_details_list:
            return found[1]
        fields = super().collect_subfields(return_type, field_details_list)
        collected[key] = (field_details_list, fields)
        return fields

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
        if path is None:
            grouped_field_set = self._plans.root_fields(grouped_field_set)
        selection = self._plan(parent_type, grouped_field_set)
        if selection.complete is not None and position_context is None:
            done = selection.complete(source_value)
            if done is not SLOW:
                return done
        return self._run(selection.fields, parent_type, source_value, path, position_context)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """graphql-core's, with the arguments of a field whose arguments are all literals
        converted once (`arguments.direct_call`): the same resolve info, completion and error
        handling."""
        manager = self.middleware_manager
        call = None
        if manager is None or not manager.middlewares:
            call = planned_call(self.schema, self._plans.calls, parent_type, field_details_list[0])
        if call is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        field_def, resolve = call
        return_type = field_def.type
        nodes = [details.node for details in field_details_list]
        info = self.build_resolve_info(field_def, nodes, parent_type, path)
        try:
            result = resolve(source, info)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if self.is_awaitable(result):
            return self.complete_awaitable_value(
                return_type, field_details_list, info, path, result, position_context
            )
        return self._guarded(
            lambda: self.complete_value(
                return_type, field_details_list, info, path, result, position_context
            ),
            return_type,
            field_details_list,
            path,
        )

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
                value = SLOW if shape is None else value_of(shape, source_value)
                if shape is not None and value is not SLOW:
                    if shape.object_type is None:
                        result = leaves_of(shape, value)
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

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> Selection:
        """Each field of a selection with its shape, planned once per collected selection: the
        items of a list share one plan, and so do the requests of a kept operation."""
        plans = self._plans.plans
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
        selection = Selection(plan, self._complete_all(plan))
        plans[id(grouped_field_set)] = (grouped_field_set, selection)
        self._plan_store.built += 1
        return selection

    def _complete_all(
        self, plan: list[tuple[str, Any, Shape | None]]
    ) -> Callable[[Any], Any] | None:
        """The completion in one go of a selection whose fields are all plain (their own
        selections too, planned here), or None."""
        entries: list[Entry] = []
        for response_name, details, shape in plan:
            if shape is None:
                return None
            child = None
            if shape.object_type is not None:
                selection = self._subselection(shape.object_type, details)
                if selection is None or selection.complete is None:
                    return None
                child = selection.complete
            entries.append((response_name, shape, child))
        return complete_all(entries)

    def _subselection(self, object_type: GraphQLObjectType, details: Any) -> Selection | None:
        """The plan of a field's selection on an object type, or None when it defers."""
        subplans = self._plans.subplans
        key = (id(object_type), id(details))
        known = subplans.get(key)
        if known is None or known[0] is not details:
            grouped_field_set, new_defer_usages, _ = self.collect_subfields(object_type, details)
            plan = None if new_defer_usages else self._plan(object_type, grouped_field_set)
            known = subplans[key] = (details, plan)
        selection: Selection | None = known[1]
        return selection

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
        if position_context is None:
            selection = self._subselection(object_type, details)
            if selection is not None and selection.complete is not None:
                done = (
                    (selection.complete(value) if PLAIN_TYPES.get(type(value)) else SLOW)
                    if shape.item_type is None
                    else objects_of(selection.complete, value)
                )
                if done is not SLOW:
                    return done
        field_path = Path(path, response_name, parent_type.name)
        if shape.item_type is None:
            if not (PLAIN_TYPES.get(type(value)) or self._is_plain(value)):
                return SLOW
            return self._guarded(
                lambda: self._subfields(object_type, details, field_path, value, position_context),
                shape.declared,
                details,
                field_path,
            )
        if not isinstance(value, (list, tuple)) or not all(
            PLAIN_TYPES.get(type(item)) or self._is_plain(item) for item in value
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
        """Whether a value (an object field's, a list item) is an object to complete as it is
        (not None, an error or an awaitable); remembered for Strawberry types, whose instances
        are never awaitable."""
        plain = not (item is None or isinstance(item, Exception) or self.is_awaitable(item))
        if plain and hasattr(type(item), "__strawberry_definition__"):
            PLAIN_TYPES[type(item)] = True
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
        selection = self._subselection(object_type, details)
        if selection is None or position_context is not None:
            return self.collect_and_execute_subfields(
                object_type, details, path, value, position_context
            )
        return self._run(selection.fields, object_type, value, path, None)

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
