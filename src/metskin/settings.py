"""The one settings object. Every value comes from `METSKIN_*` env vars or a `.env` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="METSKIN_", env_file=".env", extra="ignore")

    env: str = "dev"
    var_dir: Path = Path("var")
    database_url: str = ""  # empty: SQLite under var_dir
    redis_url: str = ""  # empty: in-process broker and pub/sub
    host: str = "127.0.0.1"
    port: int = 8000

    secret_key: SecretStr = SecretStr("dev-insecure-change-me-please-0123456789abcdef")
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    password_hash_time_cost: int = 2  # argon2id; OWASP minimum with 19 MiB
    password_hash_memory_kib: int = 19_456

    graphiql: bool = True
    max_query_depth: int = 12
    max_query_tokens: int = 2000
    max_aliases: int = 30
    max_page_size: int = 100

    mail_from: str = "MetSkin <no-reply@metskin.local>"
    sendgrid_api_key: SecretStr = SecretStr("")
    sendgrid_host: str = "https://api.sendgrid.com"
    sms_base_url: str = ""  # a Twilio-style API, e.g. https://api.twilio.com; empty: outbox
    sms_account_sid: str = ""
    sms_auth_token: SecretStr = SecretStr("")
    sms_from: str = ""  # E.164 sender number
    public_base_url: str = "http://127.0.0.1:8000"  # links in messages (manage appointment)
    calendar_organizer_email: str = "appointments@metskin.local"
    reminder_scan_seconds: float = Field(default=30.0, gt=0)
    # Live subscriptions re-read the store this often, in case a pub/sub message was lost.
    subscription_recheck_seconds: float = Field(default=2.0, gt=0)
    worker_threads: int = Field(default=2, ge=1)
    queue_heartbeat_timeout_ms: int = 60_000  # a dead worker's jobs are requeued after this
    queue_maintenance_chance: int = 1_000  # per million broker commands
    analysis_time_limit_s: int = 300

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
    max_photo_mb: float = 15
    max_video_mb: float = 150
    max_megapixels: float = 40
    max_video_seconds: float = 60
    max_video_side: int = 3840

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
