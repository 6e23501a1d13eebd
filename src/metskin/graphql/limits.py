"""ASGI guards on the request body, applied before the body is read or spooled.

A multipart upload may be as large as the largest video (and is counted against the upload rate
per client address first); any other request gets the small JSON cap.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from metskin.domain.analysis.media import MB
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.said import number
from metskin.domain.i18n.source import ENGLISH
from metskin.graphql.i18n import request_locale

# Seconds the client must wait before another upload (0: go ahead).
UploadGate = Callable[[Scope], Awaitable[float]]
# The translator of a locale (the request's `Accept-Language`, negotiated).
Translators = Callable[[str], Translator]
# What a refused request is told, in its language (the app never saw it: no GraphQL context).
UPLOAD_TOO_LARGE = _(
    "This file is larger than {size}, the most MetSkin accepts. Choose a photo, or record a "
    "shorter video."
)
REQUEST_TOO_LARGE = _("The request (other than an upload) is larger than {size}.")
TOO_MANY_UPLOADS = _("Too many uploads; try again later.")
# A size in the language's units and numbers ("3 Mo", "1,5 MB").
MEGABYTES = _("{size} MB")
KILOBYTES = _("{size} KB")


class BodyTooLarge(Exception):
    pass


def keep_uploads_in_memory(max_bytes: int) -> None:
    """A file part of up to `max_bytes` (a photo) stays in memory while the request is parsed.
    Starlette spools a part past 1 MB to a temporary file: for a 12 MP photo that was ~30
    worker-thread hops (one per 64 KB chunk written, one to read it back) and a file written
    and read again, ~2 ms of server CPU (docs/benchmarks.md, "Pipeline against the engine,
    sixth pass"). The resolver reads the whole file into memory anyway; larger parts (videos)
    still spool to disk. Starlette keeps this per process, on its parser class."""
    MultiPartParser.spool_max_size = max_bytes


def is_multipart(scope: Scope) -> bool:
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    return content_type.lower().startswith(b"multipart/form-data")


class BodySizeLimit:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_json_bytes: int | None = None,
        upload_gate: UploadGate | None = None,
        translators: Translators | None = None,
    ) -> None:
        self.app = app
        self.translators = translators
        self.max_bytes = max_bytes
        self.max_json_bytes = max_json_bytes or max_bytes
        self.upload_gate = upload_gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = is_multipart(scope)
        limit, code = (
            (self.max_bytes, "MEDIA_TOO_LARGE") if upload else (self.max_json_bytes, "TOO_LARGE")
        )
        if upload and self.upload_gate is not None:
            wait = await self.upload_gate(scope)
            if wait > 0:
                words = self._words(scope, TOO_MANY_UPLOADS)
                await refuse(send, 429, words, "RATE_LIMITED", wait)
                return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit, code)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope, send, limit, code)

    async def _too_large(self, scope: Scope, send: Send, limit: int, code: str) -> None:
        tr = self._translator(scope)
        unit, amount = (MEGABYTES, limit / MB) if limit >= MB else (KILOBYTES, limit / 1024)
        size = tr.gettext(unit).format(size=tr.format_number(number(amount)))
        template = UPLOAD_TOO_LARGE if code == "MEDIA_TOO_LARGE" else REQUEST_TOO_LARGE
        await refuse(send, 413, self._words(scope, template, size=size), code)

    def _translator(self, scope: Scope) -> Translator:
        """The request's language (English without translators)."""
        if self.translators is None:
            return ENGLISH
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        return self.translators(request_locale(headers))

    def _words(self, scope: Scope, template: str, **values: str) -> str:
        """`template` in the request's language."""
        return self._translator(scope).gettext(template).format(**values)


async def refuse(
    send: Send, status: int, message: str, code: str, retry_after: float | None = None
) -> None:
    """A GraphQL-shaped JSON error response, sent before the app has read the body."""
    extensions: dict[str, Any] = {"code": code}
    headers = [(b"content-type", b"application/json")]
    if retry_after is not None:
        seconds = max(1, int(retry_after + 0.999))
        extensions["retryAfter"] = seconds
        headers.append((b"retry-after", str(seconds).encode()))
    body = {"data": None, "errors": [{"message": message, "extensions": extensions}]}
    payload = json.dumps(body).encode()
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
