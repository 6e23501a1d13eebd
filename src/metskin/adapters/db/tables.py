"""SQLModel tables. Every str column has a length (MariaDB needs one for VARCHAR)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from metskin.adapters.db.types import UTCDateTime

MYSQL_TABLE_ARGS = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_unicode_ci"}


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"), MYSQL_TABLE_ARGS)

    id: str = Field(primary_key=True, max_length=36)
    email: str = Field(max_length=254)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, index=True)
    is_active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    display_name: str = Field(default="", max_length=80)
    birth_year: int | None = None
    sex: str = Field(default="undisclosed", max_length=16)
    skin_type: str | None = Field(default=None, max_length=16)
    concerns: list[str] = Field(default_factory=list, sa_type=JSON)
    pregnant: bool = False
    breastfeeding: bool = False
    allergies: list[str] = Field(default_factory=list, sa_type=JSON)
    budget_per_product: int | None = None
    budget_total: int | None = None
    currency: str = Field(default="EUR", max_length=3)
    locale: str = Field(default="en-GB", max_length=16)
    time_zone: str = Field(default="Europe/London", max_length=64)
    phone: str | None = Field(default=None, max_length=20)
    email_opt_in: bool = True
    sms_opt_in: bool = False


class RefreshTokenRow(SQLModel, table=True):
    __tablename__ = "refresh_tokens"
    __table_args__ = MYSQL_TABLE_ARGS

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="users.id", max_length=36, index=True, ondelete="CASCADE")
    family: str = Field(max_length=36, index=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SentNotificationRow(SQLModel, table=True):
    __tablename__ = "sent_notifications"
    __table_args__ = MYSQL_TABLE_ARGS

    dedupe_key: str = Field(primary_key=True, max_length=191)
    channel: str = Field(max_length=8)
    recipient: str = Field(max_length=254)
    sent_at: datetime = Field(sa_type=UTCDateTime)


class MediaRow(SQLModel, table=True):
    __tablename__ = "media"
    __table_args__ = MYSQL_TABLE_ARGS

    id: str = Field(primary_key=True, max_length=36)
    owner_id: str = Field(foreign_key="users.id", max_length=36, index=True, ondelete="CASCADE")
    kind: str = Field(max_length=8)
    content_type: str = Field(max_length=40)
    size_bytes: int = Field(sa_type=BigInteger)
    width: int
    height: int
    duration_s: float | None = None
    storage_name: str = Field(max_length=200)
    thumbnail_name: str = Field(max_length=200)
    key_id: str = Field(max_length=64)
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)


class AnalysisRow(SQLModel, table=True):
    __tablename__ = "analyses"
    __table_args__ = (
        Index("ix_analyses_owner_created", "owner_id", "created_at", "id"),
        Index("ix_analyses_status", "status"),
        MYSQL_TABLE_ARGS,
    )

    id: str = Field(primary_key=True, max_length=36)
    owner_id: str = Field(foreign_key="users.id", max_length=36, ondelete="CASCADE")
    media_id: str = Field(foreign_key="media.id", max_length=36, index=True, ondelete="CASCADE")
    status: str = Field(max_length=12)
    stage: str = Field(max_length=16)
    progress: float = 0.0
    created_at: datetime = Field(sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failure_code: str | None = Field(default=None, max_length=40)
    failure_reason: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    event_seq: int = Field(default=0, sa_type=BigInteger)
    summary: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class AnalysisResultRow(SQLModel, table=True):
    """One row per analysis: the primary key makes a second result impossible."""

    __tablename__ = "analysis_results"
    __table_args__ = MYSQL_TABLE_ARGS

    analysis_id: str = Field(
        primary_key=True, max_length=36, foreign_key="analyses.id", ondelete="CASCADE"
    )
    result: dict[str, Any] = Field(sa_type=JSON)
    overlay_name: str | None = Field(default=None, max_length=200)
