"""Execution plans kept across requests for known documents (issue 17).

graphql-core collects the fields of every selection (`collect_fields`, `collect_subfields`)
once per execution, and `FastExecutionContext` plans each collected selection (a shape per
field) once per execution too: for a page of 20 products, every request redoes the same
collection and planning of the same document. What they compute depends only on the schema,
the document's nodes and the object type, unless a directive (`@skip`/`@include` with a
variable, `@defer`, `@stream`) or a fragment variable makes it depend on the request. So for an
operation without any directive (in its own selections or in its fragments) and without
fragment variables, the collected fields and plans of a query are kept with the operation's
node, which the document store gives back for every request of the same text: a repeated
known query collects and plans nothing. Other operations keep them for their execution only,
as graphql-core does: one with a directive, and mutations and subscriptions (whose root fields
graphql-core collects anew for every execution or event, so that what hangs off them would
pile up under a kept operation).

The plans are kept by object identity, each entry holding the object its key was made from,
so a key cannot be reused by another object while the entry lives. At most `MAX_OPERATIONS`
operations are kept (least recently used first out); an execution holds its own plans, so an
eviction never changes one that runs.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

MAX_OPERATIONS = 512


@dataclass
class OperationPlans:
    """What executing one operation collects and plans, keyed by the identity of what it was
    made from (each value holds that object)."""

    kept: bool  # shared by every execution of the operation, or this execution's own
    root: Any = None  # the root's grouped field set, as first collected
    collected: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)
    plans: dict[int, tuple[Any, Any]] = field(default_factory=dict)
    subplans: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)
    calls: dict[tuple[int, int], tuple[Any, Any]] = field(default_factory=dict)  # arguments.py

    def root_fields(self, grouped_field_set: Any) -> Any:
        """The root's grouped field set: the first one collected, when kept."""
        if not self.kept:
            return grouped_field_set
        if self.root is None:
            self.root = grouped_field_set
        return self.root


@dataclass
class PlanStore:
    """The kept plans of one schema, by operation node."""

    max_operations: int = MAX_OPERATIONS
    built: int = 0  # selections planned since the store was made (for tests)
    _kept: OrderedDict[int, tuple[OperationDefinitionNode, OperationPlans]] = field(
        default_factory=OrderedDict
    )

    def for_operation(
        self,
        operation: OperationDefinitionNode,
        fragments: dict[str, FragmentDefinitionNode],
    ) -> OperationPlans:
        key = id(operation)
        found = self._kept.get(key)
        if found is not None and found[0] is operation:
            self._kept.move_to_end(key)
            return found[1]
        if operation.operation is not OperationType.QUERY or not is_static(operation, fragments):
            return OperationPlans(kept=False)
        plans = OperationPlans(kept=True)
        self._kept[key] = (operation, plans)
        while len(self._kept) > self.max_operations:
            self._kept.popitem(last=False)
        return plans


def plan_store(schema: GraphQLSchema) -> PlanStore:
    """The schema's plan store (kept on the schema, whose types and fields plans refer to)."""
    store = schema.__dict__.get("_metskin_plan_store")
    if store is None:
        store = schema.__dict__["_metskin_plan_store"] = PlanStore()
    assert isinstance(store, PlanStore)
    return store


def is_static(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> bool:
    """Whether collecting the operation's fields cannot depend on the request: no directive on
    any selection (the operation's or a fragment's), no fragment variables."""
    if operation.directives:
        return False
    return _static(operation.selection_set) and all(
        not fragment.directives
        and not getattr(fragment, "variable_definitions", None)
        and _static(fragment.selection_set)
        for fragment in fragments.values()
    )


def _static(selection_set: SelectionSetNode | None) -> bool:
    if selection_set is None:
        return True
    for selection in selection_set.selections:
        if selection.directives:
            return False
        if isinstance(selection, FragmentSpreadNode):
            if getattr(selection, "arguments", None):
                return False
        elif isinstance(selection, (FieldNode, InlineFragmentNode)):
            if not _static(selection.selection_set):
                return False
        else:
            return False
    return True
