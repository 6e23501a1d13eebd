"""Outside development the settings refuse public or weak keys; signing keys rotate."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from typer.testing import CliRunner

from metskin.adapters.from_settings import media_url_keys, token_keys
from metskin.adapters.security.keys import SigningKeys
from metskin.adapters.security.signed_urls import ExpiredLink, MediaUrlSigner
from metskin.adapters.security.tokens import JwtAccessTokens, TokenExpired
from metskin.bootstrap import bootstrap
from metskin.domain.accounts.model import Role
from metskin.domain.analysis.records import MediaGrant
from metskin.domain.errors import Forbidden, Unauthenticated
from metskin.settings import DEFAULT_SECRET, InsecureSettings, Settings
from tests.fakes.infra import FakeClock

STRONG = "k" * 40
MEDIA = "m" * 40
STORAGE = {"s1": base64.b64encode(b"\x01" * 32).decode()}
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def production(**values: object) -> Settings:
    base: dict[str, object] = {
        "env": "production",
        "secret_key": STRONG,
        "media_url_key": MEDIA,
        "storage_keys": STORAGE,
    }
    return Settings(**{**base, **values})  # type: ignore[arg-type]


def test_production_with_its_own_keys_is_fit() -> None:
    assert production().insecure_reasons() == []


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"secret_key": DEFAULT_SECRET}, "METSKIN_SECRET_KEY"),
        ({"secret_key": "short-secret"}, "METSKIN_SECRET_KEY"),
        ({"media_url_key": ""}, "METSKIN_MEDIA_URL_KEY"),
        ({"media_url_key": STRONG}, "METSKIN_MEDIA_URL_KEY"),  # the token secret again
        ({"storage_keys": {}}, "METSKIN_STORAGE_KEYS"),
    ],
)
def test_production_refuses_a_public_short_or_shared_key(
    values: dict[str, object], named: str
) -> None:
    settings = production(**values)
    with pytest.raises(InsecureSettings, match=named):
        settings.check_secrets()
    with pytest.raises(InsecureSettings):
        bootstrap(settings)


@pytest.mark.parametrize(
    "provider",
    [
        {"sendgrid_api_key": "SG.key"},
        {
            "sms_base_url": "https://api.twilio.com",
            "sms_account_sid": "AC1",
            "sms_auth_token": "token",
            "sms_from": "+15005550006",
        },
    ],
)
def test_production_refuses_to_message_people_without_its_public_url(
    provider: dict[str, object],
) -> None:
    """With SendGrid set and no METSKIN_PUBLIC_URL it started, and every email linked to
    http://127.0.0.1:8000/..., which no recipient can open."""
    with pytest.raises(InsecureSettings, match=r"METSKIN_PUBLIC_URL.*http://127\.0\.0\.1:8000"):
        production(host="0.0.0.0", **provider).check_secrets()
    assert production(public_url="https://app.metskin.example", **provider).insecure_reasons() == []
    assert production().insecure_reasons() == []  # the outbox folder: no one is messaged


def test_the_default_settings_are_production_and_refuse_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("METSKIN_ENV", raising=False)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.env == "production"
    assert len(settings.insecure_reasons()) == 3


