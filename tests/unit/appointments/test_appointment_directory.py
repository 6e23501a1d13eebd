"""Directory maths: distances, radius boxes, filters and ordering."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metskin.domain.appointments import ConsultationType
from metskin.domain.directory.geo import (
    DirectoryQuery,
    GeoPoint,
    Listing,
    bounding_box,
    haversine_km,
    search,
)
from metskin.domain.errors import ValidationFailed

LONDON = GeoPoint(51.5074, -0.1278)
PARIS = GeoPoint(48.8566, 2.3522)
NEW_YORK = GeoPoint(40.7128, -74.0060)
MANCHESTER = GeoPoint(53.4808, -2.2426)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        (LONDON, PARIS, 343.6),
        (LONDON, NEW_YORK, 5570.2),
        (LONDON, MANCHESTER, 262.4),
        (GeoPoint(0, 0), GeoPoint(0, 180), math.pi * 6371.0088),
    ],
)
def test_haversine_known_distances(a: GeoPoint, b: GeoPoint, km: float) -> None:
    assert haversine_km(a, b) == pytest.approx(km, rel=2e-3)
    assert haversine_km(b, a) == pytest.approx(haversine_km(a, b))
    assert haversine_km(a, a) == 0.0


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(GeoPoint(10, 5), GeoPoint(11, 5)) == pytest.approx(111.19, abs=0.05)


def test_bounding_box_around_london() -> None:
    box = bounding_box(LONDON, 50)
    assert box.max_lat - box.min_lat == pytest.approx(2 * 50 / 111.19, rel=1e-3)
    assert box.max_lon - box.min_lon > box.max_lat - box.min_lat  # longitudes shrink north
    assert box.contains(GeoPoint(51.75, -0.34))  # St Albans, ~30 km
    assert not box.contains(MANCHESTER)


def test_bounding_box_across_the_antimeridian_and_over_a_pole() -> None:
    fiji = GeoPoint(-17.7, 179.9)
    box = bounding_box(fiji, 100)
    assert box.min_lon > box.max_lon
    assert len(box.lon_ranges()) == 2
    assert box.contains(GeoPoint(-17.7, -179.5))
    polar = bounding_box(GeoPoint(89.5, 0), 200)
    assert (polar.min_lon, polar.max_lon, polar.max_lat) == (-180.0, 180.0, 90.0)


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(-89, 89),
    lon=st.floats(-180, 180),
    radius=st.floats(1, 3000),
    bearing=st.floats(0, 2 * math.pi),
    fraction=st.floats(0, 0.999),
)
def test_every_point_inside_the_radius_is_inside_the_box(
    lat: float, lon: float, radius: float, bearing: float, fraction: float
) -> None:
    center = GeoPoint(lat, lon)
    point = _destination(center, radius * fraction, bearing)
    assert haversine_km(center, point) <= radius + 1e-6
    assert bounding_box(center, radius).contains(point)


def _destination(start: GeoPoint, km: float, bearing: float) -> GeoPoint:
    angle = km / 6371.0088
    lat1, lon1 = math.radians(start.lat), math.radians(start.lon)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing)
    )
    lon2 = lon1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    lon = (math.degrees(lon2) + 540) % 360 - 180
    return GeoPoint(math.degrees(lat2), min(180.0, max(-180.0, lon)))


def listing(
    doctor_id: str,
    where: GeoPoint,
    specialties: set[str],
    languages: set[str],
    types: set[ConsultationType],
) -> Listing:
    return Listing(doctor_id, where, frozenset(specialties), frozenset(languages), frozenset(types))


LISTINGS = [
    listing("paris", PARIS, {"acne"}, {"fr", "en"}, {ConsultationType.IN_PERSON}),
    listing("manchester", MANCHESTER, {"acne", "medical"}, {"en"}, {ConsultationType.VIDEO}),
    listing("london", LONDON, {"skin_cancer"}, {"en"}, set(ConsultationType)),
    listing("new-york", NEW_YORK, {"acne"}, {"en", "es"}, set(ConsultationType)),
]


def test_search_sorts_by_distance_and_applies_radius() -> None:
    hits = search(LISTINGS, DirectoryQuery(near=GeoPoint(51.45, -0.97), radius_km=600))  # Reading
    assert [h.listing.doctor_id for h in hits] == ["london", "manchester", "paris"]
    assert hits[0].distance_km == pytest.approx(59, abs=3)


def test_search_filters_by_specialty_language_and_type() -> None:
    assert [
        h.listing.doctor_id for h in search(LISTINGS, DirectoryQuery(near=LONDON, specialty="ACNE"))
    ] == ["manchester", "paris", "new-york"]
    assert [h.listing.doctor_id for h in search(LISTINGS, DirectoryQuery(language="es"))] == [
        "new-york"
    ]
    video_acne = DirectoryQuery(specialty="acne", consultation_type=ConsultationType.VIDEO)
    assert [h.listing.doctor_id for h in search(LISTINGS, video_acne)] == ["manchester", "new-york"]
    assert all(h.distance_km is None for h in search(LISTINGS, video_acne))


def test_invalid_queries() -> None:
    with pytest.raises(ValidationFailed):
        GeoPoint(91, 0)
    with pytest.raises(ValidationFailed):
        DirectoryQuery(radius_km=10)
    with pytest.raises(ValidationFailed):
        bounding_box(LONDON, 0)
