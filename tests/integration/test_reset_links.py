"""Password reset tokens: signed, expiring, bound to the password hash they were made for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from metskin.adapters.security.keys import SigningKeys
from metskin.adapters.security.reset_links import ResetLinks
from metskin.adapters.security.tokens import JwtAccessTokens
from metskin.domain.accounts.model import Role

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
HASH = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"


def test_a_token_names_its_account_until_it_expires() -> None:
    links = ResetLinks(SECRET, timedelta(minutes=30))
    token = links.issue("user-1", HASH, NOW)
    assert links.subject(token, NOW + timedelta(minutes=29)) == "user-1"
    assert links.subject(token, NOW + timedelta(minutes=30)) is None
    assert links.bound_to(token, HASH)
    assert not links.bound_to(token, HASH + "x")  # another hash: the password changed


def test_the_token_tells_nothing_of_the_hash() -> None:
    token = ResetLinks(SECRET, timedelta(minutes=30)).issue("user-1", HASH, NOW)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"pur", "sub", "exp", "pwd"} and len(claims["pwd"]) == 32
    assert claims["pwd"] not in HASH and "argon" not in token


def test_other_keys_purposes_and_forgeries_are_refused() -> None:
    links = ResetLinks(SECRET, timedelta(minutes=30))
    other = ResetLinks("another-secret-that-is-long-enough-too", timedelta(minutes=30))
    access, _ = JwtAccessTokens(SigningKeys(SECRET, (), None), timedelta(minutes=15)).issue(
        "user-1", Role.PATIENT, NOW, "session"
    )
    unsigned = jwt.encode(
        {"pur": "password-reset", "sub": "user-1", "exp": NOW + timedelta(hours=1), "pwd": "x"},
        key="",
        algorithm="none",
    )
    for token in (other.issue("user-1", HASH, NOW), access, unsigned, "", "a.b.c"):
        assert links.subject(token, NOW) is None, token
        assert not links.bound_to(token, HASH)


def test_a_support_link_names_the_address_it_was_vouched_for_and_a_normal_one_none() -> None:
    """An administrator's link (accounts/support.py) resets an unconfirmed address, but only
    the one the administrator checked: the claim is a keyed fingerprint of it."""
    links = ResetLinks(SECRET, timedelta(minutes=30))
    vouched = links.issue("user-1", HASH, NOW, "maya@gmial.example")
    assert links.subject(vouched, NOW) == "user-1" and links.bound_to(vouched, HASH)
    assert links.vouched_for(vouched, " Maya@GMIAL.example")
    assert not links.vouched_for(vouched, "maya@gmail.example")  # the account moved since
    assert not links.vouched_for(links.issue("user-1", HASH, NOW), "maya@gmial.example")
    claims = jwt.decode(vouched, options={"verify_signature": False})
    assert "gmial" not in vouched and len(claims["for"]) == 32
