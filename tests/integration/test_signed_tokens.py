"""The purpose-bound signed token every emailed link is made of (adapters/security), and the
links built on it: export, unsubscribe (old links still read), reset."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from metskin.adapters.security.export_links import ExportLinkInvalid, ExportLinks
from metskin.adapters.security.keys import SigningKeys
from metskin.adapters.security.reset_links import ResetLinks
from metskin.adapters.security.signed_tokens import SignedTokens, purpose_key
from metskin.adapters.security.tokens import JwtAccessTokens
from metskin.adapters.security.unsubscribe_links import UnsubscribeLinkInvalid, UnsubscribeLinks
from metskin.domain.accounts.model import Role

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_token_reads_back_its_claims_until_it_expires_by_the_clock_given() -> None:
    tokens = SignedTokens(SECRET, "verify-email", timedelta(days=7))
    token = tokens.issue({"sub": "u1", "eml": "maya@example.com"}, NOW)
    late = NOW + timedelta(days=7)
    assert tokens.read(token, NOW, "sub", "eml") == {"sub": "u1", "eml": "maya@example.com"}
    assert tokens.read(token, late - timedelta(seconds=1), "sub") == {"sub": "u1"}
    assert tokens.read(token, late, "sub") is None  # the service's clock, not the machine's
    assert tokens.read(token, None, "sub") == {"sub": "u1"}  # a second read, checked before


def test_another_purpose_refuses_it_and_signs_with_another_key() -> None:
    verify = SignedTokens(SECRET, "verify-email", timedelta(days=7))
    change = SignedTokens(SECRET, "change-email", timedelta(hours=1))
    token = verify.issue({"sub": "u1"}, NOW)
    assert change.read(token, NOW, "sub") is None
    assert purpose_key(SECRET, "verify-email") != purpose_key(SECRET, "change-email")
    assert purpose_key(SECRET, "verify-email") != SECRET.encode()
    # The same claims with the purpose rewritten: the key still tells them apart.
    forged = jwt.encode(
        {"sub": "u1", "pur": "change-email", "exp": NOW + timedelta(hours=1)},
        purpose_key(SECRET, "verify-email"),
        algorithm="HS256",
    )
    assert change.read(forged, NOW, "sub") is None


def test_tampered_unsigned_access_and_missing_claims_are_refused() -> None:
    tokens = SignedTokens(SECRET, "verify-email", timedelta(days=7))
    token = tokens.issue({"sub": "u1", "eml": "maya@example.com"}, NOW)
    head, _, signature = token.split(".")
    other_body = SignedTokens(SECRET, "verify-email", timedelta(days=7)).issue(
        {"sub": "u2", "eml": "maya@example.com"}, NOW
    )
    tampered = f"{head}.{other_body.split('.')[1]}.{signature}"
    unsigned = jwt.encode({"sub": "u1", "pur": "verify-email"}, key="", algorithm="none")
    access, _ = JwtAccessTokens(SigningKeys(SECRET), timedelta(minutes=15)).issue(
        "u1", Role.PATIENT, NOW, "session"
    )
    for bad in (tampered, unsigned, access, "", "a.b.c", token[:-2]):
        assert tokens.read(bad, NOW, "sub") is None, bad
    assert tokens.read(token, NOW, "sub", "role") is None  # a claim it does not carry
    assert (
        SignedTokens("another-secret-long-enough-for-hs256", "verify-email").read(token, NOW, "sub")
        is None
    )


def test_an_expiring_purpose_needs_the_time_it_is_made() -> None:
    with pytest.raises(ValueError):
        SignedTokens(SECRET, "data-export", timedelta(minutes=5)).issue({"sub": "u1"})


def test_export_links_expire_by_the_service_clock_and_old_raw_secret_ones_are_refused() -> None:
    links = ExportLinks(SECRET, timedelta(minutes=5))
    token = links.url("e1", "u1", NOW).rsplit("/", 1)[1]
    assert links.read(token, NOW + timedelta(minutes=4)) == ("e1", "u1")
    with pytest.raises(ExportLinkInvalid):
        links.read(token, NOW + timedelta(minutes=5))
    before = jwt.encode(  # as export links were signed before: with the token secret
        {"exp_id": "e1", "sub": "u1", "pur": "data-export", "exp": NOW + timedelta(minutes=5)},
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(ExportLinkInvalid):
        links.read(before, NOW)


def test_unsubscribe_links_have_their_own_key_and_old_ones_still_read() -> None:
    links = UnsubscribeLinks(SECRET, "https://app.example", legacy_secret=SECRET)
    url = links.url("maya@example.com")
    token = url.rsplit("/", 1)[1]
    assert url.startswith("https://app.example/unsubscribe/")
    assert links.read(token) == "maya@example.com"
    with pytest.raises(jwt.InvalidSignatureError):  # a new link is not signed with the secret
        jwt.decode(token, SECRET, algorithms=["HS256"])
    sent_before = jwt.encode({"eml": "old@example.com", "pur": "unsubscribe-email"}, SECRET)
    assert links.read(sent_before) == "old@example.com"
    export_like = jwt.encode({"eml": "old@example.com", "pur": "data-export"}, SECRET)
    for bad in (export_like, sent_before + "x"):
        with pytest.raises(UnsubscribeLinkInvalid):
            links.read(bad)
    # Without the fallback (a deployment that dropped it) the old links are refused.
    with pytest.raises(UnsubscribeLinkInvalid):
        UnsubscribeLinks(SECRET).read(sent_before)


def test_reset_links_keep_the_key_they_had_so_links_sent_before_still_work() -> None:
    token = ResetLinks(SECRET, timedelta(minutes=30)).issue("u1", "hash", NOW)
    key = hmac.new(SECRET.encode(), b"metskin-password-reset-v1", hashlib.sha256).digest()
    claims = jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["pur"] == "password-reset" and claims["sub"] == "u1"
