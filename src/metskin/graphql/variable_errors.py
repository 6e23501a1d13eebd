"""Which input a variable of the wrong type fills: `extensions.field` for BAD_USER_INPUT.

graphql-core refuses a variable that is not a value of its type before execution, naming the
variable (`Variable '$input' has invalid value at .weekly[0].start: ...`). A client
that shows errors next to its form fields needs the input instead, as domain errors give it:
the argument (and input fields) the variable is passed to, then the path inside the value
(`weekly.0.start`), in the shape every `field` has (docs/api.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from graphql import (
    FieldNode,
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


def variable_field(
    operation: OperationDefinitionNode | None,
) -> Callable[[GraphQLError], str | None]:
    """For a variable's coercion error: the input path it fills, or None (not such an error,
    or a variable used in more than one place, or only inside a named fragment)."""

    def field(error: GraphQLError) -> str | None:
        match = _INVALID.match(error.message)
        if operation is None or match is None:
            return None
        if not any(isinstance(node, VariableDefinitionNode) for node in error.nodes or ()):
            return None
        name, inner = match.groups()
        places = [path for used, path in _uses(operation.selection_set) if used == name]
        if len(places) != 1:
            return None
        path = [*places[0], *(part for part in re.split(r"[.\[\]]+", inner) if part)]
        if path[0] == "input" and len(path) > 1:  # as domain errors name it: `weekly.0.end`
            path = path[1:]
        return ".".join(path)

    return field


def _uses(selections: SelectionSetNode | None) -> Iterator[tuple[str, list[str]]]:
    """(variable name, the argument path it is passed at) of every variable in a selection."""
    for node in selections.selections if selections else ():
        if isinstance(node, FieldNode):
            for argument in node.arguments or ():
                yield from _in_value(argument.value, [argument.name.value])
            yield from _uses(node.selection_set)
        elif isinstance(node, InlineFragmentNode):
            yield from _uses(node.selection_set)


def _in_value(value: ValueNode, path: list[str]) -> Iterator[tuple[str, list[str]]]:
    if isinstance(value, VariableNode):
        yield value.name.value, path
    elif isinstance(value, ObjectValueNode):
        for entry in value.fields:
            yield from _in_value(entry.value, [*path, entry.name.value])
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _in_value(item, [*path, str(index)])
