"""What an administrator types into a dermatologist's listing, as the directory then reads it:
the languages as the patients' language filter finds them, and a practice's place given."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metskin.domain.directory.admin import Listing, practice
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.service import DirectoryFilter
from metskin.domain.errors import ValidationFailed
from tests.unit.directory.test_bios import admin_over, listing_of


def listing(**changes: object) -> Listing:
    return replace(listing_of(load_dermatologists()[0], "A bio."), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("words", [("English", "French"), ("en", "francais")])
def test_languages_named_in_words_are_refused_on_their_field(words: tuple[str, ...]) -> None:
    """The directory keeps ISO 639 codes and a patient's language filter asks by code: a
    listing saved with "english, french" was never found by "fr" (nor by a referral, which
    starts in the patient's language), and the invitation went out in English."""
    doctor = load_dermatologists()[0]
    with pytest.raises(ValidationFailed) as caught:
        admin_over(doctor, [], []).create("admin-1", "new@example.org", listing(languages=words))
    assert caught.value.field == "languages"
    assert "is not a language code" in str(caught.value)


def test_language_tags_are_kept_as_the_filter_reads_them() -> None:
    doctor, published = load_dermatologists()[0], []
    given = listing(languages=("EN", "fr-FR", "de_DE"))
    admin_over(doctor, published, []).create("admin-1", "new@example.org", given)
    assert published[0].languages == frozenset({"en", "fr", "de"})
    assert DirectoryFilter(language="fr-FR").normalised().language in published[0].languages


@pytest.mark.parametrize(("lat", "lon"), [(0.0, 0.0), (-0.0, 0.0)])
def test_a_practice_without_its_place_is_refused(lat: float, lon: float) -> None:
    """The admin's form sent an empty latitude and longitude as 0 and 0: the practice was
    listed in the Gulf of Guinea, so no search near its city found it."""
    with pytest.raises(ValidationFailed) as caught:
        practice("Harley Skin Clinic", "42 Harley St", "London", "GB", lat, lon)
    assert caught.value.field == "practice.lat"
    assert caught.value.code == "VALIDATION_FAILED"


def test_a_practice_on_the_equator_or_the_meridian_is_listed() -> None:
    assert practice("Clinique", "1 rue", "Quito", "EC", -0.18, -78.47).location.lat == -0.18
    assert practice("Clinic", "1 St", "Greenwich", "GB", 51.48, 0.0).location.lon == 0.0
