"""Consent to share analyses with a dermatologist: the share, its scope and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from metskin.domain.accounts.model import User
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

DEFAULT_SHARE_DAYS = 90
MAX_SHARE_DAYS = 730


class ShareScope(Enum):
    ALL = "ALL"  # every analysis of the patient, past and future, while the share lasts
    ANALYSIS = "ANALYSIS"  # one analysis


@dataclass(frozen=True)
class PatientEntry:
    """A patient on a dermatologist's list, and until when their active shares with that
    dermatologist last (the latest; None when they only booked)."""

    user: User
    shares_until: datetime | None


def patient_order(user: User) -> tuple[str, str]:
    """How a dermatologist's patients are listed: by the name shown (their email without
    one), without case or accents (`User.sort_name`, stored), then by id."""
    return (user.sort_name, user.id)


@dataclass
class Share:
    id: str
    patient_id: str
    doctor_id: str
    scope: ShareScope
    analysis_id: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    end_told_at: datetime | None = None  # when the dashboard was told that it ran out

    def __post_init__(self) -> None:
        if (self.scope is ShareScope.ANALYSIS) != (self.analysis_id is not None):
            raise ValidationFailed(
                _("a one-analysis share names exactly one analysis"), field="analysisId"
            )

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def covers(self, analysis_id: str, now: datetime) -> bool:
        return self.is_active(now) and (
            self.scope is ShareScope.ALL or self.analysis_id == analysis_id
        )

    def ran_out(self, now: datetime) -> bool:
        """It ended at its expiry (not by a revoke)."""
        return self.revoked_at is None and self.expires_at <= now

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is None:
            self.revoked_at = now


def share_expiry(now: datetime, expires_at: datetime | None) -> datetime:
    """The requested expiry, or the default; it must lie in the future and within two years."""
    if expires_at is None:
        return now + timedelta(days=DEFAULT_SHARE_DAYS)
    if expires_at.tzinfo is None:
        raise ValidationFailed(_("expiresAt needs a time zone"), field="expiresAt")
    if expires_at <= now or expires_at > now + timedelta(days=MAX_SHARE_DAYS):
        until = _("expiresAt must be in the future and within {days} days")
        raise ValidationFailed.translatable(until, "expiresAt", days=MAX_SHARE_DAYS)
    return expires_at
