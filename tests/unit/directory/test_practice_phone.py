"""A practice's phone: checked and written as a patient's profile phone is (E.164, one
validator: `checked_phone`), kept by an update that leaves it out, and a fictional number on
every packaged practice."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from metskin.domain.accounts.model import Profile
from metskin.domain.accounts.profile import apply_profile_changes, checked_phone
from metskin.domain.directory.admin import practice
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist
from metskin.domain.errors import ValidationFailed
from tests.unit.directory.test_bios import admin_over, listing_of

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
# The ranges reserved for drama and fiction the packaged practices use (dermatologists.json).
# UK (Ofcom): 020 7946 0xxx, 0161 496 0xxx; North America: 555-0100 to 555-0199; Germany
# (Bundesnetzagentur): 030 23125 xxx.
FICTIONAL = {
    "GB": re.compile(r"\+44(2079460|1614960)\d{3}"),
    "US": re.compile(r"\+1(212|312|213)55501\d{2}"),
    "DE": re.compile(r"\+493023125\d{3}"),
}


def place(phone: str | None) -> object:
    return practice("Harley Skin Clinic", "42 Harley St", "London", "GB", 51.5, -0.1, phone)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("+442079460123", "+442079460123"),
        (" +44 20 7946 0123 ", "+442079460123"),
        ("+1 212-555-0123", "+12125550123"),
        ("+49.30.23125.123", "+493023125123"),
        ("+44 (0)20 7946 0123", "+442079460123"),  # the UK's national 0, dropped
        (None, None),
    ],
)
def test_a_practice_phone_is_stored_in_international_form(
    given: str | None, stored: str | None
) -> None:
    assert place(given).phone == stored  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "wrong", ["020 7946 0123", "+0442079460123", "call us", "", "+44 12", "+1 212 555 012"]
)
def test_a_bad_practice_phone_is_refused_on_its_field(wrong: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        place(wrong)
    assert caught.value.field == "practice.phone"
    assert caught.value.code == "VALIDATION_FAILED"


def test_the_practice_and_the_patient_phone_are_one_rule() -> None:
    """The profile's phone goes through the same function: a number written with spaces is
    stored as the practice's is, and one refused here is refused there (on its own field)."""
    profile = apply_profile_changes(Profile(), {"phone": "+44 7700 900123"}, NOW)
    assert profile.phone == checked_phone("+44 7700 900123") == "+447700900123"
    with pytest.raises(ValidationFailed) as caught:
        apply_profile_changes(Profile(), {"phone": "07700 900123"}, NOW)
    assert caught.value.field == "phone"


def doctor_with(phone: str | None) -> Dermatologist:
    doctor = load_dermatologists()[0]
    return replace(doctor, practice=replace(doctor.practice, phone=phone))


def test_an_update_that_leaves_the_phone_out_keeps_it_and_null_clears_it() -> None:
    """A client written before the phone existed (the bio editor, an integrator) sends the
    practice without it: its update must not erase the number."""
    doctor = doctor_with("+442079460101")
    admin = admin_over(doctor, [], [])
    no_phone = replace(doctor.practice, phone=None)
    left_out = replace(listing_of(doctor, doctor.bio), practice=no_phone, keeps_phone=True)
    assert admin.update("admin-1", doctor.id, left_out).practice.phone == "+442079460101"
    cleared = replace(listing_of(doctor, doctor.bio), practice=no_phone)
    assert admin.update("admin-1", doctor.id, cleared).practice.phone is None
    changed = replace(listing_of(doctor, doctor.bio), practice=place("+44 20 7946 0999"))
    assert admin.update("admin-1", doctor.id, changed).practice.phone == "+442079460999"


def test_every_packaged_practice_has_a_fictional_number_in_its_country() -> None:
    for doctor in load_dermatologists():
        phone = doctor.practice.phone
        assert phone is not None and checked_phone(phone) == phone, doctor.id
        assert FICTIONAL[doctor.practice.country].fullmatch(phone), (doctor.id, phone)
