"""One-click unsubscribe links (RFC 8058) for the emails a person can turn off: signed, bound to
the address the email went to, and without expiry (an old reminder's link still works). A link
can only turn that address's emails off, which is all a leaked one could do."""

from __future__ import annotations

import jwt

from metskin.domain.errors import Forbidden

PURPOSE = "unsubscribe-email"


class UnsubscribeLinkInvalid(Forbidden, code="UNSUBSCRIBE_LINK_INVALID"): ...


class UnsubscribeLinks:
    def __init__(self, secret: str, base_url: str = "") -> None:
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    def url(self, email: str) -> str:
        claims = {"eml": email, "pur": PURPOSE}
        token = jwt.encode(claims, self._secret, algorithm="HS256")
        return f"{self._base_url}/unsubscribe/{token}"

    def read(self, token: str) -> str:
        """The address a valid link was made for; a forged or altered one is refused."""
        try:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"])
        except jwt.PyJWTError as error:
            raise UnsubscribeLinkInvalid("This unsubscribe link is not valid.") from error
        if claims.get("pur") != PURPOSE or not isinstance(claims.get("eml"), str):
            raise UnsubscribeLinkInvalid("This unsubscribe link is not valid.")
        return str(claims["eml"])
