"""Directory search maths: great-circle distance, a radius bounding box, filters, sorting."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from metskin.domain.appointments.model import ConsultationType
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
MAX_RADIUS_KM = 20000.0


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            latitude = _("A latitude is between -90 and 90 degrees.")
            raise ValidationFailed.translatable(latitude, "lat")
        if not -180.0 <= self.lon <= 180.0:
            longitude = _("A longitude is between -180 and 180 degrees.")
            raise ValidationFailed.translatable(longitude, "lon")


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    d_lat = lat2 - lat1
    d_lon = math.radians(b.lon - a.lon)
    h = math.sin(d_lat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class BoundingBox:
    """A lat/lon box that contains every point within a radius.

    When the box crosses the antimeridian `min_lon > max_lon`; `lon_ranges()` then gives the two
    pieces, for a query such as `lat BETWEEN .. AND (lon BETWEEN .. OR lon BETWEEN ..)`.
    """

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def lon_ranges(self) -> tuple[tuple[float, float], ...]:
        if self.min_lon <= self.max_lon:
            return ((self.min_lon, self.max_lon),)
        return ((self.min_lon, 180.0), (-180.0, self.max_lon))

    def contains(self, point: GeoPoint) -> bool:
        if not self.min_lat <= point.lat <= self.max_lat:
            return False
        return any(low <= point.lon <= high for low, high in self.lon_ranges())


def bounding_box(center: GeoPoint, radius_km: float) -> BoundingBox:
    """Box around a circle on the sphere (J. P. Matuschek's method), poles and antimeridian safe."""
    _check_radius(radius_km)
    angle = radius_km / EARTH_RADIUS_KM
    lat = math.radians(center.lat)
    min_lat, max_lat = lat - angle, lat + angle
    if min_lat <= -math.pi / 2 or max_lat >= math.pi / 2:  # the circle covers a pole
        return BoundingBox(
            math.degrees(max(min_lat, -math.pi / 2)),
            math.degrees(min(max_lat, math.pi / 2)),
            -180.0,
            180.0,
        )
    d_lon = math.degrees(math.asin(math.sin(angle) / math.cos(lat)))
    return BoundingBox(
        math.degrees(min_lat),
        math.degrees(max_lat),
        _wrap(center.lon - d_lon),
        _wrap(center.lon + d_lon),
    )


def _check_radius(radius_km: float) -> None:
    if not 0 < radius_km <= MAX_RADIUS_KM:
        radius = _("The distance must be above 0 and at most {most} km.")
        raise ValidationFailed.translatable(radius, "radius_km", most=Decimal(int(MAX_RADIUS_KM)))


def _wrap(lon: float) -> float:
    return (lon + 180.0) % 360.0 - 180.0 if not -180.0 <= lon <= 180.0 else lon


@dataclass(frozen=True)
class Listing:
    """What the directory search needs to know about a dermatologist."""

    doctor_id: str
    location: GeoPoint
    specialties: frozenset[str]
    languages: frozenset[str]
    consultation_types: frozenset[ConsultationType]


@dataclass(frozen=True, kw_only=True)
class DirectoryQuery:
    near: GeoPoint | None = None
    radius_km: float | None = None
    specialty: str | None = None
    language: str | None = None
    consultation_type: ConsultationType | None = None

    def __post_init__(self) -> None:
        if self.radius_km is not None and self.near is None:
            where = _("A distance needs a place to count from: a latitude and a longitude.")
            raise ValidationFailed.translatable(where, "radius_km")
        if self.radius_km is not None:
            _check_radius(self.radius_km)

    def box(self) -> BoundingBox | None:
        """The bounding box of the radius, when both a location and a radius are given."""
        if self.near is None or self.radius_km is None:
            return None
        return bounding_box(self.near, self.radius_km)


@dataclass(frozen=True)
class DirectoryHit:
    listing: Listing
    distance_km: float | None


def matches(listing: Listing, query: DirectoryQuery) -> bool:
    """Specialty, language and consultation type filters (case-insensitive for text)."""
    specialty, language = _word(query.specialty), _word(query.language)
    if specialty and specialty not in listing.specialties:
        return False
    if language and language not in listing.languages:
        return False
    return query.consultation_type is None or query.consultation_type in listing.consultation_types


def _word(value: str | None) -> str:
    """A filter as typed, compared as stored: trimmed, lower case ("" when empty)."""
    return (value or "").strip().lower()


def search(listings: Iterable[Listing], query: DirectoryQuery) -> list[DirectoryHit]:
    """Filter, pre-filter by bounding box, check the exact radius, sort nearest first."""
    box = query.box()
    hits: list[DirectoryHit] = []
    for listing in listings:
        if not matches(listing, query) or (box is not None and not box.contains(listing.location)):
            continue
        distance = haversine_km(query.near, listing.location) if query.near else None
        if distance is not None and query.radius_km is not None and distance > query.radius_km:
            continue
        hits.append(DirectoryHit(listing, distance))
    return sorted(
        hits, key=lambda h: (h.distance_km is None, h.distance_km or 0.0, h.listing.doctor_id)
    )
