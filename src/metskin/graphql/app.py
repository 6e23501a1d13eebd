"""The ASGI app: Strawberry on Starlette, served by uvicorn."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextvars import ContextVar
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.types import QueryParams
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from metskin.bootstrap import Container, settle_heap
from metskin.domain.errors import Unavailable
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.limits.errors import RateLimited
from metskin.forwarded import ForwardedForCheck
from metskin.graphql.accounts.email_events import email_events_route
from metskin.graphql.accounts.sms_replies import sms_replies_route
from metskin.graphql.accounts.unsubscribe import unsubscribe_route
from metskin.graphql.analysis.media_route import media_route
from metskin.graphql.apikeys.auth import authenticate_api_key
from metskin.graphql.content.learn import learn_routes
from metskin.graphql.context import (
    Context,
    authenticate,
    context_for_token,
    request_scope,
    run_sync,
)
from metskin.graphql.cors import Cors
from metskin.graphql.graphiql import asset_route, ide_page
from metskin.graphql.guard import client_ip
from metskin.graphql.headers import SecurityHeaders
from metskin.graphql.http_refusals import (
    NESTED_TOO_DEEPLY,
    NOT_AN_OBJECT,
    NOT_UTF8,
    coded_error,
    unreadable,
    wrong_method,
)
from metskin.graphql.i18n import coded_text, request_locale
from metskin.graphql.lean import LeanReads
from metskin.graphql.limits import BodySizeLimit, UploadGate, keep_uploads_in_memory
from metskin.graphql.persisted import PersistedQueries
from metskin.graphql.privacy.download import export_route
from metskin.graphql.probes import probe_routes
from metskin.graphql.schema import build_schema
from metskin.graphql.ws_refusals import WebSocketRefusals, refusal_words, refuse
from metskin.logging import hide_link_tokens
from metskin.web import web_routes
from metskin.web.catalog import catalog_routes

SUBSCRIPTION_OVER_HTTP = _(
    "Subscriptions run over a websocket at /graphql (graphql-transport-ws), not over HTTP."
)

# Set while a GET's query string is read: its `variables=null` is no body to refuse.
_IN_QUERY_STRING: ContextVar[bool] = ContextVar("in_query_string", default=False)


class MetSkinGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = WebSocketRefusals  # closes say why, in the connection's language

    def __init__(self, container: Container) -> None:
        super().__init__(
            build_schema(container.settings),
            graphql_ide="graphiql" if container.settings.graphiql_enabled else None,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            multipart_uploads_enabled=True,
        )
        self.container = container
        self.persisted = PersistedQueries()
        self.lean: LeanReads | None = LeanReads(self, self.persisted)  # None: Strawberry only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """GET, POST and websockets run GraphQL; any other method is answered here, coded
        and with `Allow` (before, Starlette's plain-text 405)."""
        refused = wrong_method(scope, self.container.translations.translator)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    async def render_graphql_ide(self, request: Any) -> Response:
        """GraphiQL from this origin's own files (development only; no CDN)."""
        return ide_page(self.container.settings.var_dir)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """A plain read of a known document takes the lean path (lean.py). Strawberry's
        HTTP-level refusals (bad JSON, no query...) and Starlette's (a multipart body it
        cannot parse) as coded JSON errors, and a service that is away before execution
        starts (an API key's check, a websocket's session check) as a coded 503; all in the
        request's language."""
        try:
            with request_scope():
                plain = context is UNSET and root_value is UNSET and type(request) is Request
                if self.lean is not None and plain:
                    response = await self.lean.run(request)
                    if response is not None:
                        return response
                return await super().run(request, context, root_value)
        except HTTPException as error:
            return unreadable(error.reason, error.status_code, self._translator(request))
        except StarletteHTTPException as error:
            return unreadable(error.detail, error.status_code, self._translator(request))
        except Unavailable as error:
            said = coded_text(error.message, error.code, self._translator(request))
            return coded_error(said, error.code, 503)

    def _translator(self, request: Request | WebSocket) -> Translator:
        return self.container.translations.translator(request_locale(request.headers))

    def decode_json(self, data: str | bytes) -> object:
        """A JSON object (or a list: a batch, refused as such). Before, a body of `null`, a
        string or a number, or bytes that are not UTF-8, was an exception: HTTP 500."""
        try:
            decoded = super().decode_json(data)
        except RecursionError as error:
            raise HTTPException(400, NESTED_TOO_DEEPLY) from error
        except UnicodeDecodeError as error:
            raise HTTPException(400, NOT_UTF8) from error
        if not isinstance(decoded, (dict, list)) and not _IN_QUERY_STRING.get():
            raise HTTPException(400, NOT_AN_OBJECT)
        return decoded

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """As Strawberry's (a GET's `variables=null` stays null, not a body refused)."""
        reset = _IN_QUERY_STRING.set(True)
        try:
            return super().parse_query_params(params)
        finally:
            _IN_QUERY_STRING.reset(reset)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        authorization = request.headers.get("authorization")
        if not isinstance(request, Request):  # a websocket's session is checked when it opens
            context = Context(container=self.container, request=request, response=response)
            await authenticate(context, authorization)
            return context
        context = context_for_token(
            self.container, authorization, request=request, response=response
        )
        await authenticate_api_key(context, request.headers)  # HTTP only
        return context

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if refused := self.persisted.resolve(request_data, context.translator):
            return refused
        if is_subscription(request_data.query, request_data.operation_name):
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        context.translator.gettext(SUBSCRIPTION_OVER_HTTP),
                        extensions={"code": "BAD_REQUEST"},
                    )
                ],
            )
        return await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params or {}
        authorization = params.get("authorization") or params.get("Authorization")
        if authorization:
            await authenticate(context, str(authorization))
            if context.viewer is None:  # closed with 4403, saying why (ws_refusals.py)
                words = refusal_words(str(authorization), context.auth_error)
                refuse(context.request, words)
                code = context.auth_error.code if context.auth_error else "UNAUTHENTICATED"
                message = context.translator.gettext(words)
                raise ConnectionRejectionError({"code": code, "message": message})
        return None


