"""Short-lived JWT access tokens (HS256)."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt

from metskin.adapters.security.keys import SigningKeys
from metskin.domain.accounts.model import AccessClaims, Role
from metskin.domain.errors import Unauthenticated
from metskin.domain.i18n.marks import _

ISSUER = "metskin"


class TokenExpired(Unauthenticated):
    code = "TOKEN_EXPIRED"


class JwtAccessTokens:
    """Decoded tokens are remembered (bounded, by their text) with the key that verified them:
    a token sent again costs no signature check while that key still verifies (a rotation's
    `previous_until` still ends it); its expiry is checked on every call."""

    MAX_REMEMBERED = 4096

    def __init__(self, keys: SigningKeys, lifetime: timedelta) -> None:
        self._keys = keys
        self._lifetime = lifetime
        self._known: dict[str, tuple[AccessClaims, float, str]] = {}

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
        known = self._known.get(token)
        if known is None or known[2] not in self._keys.verifying(now):
            known = self._verify(token, now)
        if known[1] <= now.timestamp():
            raise TokenExpired(_("The access token has expired; refresh it."))
        return known[0]

    def _verify(self, token: str, now: datetime) -> tuple[AccessClaims, float, str]:
        try:
            claims, key = self._keys.decode_with_key(
                token,
                now,
                issuer=ISSUER,
                options={"require": ["sub", "exp", "iss", "role", "sid"], "verify_exp": False},
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated(_("The access token is not valid.")) from error
        try:
            access = AccessClaims(str(claims["sub"]), Role(claims["role"]), str(claims["sid"]))
            expires = float(claims["exp"])
        except ValueError as error:
            raise Unauthenticated(_("The access token is not valid.")) from error
        if len(self._known) >= self.MAX_REMEMBERED:
            self._known.clear()  # simple and thread-safe: the next calls verify again
        self._known[token] = (access, expires, key)
        return access, expires, key
