"""The demo dermatologist directory loads and is internally consistent."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from metskin.domain.appointments import bookable_slots
from metskin.domain.directory.geo import DirectoryQuery, GeoPoint, haversine_km, search
from metskin.domain.directory.loader import load_dermatologists
from metskin.domain.directory.model import Dermatologist
from metskin.domain.referrals import Specialty

CITY_CENTRES = {
    "London": GeoPoint(51.5074, -0.1278),
    "Manchester": GeoPoint(53.4808, -2.2426),
    "New York": GeoPoint(40.7128, -74.0060),
    "Chicago": GeoPoint(41.8781, -87.6298),
    "Los Angeles": GeoPoint(34.0522, -118.2437),
    "Berlin": GeoPoint(52.5200, 13.4050),
}


@pytest.fixture(scope="module")
def doctors() -> list[Dermatologist]:
    return load_dermatologists()


def test_counts(doctors: list[Dermatologist]) -> None:
    assert len(doctors) >= 30
    assert len({d.practice.city for d in doctors}) >= 5
    assert len({d.time_zone for d in doctors}) >= 3
    assert len({d.id for d in doctors}) == len(doctors)
    assert len({d.email for d in doctors}) == len(doctors)


def test_every_doctor_has_a_valid_zone_and_is_in_their_city(doctors: list[Dermatologist]) -> None:
    for doctor in doctors:
        ZoneInfo(doctor.time_zone)
        assert doctor.availability.time_zone == doctor.time_zone
        centre = CITY_CENTRES[doctor.practice.city]
        assert haversine_km(centre, doctor.practice.location) < 25, doctor.id


def test_fields_are_complete_and_use_known_values(doctors: list[Dermatologist]) -> None:
    known = {s.value for s in Specialty}
    for doctor in doctors:
        assert doctor.email.endswith("@example.org")
        assert doctor.specialties and doctor.specialties <= known, doctor.id
        assert doctor.languages and all(len(code) == 2 for code in doctor.languages)
        assert doctor.fee.amount > 0 and doctor.fee.currency in {"GBP", "USD", "EUR"}
        assert len(doctor.bio) > 40
        assert doctor.consultation_types
        for rule in doctor.availability.weekly:
            assert rule.hours.consultation_types <= doctor.consultation_types, doctor.id


def test_every_specialty_is_offered_somewhere(doctors: list[Dermatologist]) -> None:
    offered = Counter(s for d in doctors for s in d.specialties)
    assert set(offered) == {s.value for s in Specialty}


def test_every_doctor_has_slots_in_a_normal_fortnight(doctors: list[Dermatologist]) -> None:
    start = datetime(2026, 2, 2, tzinfo=UTC)
    for doctor in doctors:
        slots = bookable_slots(doctor.availability, start, start + timedelta(days=14), now=start)
        assert len(slots) >= 10, doctor.id


def test_directory_search_over_the_demo_data(doctors: list[Dermatologist]) -> None:
    listings = [d.listing for d in doctors]
    near = search(listings, DirectoryQuery(near=CITY_CENTRES["London"], radius_km=30))
    assert {h.listing.doctor_id.split("-")[1] for h in near} == {"london"}
    spanish = search(listings, DirectoryQuery(language="es"))
    assert {h.listing.doctor_id.split("-")[1] for h in spanish} <= {"new", "chicago", "los"}
