"""Password reset tokens: a purpose-bound token (signed_tokens.py: its own key, expiry) that
carries a fingerprint of the password hash it was issued for, so that it stops working once the
password changes (by this reset or any other route) without a table of issued tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from metskin.adapters.security.signed_tokens import SignedTokens
from metskin.domain.accounts.model import canonical_email

PURPOSE = "password-reset"


class ResetLinks:
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        # The key is the one reset links always had (`metskin-password-reset-v1`): links sent
        # before the shared primitive keep working.
        self._tokens = SignedTokens(secret, PURPOSE, lifetime)
        self.lifetime = lifetime

    def issue(
        self, user_id: str, password_hash: str, now: datetime, vouched_email: str | None = None
    ) -> str:
        """Keyed and short, the fingerprint tells nothing of the hash to whoever holds the
        token, and 128 bits make a collision with the next hash unlikely enough. A link of the
        support path also carries the fingerprint of the address the administrator vouched
        for (`for`): it is no use once the account has another address."""
        claims = {"sub": user_id, "pwd": self._tokens.fingerprint(password_hash)}
        if vouched_email is not None:
            claims["for"] = self._tokens.fingerprint(canonical_email(vouched_email))
        return self._tokens.issue(claims, now)

    def subject(self, token: str, now: datetime) -> str | None:
        claims = self._tokens.read(token, now, "sub", "pwd")
        return claims["sub"] if claims else None

    def bound_to(self, token: str, password_hash: str) -> bool:
        claims = self._tokens.read(token, None, "sub", "pwd")  # `subject` checked the expiry
        return claims is not None and self._tokens.same_fingerprint(claims["pwd"], password_hash)

    def vouched_for(self, token: str, email: str) -> bool:
        claims = self._tokens.read(token, None, "sub", "for")
        return claims is not None and self._tokens.same_fingerprint(
            claims["for"], canonical_email(email)
        )
