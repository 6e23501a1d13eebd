"""Which input a variable of the wrong type fills: `extensions.field` for BAD_USER_INPUT.

graphql-core refuses a variable that is not a value of its type before execution, naming the
variable (`Variable '$input' has invalid value at .weekly[0].start: ...`). A client
that shows errors next to its form fields needs the input instead, as domain errors give it:
the argument (and input fields) the variable is passed to, then the path inside the value
(`weekly.0.start`), in the shape every `field` has (docs/api.md). A variable passed inside a
named fragment is followed there; one passed in several places names their input when all are
the same (`first` of two lists); else, when which input is at fault cannot be told (two
different inputs, or none: a directive's argument), `field` is the variable's name and the path
inside its value (`n`, `i.allergies.1`), which the client that chose the name can place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
)

# graphql-core's message: the variable, then the path inside its value (print_path_list).
_INVALID = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at )?((?:\.\w+|\[\d+\])*):")


Fragments = Mapping[str, FragmentDefinitionNode]


def variable_field(
    operation: OperationDefinitionNode | None, document: DocumentNode | None = None
) -> Callable[[GraphQLError], str | None]:
    """For a variable's coercion error: the input path it fills (through the named fragments
    of `document`), else the variable's own path; None when not such an error."""
    fragments: Fragments = {
        node.name.value: node
        for node in (document.definitions if document else ())
        if isinstance(node, FragmentDefinitionNode)
    }

    def field(error: GraphQLError) -> str | None:
        match = _INVALID.match(error.message)
        if operation is None or match is None:
            return None
        if not any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ()):
            return None
        name, inner = match.groups()
        within = [part for part in re.split(r"[.\[\]]+", inner) if part]
        uses = _uses(operation.selection_set, fragments, set())
        places = {tuple(_as_named(path)) for used, path in uses if used == name}
        if len(places) != 1:  # which input cannot be told: the variable, as the client named it
            return ".".join([name, *within])
        return ".".join(_as_named([*next(iter(places)), *within]))

    return field


def _as_named(path: list[str]) -> list[str]:
    """As domain errors name an input: without the `input` argument (`weekly.0.end`)."""
    return path[1:] if path[0] == "input" and len(path) > 1 else path


def _uses(
    selections: SelectionSetNode | None, fragments: Fragments, seen: set[str]
) -> Iterator[tuple[str, list[str]]]:
    """(variable name, the argument path it is passed at) of every variable in a selection,
    the named fragments it spreads included (each once)."""
    for node in selections.selections if selections else ():
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                yield from _in_value(argument.value, [argument.name.value])
            yield from _uses(node.selection_set, fragments, seen)
        elif isinstance(node, InlineFragmentNode):
            yield from _uses(node.selection_set, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            seen.add(node.name.value)
            fragment = fragments.get(node.name.value)
            yield from _uses(fragment.selection_set if fragment else None, fragments, seen)


def _in_value(value: ValueNode, path: list[str]) -> Iterator[tuple[str, list[str]]]:
    if isinstance(value, VariableNode):
        yield value.name.value, path
    elif isinstance(value, ObjectValueNode):
        for entry in value.fields:
            yield from _in_value(entry.value, [*path, entry.name.value])
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _in_value(item, [*path, str(index)])
