"""The browser app: `/` and `/static/...` from this package, under a strict Content-Security-Policy.

Plain ES modules, no build step and no external URLs, so the policy allows only this origin.
The pages that messages link to (`APP_PAGES`, e.g. `/appointments/<id>`) serve the same page;
the app then opens the view of that path (`app.js`).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from metskin.domain.links import APP_PAGES

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}

# 'self' covers ws:// and wss:// to this origin (CSP level 3), so the subscription socket works.
# blob: lets the upload form preview the chosen photo or video before it is sent.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)

SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cache-control": "no-cache",
}


def web_root() -> Traversable:
    return resources.files(__name__)


def find_static(path: str) -> Traversable | None:
    """The packaged file at a relative path, or None; no hidden parts, no way out of the root."""
    parts = path.split("/")
    if any(not part or part.startswith(".") for part in parts):
        return None
    if parts[-1].rpartition(".")[2] not in CONTENT_TYPES:
        return None
    found = web_root().joinpath(*parts)
    return found if found.is_file() else None


async def _file_response(found: Traversable | None) -> Response:
    if found is None:
        return PlainTextResponse("Not found", status_code=404, headers=SECURITY_HEADERS)
    data = await anyio.to_thread.run_sync(found.read_bytes)
    return Response(
        data,
        headers={**SECURITY_HEADERS, "content-type": CONTENT_TYPES[found.name.rpartition(".")[2]]},
    )


async def index(_request: Request) -> Response:
    return await _file_response(find_static("index.html"))


async def static(request: Request) -> Response:
    return await _file_response(find_static(request.path_params["path"]))


def web_routes() -> list[Route]:
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        *(Route(page, index, methods=["GET", "HEAD"]) for page in APP_PAGES),
        Route("/static/{path:path}", static, methods=["GET", "HEAD"]),
    ]
