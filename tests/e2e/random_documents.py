"""Random GraphQL documents made from the schema: random selections and arguments, aliases,
fragments, nesting past the depth limit, variables of wrong types, and garbage tokens.

Seeded: the same seed makes the same documents. About half are valid GraphQL; the rest are
wrong in one or more of the ways a careless or hostile client is.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
    is_object_type,
)

from tests.e2e.schema_walk import bad_values, minimal_value

GARBAGE = [
    "{",
    "}",
    "(",
    ")",
    "$",
    "...",
    ":",
    "!",
    "@skip(if: true)",
    "@nope",
    "#",
    '"',
    "\\u0000",
]
GARBAGE += ["query", "fragment", "on", "null", "[", "]", "=", "|", "1e999999", "\U0001f9b4", "\x00"]
WRONG_TYPES = ["String", "Int", "Float", "Boolean", "ID", "[String!]!", "JSON", "DateTime", "Nope"]


def literal(value: Any) -> str:
    """A Python value written as a GraphQL literal (strings as JSON strings)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value) if value == value and abs(value) != float("inf") else "1e999"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value)[:2000])


@dataclass
class DocumentMaker:
    schema: GraphQLSchema
    rng: random.Random
    known: dict[str, Any]
    max_depth: int = 12
    variables: dict[str, Any] = field(default_factory=dict)
    declared: list[str] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    budget: int = 0  # fields left to select in this document

    def make(self) -> tuple[str, dict[str, Any]]:
        """One document and its variables."""
        self.variables, self.declared, self.fragments = {}, [], []
        self.budget = self.rng.choice([5, 20, 60])
        if self.rng.random() < 0.03:
            return self.deep(), {}
        kind = self.rng.choice(["query"] * 6 + ["mutation"] * 3 + ["subscription"])
        root = getattr(self.schema, f"{kind}_type")
        assert isinstance(root, GraphQLObjectType)
        depth = self.rng.choice([2, 3, 4, 6, self.max_depth, self.max_depth + 2])
        names = self.rng.sample(list(root.fields), k=min(len(root.fields), self.rng.randint(1, 2)))
        body = " ".join(self.field(name, root.fields[name], depth) for name in names)
        head = f"{kind} ({', '.join(self.declared)})" if self.declared else kind
        document = " ".join([f"{head} {{ {body} }}", *self.fragments])
        if self.rng.random() < 0.15:
            document = self.mangle(document)
        return document, self.variables

    def field(self, name: str, field: GraphQLField, depth: int) -> str:
        alias = f"a{self.rng.randint(0, 99)}: " if self.rng.random() < 0.2 else ""
        args = self.arguments(field)
        return f"{alias}{name}{args} {self.selection(field.type, depth - 1)}".strip()

    def arguments(self, field: GraphQLField) -> str:
        parts = []
        for name, arg in field.args.items():
            required = isinstance(arg.type, GraphQLNonNull)
            if not required and self.rng.random() < 0.6:
                continue
            if required and self.rng.random() < 0.05:
                continue  # a missing required argument
            parts.append(f"{name}: {self.value(name, arg.type)}")
        if self.rng.random() < 0.02:
            parts.append(f"unknown{self.rng.randint(0, 9)}: 1")
        return f"({', '.join(parts)})" if parts else ""

    def value(self, name: str, type_: GraphQLInputType) -> str:
        """A literal or a variable, good or bad, for one argument."""
        named = get_named_type(type_)
        good = self.rng.random() < 0.85
        value = minimal_value(type_, self.known, name) if good else self.bad(named)
        if self.rng.random() < 0.4:
            var = f"v{len(self.declared)}"
            declared = str(type_) if self.rng.random() < 0.85 else self.rng.choice(WRONG_TYPES)
            self.declared.append(f"${var}: {declared}")
            self.variables[var] = value
            return f"${var}"
        if isinstance(named, GraphQLEnumType) and good:
            return str(value.name if hasattr(value, "name") else value)
        return literal(value)

    def bad(self, named: Any) -> Any:
        value = self.rng.choice(bad_values(named))
        if isinstance(value, str) and len(value) > 5000:
            return value[: self.rng.randint(0, 5000)]
        return value

    def selection(self, type_: Any, depth: int) -> str:
        named = get_named_type(type_)
        if is_leaf_type(named) or not is_object_type(named):
            return "{ __typename }" if self.rng.random() < 0.03 else ""
        assert isinstance(named, GraphQLObjectType)
        if self.budget <= 0 or (depth <= 0 and self.rng.random() < 0.8):
            return "{ __typename }"
        names = list(named.fields)
        picked = self.rng.sample(names, k=min(len(names), self.rng.randint(1, 4)))
        self.budget -= len(picked)
        parts = [self.field(n, named.fields[n], depth) for n in picked]
        if self.rng.random() < 0.03:
            parts.append(f"notAField{self.rng.randint(0, 9)}")
        if self.rng.random() < 0.15:
            parts.append(f"... on {named.name} {{ __typename }}")
        if self.rng.random() < 0.15:
            spread = f"F{len(self.fragments)}"
            on = named.name if self.rng.random() < 0.8 else self.rng.choice(["Query", "Slot", "X"])
            self.fragments.append(f"fragment {spread} on {on} {{ __typename }}")
            parts.append(f"...{spread}")
        return "{ " + " ".join(parts) + " }"

    def deep(self) -> str:
        """Nesting far past the depth limit (the type graph itself is shallower)."""
        levels = self.rng.randint(self.max_depth, 5 * self.max_depth)
        inner = "id"
        for level in range(levels):
            inner = f"f{level % 3} {{ {inner} }}"
        return f"{{ me {{ {inner} }} }}"

    def mangle(self, document: str) -> str:
        """Garbage: a token inserted, a span cut or doubled."""
        for _ in range(self.rng.randint(1, 3)):
            at = self.rng.randint(0, len(document))
            how = self.rng.random()
            if how < 0.5:
                document = document[:at] + f" {self.rng.choice(GARBAGE)} " + document[at:]
            elif how < 0.8:
                document = document[:at] + document[at + self.rng.randint(1, 20) :]
            else:
                document = document[:at] + document[max(0, at - 30) : at] + document[at:]
        return document
