"""Whether a field's selection may read some fields: through fragments, erring towards yes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from metskin.graphql.selection import may_select

BIO = frozenset({"bio", "bioLocale"})


def info_of(text: str) -> Any:
    """A resolve info for the first root field of `text`."""
    document = parse(text)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    root = operation.selection_set.selections[0]
    return SimpleNamespace(_raw_info=SimpleNamespace(field_nodes=[root], fragments=fragments))


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ("{ ds { edges { node { id name practice { city } } } } }", False),
        ("{ ds { edges { node { id bio } } } }", True),
        ("{ ds { edges { node { b: bioLocale } } } }", True),
        ("{ ds { edges { node { ... on D { bio } } } } }", True),
        ("{ ds { edges { node { ... on D { id } } } } }", False),
        ("{ ds { edges { node { ...F } } } } fragment F on D { id bio }", True),
        (
            "{ ds { edges { ...E } } } fragment E on X { node { ...F } } fragment F on D { bio }",
            True,
        ),
        ("{ ds { edges { node { ...F } } } } fragment F on D { id ...F }", False),
        ("{ ds { edges { node { ...Missing } } } }", True),
        ("{ ds { edges { node { bio @skip(if: true) } } } }", True),
        ("{ ds { pageInfo { endCursor } } other { bio } }", False),
    ],
)
def test_a_selection_reads_a_field_anywhere_below(text: str, selected: bool) -> None:
    assert may_select(info_of(text), BIO) is selected


def test_the_answer_is_kept_per_field_node() -> None:
    info = info_of("{ ds { edges { node { ...F } } } } fragment F on D { bio }")
    assert may_select(info, BIO)
    other = info_of("{ ds { edges { node { ...F } } } } fragment F on D { id }")
    assert not may_select(other, BIO)
    info._raw_info.fragments = other._raw_info.fragments  # the same node: not walked again
    assert may_select(info, BIO)