def is_subscription(query: str | None, operation_name: str | None) -> bool:
    """Cheap first: only a query that says "subscription" is parsed (again)."""
    if not query or "subscription" not in query.lower():
        return False
    try:
        operation = get_operation_ast(parse(query), operation_name)
    except GraphQLError:
        return False  # the normal path reports the syntax error
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


def create_app(container: Container, *, freeze_heap: bool = False) -> Starlette:
    """The ASGI app. `freeze_heap` (`metskin serve`): `settle_heap` after start-up."""
    graphql_app = MetSkinGraphQL(container)

    hide_link_tokens()  # the access log shows a link's token (media, export...) cut short

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not container.settings.uses_redis:
            container.start_embedded_worker()
            await run_sync(container.resume_unfinished_analyses)
        if freeze_heap:
            settle_heap()
        yield
        container.close()

    settings = container.settings
    max_body = int(settings.max_video_mb * 1024 * 1024) + 1024 * 1024
    keep_uploads_in_memory(int(settings.max_photo_mb * 1024 * 1024))
    routes: list[Any] = [
        *probe_routes(container),
        Route("/graphql", graphql_app),  # every method: `MetSkinGraphQL.__call__` answers
        WebSocketRoute("/graphql", graphql_app),
        media_route(container),
        export_route(container),
        unsubscribe_route(container),
        email_events_route(container),
        sms_replies_route(container),
        asset_route(settings.var_dir, settings.graphiql_enabled),
        *learn_routes(container),
        *catalog_routes(),
        *web_routes(),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(ForwardedForCheck),  # a proxy whose client addresses are ignored
            Middleware(Cors, origins=tuple(settings.cors_origins)),  # 413s too
            Middleware(
                SecurityHeaders,
                hsts_seconds=settings.hsts_seconds,
                graphiql=settings.graphiql_enabled,
            ),
            Middleware(
                BodySizeLimit,
                max_bytes=max_body,
                max_json_bytes=settings.max_json_body_kb * 1024,
                upload_gate=upload_gate(container),
                translators=container.translations.translator,
            ),
        ],
    )


def upload_gate(container: Container) -> UploadGate | None:
    """Counts an upload against its client address before its body is read."""
    limits = container.rate_limits
    if limits is None:
        return None

    async def gate(scope: Any) -> float:
        try:
            await run_sync(limits.check, "upload", ip=client_ip(Request(scope)), account=None)
        except RateLimited as error:
            container.metrics.refused("rate", "upload")
            return float(error.retry_after)
        return 0.0

    return gate
