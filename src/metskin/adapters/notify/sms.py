"""SMS through a Twilio-style REST API: a form-encoded POST with HTTP basic auth."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from metskin.adapters.notify.errors import NotifierUnavailable, raise_for_status
from metskin.domain.messages import OutgoingSms

log = logging.getLogger(__name__)


class HttpSmsSender:
    """POSTs `{base_url}/2010-04-01/Accounts/{sid}/Messages.json` with To, From and Body.

    Errors map as in `errors.raise_for_status`; a network failure is NotifierUnavailable.
    """

    def __init__(
        self,
        base_url: str,
        account_sid: str,
        auth_token: str,
        from_number: str,
        timeout_seconds: float = 10.0,
    ) -> None:
        if not (base_url and account_sid and auth_token and from_number):
            raise ValueError("SMS needs a base URL, account SID, auth token and from number")
        self._base_url = base_url.rstrip("/")
        self._account_sid = account_sid
        self._auth = httpx.BasicAuth(account_sid, auth_token)
        self._from = from_number
        self._timeout = httpx.Timeout(timeout_seconds)

    def __repr__(self) -> str:  # never show the token
        return f"HttpSmsSender(base_url={self._base_url!r}, from_number={self._from!r})"

    @property
    def messages_url(self) -> str:
        return f"{self._base_url}/2010-04-01/Accounts/{self._account_sid}/Messages.json"

    def send_sms(self, sms: OutgoingSms) -> None:
        try:
            response = httpx.post(
                self.messages_url,
                data={"To": sms.to, "From": self._from, "Body": sms.body},
                auth=self._auth,
                timeout=self._timeout,
                headers={"Accept": "application/json"},
            )
        except httpx.TransportError as exc:  # connect/read errors and timeouts
            raise NotifierUnavailable(
                f"SMS provider unreachable at {self._base_url}: {type(exc).__name__}"
            ) from None
        raise_for_status(
            "SMS provider",
            response.status_code,
            response.content,
            response.headers.get("retry-after"),
        )
        log.info(
            "sms accepted by provider",
            extra={"status": response.status_code, "message_sid": _sid(response)},
        )


def _sid(response: httpx.Response) -> str | None:
    try:
        data: Any = response.json()
    except ValueError:
        return None
    sid = data.get("sid") if isinstance(data, dict) else None
    return sid if isinstance(sid, str) else None
