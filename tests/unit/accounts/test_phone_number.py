"""A phone number is checked for a length its country's numbers can have (libphonenumber's
`is_possible_number`), stored in E.164, and shown grouped as its country reads it
(domain/accounts/phone_number.py). Before, any "+" and 7 to 15 digits passed ("+4412")."""

from __future__ import annotations

import pytest

from metskin.domain.accounts.phone_number import (
    PHONE_FORM,
    PHONE_LENGTH,
    checked_phone,
    international_phone,
)
from metskin.domain.errors import ValidationFailed


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+44 (0)20 7946 0101", "+442079460101"),  # the UK's way: the national 0 in brackets
        ("+44 20 7946 0101", "+442079460101"),
        ("+1 (212) 555-0123", "+12125550123"),
        ("+33 (0)1 42 68 53 00", "+33142685300"),
        ("+49.30.23125.123", "+493023125123"),
        # Ofcom's range for drama: possible, not in use (`is_valid_number` refuses it)
        ("+44 7700 900123", "+447700900123"),
        ("\t+44\u00a020 7946 0101 ", "+442079460101"),  # a no-break space pasted from a page
    ],
)
def test_a_number_as_people_write_it_is_stored_in_e164(given: str, stored: str) -> None:
    assert checked_phone(given) == stored
    assert checked_phone(stored) == stored  # stored again unchanged


@pytest.mark.parametrize(
    ("wrong", "code"),
    [
        ("+4412", 44),  # cut short: it passed before
        ("+44 1234", 44),  # a length possible only dialled locally, without the area code
        ("+1 212 555 012", 1),  # a US number has ten digits after the 1
        ("+33 1 42 68 53 00 12345", 33),
    ],
)
def test_a_number_of_a_length_its_country_has_none_of_is_refused(wrong: str, code: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        checked_phone(wrong, "practice.phone")
    assert (caught.value.code, caught.value.field) == ("VALIDATION_FAILED", "practice.phone")
    assert (caught.value.template, caught.value.values) == (PHONE_LENGTH, {"code": code})
    assert f"country code +{code}" in str(caught.value)


@pytest.mark.parametrize(
    "wrong",
    [
        "020 7946 0101",  # no country code
        "0044 20 7946 0101",
        "+0442079460101",
        "+999 123 4567",  # no such country code
        "+1 800 FLOWERS",  # letters: libphonenumber alone would dial 356-9377
        "call +44 20 7946 0101",  # a number inside text
        "+44 20 7946 0101 ext 12",
        "+44 20 7946 0101; DROP",
        "+44",
        "+",
        "",
        "+4" + "4" * 60,
    ],
)
def test_anything_but_a_number_with_its_country_code_says_how_to_write_one(wrong: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        checked_phone(wrong)
    assert (caught.value.code, caught.value.field, caught.value.template) == (
        "VALIDATION_FAILED",
        "phone",
        PHONE_FORM,
    )
    assert "start with + and its country code" in str(caught.value)


def test_no_number_stays_no_number() -> None:
    assert checked_phone(None) is None
    assert international_phone(None) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+442079460101", "+44 20 7946 0101"),
        ("+447700900123", "+44 7700 900123"),
        ("+441614960101", "+44 161 496 0101"),
        ("+12125550123", "+1 212-555-0123"),
        ("+33142685300", "+33 1 42 68 53 00"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("+493023125123", "+49 30 23125123"),
    ],
)
def test_a_stored_number_is_shown_grouped_as_its_country_reads_it(stored: str, shown: str) -> None:
    assert international_phone(stored) == shown
    assert checked_phone(shown) == stored  # what is shown is taken back as the same number


def test_a_stored_number_it_cannot_read_is_shown_as_stored() -> None:
    """A row written before the length check (or by hand) is shown, never an error."""
    assert international_phone("+4412") == "+44 12"
    assert international_phone("+0123") == "+0123"
