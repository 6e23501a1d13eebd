"""Short-lived signed download links for data exports, bound to the export and its owner."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt

from metskin.domain.errors import Forbidden
from metskin.domain.i18n.marks import _

PURPOSE = "data-export"


class ExportLinkInvalid(Forbidden, code="EXPORT_LINK_INVALID"): ...


class ExportLinks:
    def __init__(self, secret: str, ttl: timedelta, base_url: str = "") -> None:
        self._secret = secret
        self.ttl = ttl
        self._base_url = base_url.rstrip("/")

    def url(self, export_id: str, user_id: str, now: datetime) -> str:
        claims = {"exp_id": export_id, "sub": user_id, "pur": PURPOSE, "exp": now + self.ttl}
        return f"{self._base_url}/exports/{jwt.encode(claims, self._secret, algorithm='HS256')}"

    def read(self, token: str) -> tuple[str, str]:
        """(export id, user id) of a valid link; an expired or forged one is refused."""
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=["HS256"], options={"require": ["exp", "sub"]}
            )
        except jwt.PyJWTError as error:
            raise ExportLinkInvalid(_("This download link is not valid or has expired.")) from error
        if claims.get("pur") != PURPOSE or not isinstance(claims.get("exp_id"), str):
            raise ExportLinkInvalid(_("This download link is not valid or has expired."))
        return claims["exp_id"], str(claims["sub"])
