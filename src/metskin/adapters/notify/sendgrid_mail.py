"""Email through SendGrid's v3 `mail/send` with the official client, and an address taken off
SendGrid's suppression lists (`DELETE /v3/suppression/<list>/{email}`)."""

from __future__ import annotations

import logging
from base64 import b64encode
from urllib.parse import quote

import sendgrid
from python_http_client.exceptions import HTTPError
from sendgrid.helpers.mail import (
    Attachment,
    Disposition,
    FileContent,
    FileName,
    FileType,
    Header,
    Mail,
)

from metskin.adapters.notify.errors import NotifierUnavailable, raise_for_status
from metskin.domain.messages import OutgoingEmail

log = logging.getLogger(__name__)

# python_http_client logs the Authorization header and the whole payload at DEBUG.
_CHATTY_LIBRARY_LOGGER = "python_http_client.client"
# The lists SendGrid drops mail to an address on: hard bounces, spam reports, blocks (a server
# that refused it), invalid addresses. Deleting an address that is not on one answers 404.
SUPPRESSION_LISTS = ("bounces", "spam_reports", "blocks", "invalid_emails")


class SendGridEmailSender:
    """Sends OutgoingEmail (text, HTML, attachments) through SendGrid.

    Raises NotifierUnavailable (retry) on 5xx, 408, 429 and network errors, and
    NotificationRejected (code NOTIFICATION_REJECTED, no retry) on any other 4xx.
    """

    def __init__(
        self,
        api_key: str,
        from_address: str,
        host: str = "https://api.sendgrid.com",
        timeout_seconds: float = 10.0,
    ) -> None:
        if not api_key:
            raise ValueError("a SendGrid API key is required")
        if not from_address:
            raise ValueError("a from address is required")
        self._from = from_address
        self._host = host.rstrip("/")
        self._client = sendgrid.SendGridAPIClient(api_key=api_key, host=self._host)
        self._client.client.timeout = timeout_seconds  # copied to every sub-client it builds
        logging.getLogger(_CHATTY_LIBRARY_LOGGER).setLevel(logging.INFO)

    def __repr__(self) -> str:  # never show the key
        return f"SendGridEmailSender(host={self._host!r}, from_address={self._from!r})"

    def send_email(self, email: OutgoingEmail) -> None:
        message = self.build_mail(email)
        try:
            response = self._client.send(message)
        except HTTPError as exc:
            raise_for_status("SendGrid", int(exc.status_code), exc.body)
            raise NotifierUnavailable(f"SendGrid answered HTTP {exc.status_code}") from None
        except OSError as exc:  # URLError, timeouts, refused connections
            raise NotifierUnavailable(
                f"SendGrid unreachable at {self._host}: {type(exc).__name__}"
            ) from None
        raise_for_status("SendGrid", int(response.status_code), response.body)
        log.info(
            "email accepted by SendGrid",
            extra={
                "status": response.status_code,
                "attachments": len(email.attachments),
                "message_id": _header(response.headers, "X-Message-Id"),
            },
        )

    def clear(self, email: str) -> None:
        """Take `email` off each of SUPPRESSION_LISTS (the domain's `EmailSuppressions`): a 2xx
        or a 404 (not on that list) is done; errors as `send_email`'s (transient: retried)."""
        segment = quote(email, safe="@+")
        for name in SUPPRESSION_LISTS:
            entry = self._client.client.suppression._(name)._(segment)
            try:
                response = entry.delete()
            except HTTPError as exc:
                if int(exc.status_code) == 404:
                    continue
                raise_for_status("SendGrid", int(exc.status_code), exc.body)
                raise NotifierUnavailable(f"SendGrid answered HTTP {exc.status_code}") from None
            except OSError as exc:
                raise NotifierUnavailable(
                    f"SendGrid unreachable at {self._host}: {type(exc).__name__}"
                ) from None
            raise_for_status("SendGrid", int(response.status_code), response.body)

    def build_mail(self, email: OutgoingEmail) -> Mail:
        """The v3 request for one email: plain text first, then HTML, then attachments, and
        its extra headers (List-Unsubscribe)."""
        mail = Mail(
            from_email=self._from,
            to_emails=email.to,
            subject=email.subject,
            plain_text_content=email.text,
            html_content=email.html,
        )
        for name, value in email.headers:
            mail.add_header(Header(name, value))
        # Mail.add_attachment inserts at the front, so add them last-first to keep our order.
        for item in reversed(email.attachments):
            mail.add_attachment(
                Attachment(
                    FileContent(b64encode(item.content).decode("ascii")),
                    FileName(item.filename),
                    FileType(item.content_type),
                    Disposition("attachment"),
                )
            )
        return mail


def _header(headers: object, name: str) -> str | None:
    get = getattr(headers, "get", None)
    value = get(name) if callable(get) else None
    return str(value) if value is not None else None
