"""Security headers on every HTTP response; a route that sets its own (the web app's stricter
policy for its scripts) keeps them."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The API, the articles and media send no scripts: nothing runs, nothing frames them.
API_POLICY = "; ".join(
    (
        "default-src 'none'",
        "img-src 'self'",
        "style-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
# GraphiQL (development only) runs scripts from this origin only; its editor sets inline styles.
GRAPHIQL_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


def security_headers(hsts_seconds: int) -> dict[str, str]:
    headers = {
        "content-security-policy": API_POLICY,
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cross-origin-opener-policy": "same-origin",
    }
    if hsts_seconds > 0:
        headers["strict-transport-security"] = f"max-age={hsts_seconds}; includeSubDomains"
    return headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp, hsts_seconds: int = 0, graphiql: bool = False) -> None:
        self.app = app
        self.headers = security_headers(hsts_seconds)
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if self.graphiql and _is_graphiql_page(scope, headers):
                    headers["content-security-policy"] = GRAPHIQL_POLICY
            await send(message)

        await self.app(scope, receive, with_headers)


def _is_graphiql_page(scope: Scope, headers: MutableHeaders) -> bool:
    return (
        scope["path"] == "/graphql"
        and scope["method"] == "GET"
        and headers.get("content-type", "").startswith("text/html")
    )
