"""Whether a field's selection may read some fields, for a resolver that can skip reading what
no one asked for (issue 17: the directory's bios).

The answer errs towards yes: a field of one of the names anywhere below the field being
resolved (under any type, through inline fragments and named fragments), or a fragment the
document does not define, counts as selected; `@skip`/`@include` are not evaluated (a field
that may be skipped counts as selected). It is kept per field node: a document the document
store keeps brings the same nodes (and fragments) on every request, so the walk runs once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry.types import Info

MAX_KEPT = 1024
# (names, id of each field node) -> (the field nodes, the answer)
_KEPT: dict[tuple[Any, ...], tuple[tuple[FieldNode, ...], bool]] = {}


def may_select(info: Info, names: frozenset[str]) -> bool:
    """Whether the field being resolved selects, somewhere below it, a field named (in
    GraphQL) one of `names`."""
    raw = info._raw_info
    nodes = tuple(raw.field_nodes)
    key = (names, *map(id, nodes))
    found = _KEPT.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], nodes, strict=True)):
        return found[1]
    selected = any(_selects(node.selection_set, names, raw.fragments, set()) for node in nodes)
    if len(_KEPT) >= MAX_KEPT:
        _KEPT.clear()
    _KEPT[key] = (nodes, selected)
    return selected


def _selects(
    selection_set: SelectionSetNode | None,
    names: frozenset[str],
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: set[str],
) -> bool:
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in names or _selects(
                selection.selection_set, names, fragments, seen
            ):
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _selects(selection.selection_set, names, fragments, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                continue
            seen.add(name)
            fragment = fragments.get(name)
            if fragment is None or _selects(fragment.selection_set, names, fragments, seen):
                return True
        else:  # a kind of selection this walk does not know
            return True
    return False
