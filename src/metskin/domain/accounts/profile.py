"""Validation of profile changes."""

from __future__ import annotations

import unicodedata
from dataclasses import fields, replace
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from metskin.domain.accounts.errors import ContradictoryProfile
from metskin.domain.accounts.model import (
    CONCERNS,
    SEXES,
    SKIN_TYPES,
    Profile,
)
from metskin.domain.accounts.phone_number import checked_phone
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import check_locale
from metskin.domain.i18n.marks import _
from metskin.domain.money.model import check_currency

MIN_AGE = 13
MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 80
MAX_DISPLAY_NAME = 80
# Characters that turn the text around: embeddings, overrides and isolates (a name ending in
# U+202E "gpj.exe" reads "exe.jpg").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
PLAIN_TEXT = _("This cannot hold line breaks, control characters or text-direction overrides.")
# What a person may set; `phone_verified` only follows a code sent to the phone (phone.py).
PROFILE_FIELDS = frozenset(f.name for f in fields(Profile)) - {"phone_verified"}
NOT_PLACES = frozenset({"localtime", "Factory"})


def apply_profile_changes(profile: Profile, changes: dict[str, Any], now: datetime) -> Profile:
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        fields = _("Unknown profile fields: {names}.")
        raise ValidationFailed.translatable(fields, names=", ".join(sorted(unknown)))
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
        between = _("Birth year must be between 1900 and {latest}.")
        raise ValidationFailed.translatable(between, "birthYear", latest=now.year - MIN_AGE)
    return value


def _choice(options: tuple[str, ...], field_name: str, optional: bool = False) -> Any:
    def clean(value: str | None, _now: datetime) -> str | None:
        if value is None and optional:
            return None
        if value not in options:
            one_of = _("{name} must be one of: {options}.")
            raise ValidationFailed.translatable(
                one_of, field_name, name=field_name, options=", ".join(options)
            )
        return value

    return clean


def _concerns(value: list[str], _now: datetime) -> list[str]:
    unknown = [c for c in value if c not in CONCERNS]
    if unknown:
        known = _("Unknown concerns: {unknown}. Known: {known}.")
        raise ValidationFailed.translatable(
            known, "concerns", unknown=", ".join(unknown), known=", ".join(CONCERNS)
        )
    return list(dict.fromkeys(value))


def _names(limits: str, field_name: str) -> Any:
    """A list of ingredient names (allergies, prescribed actives): composed and trimmed, blanks
    and repeats dropped, plain text only, held to MAX_LIST_ITEMS names of at most
    MAX_ITEM_LENGTH characters (`limits` says so, translated)."""

    def clean(value: list[str], _now: datetime) -> list[str]:
        items = [item for item in map(_one_line, value) if item]
        if len(items) > MAX_LIST_ITEMS or any(len(item) > MAX_ITEM_LENGTH for item in items):
            raise ValidationFailed.translatable(
                limits, field_name, count=MAX_LIST_ITEMS, length=MAX_ITEM_LENGTH
            )
        if not all(map(_plain, items)):
            raise ValidationFailed.translatable(PLAIN_TEXT, field_name)
        return list(dict.fromkeys(items))

    return clean


def _one_line(text: str) -> str:
    """`text` composed (NFC: an accent typed apart counts as one character) and trimmed."""
    return unicodedata.normalize("NFC", text).strip()


def _plain(text: str) -> bool:
    """No control character (line breaks, tabs, NUL, escape sequences), line or paragraph
    separator, or direction override: a name or an ingredient is shown to other people, in
    email subjects, calendar entries and text messages."""
    return not any(
        unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in BIDI_CONTROLS for c in text
    )


def _budget(field_name: str) -> Any:
    def clean(value: int | None, _now: datetime) -> int | None:
        if value is not None and not 0 < value <= 100_000:
            raise ValidationFailed.translatable(_("Budget must be a positive amount."), field_name)
        return value

    return clean


def _time_zone(value: str, _now: datetime) -> str:
    if value not in _known_time_zones():
        unknown = _("Unknown time zone: {value}.")
        raise ValidationFailed.translatable(unknown, "timeZone", value=str(value)[:64])
    return value


def _phone(value: str | None, _now: datetime) -> str | None:
    return checked_phone(value)


def _locale(value: str, _now: datetime) -> str:
    return check_locale(value, "locale")


def _currency(value: str, _now: datetime) -> str:
    return check_currency(value, "currency")


def checked_display_name(value: str, field: str = "displayName") -> str:
    """A person's name as shown to others (also a dermatologist's listing name, `field` then
    being the listing's): composed, trimmed, at most 80 characters, no control characters."""
    name = _one_line(value)
    if len(name) > MAX_DISPLAY_NAME:
        too_long = _("Display name is at most {count} characters.")
        raise ValidationFailed.translatable(too_long, field, count=MAX_DISPLAY_NAME)
    if not _plain(name):
        raise ValidationFailed.translatable(PLAIN_TEXT, field)
    return name


def _display_name(value: str, _now: datetime) -> str:
    return checked_display_name(value)


@cache
def _known_time_zones() -> frozenset[str]:
    """The IANA zones of the tz database, less the files it installs that name no place:
    `localtime` (whatever zone the machine reading it is set to) and `Factory` (times shown
    with the abbreviation "-00")."""
    return frozenset(available_timezones()) - NOT_PLACES


_CLEANERS: dict[str, Any] = {
    "display_name": _display_name,
    "birth_year": _birth_year,
    "sex": _choice(SEXES, "sex"),
    "skin_type": _choice(SKIN_TYPES, "skinType", optional=True),
    "concerns": _concerns,
    "allergies": _names(
        _("Up to {count} allergies of at most {length} characters each."), "allergies"
    ),
    "prescribed": _names(
        _("Up to {count} prescribed actives of at most {length} characters each."), "prescribed"
    ),
    "budget_per_product": _budget("budgetPerProduct"),
    "budget_total": _budget("budgetTotal"),
    "time_zone": _time_zone,
    "locale": _locale,
    "currency": _currency,
    "phone": _phone,
}


def _check_consistency(profile: Profile) -> None:
    if (profile.pregnant or profile.breastfeeding) and profile.sex == "male":
        contradiction = _(
            "Pregnancy or breastfeeding is set while sex is male; correct one of them."
        )
        raise ContradictoryProfile.translatable(contradiction, "pregnant")
    if (
        profile.budget_total is not None
        and profile.budget_per_product is not None
        and profile.budget_per_product > profile.budget_total
    ):
        higher = _("The per-product budget is higher than the total budget.")
        raise ContradictoryProfile.translatable(higher, "budgetPerProduct")
    if profile.sms_opt_in and not profile.phone:
        no_phone = _("Add a phone number to get SMS reminders.")
        raise ContradictoryProfile.translatable(no_phone, "smsOptIn")
