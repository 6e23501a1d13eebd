"""ASGI guards on the request body, applied before the body is read or spooled.

A multipart upload may be as large as the largest video (and is counted against the upload rate
per client address first); any other request gets the small JSON cap. A body that stops
arriving (a phone on a weak signal, a client gone without closing) is given up after
`BODY_IDLE_SECONDS` without a byte: it held its connection and what had come of it (up to the
largest video, spooled) for as long as the socket stayed open, without end.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.formparsers import MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from metskin.domain.i18n.marks import _, n_
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.graphql.http_refusals import Translators, scope_translator, size_words

# Seconds the client must wait before another upload (0: go ahead).
UploadGate = Callable[[Scope], Awaitable[float]]
# What a refused request is told, in its language (the app never saw it: no GraphQL context).
UPLOAD_TOO_LARGE = _(
    "This file is larger than {size}, the most MetSkin accepts. Choose a photo, or record a "
    "shorter video."
)
REQUEST_TOO_LARGE = _("The request (other than an upload) is larger than {size}.")
# The wait, in the words a person reads: seconds under two minutes, else whole minutes.
UPLOAD_WAIT_SECONDS = n_(
    "Too many uploads; try again in {count} second.",
    "Too many uploads; try again in {count} seconds.",
)
UPLOAD_WAIT_MINUTES = n_(
    "Too many uploads; try again in {count} minute.",
    "Too many uploads; try again in {count} minutes.",
)

REQUEST_STALLED = _(
    "Nothing more of this request arrived for {count} seconds, so MetSkin stopped waiting. "
    "Check your connection and send it again."
)
BODY_IDLE_SECONDS = 120.0  # a weak signal's pauses are seconds; the web app warns at 20 s


class BodyTooLarge(Exception):
    pass


class BodyStalled(Exception):
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
        idle_seconds: float = BODY_IDLE_SECONDS,
    ) -> None:
        self.app = app
        self.idle_seconds = idle_seconds
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
                await refuse(send, 429, self._wait_words(scope, wait), "RATE_LIMITED", wait)
                return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit, code)
            return
        seen = 0
        started = False
        whole = False  # the body has all come: a later receive waits for the disconnect

        async def counting_receive() -> Message:
            nonlocal seen, whole
            if whole:
                return await receive()
            try:
                # asyncio's own timer: a third of anyio's cancel scope (4 against 12 µs), on
                # every request's body
                async with asyncio.timeout(self.idle_seconds):
                    message = await receive()
            except TimeoutError:
                raise BodyStalled from None
            whole = message["type"] != "http.request" or not message.get("more_body", False)
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
        except BodyStalled:
            if not started:
                count = str(math.ceil(self.idle_seconds))
                words = self._words(scope, REQUEST_STALLED, count=count)
                await refuse(send, 408, words, "REQUEST_STALLED")

    async def _too_large(self, scope: Scope, send: Send, limit: int, code: str) -> None:
        size = size_words(limit, self._translator(scope))
        template = UPLOAD_TOO_LARGE if code == "MEDIA_TOO_LARGE" else REQUEST_TOO_LARGE
        await refuse(send, 413, self._words(scope, template, size=size), code)

    def _translator(self, scope: Scope) -> Translator:
        """The request's language (English without translators)."""
        if self.translators is None:
            return ENGLISH
        return scope_translator(scope, self.translators)

    def _words(self, scope: Scope, template: str, **values: str) -> str:
        """`template` in the request's language (English without translators)."""
        return self._translator(scope).gettext(template).format(**values)

    def _wait_words(self, scope: Scope, wait: float) -> str:
        """Too many uploads, and how long to wait (the `retryAfter` it is sent with)."""
        seconds = wait_seconds(wait)
        forms, count = (
            (UPLOAD_WAIT_SECONDS, seconds)
            if seconds < 120
            else (UPLOAD_WAIT_MINUTES, math.ceil(seconds / 60))
        )
        tr = self._translator(scope)
        return tr.ngettext(forms.singular, forms.plural, count).format(count=count)


async def refuse(
    send: Send, status: int, message: str, code: str, retry_after: float | None = None
) -> None:
    """A GraphQL-shaped JSON error response, sent before the app has read the body."""
    extensions: dict[str, Any] = {"code": code}
    headers = [(b"content-type", b"application/json")]
    if retry_after is not None:
        seconds = wait_seconds(retry_after)
        extensions["retryAfter"] = seconds
        headers.append((b"retry-after", str(seconds).encode()))
    body = {"data": None, "errors": [{"message": message, "extensions": extensions}]}
    payload = json.dumps(body).encode()
    headers.append((b"content-length", str(len(payload)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def wait_seconds(retry_after: float) -> int:
    """Whole seconds to wait, at least 1 (`retryAfter`, `Retry-After`)."""
    return max(1, math.ceil(retry_after))
