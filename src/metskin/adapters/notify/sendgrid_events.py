"""SendGrid's Event Webhook: what became of the emails after SendGrid took them.

`mail/send` answers 202 for an address that does not exist; the bounce comes later, as an
event POSTed to us. SendGrid signs each POST (the "Signed Event Webhook"): ECDSA P-256 with
SHA-256 over the `X-Twilio-Email-Event-Webhook-Timestamp` header followed by the raw body,
base64 in `X-Twilio-Email-Event-Webhook-Signature`; the public key (base64 DER) is shown in
SendGrid's settings (METSKIN_SENDGRID_EVENT_PUBLIC_KEY). An unsigned or tampered POST is
refused before its body is read as events.

Only what changes what we send is read: a hard bounce (and a message SendGrid drops because
the address bounced before, or is invalid) and a spam report. A "blocked" bounce (the
receiving server refused for now: full mailbox, greylisting) and every other event are left
alone.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"
# `dropped` reasons that say the address itself cannot take mail
UNDELIVERABLE_DROPS = ("bounced address", "invalid")


class EventsNotValid(ValueError):
    """The body is not SendGrid's JSON list of events."""


@dataclass(frozen=True)
class EmailOutcomes:
    """The addresses the events name: `bounced` (no such mailbox: hard bounces, and drops of
    an address that bounced or is invalid) and `spam` (the person reported our email)."""

    bounced: frozenset[str] = field(default_factory=frozenset)
    spam: frozenset[str] = field(default_factory=frozenset)


class SendGridEventVerifier:
    """Checks the signature of one Event Webhook POST with SendGrid's public key."""

    def __init__(self, public_key: str) -> None:
        try:
            key = load_der_public_key(base64.b64decode(public_key, validate=True))
        except (binascii.Error, ValueError) as error:
            raise ValueError("the SendGrid event public key is not base64 DER") from error
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise ValueError("the SendGrid event public key is not an ECDSA key")
        self._key = key

    def verify(self, signature: str | None, timestamp: str | None, body: bytes) -> bool:
        if not signature or not timestamp:
            return False
        try:
            raw = base64.b64decode(signature, validate=True)
            self._key.verify(raw, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        except (binascii.Error, InvalidSignature, ValueError):
            return False
        return True


def email_outcomes(body: bytes) -> EmailOutcomes:
    """The addresses that bounced or reported spam, from a verified body."""
    try:
        events: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise EventsNotValid("not JSON") from error
    if not isinstance(events, list):
        raise EventsNotValid("not a list of events")
    bounced: set[str] = set()
    spam: set[str] = set()
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("email"), str):
            continue
        if event.get("event") == "spamreport":
            spam.add(event["email"])
        elif _undeliverable(event):
            bounced.add(event["email"])
    return EmailOutcomes(frozenset(bounced), frozenset(spam))


def _undeliverable(event: dict[str, Any]) -> bool:
    """A hard bounce, or a drop because the address bounced before or is invalid."""
    if event.get("event") == "bounce":
        return event.get("type") != "blocked"
    reason = str(event.get("reason", "")).lower()
    return event.get("event") == "dropped" and reason.startswith(UNDELIVERABLE_DROPS)
