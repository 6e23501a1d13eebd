"""A phone number as people write it: checked for a length its country's numbers can have,
stored in E.164 ("+442079460101"), shown grouped as its country reads it ("+44 20 7946 0101").

One validator for every number the platform keeps: a patient's profile phone (SMS reminders,
phone verification) and a practice's phone. The rules are Google's libphonenumber's
(`phonenumbers`): `is_possible_number` (a length numbers of that country code can have), not
`is_valid_number` (a range in use): the ranges reserved for drama that tests and the packaged
practices use (Ofcom's +44 7700 900xxx) are possible, not valid, and the length check is what
catches a number cut short ("+4412"), which is what people get wrong. A length that is possible
only when dialled locally, without the area code ("+44 1234": `IS_POSSIBLE_LOCAL_ONLY`, which
`is_possible_number` lets through) is refused too: with its country code in front, no phone
reaches it, and no SMS.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

PHONE_FORM = _("Phone must start with + and its country code, e.g. +44 7700 900123.")
PHONE_LENGTH = _(
    "A phone number with country code +{code} cannot have this many digits: check the number."
)
# What people write: a + and the digits, with spaces, dots, dashes or brackets between them
# ("+44 20 7946 0123", "+1 (212) 555-0123", and the UK's "+44 (0)20 7946 0123", whose national
# 0 phonenumbers drops). Nothing else: phonenumbers alone would read letters ("+1 800 FLOWERS"),
# an extension, or a number inside other text ("call +44 ...").
WRITTEN = re.compile(r"\+[0-9][0-9\s.()\-]*")
MAX_WRITTEN = 40  # the longest E.164 number is 16 characters; room for its separators


def checked_phone(value: str | None, field: str = "phone") -> str | None:
    """`value` in E.164; None stays None (no number). A number without its country code, with
    anything but digits and separators, or of a length its country code's numbers cannot have
    (dialled from anywhere) is VALIDATION_FAILED on `field` (a patient's `phone`, a practice's
    `practice.phone`)."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > MAX_WRITTEN or not WRITTEN.fullmatch(text):
        raise ValidationFailed.translatable(PHONE_FORM, field)
    try:
        number = phonenumbers.parse(text, None)
    except NumberParseException:  # an unknown country code, no digits after it
        raise ValidationFailed.translatable(PHONE_FORM, field) from None
    if phonenumbers.is_possible_number_with_reason(number) != ValidationResult.IS_POSSIBLE:
        raise ValidationFailed.translatable(PHONE_LENGTH, field, code=number.country_code)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def international_phone(e164: str | None) -> str | None:
    """A stored number grouped as people read it, with its country code: "+44 20 7946 0101",
    "+1 212-555-0123", "+33 1 42 68 53 00", "+49 30 23125123" (how libphonenumber groups each
    country's numbers). None stays None; a stored number it cannot read (none checked by
    `checked_phone` is) is shown as stored."""
    if e164 is None:
        return None
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
