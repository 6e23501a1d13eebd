"""Password reset tokens: a signed JWT (purpose, subject, expiry) that carries a fingerprint of
the password hash it was issued for, so that it stops working once the password changes (by
this reset or any other route) without a table of issued tokens."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import jwt

PURPOSE = "password-reset"


class ResetLinks:
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        # A key of its own, derived from the token secret: a reset token is no access token.
        self._key = hmac.new(secret.encode(), b"metskin-password-reset-v1", hashlib.sha256).digest()
        self.lifetime = lifetime

    def _fingerprint(self, password_hash: str) -> str:
        """Keyed, and short: the token (readable by whoever holds it) tells nothing of the
        hash, and 128 bits make a collision with the next hash unlikely enough."""
        return hmac.new(self._key, password_hash.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, user_id: str, password_hash: str, now: datetime) -> str:
        claims = {
            "pur": PURPOSE,
            "sub": user_id,
            "exp": now + self.lifetime,
            "pwd": self._fingerprint(password_hash),
        }
        return jwt.encode(claims, self._key, algorithm="HS256")

    def _claims(self, token: str, now: datetime | None) -> dict[str, object] | None:
        """The claims of a genuine reset token, unexpired at `now` (None: not checked)."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=["HS256"],
                options={"require": ["exp", "sub"], "verify_exp": False},
            )
        except (jwt.PyJWTError, ValueError, TypeError):
            return None
        expires = claims.get("exp")
        if not isinstance(expires, int | float) or (now is not None and expires <= now.timestamp()):
            return None  # by the service's clock, not the machine's
        if claims.get("pur") != PURPOSE or not isinstance(claims.get("pwd"), str):
            return None
        return claims

    def subject(self, token: str, now: datetime) -> str | None:
        claims = self._claims(token, now)
        return str(claims["sub"]) if claims else None

    def bound_to(self, token: str, password_hash: str) -> bool:
        claims = self._claims(token, None)  # the service checked `subject` first
        return claims is not None and hmac.compare_digest(
            str(claims["pwd"]), self._fingerprint(password_hash)
        )
