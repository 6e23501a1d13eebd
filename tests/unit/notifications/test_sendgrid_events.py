"""SendGrid's signed Event Webhook: the signature over timestamp and body, and the events that
change what we send (hard bounces, drops of dead addresses, spam reports)."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from metskin.adapters.notify.sendgrid_events import (
    EmailOutcomes,
    EventsNotValid,
    SendGridEventVerifier,
    email_outcomes,
)

TIMESTAMP = "1796200000"


def key_pair(seed: int = 1) -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A P-256 key and its public half as SendGrid shows it (base64 DER)."""
    private = ec.derive_private_key(seed + 10**6, ec.SECP256R1())
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(der).decode()


def signed(private: ec.EllipticCurvePrivateKey, body: bytes, timestamp: str = TIMESTAMP) -> str:
    raw = private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(raw).decode()


def test_only_a_body_signed_with_sendgrid_s_key_is_taken() -> None:
    private, public = key_pair()
    other, _ = key_pair(2)
    body = b'[{"email": "a@example.com", "event": "bounce"}]'
    verifier = SendGridEventVerifier(public)
    assert verifier.verify(signed(private, body), TIMESTAMP, body)
    assert not verifier.verify(signed(private, body), TIMESTAMP, body + b" ")  # tampered
    assert not verifier.verify(signed(private, body), "1796200001", body)  # another time
    assert not verifier.verify(signed(other, body), TIMESTAMP, body)  # someone else's key
    for signature, timestamp in ((None, TIMESTAMP), ("", TIMESTAMP), ("%%%", TIMESTAMP)):
        assert not verifier.verify(signature, timestamp, body)
    assert not verifier.verify(signed(private, body), None, body)
    with pytest.raises(ValueError, match="base64 DER"):
        SendGridEventVerifier("not a key")


def test_hard_bounces_dead_addresses_and_spam_reports_are_read_the_rest_left_alone() -> None:
    events = [
        {"email": "gone@example.com", "event": "bounce", "type": "bounce", "reason": "550"},
        {"email": "full@example.com", "event": "bounce", "type": "blocked"},  # for now only
        {"email": "again@example.com", "event": "dropped", "reason": "Bounced Address"},
        {"email": "typo@example", "event": "dropped", "reason": "Invalid"},
        {"email": "left@example.com", "event": "dropped", "reason": "Unsubscribed Address"},
        {"email": "angry@example.com", "event": "spamreport"},
        {"email": "fine@example.com", "event": "delivered"},
        {"event": "bounce"},  # no address
        "not an event",
    ]
    assert email_outcomes(json.dumps(events).encode()) == EmailOutcomes(
        bounced=frozenset({"gone@example.com", "again@example.com", "typo@example"}),
        spam=frozenset({"angry@example.com"}),
    )
    for body in (b"{}", b"not json", b"\xff"):
        with pytest.raises(EventsNotValid):
            email_outcomes(body)
