"""One-click unsubscribe links (RFC 8058) for the emails a person can turn off: signed, bound to
the address the email went to, and without expiry (an old reminder's link still works). A link
can only turn that address's emails off, which is all a leaked one could do.

They are purpose-bound tokens (signed_tokens.py) with a key of their own. The links of emails
sent before that were signed with the token secret itself: `legacy_secret` still verifies them
(reading only; no new link is signed with it), so an old reminder's button keeps working.
"""

from __future__ import annotations

from metskin.adapters.security.signed_tokens import SignedTokens
from metskin.domain.errors import Forbidden
from metskin.domain.i18n.marks import _

PURPOSE = "unsubscribe-email"


class UnsubscribeLinkInvalid(Forbidden, code="UNSUBSCRIBE_LINK_INVALID"): ...


class UnsubscribeLinks:
    def __init__(self, secret: str, base_url: str = "", legacy_secret: str | None = None) -> None:
        legacy = (legacy_secret,) if legacy_secret else ()
        self._tokens = SignedTokens(secret, PURPOSE, fallback_keys=legacy)
        self._base_url = base_url.rstrip("/")

    def url(self, email: str) -> str:
        return f"{self._base_url}/unsubscribe/{self._tokens.issue({'eml': email})}"

    def read(self, token: str) -> str:
        """The address a valid link was made for; a forged or altered one is refused."""
        claims = self._tokens.read(token, None, "eml")
        if claims is None:
            raise UnsubscribeLinkInvalid(_("This unsubscribe link is not valid."))
        return claims["eml"]
