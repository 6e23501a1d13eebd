"""The ASGI app: Strawberry on Starlette, served by uvicorn."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.execution import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from metskin.bootstrap import Container
from metskin.domain.content.loader import article
from metskin.domain.content.render import render_article
from metskin.domain.errors import DomainError, NotFound
from metskin.domain.limits.errors import RateLimited
from metskin.domain.progress.service import PICTURES
from metskin.graphql.context import Context, authenticate, context_for_token, run_sync
from metskin.graphql.guard import client_ip
from metskin.graphql.headers import SecurityHeaders
from metskin.graphql.limits import BodySizeLimit, UploadGate
from metskin.graphql.privacy.download import export_route
from metskin.graphql.probes import probe_routes
from metskin.graphql.schema import build_schema
from metskin.logging import hide_media_tokens
from metskin.web import web_routes


class MetSkinGraphQL(GraphQL[Context, None]):
    def __init__(self, container: Container) -> None:
        super().__init__(
            build_schema(container.settings),
            graphql_ide="graphiql" if container.settings.graphiql_enabled else None,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            multipart_uploads_enabled=True,
        )
        self.container = container

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's HTTP-level refusals (bad JSON, no query...) as coded JSON errors."""
        try:
            return await super().run(request, context, root_value)
        except HTTPException as error:
            body = {
                "data": None,
                "errors": [{"message": error.reason, "extensions": {"code": "BAD_REQUEST"}}],
            }
            return JSONResponse(body, status_code=error.status_code)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError as error:
            raise HTTPException(400, "The JSON body is nested too deeply.") from error

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None
    ) -> Context:
        authorization = request.headers.get("authorization")
        return context_for_token(self.container, authorization, request=request, response=response)

    async def execute_single(
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        if is_subscription(request_data.query, request_data.operation_name):
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Subscriptions run over a websocket at /graphql (graphql-transport-ws), "
                        "not over HTTP.",
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
            authenticate(context, str(authorization))
            if context.viewer is None:
                raise ConnectionRejectionError({"code": "UNAUTHENTICATED"})
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


MEDIA_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
}


def media_route(container: Container) -> Route:
    """Serves a stored object to whoever holds a valid signed link (issued after access checks)."""

    async def serve_media(request: Request) -> Response:
        try:
            name = container.media_urls.object_name(request.path_params["token"])
            read = container.progress.render if name.startswith(PICTURES) else None
            data = await run_sync(read or container.media.read_object, name)
        except DomainError as error:
            status = 404 if isinstance(error, NotFound) else 403
            return JSONResponse({"error": error.message, "code": error.code}, status_code=status)
        ttl = container.settings.media_url_ttl_seconds
        return Response(
            data,
            media_type=MEDIA_TYPES.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
            headers={
                "cache-control": f"private, max-age={ttl}",
                "x-content-type-options": "nosniff",
                "content-disposition": "inline",
            },
        )

    return Route("/media/{token}", serve_media)


async def learn_article(request: Request) -> Response:
    """An educational article, rendered with jinja2."""
    found = article(request.path_params["slug"])
    if found is None:
        return HTMLResponse("<h1>Article not found</h1>", status_code=404)
    return HTMLResponse(render_article(found))


def create_app(container: Container) -> Starlette:
    graphql_app = MetSkinGraphQL(container)

    hide_media_tokens()  # the access log shows a media link's token cut short

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not container.settings.uses_redis:
            container.start_embedded_worker()
            await run_sync(container.resume_unfinished_analyses)
        yield
        container.close()

    settings = container.settings
    max_body = int(settings.max_video_mb * 1024 * 1024) + 1024 * 1024
    routes: list[Any] = [
        *probe_routes(container),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        media_route(container),
        export_route(container),
        Route("/learn/{slug}", learn_article),
        *web_routes(),
    ]
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
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
