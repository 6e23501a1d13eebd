"""Counts and times every GraphQL operation into the container's metrics."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, get_operation_ast
from strawberry.extensions import SchemaExtension

from metskin.graphql.context import Context


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        ctx = self.execution_context
        context: Context | None = ctx.context
        if context is None:  # a schema run without the app (tests)
            return
        result = ctx.result
        ok = result is not None and not result.errors
        context.container.metrics.operation(self.label(), time.perf_counter() - started, ok)

    def label(self) -> str:
        """`kind firstRootField`, only with names from the schema (`invalid` otherwise)."""
        ctx = self.execution_context
        document = ctx.graphql_document
        operation = get_operation_ast(document, ctx.operation_name) if document else None
        root = ctx.schema._schema.get_root_type(operation.operation) if operation else None
        if operation is None or root is None:
            return "invalid"
        first = next(
            (
                node.name.value
                for node in operation.selection_set.selections
                if isinstance(node, FieldNode)
            ),
            "",
        )
        name = first if first in root.fields or first == "__schema" else "other"
        return f"{operation.operation.value} {name}"
