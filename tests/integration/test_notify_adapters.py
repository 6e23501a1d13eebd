"""The real notifier adapters against a loopback HTTP capture server, and the composite."""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from metskin.adapters.notify.composite import CompositeNotifier
from metskin.adapters.notify.errors import NotificationRejected, NotifierUnavailable
from metskin.adapters.notify.outbox import FileOutbox
from metskin.adapters.notify.sendgrid_mail import SendGridEmailSender
from metskin.adapters.notify.sms import HttpSmsSender
from metskin.domain.appointments.calendar import ics_invite, invite_attachment
from metskin.domain.errors import DomainError
from metskin.domain.messages import Attachment, OutgoingEmail, OutgoingSms

API_KEY = "SG.test-key-never-logged"
AUTH_TOKEN = "twilio-token-never-logged"


@dataclass
class Captured:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CaptureServer:
    """Records every request and answers with `status` and `reply` (JSON)."""

    url: str
    requests: list[Captured] = field(default_factory=list)
    status: int = 202
    reply: dict[str, object] = field(default_factory=dict)
    status_of: dict[str, int] = field(default_factory=dict)  # by path, before `status`

    @property
    def last(self) -> Captured:
        assert self.requests, "the server received no request"
        return self.requests[-1]


@pytest.fixture
def capture() -> Iterator[CaptureServer]:
    state = CaptureServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(
                Captured(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            payload = json.dumps(state.reply).encode() if state.reply else b""
            self.send_response(state.status_of.get(self.path, state.status))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-Message-Id", "msg-123")
            self.end_headers()
            self.wfile.write(payload)

        do_DELETE = do_POST  # SendGrid's suppression lists (test_sendgrid_suppressions.py)

        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (the port was just released)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}"


def invite_email(to: str = "patient@example.org") -> OutgoingEmail:
    start = datetime(2026, 5, 4, 8, 30, tzinfo=UTC)
    ics = ics_invite(
        "appt-42@metskin",
        start,
        start + timedelta(minutes=30),
        summary="Skin appointment",
        description="Video consultation",
        location="Video consultation",
        organizer_email="clinic@example.org",
        attendee_email=to,
        sequence=0,
        method="REQUEST",
        stamp=start - timedelta(days=3),
    )
    return OutgoingEmail(
        to=to,
        subject="Your appointment is confirmed",
        html="<p>Hi Ana, <strong>see you soon</strong></p>",
        text="Hi Ana, see you soon",
        attachments=(
            invite_attachment(ics, "REQUEST"),
            Attachment("notes.bin", "application/octet-stream", bytes(range(256))),
        ),
    )


def sendgrid(url: str) -> SendGridEmailSender:
    return SendGridEmailSender(API_KEY, "no-reply@metskin.test", host=url)


def sms_provider(url: str) -> HttpSmsSender:
    return HttpSmsSender(url, "AC0123", AUTH_TOKEN, "+15005550006")


def send_one(channel: str, url: str) -> None:
    """Sends one message on `channel` through the provider at `url`."""
    if channel == "email":
        sendgrid(url).send_email(invite_email())
    else:
        sms_provider(url).send_sms(OutgoingSms(to="+447700900123", body="hello"))


# --- SendGrid -------------------------------------------------------------------------


def test_sendgrid_posts_the_v3_mail_send_json(capture: CaptureServer) -> None:
    sender = SendGridEmailSender(API_KEY, "MetSkin <no-reply@metskin.test>", host=capture.url)
    email = invite_email()

    sender.send_email(email)

    request = capture.last
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.body)
    assert sent["personalizations"][0]["to"] == [{"email": "patient@example.org"}]
    assert sent["from"] == {"email": "no-reply@metskin.test", "name": "MetSkin"}
    assert sent["subject"] == email.subject
    assert sent["content"] == [
        {"type": "text/plain", "value": email.text},
        {"type": "text/html", "value": email.html},
    ]
    ics, binary = sent["attachments"]
    assert ics["filename"] == "invite.ics"
    assert ics["type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert ics["disposition"] == "attachment"
    decoded = base64.b64decode(ics["content"], validate=True)
    assert decoded == email.attachments[0].content
    assert decoded.startswith(b"BEGIN:VCALENDAR\r\n")
    assert b"UID:appt-42@metskin\r\n" in decoded
    assert base64.b64decode(binary["content"], validate=True) == bytes(range(256))


def test_sendgrid_and_the_outbox_carry_the_emails_headers(
    capture: CaptureServer, tmp_path: Path
) -> None:
    """A reminder's List-Unsubscribe reaches SendGrid (and the outbox file), so mail
    clients can show their unsubscribe button."""
    email = replace(invite_email(), headers=(("List-Unsubscribe", "<https://m.test/profile>"),))

    sendgrid(capture.url).send_email(email)
    FileOutbox(tmp_path).send_email(email)

    assert json.loads(capture.last.body)["headers"] == {
        "List-Unsubscribe": "<https://m.test/profile>"
    }
    [written] = outbox_messages(tmp_path)
    assert written["headers"] == {"List-Unsubscribe": "<https://m.test/profile>"}


@pytest.mark.parametrize("status", [400, 401, 403, 413])
def test_sendgrid_client_errors_are_permanent(capture: CaptureServer, status: int) -> None:
    capture.status = status
    capture.reply = {"errors": [{"message": "The from address is not verified", "field": "from"}]}
    sender = sendgrid(capture.url)

    with pytest.raises(DomainError) as caught:
        sender.send_email(invite_email())

    assert isinstance(caught.value, NotificationRejected)
    assert caught.value.code == "NOTIFICATION_REJECTED"
    assert caught.value.status == status
    assert f"HTTP {status}" in str(caught.value)
    assert "The from address is not verified" in str(caught.value)
    assert API_KEY not in str(caught.value)


def test_sendgrid_never_logs_the_key_or_the_message(
    capture: CaptureServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sender = sendgrid(capture.url)
    email = invite_email()

    sender.send_email(email)
    capture.status = 400
    with pytest.raises(NotificationRejected):
        sender.send_email(email)

    logged = caplog.text + repr(sender)
    assert "email accepted by SendGrid" in caplog.text
    for secret in (API_KEY, email.text, email.html, email.subject):
        assert secret not in logged


# --- SMS ------------------------------------------------------------------------------


def test_sms_posts_a_form_with_basic_auth(capture: CaptureServer) -> None:
    capture.status = 201
    capture.reply = {"sid": "SM123", "status": "queued"}
    sender = sms_provider(capture.url + "/")
    body = "MetSkin: your appointment is booked for Mon 4 May 09:30 BST & more"

    sender.send_sms(OutgoingSms(to="+447700900123", body=body))

    request = capture.last
    assert (request.method, request.path) == ("POST", "/2010-04-01/Accounts/AC0123/Messages.json")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    expected_auth = base64.b64encode(f"AC0123:{AUTH_TOKEN}".encode()).decode()
    assert request.headers["authorization"] == f"Basic {expected_auth}"
    form = parse_qs(request.body.decode(), strict_parsing=True)
    assert form == {"To": ["+447700900123"], "From": ["+15005550006"], "Body": [body]}


def test_sms_rejected_number_is_permanent(capture: CaptureServer) -> None:
    capture.status = 400
    capture.reply = {"code": 21211, "message": "The 'To' number is not a valid phone number."}
    sender = sms_provider(capture.url)

    with pytest.raises(NotificationRejected) as caught:
        sender.send_sms(OutgoingSms(to="12", body="hello"))

    assert caught.value.code == "NOTIFICATION_REJECTED"
    assert "not a valid phone number" in caught.value.message
    assert AUTH_TOKEN not in str(caught.value)


# --- both providers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "status"),
    [("email", 429), ("email", 500), ("email", 503), ("sms", 429), ("sms", 502), ("sms", 503)],
)
def test_throttling_and_server_errors_are_transient(
    capture: CaptureServer, channel: str, status: int
) -> None:
    capture.status = status

    with pytest.raises(NotifierUnavailable, match=f"HTTP {status}") as caught:
        send_one(channel, capture.url)

    assert not isinstance(caught.value, DomainError)  # so the worker retries it


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_an_unreachable_provider_is_transient(channel: str) -> None:
    with pytest.raises(NotifierUnavailable, match="unreachable"):
        send_one(channel, closed_port_url())


# --- Composite ------------------------------------------------------------------------


def outbox_messages(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_composite_routes_each_channel_and_falls_back_to_the_outbox(
    capture: CaptureServer, tmp_path: Path
) -> None:
    email_only = CompositeNotifier(
        sendgrid(capture.url),
        None,
        fallback=FileOutbox(tmp_path),
    )

    email_only.send_email(invite_email())
    email_only.send_sms(OutgoingSms(to="+447700900123", body="See you soon"))

    assert [r.path for r in capture.requests] == ["/v3/mail/send"]
    assert outbox_messages(tmp_path) == [
        {"channel": "sms", "to": "+447700900123", "body": "See you soon"}
    ]


def test_composite_sends_sms_through_the_provider_and_email_to_the_outbox(
    capture: CaptureServer, tmp_path: Path
) -> None:
    capture.status = 201
    sms_only = CompositeNotifier(
        None,
        sms_provider(capture.url),
        fallback=FileOutbox(tmp_path),
    )

    sms_only.send_sms(OutgoingSms(to="+447700900123", body="See you soon"))
    sms_only.send_email(invite_email())

    assert [r.path for r in capture.requests] == ["/2010-04-01/Accounts/AC0123/Messages.json"]
    (stored,) = outbox_messages(tmp_path)
    assert stored["channel"] == "email"
    assert stored["to"] == "patient@example.org"


def test_composite_does_not_hide_a_failing_provider_in_the_outbox(
    capture: CaptureServer, tmp_path: Path
) -> None:
    capture.status = 503
    notifier = CompositeNotifier(
        sendgrid(capture.url),
        None,
        fallback=FileOutbox(tmp_path),
    )

    with pytest.raises(NotifierUnavailable):
        notifier.send_email(invite_email())

    assert outbox_messages(tmp_path) == []
