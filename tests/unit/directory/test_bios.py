"""Dermatologists' bios in French and German: every packaged one translated, read per language
with English as the fallback, and an administrator's translation keeping the English bio."""

from __future__ import annotations

from dataclasses import replace

from metskin.domain.content.model import ContentKind
from metskin.domain.directory.admin import DirectoryAdmin, Listing
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist

LANGUAGES = ("fr", "de")


def test_every_packaged_bio_is_translated_and_keeps_its_name_and_years() -> None:
    doctors = load_dermatologists()
    assert len(doctors) >= 30
    for doctor in doctors:
        assert set(doctor.bio_translations) == set(LANGUAGES), doctor.id
        years = doctor.bio.split(" for ")[1].split()[0]
        for language in LANGUAGES:
            text = doctor.bio_in(language)
            assert text != doctor.bio and text.startswith(doctor.name) and years in text


def test_a_bio_without_a_translation_reads_in_english() -> None:
    doctor = replace(load_dermatologists()[0], bio_translations={"fr": "Bonjour."})
    assert doctor.bio_in("fr") == "Bonjour." and doctor.bio_in("de") == doctor.bio


def admin_over(
    doctor: Dermatologist, published: list[Dermatologist], log: list[str]
) -> DirectoryAdmin:
    return DirectoryAdmin(
        invite=lambda email, name, locale, time_zone: "unused",
        invite_again=lambda doctor_id: False,
        publish=published.append,
        find=lambda doctor_id: doctor if doctor_id == doctor.id else None,
        erase=lambda admin, doctor_id: None,
        record=lambda admin, action, kind, target, summary: log.append(f"{kind}:{summary}"),
        rename=lambda doctor_id, name: log.append(f"renamed:{name}"),
    )


def listing_of(doctor: Dermatologist, bio: str) -> Listing:
    return Listing(
        name=doctor.name,
        bio=bio,
        specialties=tuple(doctor.specialties),
        languages=tuple(doctor.languages),
        practice=doctor.practice,
        time_zone=doctor.time_zone,
        consultation_types=doctor.consultation_types,
        fee_amount=str(doctor.fee.amount),
        fee_currency=doctor.fee.currency,
    )


def test_an_admin_translates_a_bio_and_the_english_and_other_languages_stay() -> None:
    doctor = load_dermatologists()[0]
    published: list[Dermatologist] = []
    log: list[str] = []
    admin = admin_over(doctor, published, log)
    updated = admin.update("admin-1", doctor.id, listing_of(doctor, " Nouvelle bio. "), "fr")
    assert updated.bio == doctor.bio and updated.bio_in("fr") == "Nouvelle bio."
    assert updated.bio_in("de") == doctor.bio_in("de") and published == [updated]
    assert log[-1].startswith(f"{ContentKind.DERMATOLOGIST}:updated") and log[-1].endswith("fr")
    english = admin.update("admin-1", doctor.id, listing_of(doctor, "New English bio."))
    assert english.bio == "New English bio." and english.bio_translations == doctor.bio_translations
