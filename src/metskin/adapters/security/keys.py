"""Signing keys that rotate: new signatures use the current key; the previous keys still verify
what they signed until `previous_until` (if set), so a rotation logs nobody out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from jwt.types import Options

ALGORITHM = "HS256"


@dataclass(frozen=True)
class SigningKeys:
    current: str
    previous: tuple[str, ...] = ()
    previous_until: datetime | None = None

    def verifying(self, now: datetime) -> tuple[str, ...]:
        if self.previous_until is not None and now >= self.previous_until:
            return (self.current,)
        return (self.current, *self.previous)

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.current, algorithm=ALGORITHM)

    def decode(self, token: str, now: datetime, **options: Any) -> dict[str, Any]:
        """The claims, checked with each verifying key in turn (raises jwt.PyJWTError)."""
        return self.decode_with_key(token, now, **options)[0]

    def decode_with_key(
        self, token: str, now: datetime, **options: Any
    ) -> tuple[dict[str, Any], str]:
        """The claims and the key that verified them (raises jwt.PyJWTError). Their expiry
        (`exp`, unless `options={"verify_exp": False}`) is checked against `now`, the clock the
        tokens were issued on, as PyJWT checks it against the wall clock."""
        checks: Options = {**(options.pop("options", None) or {})}
        verify_exp = checks.get("verify_exp", True)
        checks["verify_exp"] = False
        refused: jwt.PyJWTError = jwt.InvalidSignatureError("no key verifies this token")
        for key in self.verifying(now):
            try:
                claims = jwt.decode(token, key, algorithms=[ALGORITHM], options=checks, **options)
            except jwt.InvalidSignatureError as error:
                refused = error
                continue
            if verify_exp and "exp" in claims:
                _unexpired(claims["exp"], now)
            return dict(claims), key
        raise refused


def _unexpired(exp: Any, now: datetime) -> None:
    """PyJWT's own expiry check, on `now`."""
    try:
        at = int(exp)
    except (ValueError, TypeError, OverflowError):
        raise jwt.DecodeError("Expiration Time claim (exp) must be an integer.") from None
    if at <= now.timestamp():
        raise jwt.ExpiredSignatureError("Signature has expired")
