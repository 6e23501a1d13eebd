"""Short-lived signed download links for data exports, bound to the export and its owner
(a purpose-bound token, signed_tokens.py; a link made before it had its own key is refused:
those lived minutes)."""

from __future__ import annotations

from datetime import datetime, timedelta

from metskin.adapters.security.signed_tokens import SignedTokens
from metskin.domain.errors import Forbidden

PURPOSE = "data-export"


class ExportLinkInvalid(Forbidden, code="EXPORT_LINK_INVALID"): ...


class ExportLinks:
    def __init__(self, secret: str, ttl: timedelta, base_url: str = "") -> None:
        self._tokens = SignedTokens(secret, PURPOSE, ttl)
        self.ttl = ttl
        self._base_url = base_url.rstrip("/")

    def url(self, export_id: str, user_id: str, now: datetime) -> str:
        token = self._tokens.issue({"exp_id": export_id, "sub": user_id}, now)
        return f"{self._base_url}/exports/{token}"

    def read(self, token: str, now: datetime) -> tuple[str, str]:
        """(export id, user id) of a valid link; an expired or forged one is refused."""
        claims = self._tokens.read(token, now, "exp_id", "sub")
        if claims is None:
            raise ExportLinkInvalid("This download link is not valid or has expired.")
        return claims["exp_id"], claims["sub"]
