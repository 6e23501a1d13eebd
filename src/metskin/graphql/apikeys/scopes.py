"""What a request made with an API key may reach, field by field.

Each scope names the root fields it opens and the types whose fields it may then read. A field
no rule names is refused: a new root field is closed to keys until a scope lists it, and
`tests/unit/graphql/test_api_key_scopes.py` fails when a scope's root fields reach a type the
scope does not list (a new field leading to new data). Only `__typename` is free.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)

from metskin.domain.apikeys.model import Scope


@dataclass(frozen=True)
class ScopeRule:
    roots: frozenset[str]  # "Query.products"
    types: frozenset[str]  # every field of these types is readable under the scope


def _rule(roots: str, types: str) -> ScopeRule:
    """Names separated by spaces."""
    return ScopeRule(frozenset(roots.split()), frozenset(types.split()))


RULES: dict[Scope, ScopeRule] = {
    Scope.CATALOG_READ: _rule(
        "Query.products Query.product",
        "Product ProductConnection ProductEdge KeyActive Usage PageInfo",
    ),
    Scope.DIRECTORY_READ: _rule(
        "Query.dermatologists Query.dermatologist Query.availableSlots",
        "Dermatologist DermatologistConnection DermatologistEdge Fee Practice Slot PageInfo",
    ),
    Scope.ANALYSES_OWN_USERS: _rule(
        "Query.analysis Query.uploadByKey Mutation.uploadMedia Mutation.startAnalysis",
        "Analysis AnalysisResult AnalysisSummary Concern Measurement Media PigmentedSpot "
        "QualityIssue RegionScore SkinTypeResult Tone UploadByKey",
    ),
}
OPEN_FIELDS = frozenset({"Query.health"})


def requested_fields(schema: GraphQLSchema, document: DocumentNode) -> set[str]:
    """Every field coordinate (`Type.field`) the document selects: each operation from its root
    type, each fragment from its type condition (a validated document, so every field exists).
    Introspection fields are named but not entered: no scope opens them."""
    found: set[str] = set()

    def walk(parent: GraphQLNamedType | None, selections: SelectionSetNode) -> None:
        for node in selections.selections:
            if isinstance(node, FieldNode):
                name = node.name.value
                if name == "__typename" or parent is None:
                    continue
                found.add(f"{parent.name}.{name}")
                field = getattr(parent, "fields", {}).get(name)
                if field is not None and node.selection_set is not None:
                    walk(get_named_type(field.type), node.selection_set)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                walk(
                    schema.get_type(condition.name.value) if condition else parent,
                    node.selection_set,
                )

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk(schema.get_root_type(definition.operation), definition.selection_set)
        elif isinstance(definition, FragmentDefinitionNode):
            walk(schema.get_type(definition.type_condition.name.value), definition.selection_set)
    return found


def refused_fields(
    schema: GraphQLSchema, document: DocumentNode, scopes: Iterable[Scope]
) -> list[str]:
    """The document's fields that a key with `scopes` may not reach, sorted."""
    granted = [RULES[scope] for scope in scopes]
    roots = {type_.name for type_ in (schema.query_type, schema.mutation_type) if type_}
    if schema.subscription_type:
        roots.add(schema.subscription_type.name)

    def allowed(coordinate: str) -> bool:
        if coordinate in OPEN_FIELDS:
            return True
        parent = coordinate.partition(".")[0]
        if parent in roots:
            return any(coordinate in rule.roots for rule in granted)
        return any(parent in rule.types for rule in granted)

    return sorted(c for c in requested_fields(schema, document) if not allowed(c))
