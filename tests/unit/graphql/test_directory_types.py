"""The directory's GraphQL type maps some of a card's fields on their first read: each field
is what mapping every field at once gave."""

from __future__ import annotations

import dataclasses

import pytest

from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import DirectoryCard
from metskin.graphql.directory.types import Dermatologist, Fee, Practice, consultation_order
from metskin.graphql.mapping import copy_fields


def mapped_at_once(doctor: DirectoryCard, distance_km: float | None) -> Dermatologist:
    """The mapping as it was before issue 17's second directory pass: every field now."""
    place = doctor.practice
    return copy_fields(
        Dermatologist,
        doctor,
        specialties=sorted(doctor.specialties),
        languages=sorted(doctor.languages),
        practice=copy_fields(Practice, place, place.location),
        consultation_types=sorted(doctor.consultation_types, key=consultation_order),
        fee=Fee(amount=str(doctor.fee.amount), currency=doctor.fee.currency),
        distance_km=round(distance_km, 3) if distance_km is not None else None,
        card=doctor,
    )


FIELDS = [f.name for f in dataclasses.fields(Dermatologist) if f.init]


@pytest.mark.parametrize("distance_km", [None, 0.0, 12.345678])
def test_every_field_read_is_what_the_whole_mapping_gave(distance_km: float | None) -> None:
    for doctor in load_dermatologists()[:6]:
        lazy, eager = (
            Dermatologist.from_domain(doctor, distance_km),
            mapped_at_once(doctor, distance_km),
        )
        assert {name: getattr(lazy, name) for name in FIELDS} == {
            name: getattr(eager, name) for name in FIELDS
        }
        assert lazy == eager


def test_the_fields_few_queries_select_are_mapped_on_their_first_read_and_kept() -> None:
    lazy = Dermatologist.from_domain(load_dermatologists()[0], 1.5)
    assert {"fee", "consultation_types", "time_zone"}.isdisjoint(vars(lazy))
    fee = lazy.fee
    assert lazy.fee is fee and "fee" in vars(lazy)
    assert "consultation_types" not in vars(lazy)


def test_a_name_that_is_no_field_is_still_an_attribute_error() -> None:
    lazy = Dermatologist.from_domain(load_dermatologists()[0])
    with pytest.raises(AttributeError, match="no attribute 'nmae'"):
        _ = lazy.nmae
    assert not hasattr(lazy, "email")
