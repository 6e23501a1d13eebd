"""The SMS provider's messaging webhook (Twilio's "A message comes in"): a form-encoded POST per
message sent to our number, signed with the account's auth token.

`X-Twilio-Signature` is base64 HMAC-SHA1, keyed with the auth token, of the full URL the
provider was given (query included) followed by each POST parameter's name and value, sorted by
name. The URL is the one configured at the provider, which behind a proxy is the public one
(`METSKIN_PUBLIC_URL`), not the address this process sees: both are tried.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl

from metskin.domain.accounts.phone_number import checked_phone
from metskin.domain.errors import ValidationFailed
from metskin.domain.notifications.sms_replies import SmsReply

SIGNATURE_HEADER = "X-Twilio-Signature"
MAX_SID = 64  # Twilio's are 34 characters (SM + 32 hex)


class ReplyNotValid(ValueError):
    """The body is not the provider's form of an incoming message."""


class SmsReplySignature:
    """Checks the signature of one webhook POST with the provider's auth token."""

    def __init__(self, auth_token: str) -> None:
        if not auth_token:
            raise ValueError("the SMS webhook needs the provider's auth token")
        self._key = auth_token.encode()

    def __repr__(self) -> str:  # never show the token
        return "SmsReplySignature()"

    def sign(self, url: str, params: Sequence[tuple[str, str]]) -> str:
        text = url + "".join(name + value for name, value in sorted(params))
        digest = hmac.new(self._key, text.encode(), hashlib.sha1).digest()
        return base64.b64encode(digest).decode()

    def verify(
        self, signature: str | None, urls: Iterable[str], params: Sequence[tuple[str, str]]
    ) -> bool:
        if not signature:
            return False
        given = signature.strip().encode("utf-8", "replace")
        return any(hmac.compare_digest(self.sign(url, params).encode(), given) for url in urls)


def form_params(body: bytes) -> list[tuple[str, str]]:
    """The POST parameters, in order (a name may repeat)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReplyNotValid("not UTF-8") from error
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text))
    except ValueError as error:
        raise ReplyNotValid("not a form") from error


def sms_reply(params: Sequence[tuple[str, str]]) -> SmsReply:
    """The message of a verified POST: `MessageSid` (or the older `SmsSid`), `From`, `Body`
    and, with Advanced Opt-Out, `OptOutType`. A sender that is not a phone number (a short
    code, another channel) is kept as written: no profile has it."""
    form = dict(params)
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    sender = form.get("From", "").strip()
    if not sid or len(sid) > MAX_SID or not sender:
        raise ReplyNotValid("no MessageSid or From")
    with contextlib.suppress(ValidationFailed):
        sender = checked_phone(sender) or sender
    return SmsReply(sid, sender, form.get("Body", ""), form.get("OptOutType") or None)
