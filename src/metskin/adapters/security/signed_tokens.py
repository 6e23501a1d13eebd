"""Purpose-bound signed tokens: the one primitive behind every link MetSkin signs for a person
(data export, unsubscribe, password reset, email verification and change).

Each purpose signs with a key of its own, derived from the token secret (HMAC-SHA256 of
`metskin-<purpose>-v1`): a token made for one purpose never verifies as another, nor as an
access token (which the secret itself signs). The purpose is also a claim, checked on reading.
An expiry, when the purpose has a lifetime, is checked against the service's clock (the `now`
given), not the machine's. Reading gives only the claims asked for, each a string, or None: a
forged, altered, expired or other-purpose token is simply no token.

`fallback_keys` verify (never sign) tokens made before a purpose had its own key: the
unsubscribe links of emails already sent were signed with the token secret itself and never
expire, so they keep working (bootstrap gives that key to the unsubscribe links only).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import jwt

ALGORITHM = "HS256"


def purpose_key(secret: str, purpose: str) -> bytes:
    """The signing key of `purpose`, derived from the token secret."""
    return hmac.new(secret.encode(), f"metskin-{purpose}-v1".encode(), hashlib.sha256).digest()


class SignedTokens:
    def __init__(
        self,
        secret: str,
        purpose: str,
        lifetime: timedelta | None = None,
        fallback_keys: tuple[str | bytes, ...] = (),
    ) -> None:
        self.purpose = purpose
        self.lifetime = lifetime
        self._key = purpose_key(secret, purpose)
        self._fallback = fallback_keys

    def issue(self, claims: Mapping[str, str], now: datetime | None = None) -> str:
        """A token with these claims, the purpose, and the expiry (`now` + the lifetime) when
        the purpose has one."""
        signed: dict[str, Any] = {**claims, "pur": self.purpose}
        if self.lifetime is not None:
            if now is None:
                raise ValueError(f"a {self.purpose} token expires: give the time it is made")
            signed["exp"] = int((now + self.lifetime).timestamp())
        return jwt.encode(signed, self._key, algorithm=ALGORITHM)

    def read(self, token: str, now: datetime | None, *names: str) -> dict[str, str] | None:
        """The claims `names` of a genuine token of this purpose, unexpired at `now` (None: a
        second read of a token already checked); None for any other text, or when one of the
        claims is missing or not a string."""
        claims = self._decode(token)
        if claims is None or claims.get("pur") != self.purpose:
            return None
        if self.lifetime is not None and now is not None:
            expires = claims.get("exp")
            if not isinstance(expires, int | float) or expires <= now.timestamp():
                return None
        values = {name: claims.get(name) for name in names}
        if not all(isinstance(value, str) for value in values.values()):
            return None
        return {name: str(value) for name, value in values.items()}

    def fingerprint(self, text: str) -> str:
        """A keyed digest of `text` (128 bits, hex) to bind a token to a value it must not
        reveal (the password hash a reset link was made for)."""
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:32]

    def same_fingerprint(self, fingerprint: str, text: str) -> bool:
        """Whether `fingerprint` (a token's claim) is `text`'s, compared in constant time:
        the one check of every link bound to a password hash (reset, email change,
        invitation)."""
        return hmac.compare_digest(fingerprint, self.fingerprint(text))

    def _decode(self, token: str) -> dict[str, Any] | None:
        for key in (self._key, *self._fallback):
            try:
                return dict(
                    jwt.decode(token, key, algorithms=[ALGORITHM], options={"verify_exp": False})
                )
            except jwt.InvalidSignatureError:
                continue
            except (jwt.PyJWTError, ValueError, TypeError):
                return None
        return None
