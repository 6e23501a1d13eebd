"""Short-lived signed media URLs: the token names the object, the viewer it was issued to and
the analysis or media it was reached through; nothing is served by path, and the route checks
the viewer's access again when the link is used."""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt

from metskin.adapters.security.keys import SigningKeys
from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import MediaGrant
from metskin.domain.clock import utc_now
from metskin.domain.errors import Forbidden
from metskin.domain.i18n.marks import _
from metskin.domain.ports import Clock

PURPOSE = "media"


class ExpiredLink(Forbidden):
    code = "MEDIA_LINK_EXPIRED"


class MediaUrlSigner:
    def __init__(
        self, keys: SigningKeys, ttl: timedelta, base_url: str = "", clock: Clock = utc_now
    ) -> None:
        self._keys = keys
        self._ttl = ttl
        self._base_url = base_url.rstrip("/")
        self._clock = clock  # the expiry is checked on the clock the links are issued with

    def url(self, grant: MediaGrant, now: datetime) -> str:
        claims = {
            "obj": grant.name,
            "sub": grant.viewer_id,
            "rol": grant.viewer_role.value,
            "pur": PURPOSE,
            "exp": now + self._ttl,
        }
        if grant.analysis_id:
            claims["an"] = grant.analysis_id
        if grant.media_id:
            claims["md"] = grant.media_id
        return f"{self._base_url}/media/{self._keys.sign(claims)}"

    def grant(self, token: str) -> MediaGrant:
        """What the link grants, if it is genuine and unexpired (access is checked later)."""
        try:
            claims = self._keys.decode(
                token, self._clock(), options={"require": ["obj", "sub", "rol", "pur", "exp"]}
            )
            if claims["pur"] != PURPOSE:
                raise Forbidden(_("This link is not valid."))
            return MediaGrant(
                str(claims["obj"]),
                str(claims["sub"]),
                Role(claims["rol"]),
                claims.get("an"),
                claims.get("md"),
            )
        except jwt.ExpiredSignatureError as error:
            raise ExpiredLink(_("This link has expired; reload the page.")) from error
        except (jwt.PyJWTError, ValueError, TypeError) as error:
            raise Forbidden(_("This link is not valid.")) from error
