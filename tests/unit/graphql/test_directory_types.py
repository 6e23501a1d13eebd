"""The directory's GraphQL type maps some of a card's fields on their first read: each field
is what mapping every field at once gave, the bio in the request's language."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from metskin.domain.accounts.phone_number import international_phone
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import DirectoryCard
from metskin.graphql.directory.types import Dermatologist, Fee, Practice, consultation_order
from metskin.graphql.mapping import copy_fields


class Translator:
    """Counts the reads of its locale (a lazy translator may read a profile for it)."""

    def __init__(self, locale: str) -> None:
        self._locale, self.reads = locale, 0

    @property
    def locale(self) -> str:
        self.reads += 1
        return self._locale


def info_in(locale: str) -> Any:
    return SimpleNamespace(context=SimpleNamespace(translator=Translator(locale)))


def mapped_at_once(doctor: DirectoryCard, info: Any, distance_km: float | None) -> Dermatologist:
    """The mapping as it was before issue 17's second directory pass: every field now (the
    bio and its locale were resolvers then), the practice's phone grouped as well."""
    place, language = doctor.practice, info.context.translator._locale.partition("-")[0]
    return copy_fields(
        Dermatologist,
        doctor,
        specialties=sorted(doctor.specialties),
        languages=sorted(doctor.languages),
        practice=copy_fields(
            Practice, place, place.location, phone_international=international_phone(place.phone)
        ),
        consultation_types=sorted(doctor.consultation_types, key=consultation_order),
        fee=Fee(amount=str(doctor.fee.amount), currency=doctor.fee.currency),
        bio=doctor.bio_translations.get(language) or doctor.bio,
        bio_locale=language if doctor.bio_translations.get(language) else "en",
        distance_km=round(distance_km, 3) if distance_km is not None else None,
        card=doctor,
        info=info,
    )


FIELDS = [f.name for f in dataclasses.fields(Dermatologist) if f.init]
DOCTORS = [*load_dermatologists()[:5], replace(load_dermatologists()[5], bio_translations={})]


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR", "de-DE"])
@pytest.mark.parametrize("distance_km", [None, 0.0, 12.345678])
def test_every_field_read_is_what_the_whole_mapping_gave(
    locale: str, distance_km: float | None
) -> None:
    for doctor in DOCTORS:
        info = info_in(locale)
        lazy = Dermatologist.from_domain(doctor, info, distance_km)
        eager = mapped_at_once(doctor, info, distance_km)
        assert {name: getattr(lazy, name) for name in FIELDS} == {
            name: getattr(eager, name) for name in FIELDS
        }
        assert lazy == eager
    locales = {Dermatologist.from_domain(d, info_in(locale)).bio_locale for d in DOCTORS}
    assert locales == ({"en"} if locale == "en-GB" else {locale[:2], "en"})


def test_the_fields_few_queries_select_are_mapped_on_their_first_read_and_kept() -> None:
    info = info_in("fr-FR")
    lazy = Dermatologist.from_domain(load_dermatologists()[0], info, 1.5)
    assert {"fee", "consultation_types", "time_zone", "bio", "bio_locale"}.isdisjoint(vars(lazy))
    fee = lazy.fee
    assert lazy.fee is fee and "fee" in vars(lazy)
    assert "consultation_types" not in vars(lazy)
    assert info.context.translator.reads == 0  # nothing asked for the language yet
    assert (lazy.bio_locale, lazy.bio.startswith("Dr Amelia Hart exerce")) == ("fr", True)
    assert info.context.translator.reads == 1  # bio and its locale: one lookup


def test_a_name_that_is_no_field_is_still_an_attribute_error() -> None:
    lazy = Dermatologist.from_domain(load_dermatologists()[0], info_in("en-GB"))
    with pytest.raises(AttributeError, match="no attribute 'nmae'"):
        _ = lazy.nmae
    assert not hasattr(lazy, "email")
