"""The adapters that the settings choose and configure: signing keys, rate rules, media storage
and limits, the notifier. `bootstrap()` wires them into the services."""

from __future__ import annotations

from metskin.adapters.notify.composite import CompositeNotifier
from metskin.adapters.notify.outbox import FileOutbox
from metskin.adapters.notify.sendgrid_mail import SendGridEmailSender
from metskin.adapters.notify.sms import HttpSmsSender
from metskin.adapters.security.keys import SigningKeys
from metskin.adapters.storage.crypto import KeyRing
from metskin.adapters.storage.local import LocalEncryptedStorage
from metskin.adapters.storage.s3 import S3Storage
from metskin.domain.analysis.media import MB, MediaLimits
from metskin.domain.analysis.ports import MediaStorage
from metskin.domain.limits.model import DEFAULT_RULES, Rule
from metskin.domain.notifications.ports import EmailSuppressions
from metskin.domain.ports import Notifier
from metskin.settings import Settings


def token_keys(settings: Settings) -> SigningKeys:
    return SigningKeys(
        settings.secret_key.get_secret_value(),
        tuple(key.get_secret_value() for key in settings.previous_secret_keys),
        settings.previous_keys_until,
    )


def media_url_keys(settings: Settings) -> SigningKeys:
    return SigningKeys(
        settings.effective_media_url_key,
        tuple(key.get_secret_value() for key in settings.previous_media_url_keys),
        settings.previous_keys_until,
    )


def rate_rules(settings: Settings) -> dict[str, dict[str, Rule]]:
    """The default rules, with the settings' overrides, scaled."""
    rules = {operation: dict(scopes) for operation, scopes in DEFAULT_RULES.items()}
    for name, text in settings.rate_limits.items():
        operation, _, scope = name.partition(".")
        if operation not in rules or scope not in ("ip", "account"):
            raise ValueError(f"METSKIN_RATE_LIMITS: unknown rule {name!r}")
        rules[operation][scope] = Rule.parse(text)
    scale = settings.rate_limit_scale
    return {
        op: {sc: rule.scaled(scale) for sc, rule in scopes.items()} for op, scopes in rules.items()
    }


def make_storage(settings: Settings) -> MediaStorage:
    keys = KeyRing.from_settings(
        settings.storage_keys, settings.storage_active_key, settings.secret_key.get_secret_value()
    )
    if settings.storage_backend == "s3":
        return S3Storage(
            settings.s3_bucket,
            keys,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url or None,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id or None,
            secret_access_key=settings.s3_secret_access_key.get_secret_value() or None,
        )
    return LocalEncryptedStorage(settings.media_dir, keys)


def media_limits(settings: Settings) -> MediaLimits:
    return MediaLimits(
        max_photo_bytes=int(settings.max_photo_mb * MB),
        max_video_bytes=int(settings.max_video_mb * MB),
        max_pixels=int(settings.max_megapixels * 1_000_000),
        max_video_seconds=settings.max_video_seconds,
        max_video_side=settings.max_video_side,
    )


def _sendgrid(settings: Settings) -> SendGridEmailSender | None:
    key = settings.sendgrid_api_key.get_secret_value()
    return SendGridEmailSender(key, settings.mail_from, settings.sendgrid_host) if key else None


def make_email_suppressions(settings: Settings) -> EmailSuppressions:
    """SendGrid's suppression lists where SendGrid sends our email; else the outbox's (none)."""
    return _sendgrid(settings) or FileOutbox(settings.outbox_dir)


def make_notifier(settings: Settings) -> Notifier:
    """SendGrid and the SMS provider where configured; the file outbox for the rest."""
    email = _sendgrid(settings)
    sms = (
        HttpSmsSender(
            settings.sms_base_url,
            settings.sms_account_sid,
            settings.sms_auth_token.get_secret_value(),
            settings.sms_from,
        )
        if settings.uses_sms_provider
        else None
    )
    return CompositeNotifier(email, sms, fallback=FileOutbox(settings.outbox_dir))