def test_serve_says_why_it_refuses_and_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    from metskin.cli import app
    from metskin.settings import get_settings

    monkeypatch.setenv("METSKIN_ENV", "production")
    monkeypatch.delenv("METSKIN_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        result = CliRunner().invoke(app, ["serve"])
    finally:
        get_settings.cache_clear()
        # serve pointed the root logger at the runner's stderr, which is closed now: later
        # log lines (in other tests' worker threads) would raise.
        root.handlers[:], root.level = handlers, level
    assert result.exit_code == 2
    assert "METSKIN_SECRET_KEY" in result.output and "Refusing to start" in result.output


def test_development_allows_the_default_and_derives_a_separate_media_key() -> None:
    settings = Settings(env="development")
    assert settings.insecure_reasons() == []
    assert settings.effective_media_url_key != settings.secret_key.get_secret_value()


def test_a_rotated_token_key_still_verifies_until_the_grace_period_ends() -> None:
    lifetime = timedelta(minutes=15)
    old = JwtAccessTokens(SigningKeys("old-" + STRONG), lifetime)
    token, _ = old.issue("user-1", Role.PATIENT, NOW, "session-1")
    until = NOW + timedelta(hours=1)
    rotated = JwtAccessTokens(SigningKeys("new-" + STRONG, ("old-" + STRONG,), until), lifetime)
    claims = rotated.decode(token, NOW + timedelta(minutes=1))
    assert (claims.user_id, claims.role) == ("user-1", Role.PATIENT)
    fresh, _ = rotated.issue("user-1", Role.PATIENT, NOW, "session-1")
    assert JwtAccessTokens(SigningKeys("new-" + STRONG), lifetime).decode(fresh, NOW)
    with pytest.raises(Unauthenticated):  # new tokens are signed with the new key only
        old.decode(fresh, NOW)
    with pytest.raises(Unauthenticated):  # after the grace period the old key is ignored
        rotated.decode(token, until)
    with pytest.raises(Unauthenticated):  # a key nobody configured never verifies
        JwtAccessTokens(SigningKeys("other-" + STRONG), lifetime).decode(token, NOW)


def test_a_rotated_media_key_still_opens_old_links() -> None:
    ttl = timedelta(minutes=5)
    now = datetime.now(UTC)
    old = MediaUrlSigner(SigningKeys("old-" + MEDIA), ttl)
    grant = MediaGrant("media/u1/a.jpg", "u1", Role.PATIENT, media_id="m1")
    link = old.url(grant, now).rsplit("/", 1)[1]
    rotated = MediaUrlSigner(SigningKeys("new-" + MEDIA, ("old-" + MEDIA,)), ttl)
    assert rotated.grant(link) == grant
    with pytest.raises(Forbidden):
        MediaUrlSigner(SigningKeys("new-" + MEDIA), ttl).grant(link)


def test_a_media_link_expires_on_the_clock_it_was_issued_with() -> None:
    """Before, the link's expiry was checked on the wall clock (PyJWT's own): with the
    container's clock ten days back a fresh link was already expired, and one issued at the
    wall clock's hour did not expire when that clock went past its time."""
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=10))
    signer = MediaUrlSigner(SigningKeys(MEDIA), timedelta(minutes=5), clock=clock)
    grant = MediaGrant("media/u1/a.jpg", "u1", Role.PATIENT, media_id="m1")
    link = signer.url(grant, clock.now).rsplit("/", 1)[1]
    assert signer.grant(link) == grant
    clock.now += timedelta(minutes=4, seconds=59)
    assert signer.grant(link) == grant
    clock.now += timedelta(seconds=1)
    with pytest.raises(ExpiredLink):
        signer.grant(link)


def test_the_settings_wire_token_and_media_keys_apart() -> None:
    settings = production(
        previous_secret_keys=["prev-" + STRONG], previous_media_url_keys=["prev-" + MEDIA]
    )
    tokens, media = token_keys(settings), media_url_keys(settings)
    assert tokens.current == STRONG and tokens.previous == ("prev-" + STRONG,)
    assert media.current == MEDIA and media.previous == ("prev-" + MEDIA,)


def test_serve_refuses_several_workers_without_redis(
    embedded_env: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from metskin.cli import app

    monkeypatch.setenv("METSKIN_ENV", "development")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        result = CliRunner().invoke(app, ["serve", "--workers", "2"])
    finally:
        root.handlers[:], root.level = handlers, level
    assert result.exit_code == 2
    assert "--workers above 1 needs METSKIN_REDIS_URL" in " ".join(result.output.split())


def test_a_token_sent_again_is_not_verified_again_but_still_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lifetime = timedelta(minutes=15)
    tokens = JwtAccessTokens(SigningKeys("new-" + STRONG), lifetime)
    token, expires = tokens.issue("user-1", Role.PATIENT, NOW, "session-1")
    checks: list[str] = []
    real = jwt.decode

    def counted(*args: Any, **kwargs: Any) -> Any:
        checks.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counted)
    for minute in range(3):
        assert tokens.decode(token, NOW + timedelta(minutes=minute)).session == "session-1"
    assert checks == [token]
    with pytest.raises(TokenExpired):  # remembered, and expired all the same
        tokens.decode(token, expires)
    with pytest.raises(Unauthenticated):  # another text is verified (and refused)
        tokens.decode(token[:-2] + "xx", NOW)
    assert len(checks) == 2
