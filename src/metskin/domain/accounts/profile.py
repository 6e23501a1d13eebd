"""Validation of profile changes."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from metskin.domain.accounts.errors import ContradictoryProfile
from metskin.domain.accounts.model import (
    CONCERNS,
    PHONE_PATTERN,
    SEXES,
    SKIN_TYPES,
    Profile,
)
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import check_locale
from metskin.domain.i18n.marks import _
from metskin.domain.money.model import check_currency

MIN_AGE = 13
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 80
PROFILE_FIELDS = frozenset(f.name for f in fields(Profile))


def apply_profile_changes(profile: Profile, changes: dict[str, Any], now: datetime) -> Profile:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationFailed(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    cleaned = {name: _clean(name, value, now) for name, value in changes.items()}
    updated = replace(profile, **cleaned)
    _check_consistency(updated)
    return updated


def _clean(name: str, value: Any, now: datetime) -> Any:
    cleaner = _CLEANERS.get(name)
    return cleaner(value, now) if cleaner else value


def _birth_year(value: int | None, now: datetime) -> int | None:
    if value is None:
        return None
    if not 1900 <= value <= now.year - MIN_AGE:
        raise ValidationFailed(
            f"Birth year must be between 1900 and {now.year - MIN_AGE}.", field="birthYear"
        )
    return value


def _choice(options: tuple[str, ...], field_name: str, optional: bool = False) -> Any:
    def clean(value: str | None, _now: datetime) -> str | None:
        if value is None and optional:
            return None
        if value not in options:
            raise ValidationFailed(
                f"{field_name} must be one of: {', '.join(options)}.", field=field_name
            )
        return value

    return clean


def _concerns(value: list[str], _now: datetime) -> list[str]:
    unknown = [c for c in value if c not in CONCERNS]
    if unknown:
        raise ValidationFailed(
            f"Unknown concerns: {', '.join(unknown)}. Known: {', '.join(CONCERNS)}.",
            field="concerns",
        )
    return list(dict.fromkeys(value))


def _names(what: str, field_name: str) -> Any:
    """A list of ingredient names (allergies, prescribed actives): trimmed, blanks and repeats
    dropped, held to MAX_LIST_ITEMS names of at most MAX_ITEM_LENGTH characters."""

    def clean(value: list[str], _now: datetime) -> list[str]:
        items = [item.strip() for item in value if item.strip()]
        if len(items) > MAX_LIST_ITEMS or any(len(item) > MAX_ITEM_LENGTH for item in items):
            raise ValidationFailed(
                f"Up to {MAX_LIST_ITEMS} {what} of at most {MAX_ITEM_LENGTH} characters each.",
                field=field_name,
            )
        return list(dict.fromkeys(items))

    return clean


def _budget(field_name: str) -> Any:
    def clean(value: int | None, _now: datetime) -> int | None:
        if value is not None and not 0 < value <= 100_000:
            raise ValidationFailed("Budget must be a positive amount.", field=field_name)
        return value

    return clean


def _time_zone(value: str, _now: datetime) -> str:
    if value not in _known_time_zones():
        unknown = _("Unknown time zone: {value}.")
        raise ValidationFailed.translatable(unknown, "timeZone", value=str(value)[:64])
    return value


def _pattern(pattern: re.Pattern[str], field_name: str, message: str) -> Any:
    def clean(value: str | None, _now: datetime) -> str | None:
        if value is None and field_name == "phone":
            return None
        text = (value or "").strip()
        if not pattern.match(text):
            raise ValidationFailed(message, field=field_name)
        return text

    return clean


def _locale(value: str, _now: datetime) -> str:
    return check_locale(value, "locale")


def _currency(value: str, _now: datetime) -> str:
    return check_currency(value, "currency")


def _display_name(value: str, _now: datetime) -> str:
    name = value.strip()
    if len(name) > 80:
        raise ValidationFailed("Display name is at most 80 characters.", field="displayName")
    return name


@cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


_CLEANERS: dict[str, Any] = {
    "display_name": _display_name,
    "birth_year": _birth_year,
    "sex": _choice(SEXES, "sex"),
    "skin_type": _choice(SKIN_TYPES, "skinType", optional=True),
    "concerns": _concerns,
    "allergies": _names("allergies", "allergies"),
    "prescribed": _names("prescribed actives", "prescribed"),
    "budget_per_product": _budget("budgetPerProduct"),
    "budget_total": _budget("budgetTotal"),
    "time_zone": _time_zone,
    "locale": _locale,
    "currency": _currency,
    "phone": _pattern(
        PHONE_PATTERN, "phone", "Phone must be in international form, e.g. +447700900123."
    ),
}


def _check_consistency(profile: Profile) -> None:
    if (profile.pregnant or profile.breastfeeding) and profile.sex == "male":
        raise ContradictoryProfile(
            "Pregnancy or breastfeeding is set while sex is male; correct one of them.",
            field="pregnant",
        )
    if (
        profile.budget_total is not None
        and profile.budget_per_product is not None
        and profile.budget_per_product > profile.budget_total
    ):
        raise ContradictoryProfile(
            "The per-product budget is higher than the total budget.", field="budgetPerProduct"
        )
    if profile.sms_opt_in and not profile.phone:
        raise ContradictoryProfile("Add a phone number to get SMS reminders.", field="smsOptIn")
