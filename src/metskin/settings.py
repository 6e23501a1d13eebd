"""The one settings object. Every value comes from `METSKIN_*` env vars or a `.env` file."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET = "dev-insecure-change-me-please-0123456789abcdef"
MIN_SECRET_LENGTH = 32
PUBLIC_URL = re.compile(r"https?://[^/\s?#]+(/[^\s?#]*)?")
# An origin as a browser sends it: scheme, host and a port other than the scheme's default.
ORIGIN = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9.-]+|\[[0-9a-f:.]+\])(:(?P<port>\d{1,5}))?"
)
DEFAULT_PORTS = {"http": "80", "https": "443"}


class InsecureSettings(ValueError):
    """The settings carry a public or weak secret outside development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="METSKIN_", env_file=".env", extra="ignore")

    # "development" allows the embedded, public default secret and turns GraphiQL on; any other
    # value is a deployment, which refuses to start without its own keys (check_secrets).
    env: Literal["development", "production"] = "production"
    var_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite under var_dir
    redis_url: str = ""  # empty: in-process broker and pub/sub
    host: str = "127.0.0.1"
    port: int = 8000

    # Signs access tokens. Keys that signed before a rotation go in previous_secret_keys: they
    # still verify (new tokens use secret_key) until previous_keys_until, if set.
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET)
    previous_secret_keys: list[SecretStr] = Field(default_factory=list)
    # Signs media links; its own key, never the token secret. Rotates the same way.
    media_url_key: SecretStr = SecretStr("")  # empty: derived from secret_key (development only)
    previous_media_url_keys: list[SecretStr] = Field(default_factory=list)
    previous_keys_until: datetime | None = None
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    password_reset_minutes: int = Field(default=30, gt=0, le=24 * 60)  # an emailed reset link
    password_hash_time_cost: int = 2  # argon2id; OWASP minimum with 19 MiB
    password_hash_memory_kib: int = 19_456

    graphiql: bool = True  # development only, from this origin's files (`make graphiql`)
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 30
    max_page_size: int = 100
    # Cursors made before cursors named their list (docs/api.md, "Lists and pages"): still read
    # while true, by any list of their shape; false refuses them (VALIDATION_FAILED on `after`).
    accept_unnamed_cursors: bool = True
    # Cursors made before cursors carried their page's filters (`<list>.<base64>`): still read,
    # unchecked, while true; false refuses them (VALIDATION_FAILED on `after`), and the unnamed
    # ones too.
    accept_cursors_without_filters: bool = True
    max_query_cost: int = Field(default=12_000, ge=1)  # fields resolved, list sizes multiplied
    max_json_body_kb: int = Field(default=1024, ge=1)  # any request but a multipart upload
    # Rate limits: "OPERATION.SCOPE" -> "COUNT/SECONDS" overrides the defaults in
    # domain/limits/model.py (e.g. {"login.ip": "30/300"}); every count is multiplied by
    # rate_limit_scale (tests raise it); rate_limits_enabled=false turns them all off.
    rate_limits: dict[str, str] = Field(default_factory=dict)
    rate_limit_scale: float = Field(default=1.0, gt=0)
    rate_limits_enabled: bool = True
    login_free_failures: int = Field(default=5, ge=1)  # then waits 1, 2, 4 ... s
    login_max_delay_seconds: float = Field(default=900, gt=0)
    login_forget_failures_seconds: float = Field(default=3600, gt=0)
    json_logs: bool = False
    worker_metrics_port: int = 0  # >0: `metskin worker` serves /metrics on this port
    hsts_seconds: int = Field(default=0, ge=0)  # >0: Strict-Transport-Security (behind HTTPS)
    # Browser apps on other origins that may call /graphql (CORS): a JSON list or commas,
    # e.g. https://app.example.com,http://localhost:5173; "*" any origin (answered as `*`,
    # never with credentials). Empty: the API's own origin only (no CORS header at all).
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    mail_from: str = "MetSkin <no-reply@metskin.local>"
    sendgrid_api_key: SecretStr = SecretStr("")
    sendgrid_host: str = "https://api.sendgrid.com"
    # SendGrid's Signed Event Webhook verification key (base64 DER, from its settings): with
    # it, POST /webhooks/sendgrid takes bounces and spam reports. Empty: that path is 404.
    sendgrid_event_public_key: str = ""
    sms_base_url: str = ""  # a Twilio-style API, e.g. https://api.twilio.com; empty: outbox
    sms_account_sid: str = ""
    sms_auth_token: SecretStr = SecretStr("")
    sms_from: str = ""  # E.164 sender number
    # Where people reach this server, e.g. https://app.metskin.example: every link in an email,
    # SMS or calendar invite starts with it. Empty: http://<host>:<port> of `serve` (one machine).
    public_url: str = ""
    calendar_organizer_email: str = "appointments@metskin.local"
    reminder_scan_seconds: float = Field(default=30.0, gt=0)
    check_in_scan_seconds: float = Field(default=300.0, gt=0)
    # How soon after a share runs out the dermatologist's dashboard says so.
    share_end_scan_seconds: float = Field(default=30.0, gt=0)
    # Live subscriptions re-read the store this often, in case a pub/sub message was lost.
    subscription_recheck_seconds: float = Field(default=2.0, gt=0)
    worker_threads: int = Field(default=2, ge=1)
    queue_heartbeat_timeout_ms: int = 60_000  # a dead worker's jobs are requeued after this
    queue_maintenance_chance: int = 1_000  # per million broker commands
    analysis_time_limit_s: int = 300
    skin_retrain_min_labels: int = 50  # new label writes before the skin model is retrained

    storage_backend: Literal["local", "s3"] = "local"
    storage_keys: dict[str, str] = Field(default_factory=dict)  # key id -> base64 32-byte key
    storage_active_key: str = ""
    s3_bucket: str = ""
    s3_prefix: str = "metskin"
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str = ""
    s3_secret_access_key: SecretStr = SecretStr("")
    media_url_ttl_seconds: int = 300
    # Data rights: export download links, how long a built export is kept, and the key of the
    # pseudonyms that replace an erased person's id in the access log (empty: derived).
    export_link_seconds: int = Field(default=600, gt=0)
    export_retention_hours: float = Field(default=72, gt=0)
    pseudonym_key: SecretStr = SecretStr("")
    max_photo_mb: float = 25  # a 48-50 MP phone JPEG passes (about 10 MB on average)
    max_video_mb: float = 150
    max_megapixels: float = 50  # a phone's 48-50 MP mode passes (a 48 MP HEIC: 1.6 s to store)
    max_video_seconds: float = 60
    max_video_side: int = 3840
    # How long an upload's client key answers its first upload (`uploadMedia(idempotencyKey:)`).
    upload_key_seconds: float = Field(default=24 * 3600, gt=0)

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        value = value.strip()
        if value and not PUBLIC_URL.fullmatch(value):
            raise ValueError(
                "METSKIN_PUBLIC_URL must be an absolute http(s) URL, e.g. https://x.org"
            )
        return value.rstrip("/")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> list[str]:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if not isinstance(value, list):
            raise ValueError("METSKIN_CORS_ORIGINS must be a list of origins")
        return [origin for item in value if (origin := cors_origin(str(item)))]

    @property
    def effective_public_url(self) -> str:
        """The public URL, or this server's own address when none is set."""
        if self.public_url:
            return self.public_url
        host = "127.0.0.1" if self.host in ("", "0.0.0.0", "::") else self.host
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}"

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql and self.is_development

    @property
    def effective_media_url_key(self) -> str:
        """The media-link key; in development without one, derived from the token secret."""
        if key := self.media_url_key.get_secret_value():
            return key
        secret = self.secret_key.get_secret_value().encode()
        return hmac.new(secret, b"metskin-media-links-v1", hashlib.sha256).hexdigest()

    def insecure_reasons(self) -> list[str]:
        """What makes these settings unfit outside development (empty: fit)."""
        if self.is_development:
            return []
        reasons = []
        token_key = self.secret_key.get_secret_value()
        if token_key == DEFAULT_SECRET or len(token_key) < MIN_SECRET_LENGTH:
            reasons.append(
                f"METSKIN_SECRET_KEY is the public default or shorter than {MIN_SECRET_LENGTH} "
                "characters"
            )
        media_key = self.media_url_key.get_secret_value()
        if len(media_key) < MIN_SECRET_LENGTH or media_key == token_key:
            reasons.append(
                f"METSKIN_MEDIA_URL_KEY must be set, at least {MIN_SECRET_LENGTH} characters "
                "and not the token secret"
            )
        if not self.storage_keys:
            reasons.append(
                "METSKIN_STORAGE_KEYS must be set (the storage key would otherwise come from "
                "the token secret)"
            )
        if not self.public_url and (
            self.sendgrid_api_key.get_secret_value() or self.uses_sms_provider
        ):
            reasons.append(
                "METSKIN_PUBLIC_URL must be set when email or SMS go out to people (every link "
                f"in them would otherwise open {self.effective_public_url}, this server's own "
                "address)"
            )
        return reasons

    def check_secrets(self) -> None:
        if reasons := self.insecure_reasons():
            raise InsecureSettings(
                "Refusing to start outside development (METSKIN_ENV=development): "
                + "; ".join(reasons)
                + ". See README, 'Secrets and keys'."
            )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'metskin.db').as_posix()}"

    @property
    def media_dir(self) -> Path:
        return self.var_dir / "media"

    @property
    def models_dir(self) -> Path:
        return self.var_dir / "models"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def uses_sms_provider(self) -> bool:
        return bool(
            self.sms_base_url
            and self.sms_account_sid
            and self.sms_from
            and self.sms_auth_token.get_secret_value()
        )

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)


def cors_origin(text: str) -> str:
    """An origin as browsers send it (`https://app.example.com`: lower case, no default port,
    no slash), "*", or "" for a blank entry; anything else is refused, saying why."""
    text = text.strip().rstrip("/").lower()
    if text in ("", "*"):
        return text
    found = ORIGIN.fullmatch(text)
    if found is None or not 0 < int(found["port"] or 1) < 65536:
        raise ValueError(
            f"METSKIN_CORS_ORIGINS: {text[:100]!r} is not an origin: write a scheme, a host and "
            "a port if not the default, e.g. https://app.example.com or http://localhost:5173"
        )
    port = found["port"]
    if port is None or port == DEFAULT_PORTS[found["scheme"]]:
        return f"{found['scheme']}://{found['host']}"
    return f"{found['scheme']}://{found['host']}:{port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
