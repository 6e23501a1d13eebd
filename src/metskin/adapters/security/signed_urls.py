"""Short-lived signed media URLs: the token names the object; nothing is served by path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from metskin.adapters.security.keys import SigningKeys
from metskin.domain.errors import Forbidden

PURPOSE = "media"


class ExpiredLink(Forbidden):
    code = "MEDIA_LINK_EXPIRED"


class MediaUrlSigner:
    def __init__(self, keys: SigningKeys, ttl: timedelta, base_url: str = "") -> None:
        self._keys = keys
        self._ttl = ttl
        self._base_url = base_url.rstrip("/")

    def url(self, name: str, now: datetime) -> str:
        claims = {"obj": name, "pur": PURPOSE, "exp": now + self._ttl}
        token = self._keys.sign(claims)
        return f"{self._base_url}/media/{token}"

    def object_name(self, token: str) -> str:
        try:
            claims = self._keys.decode(
                token,
                datetime.now(UTC),
                options={"require": ["obj", "pur", "exp"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise ExpiredLink("This link has expired; reload the page.") from error
        except jwt.PyJWTError as error:
            raise Forbidden("This link is not valid.") from error
        if claims["pur"] != PURPOSE:
            raise Forbidden("This link is not valid.")
        return str(claims["obj"])
