"""A lean path for plain reads over HTTP (issue 17): a `POST application/json` query whose
document is already parsed and validated runs without Strawberry's per-request pipeline.

Strawberry's view and `Schema.execute` build, for every request, an execution context, five
extension objects, an extension runner with a context manager per phase (operation, parsing,
validation, execution), a middleware manager and the request's data objects. For a query whose
text the document store already holds without errors, parsing and validation are a lookup, so
that machinery is most of the cost beyond the fields themselves. Here such a request runs the
same steps with the same code and in the same order: the context (`get_context`: token,
session and API key), the cost, API key scopes and rate limits (`OperationLimits.on_execute`),
graphql-core's execution through `FastExecutionContext`, the schema's error processing (codes,
language, logging), the masking of unexpected errors and the operation metric (the extensions'
own hooks, entered and left as Strawberry does), then Strawberry's own result and response
building.

Everything else goes to Strawberry's view, untouched, and is decided before anything with an
effect has run (no context built, nothing counted): GET, multipart uploads, any other content
type, a streaming `Accept`, a body that is not a JSON object of the four usual keys with their
usual types, a batch, a document not yet known or known to be invalid, text no database can
store, mutations and subscriptions, and APQ except a hash-only request for a stored document.
"""

from __future__ import annotations

from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode
from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.execution import optimized_is_awaitable
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.schema.schema import _coerce_error
from strawberry.types import ExecutionContext
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe
from strawberry.utils.operation import get_operation_type

from metskin.graphql.errors import MaskUnexpectedErrors
from metskin.graphql.guard import OperationLimits
from metskin.graphql.inputs import holds_unstorable_text
from metskin.graphql.metrics import OperationMetrics
from metskin.graphql.persisted import PersistedQueries
from metskin.graphql.schema import MetSkinSchema

BODY_KEYS = frozenset({"query", "variables", "operationName", "extensions"})
JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})
POST_OPERATIONS = OperationType.from_http("POST")
# The hooks as context managers, wrapped once: `contextmanager(bound_method)` per request ran
# `functools.wraps` three times (about 6 µs of every request).
_METRICS_HOOK = contextmanager(OperationMetrics.on_operation)
_MASK_HOOK = contextmanager(MaskUnexpectedErrors.on_operation)
_LIMITS_HOOK = asynccontextmanager(OperationLimits.on_execute)


@dataclass(frozen=True)
class PlainRead:
    """A request the lean path takes: its text is known, parsed and valid."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    document: DocumentNode


class LeanReads:
    def __init__(self, view: GraphQL[Any, None], persisted: PersistedQueries) -> None:
        self.view = view
        self.persisted = persisted
        schema = view.schema
        assert isinstance(schema, MetSkinSchema)
        self.schema = schema

    async def run(self, request: Request) -> Response | None:
        """The response, or None: the request goes to Strawberry's view (nothing has run)."""
        read = await self.plain_read(request)
        if read is None:
            return None
        view = self.view
        sub_response = await view.get_sub_response(request)
        context = await view.get_context(request, response=sub_response)
        result = await self.execute(read, context)
        response_data = await view.process_result(request=request, result=result)
        return view.create_response(response_data=response_data, sub_response=sub_response)

    async def plain_read(self, request: Request) -> PlainRead | None:
        headers = request.headers
        if (
            request.method != "POST"
            or (headers.get("content-type") or "").lower() not in JSON_TYPES
            or self.view._get_stream_transport_from_headers(headers) is not None
        ):
            return None
        try:
            data = self.view.decode_json(await request.body())
        except Exception:  # Strawberry's view reports it
            return None
        if not isinstance(data, dict) or not BODY_KEYS.issuperset(data):
            return None
        query, variables = data.get("query"), data.get("variables")
        name, extensions = data.get("operationName"), data.get("extensions")
        if (
            not isinstance(variables, (dict, type(None)))
            or not isinstance(name, (str, type(None)))
            or not isinstance(extensions, (dict, type(None)))
        ):
            return None
        if extensions:
            if query is not None or set(extensions) != {"persistedQuery"}:
                return None
            query = self.persisted.stored(extensions["persistedQuery"])
        if not isinstance(query, str):
            return None
        known = self.schema.documents.get(query)
        if known is None or known[1] or holds_unstorable_text(query, variables):
            return None
        document = known[0]
        try:
            kind = get_operation_type(document, name)
        except RuntimeError:
            return None
        if kind is not OperationType.QUERY:
            return None
        return PlainRead(query, variables, name, extensions, document)

    async def execute(self, read: PlainRead, context: Any) -> ExecutionResult:
        """As `Schema.execute` for a parsed, valid query, with the same hooks in the same
        order: the operation metric, the masking, the limits; errors processed once."""
        schema = self.schema
        ctx = ExecutionContext(
            query=read.query,
            schema=schema,
            allowed_operations=POST_OPERATIONS,
            context=context,
            variables=read.variables,
            provided_operation_name=read.operation_name,
            operation_extensions=read.extensions,
        )
        ctx.graphql_document = read.document
        metrics, limits, mask = OperationMetrics(), schema.limits(), MaskUnexpectedErrors()
        metrics.execution_context = limits.execution_context = mask.execution_context = ctx
        try:
            with _METRICS_HOOK(metrics), _MASK_HOOK(mask):
                async with _LIMITS_HOOK(limits):
                    if not ctx.result:
                        ctx.result = await await_maybe(
                            schema._get_execute_function()(
                                schema._schema,
                                read.document,
                                root_value=None,
                                middleware=schema._get_middleware_manager([]),
                                variable_values=read.variables,
                                operation_name=ctx.operation_name,
                                context_value=context,
                                is_awaitable=optimized_is_awaitable,
                                **execution_context_class_kwargs(schema.execution_context_class),
                                **schema._get_custom_context_kwargs(read.extensions),
                            )
                        )
                    result = ctx.result
                    assert isinstance(result, (GraphQLExecutionResult, ExecutionResult))
                    if result.errors:
                        schema._process_errors(result.errors, ctx)
        except Exception as exc:  # as Schema.execute: the error is the result
            error = _coerce_error(exc)
            schema._process_errors([error], ctx)
            return ExecutionResult(data=None, errors=[error])
        return ExecutionResult(data=result.data, errors=result.errors)
