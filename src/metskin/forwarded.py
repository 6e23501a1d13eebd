"""Which proxies' `X-Forwarded-For` uvicorn believes, said at start-up and checked on the first
request that carries the header from anyone else.

uvicorn takes a request's client address from `X-Forwarded-For` only when the connection comes
from an address in `FORWARDED_ALLOW_IPS` (its setting, 127.0.0.1 and ::1 by default). Behind a
proxy on another host, every request then has the proxy's address, and the per-client rate rules
count all clients as one: 30 wrong logins in 5 minutes anywhere refuse every login. Nothing said
so: an operator learnt it from refused logins.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

SETTING = "FORWARDED_ALLOW_IPS"
UVICORN_DEFAULT = "127.0.0.1,::1"  # uvicorn's own when the setting is not set


def trusted_proxies(environ: Mapping[str, str] | None = None) -> str:
    """The addresses (and networks) whose `X-Forwarded-For` uvicorn believes, as it reads them."""
    return (os.environ if environ is None else environ).get(SETTING, UVICORN_DEFAULT)


def say_trusted_proxies(trusted: str) -> None:
    """The start-up line of `metskin serve`: which proxies are believed. Any address (`*`) is a
    warning: a client that reaches the server directly chooses its own address (and so escapes
    the per-client rate rules) by sending the header."""
    if trusted.strip() == "*":
        log.warning(
            "%s=*: the client address of every request is taken from its X-Forwarded-For. "
            "Only safe when every request comes through a proxy that sets that header itself; "
            "else a client picks its own address and escapes the per-client rate limits. Set "
            "it to your proxy's address instead.",
            SETTING,
        )
        return
    log.info(
        "client addresses: X-Forwarded-For is believed only from %s (%s); behind a proxy on "
        "another host, set %s to its address",
        trusted,
        SETTING,
        SETTING,
    )


def ignored_forwarded_for(scope: Scope) -> str | None:
    """The connection's address when the request carries an `X-Forwarded-For` that uvicorn did
    not apply (the address is not one it trusts); else None. When it applied one, the client
    address is one of the header's."""
    client = scope.get("client")
    peer = client[0] if client else None
    values = [value for name, value in scope.get("headers", ()) if name == b"x-forwarded-for"]
    if not peer or not values:
        return None
    forwarded = {_host(item) for item in b",".join(values).decode("latin1").split(",")}
    forwarded.discard("")
    return peer if forwarded and peer not in forwarded else None


def _host(item: str) -> str:
    """An `X-Forwarded-For` entry without its port (`[::1]:80`, `10.0.0.1:80`), as uvicorn
    reads it."""
    item = item.strip()
    if item.startswith("["):
        return item[1 : item.find("]")] if "]" in item else item
    return item.rsplit(":", 1)[0] if item.count(":") == 1 else item


class ForwardedForCheck:
    """Logs one warning, the first time a request (or websocket) carries `X-Forwarded-For` from
    an address uvicorn does not trust, naming the setting; then nothing more (each request
    afterwards costs one attribute read)."""

    def __init__(self, app: ASGIApp, trusted: str | None = None) -> None:
        self.app = app
        self.trusted = trusted
        self.warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.warned and scope["type"] in ("http", "websocket"):
            peer = ignored_forwarded_for(scope)
            if peer is not None:
                self.warned = True
                self._warn(peer)
        await self.app(scope, receive, send)

    def _warn(self, peer: str) -> None:
        log.warning(
            "A request from %s carried X-Forwarded-For, which was ignored: %s is not in %s "
            "(%s). If %s is your proxy, set %s to its address: until then every client behind "
            "it counts as %s in the per-client rate limits (logins, sign-ups, uploads). If it is "
            "not, a client sent the header itself and ignoring it is right. Said once.",
            peer,
            peer,
            SETTING,
            self.trusted if self.trusted is not None else trusted_proxies(),
            peer,
            SETTING,
            peer,
        )
