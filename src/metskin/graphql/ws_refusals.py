"""The websocket's refusals, said in the connection's language.

graphql-transport-ws refuses by closing the socket with a code (4400 a message it cannot read,
4401 a subscribe before the connection is acknowledged, 4403 a token refused, 4406 another
subprotocol, 4408 no `connection_init` in time, 4409 an operation id already running, 4429
`connection_init` twice). The codes stay; the close frame's reason, the one place the protocol
leaves for words, was Strawberry's English ("Forbidden"). It is now a sentence that says what
to do, in the connection's language: the `language` (or `Accept-Language`) its
`connection_init` payload names, else the handshake's `Accept-Language` header, else English;
cut to the 123 bytes a close reason may hold.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Mapping

from starlette.websockets import WebSocket
from strawberry.asgi import ASGIWebSocketAdapter

from metskin.domain.errors import DomainError
from metskin.domain.i18n.locales import DEFAULT_LOCALE, negotiate
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.graphql.http_refusals import Translators, is_http_reason, reason_text
from metskin.graphql.i18n import payload_language, request_locale

MAX_REASON_BYTES = 123  # RFC 6455: a close frame's payload is 125 bytes, 2 of them the code
# Where a refused connection's cause waits for its close (the handler only says "Forbidden").
REFUSAL = "metskin.ws_refusal"
# Strawberry's reasons, word for word, and what the client is told instead.
REASONS = {
    (4400, "Invalid connection init payload"): _(
        "The connection_init payload must be a JSON object."
    ),
    (4400, "WebSocket message type must be text"): _(
        "Send each message as JSON text, not as binary data."
    ),
    (4400, "WebSocket message must be valid JSON"): _("A message is not valid JSON."),
    (4400, "Failed to parse message"): _("A message lacks a field the protocol requires."),
    (4401, "Unauthorized"): _(
        "Send connection_init and wait for connection_ack before subscribing."
    ),
    (4406, "Subprotocol not acceptable"): _(
        "Open the websocket with the graphql-transport-ws subprotocol."
    ),
    (4408, "Connection initialisation timeout"): _(
        "No connection_init came in time: send it as soon as the socket opens."
    ),
    (4429, "Too many initialisation requests"): _(
        "connection_init came twice: send it once per connection."
    ),
}
PATTERNS = (
    (
        4400,
        re.compile(r"Unknown message type: .*", re.DOTALL),
        _("A message's type is not one of the protocol's."),
    ),
    (
        4409,
        re.compile(r"Subscriber for .* already exists", re.DOTALL),
        _("An operation with this id is already running: give each subscribe a new id."),
    ),
)
# 4403: why the token was refused.
TOKEN_INVALID = _("The access token is not valid: log in, then connect again.")
TOKEN_EXPIRED = _("The access token has expired: refresh it (refreshToken), then connect again.")
API_KEY = _("API keys do not open websockets: send a person's access token in connection_init.")


def refusal_words(authorization: str, error: DomainError | None) -> str:
    """What a refused `connection_init` is told (in English, a msgid): by its cause."""
    if authorization.strip().lower().startswith("apikey"):
        return API_KEY
    if error is not None and error.code == "TOKEN_EXPIRED":
        return TOKEN_EXPIRED
    return TOKEN_INVALID


def refuse(websocket: object, words: str) -> None:
    """Keep why the connection is refused, for its close (`WebSocketRefusals.close`)."""
    if isinstance(websocket, WebSocket):
        websocket.scope[REFUSAL] = words


def close_reason(code: int, reason: str, tr: Translator, refused: str | None = None) -> str:
    """The reason of a close with `code`, in `tr`'s language (Strawberry's `reason` read as
    ours), cut to fit a close frame."""
    if code == 4403:
        said = tr.gettext(refused or TOKEN_INVALID)
    elif (code, reason) in REASONS:
        said = tr.gettext(REASONS[(code, reason)])
    elif found := next((t for c, p, t in PATTERNS if c == code and p.fullmatch(reason)), None):
        said = tr.gettext(found)
    elif is_http_reason(reason):  # an unknown operation name, no operation
        said = reason_text(reason, tr)
    else:  # a document's errors: in the connection's language already (process_errors)
        said = reason
    return fit(said)


def fit(text: str) -> str:
    """`text` cut to MAX_REASON_BYTES of UTF-8, with an ellipsis when cut."""
    if len(text.encode()) <= MAX_REASON_BYTES:
        return text
    cut = text.encode()[: MAX_REASON_BYTES - 3].decode(errors="ignore")
    return cut.rstrip() + "…"


class WebSocketRefusals(ASGIWebSocketAdapter):
    """Strawberry's websocket adapter, closing with reasons in the connection's language."""

    language: str | None = None  # the `connection_init` payload's, once it came

    async def iter_json(
        self, *, ignore_parsing_errors: bool = False
    ) -> AsyncGenerator[object, None]:
        async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
            if isinstance(message, Mapping) and message.get("type") == "connection_init":
                self.language = payload_language(message.get("payload")) or self.language
            yield message

    async def close(self, code: int, reason: str) -> None:
        scope = self.ws.scope
        asked = self.language
        locale = negotiate(asked, DEFAULT_LOCALE) if asked else request_locale(self.ws.headers)
        translators: Translators = self.view.container.translations.translator  # type: ignore[attr-defined]
        said = close_reason(code, reason, translators(locale), scope.get(REFUSAL))
        await super().close(code, said)
