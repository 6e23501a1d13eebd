"""CORS on /graphql, for the browser apps of the origins `METSKIN_CORS_ORIGINS` lists.

Without the setting nothing is added: the API answers its own origin (the web app), servers and
mobile apps, as it always has. With it, every answer of /graphql (the refusals sent before the
body is read included: a 413 or 429 a browser app must be able to read) varies by `Origin`, and
names a listed origin in `Access-Control-Allow-Origin`; a preflight (`OPTIONS` with
`Access-Control-Request-Method`) of a listed origin is told the methods, the request headers
the API reads and how long to keep the answer. An origin not listed gets no CORS header (the
browser then refuses the answer to its page); it is never echoed back. `*` in the list is
answered as `*`. No answer allows credentials: the API reads tokens and keys from headers,
never from cookies.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from metskin.graphql.http_refusals import GRAPHQL_METHODS

PATH = "/graphql"
# The request headers the API reads (Accept-Language only if its value is not a plain one).
REQUEST_HEADERS = "authorization, content-type, x-api-key, accept-language"
# The response headers a page may read besides the safe ones (Content-Type, Content-Language).
EXPOSED = "retry-after"
PREFLIGHT_MAX_AGE = 600  # seconds; browsers cap it (Chromium at 7,200)


class Cors:
    def __init__(self, app: ASGIApp, origins: tuple[str, ...] = ()) -> None:
        self.app = app
        self.origins = frozenset(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.origins or scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        allowed = self.allowed(request.get("origin"))
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in request

        async def with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Origin")
                if allowed is not None:
                    headers["access-control-allow-origin"] = allowed
                    if preflight:
                        headers["access-control-allow-methods"] = ", ".join(GRAPHQL_METHODS)
                        headers["access-control-allow-headers"] = REQUEST_HEADERS
                        headers["access-control-max-age"] = str(PREFLIGHT_MAX_AGE)
                    else:
                        headers["access-control-expose-headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, with_cors)

    def allowed(self, origin: str | None) -> str | None:
        """What `Access-Control-Allow-Origin` says to `origin`: itself when listed, `*` when
        any is, else None (no header)."""
        if origin is not None and origin.lower() in self.origins:
            return origin.lower()  # as listed: what the browser sent, in its own case
        return "*" if "*" in self.origins else None
