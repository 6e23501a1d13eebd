"""Accounts: users, roles and the care profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from metskin.domain.errors import ValidationFailed

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+[1-9]\d{6,14}$")  # E.164
SKIN_TYPES = ("oily", "dry", "combination", "normal")
CONCERNS = (
    "acne",
    "wrinkles",
    "pigmentation",
    "redness",
    "pores",
    "dark_circles",
    "shine",
    "dryness",
    "sensitivity",
)
SEXES = ("female", "male", "other", "undisclosed")


class Role(StrEnum):
    PATIENT = "patient"
    DERMATOLOGIST = "dermatologist"
    ADMIN = "admin"


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if len(cleaned) > 254 or not EMAIL_PATTERN.match(cleaned):
        raise ValidationFailed("Enter a valid email address.", field="email")
    return cleaned


@dataclass
class Profile:
    display_name: str = ""
    birth_year: int | None = None
    sex: str = "undisclosed"
    skin_type: str | None = None  # self-reported
    concerns: list[str] = field(default_factory=list)
    pregnant: bool = False
    breastfeeding: bool = False
    allergies: list[str] = field(default_factory=list)  # ingredient avoid-list
    # Prescription-only actives a doctor prescribed ("tretinoin"): only these go in routines.
    prescribed: list[str] = field(default_factory=list)
    budget_per_product: int | None = None  # whole currency units
    budget_total: int | None = None
    currency: str = "EUR"
    locale: str = "en-GB"
    time_zone: str = "Europe/London"
    phone: str | None = None
    email_opt_in: bool = True
    sms_opt_in: bool = False


@dataclass
class User:
    id: str
    email: str
    password_hash: str
    role: Role
    created_at: datetime
    profile: Profile = field(default_factory=Profile)
    is_active: bool = True


@dataclass
class RefreshToken:
    """A stored refresh token. Only its hash is kept; `family` links rotations."""

    token_hash: str
    user_id: str
    family: str
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class AccessClaims:
    """What an access token says: who, in which role, in which session (refresh token family:
    logging out ends the session, and so the access tokens issued in it)."""

    user_id: str
    role: Role
    session: str


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
