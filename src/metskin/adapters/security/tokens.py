"""Short-lived JWT access tokens (HS256)."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt

from metskin.adapters.security.keys import SigningKeys
from metskin.domain.accounts.model import AccessClaims, Role
from metskin.domain.errors import Unauthenticated

ISSUER = "metskin"


class TokenExpired(Unauthenticated):
    code = "TOKEN_EXPIRED"


class JwtAccessTokens:
    def __init__(self, keys: SigningKeys, lifetime: timedelta) -> None:
        self._keys = keys
        self._lifetime = lifetime

    def issue(self, user_id: str, role: Role, now: datetime, session: str) -> tuple[str, datetime]:
        expires = now + self._lifetime
        claims = {
            "sub": user_id,
            "role": role.value,
            "sid": session,
            "iat": now,
            "exp": expires,
            "iss": ISSUER,
        }
        return self._keys.sign(claims), expires

    def decode(self, token: str, now: datetime) -> AccessClaims:
        try:
            claims = self._keys.decode(
                token,
                now,
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iss", "role", "sid"], "verify_exp": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated("The access token is not valid.") from error
        if claims["exp"] <= now.timestamp():
            raise TokenExpired("The access token has expired; refresh it.")
        try:
            return AccessClaims(str(claims["sub"]), Role(claims["role"]), str(claims["sid"]))
        except ValueError as error:
            raise Unauthenticated("The access token is not valid.") from error
