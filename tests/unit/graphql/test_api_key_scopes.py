"""What an API key may reach, checked against the schema itself: a root field without a rule is
refused, and a scope that reaches a type it does not list fails here."""

from __future__ import annotations

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    parse,
)

from metskin.domain.apikeys.model import Scope
from metskin.graphql.apikeys.scopes import OPEN_FIELDS, RULES, refused_fields
from metskin.graphql.schema import build_schema

SCHEMA: GraphQLSchema = build_schema()._schema  # type: ignore[attr-defined]
ALL = list(Scope)


def reachable_types(roots: frozenset[str]) -> set[str]:
    """Every object type the root fields lead to, field by field."""
    found: set[str] = set()
    todo: list[GraphQLNamedType] = []
    for coordinate in roots:
        parent, _, name = coordinate.partition(".")
        root = SCHEMA.get_type(parent)
        assert isinstance(root, GraphQLObjectType), coordinate
        todo.append(get_named_type(root.fields[name].type))
    while todo:
        type_ = todo.pop()
        if type_.name in found or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        found.add(type_.name)
        todo += [get_named_type(f.type) for f in type_.fields.values()]
    return found


@pytest.mark.parametrize("scope", list(Scope))
def test_each_scope_lists_exactly_the_types_its_root_fields_reach(scope: Scope) -> None:
    rule = RULES[scope]
    assert reachable_types(rule.roots) == rule.types, (
        f"{scope}: a root field of this scope now reaches other types; list them in "
        "graphql/apikeys/scopes.py only if the scope should read them"
    )


def root_fields() -> list[str]:
    roots = [SCHEMA.query_type, SCHEMA.mutation_type, SCHEMA.subscription_type]
    return [f"{root.name}.{name}" for root in roots if root for name in root.fields]


def test_a_root_field_without_a_rule_is_refused_to_a_key_with_every_scope() -> None:
    ruled = set().union(*(rule.roots for rule in RULES.values())) | OPEN_FIELDS
    every = root_fields()
    unruled = [c for c in every if c not in ruled]
    assert len(unruled) > 30  # nearly the whole API is closed to keys
    for coordinate in every:
        kind, _, name = coordinate.partition(".")
        operation = {"Query": "query", "Mutation": "mutation"}.get(kind, "subscription")
        document = parse(f"{operation} {{ {name} }}")
        refused = refused_fields(SCHEMA, document, ALL)
        assert refused == ([] if coordinate in ruled else [coordinate]), coordinate


@pytest.mark.parametrize(
    ("document", "scopes", "refused"),
    [
        ("{ products(first: 1) { edges { node { id name } } } }", [Scope.CATALOG_READ], []),
        (  # PageInfo is a directory type too: only its field passes
            "{ products(first: 1) { pageInfo { hasNextPage } edges { node { id } } } }",
            [Scope.DIRECTORY_READ],
            [
                "Product.id",
                "ProductConnection.edges",
                "ProductConnection.pageInfo",
                "ProductEdge.node",
                "Query.products",
            ],
        ),
        (
            "{ analysis(id: 1) { id media { url } } }",
            [Scope.CATALOG_READ],
            ["Analysis.id", "Analysis.media", "Media.url", "Query.analysis"],
        ),
        ("{ analysis(id: 1) { __typename id result { ok } } }", [Scope.ANALYSES_OWN_USERS], []),
        ("{ health __typename }", [Scope.CATALOG_READ], []),
        ("{ me { id } }", ALL, ["Query.me", "User.id"]),
        (
            "{ ... on Query { users { edges { node { email } } } } }",
            ALL,
            [
                "Query.users",
                "User.email",
                "UserConnection.edges",
                "UserEdge.node",
            ],
        ),
        (
            "query { ...F } fragment F on Query { myShares { id } }",
            ALL,
            [
                "Query.myShares",
                "Share.id",
            ],
        ),
        (
            "{ __schema { types { name } } }",
            ALL,
            [
                "Query.__schema",
            ],
        ),
        (
            'mutation { createApiKey(name: "x", scopes: []) { key } }',
            ALL,
            [
                "Mutation.createApiKey",
                "NewApiKey.key",
            ],
        ),
    ],
)
def test_documents_are_checked_field_by_field(
    document: str, scopes: list[Scope], refused: list[str]
) -> None:
    assert refused_fields(SCHEMA, parse(document), scopes) == refused
