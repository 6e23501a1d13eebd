"""DirectoryService on the fakes: filters, distance and sorting, keyset pages, availability."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from metskin.domain.appointments.errors import InvalidAvailability
from metskin.domain.appointments.model import Availability, Hours, WeeklyRule
from metskin.domain.appointments.service import AppointmentService
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.directory.geo import GeoPoint
from metskin.domain.directory.service import DirectoryFilter, DirectoryService
from metskin.domain.errors import ValidationFailed
from tests.fakes.appointments import FakeAppointmentRepository, FakeAppointmentsUnitOfWork
from tests.fakes.directory import (
    FakeDermatologistRepository,
    FakeDirectoryUnitOfWork,
    dermatologist,
)
from tests.fakes.infra import FakeClock
from tests.unit.builders import IN_PERSON, MONDAY_9, MONDAY_MORNINGS, VIDEO

LONDON = GeoPoint(51.5074, -0.1278)
ST_ALBANS = GeoPoint(51.7520, -0.3360)  # about 31 km from London
MANCHESTER = GeoPoint(53.4808, -2.2426)  # about 262 km
PARIS = GeoPoint(48.8566, 2.3522)  # about 344 km
NOW = MONDAY_9 - timedelta(hours=1)


@pytest.fixture
def profiles() -> FakeDermatologistRepository:
    return FakeDermatologistRepository(
        dermatologist(
            "d-london",
            at=LONDON,
            specialties=("acne", "medical"),
            languages=("en", "fr"),
            weekly=MONDAY_MORNINGS,
        ),
        dermatologist("d-stalbans", at=ST_ALBANS, specialties=("acne",), weekly=MONDAY_MORNINGS),
        dermatologist(
            "d-manchester",
            at=MANCHESTER,
            specialties=("rosacea",),
            consultation_types=frozenset({VIDEO}),
            weekly=(WeeklyRule(0, Hours(time(9), time(12), 30, frozenset({VIDEO}))),),
        ),
        dermatologist(
            "d-paris", at=PARIS, time_zone="Europe/Paris", languages=("fr",), specialties=("acne",)
        ),
    )


@pytest.fixture
def appointments() -> FakeAppointmentRepository:
    return FakeAppointmentRepository()


@pytest.fixture
def uow(
    profiles: FakeDermatologistRepository, appointments: FakeAppointmentRepository
) -> FakeDirectoryUnitOfWork:
    return FakeDirectoryUnitOfWork(profiles, appointments)


@pytest.fixture
def directory(uow: FakeDirectoryUnitOfWork, clock: FakeClock) -> DirectoryService:
    return DirectoryService(uow, clock)


@pytest.fixture
def booking(
    profiles: FakeDermatologistRepository, appointments: FakeAppointmentRepository, clock: FakeClock
) -> AppointmentService:
    return AppointmentService(
        FakeAppointmentsUnitOfWork(dermatologists=profiles, appointments=appointments), clock
    )


def ids(entries: list) -> list[str]:
    return [e.doctor.id for e in entries]


def test_within_a_radius_nearest_first_with_exact_distances(directory: DirectoryService) -> None:
    found = directory.search(DirectoryFilter(near=LONDON, radius_km=50), None, 10)
    assert ids(found) == ["d-london", "d-stalbans"]
    assert found[0].distance_km == pytest.approx(0.0, abs=1e-6)
    assert found[1].distance_km == pytest.approx(31.0, abs=1.5)
    everyone = directory.search(DirectoryFilter(near=LONDON, radius_km=400), None, 10)
    assert ids(everyone) == ["d-london", "d-stalbans", "d-manchester", "d-paris"]
    assert [e.distance_km for e in everyone] == sorted(e.distance_km or 0 for e in everyone)


def test_without_a_location_every_profile_by_id(directory: DirectoryService) -> None:
    found = directory.search(DirectoryFilter(), None, 10)
    assert ids(found) == ["d-london", "d-manchester", "d-paris", "d-stalbans"]
    assert {e.distance_km for e in found} == {None}


def test_specialty_language_and_consultation_type_filter_whatever_the_case(
    directory: DirectoryService,
) -> None:
    assert ids(directory.search(DirectoryFilter(specialty="ACNE"), None, 10)) == [
        "d-london",
        "d-paris",
        "d-stalbans",
    ]
    assert ids(directory.search(DirectoryFilter(specialty=" acne ", language="Fr "), None, 10)) == [
        "d-london",
        "d-paris",
    ]
    assert ids(directory.search(DirectoryFilter(specialty="dermatopathology"), None, 10)) == []
    in_person = directory.search(DirectoryFilter(consultation_type=IN_PERSON), None, 10)
    assert "d-manchester" not in ids(in_person) and len(in_person) == 3


def test_keyset_pages_continue_strictly_after_the_last_entry(directory: DirectoryService) -> None:
    flt = DirectoryFilter(near=LONDON, radius_km=400)
    first = directory.search(flt, None, 2)
    assert ids(first) == ["d-london", "d-stalbans"]
    second = directory.search(flt, first[-1].key, 2)
    assert ids(second) == ["d-manchester", "d-paris"]
    assert directory.search(flt, second[-1].key, 2) == []
    by_id = directory.search(DirectoryFilter(), None, 1)
    assert ids(directory.search(DirectoryFilter(), by_id[-1].key, 10)) == [
        "d-manchester",
        "d-paris",
        "d-stalbans",
    ]


def test_a_radius_needs_a_location_and_a_sane_size(directory: DirectoryService) -> None:
    with pytest.raises(ValidationFailed):
        directory.search(DirectoryFilter(radius_km=10), None, 10)
    with pytest.raises(ValidationFailed):
        directory.search(DirectoryFilter(near=LONDON, radius_km=0), None, 10)


def test_an_availability_window_drops_fully_booked_calendars(
    directory: DirectoryService, booking: AppointmentService
) -> None:
    window = DirectoryFilter(
        specialty="acne", available_from=MONDAY_9, available_to=MONDAY_9 + timedelta(hours=1)
    )
    assert ids(directory.search(window, None, 10)) == ["d-london", "d-paris", "d-stalbans"]
    booking.book("p1", "d-london", MONDAY_9, VIDEO)
    assert "d-london" in ids(directory.search(window, None, 10))  # 9:30 is still free
    booking.book("p2", "d-london", MONDAY_9 + timedelta(minutes=30), VIDEO)
    assert ids(directory.search(window, None, 10)) == ["d-paris", "d-stalbans"]
    assert ids(directory.search(window, None, 1)) == ["d-paris"]


def test_an_availability_window_counts_only_the_types_the_practice_still_offers(
    directory: DirectoryService, profiles: FakeDermatologistRepository
) -> None:
    window = DirectoryFilter(available_from=MONDAY_9, available_to=MONDAY_9 + timedelta(hours=1))
    assert "d-manchester" in ids(directory.search(window, None, 10))  # video-only hours
    manchester = profiles.rows["d-manchester"]
    profiles.upsert(replace(manchester, consultation_types=frozenset({IN_PERSON})), NOW)
    assert "d-manchester" not in ids(directory.search(window, None, 10))


def test_an_availability_window_needs_both_ends_and_at_most_31_days() -> None:
    with pytest.raises(ValidationFailed):
        DirectoryFilter(available_from=MONDAY_9)
    with pytest.raises(ValidationFailed):
        DirectoryFilter(available_from=MONDAY_9, available_to=MONDAY_9 + timedelta(days=32))
    with pytest.raises(ValidationFailed):
        DirectoryFilter(available_from=MONDAY_9, available_to=MONDAY_9)


def test_new_hours_are_saved_and_bookings_outside_them_come_back(
    directory: DirectoryService, booking: AppointmentService, profiles: FakeDermatologistRepository
) -> None:
    kept = booking.book("p1", "d-london", MONDAY_9, VIDEO)
    stranded = booking.book("p2", "d-london", MONDAY_9 + timedelta(hours=2), VIDEO)
    hours = Availability(
        "d-london", "Europe/London", (WeeklyRule(0, Hours(time(9), time(10), 30)),)
    )
    outside = directory.set_availability("d-london", hours)
    assert [a.id for a in outside] == [stranded.id]
    assert kept.id not in [a.id for a in outside]
    assert directory.availability("d-london") == hours
    assert profiles.updated_at["d-london"] == NOW
    free = booking.slots("d-london", MONDAY_9, MONDAY_9 + timedelta(hours=3))
    assert [s.start for s in free] == [MONDAY_9 + timedelta(minutes=30)]


def test_a_booking_is_outside_new_hours_unless_one_window_holds_it_whole(
    directory: DirectoryService, booking: AppointmentService
) -> None:
    hourly = Availability(
        "d-london", "Europe/London", (WeeklyRule(0, Hours(time(9), time(13), 60)),)
    )
    directory.set_availability("d-london", hourly)
    noon = booking.book("p1", "d-london", MONDAY_9 + timedelta(hours=3), VIDEO)  # 12:00-13:00

    def outside(*windows: Hours) -> list[str]:
        rules = tuple(WeeklyRule(0, hours) for hours in windows)
        new = Availability("d-london", "Europe/London", rules)
        return [a.id for a in directory.set_availability("d-london", new)]

    assert outside(Hours(time(9), time(12, 30), 30)) == [noon.id]  # starts on a slot, ends after
    assert outside(Hours(time(9), time(13), 30)) == []
    assert outside(Hours(time(9), time(13), 40)) == []  # inside the hours, off their grid
    assert outside(Hours(time(9), time(13), 30, frozenset({IN_PERSON}))) == [noon.id]


def test_an_appointment_under_way_is_covered_by_the_same_hours(
    directory: DirectoryService, booking: AppointmentService, clock: FakeClock
) -> None:
    booking.book("p1", "d-london", MONDAY_9, VIDEO)
    clock.now = MONDAY_9 + timedelta(minutes=10)
    assert directory.set_availability("d-london", directory.availability("d-london")) == []


def test_hours_cannot_offer_what_the_practice_does_not(directory: DirectoryService) -> None:
    in_person = Availability(
        "d-manchester",
        "Europe/London",
        (WeeklyRule(1, Hours(time(9), time(10), 30, frozenset({IN_PERSON}))),),
    )
    before = directory.availability("d-manchester")
    with pytest.raises(InvalidAvailability):
        directory.set_availability("d-manchester", in_person)
    assert directory.availability("d-manchester") == before


def test_no_profile_no_hours(directory: DirectoryService) -> None:
    with pytest.raises(DermatologistNotFound):
        directory.availability("nobody")
    with pytest.raises(DermatologistNotFound):
        directory.set_availability("nobody", Availability("nobody", "Europe/London"))


def test_publish_creates_or_replaces_a_profile(
    directory: DirectoryService, uow: FakeDirectoryUnitOfWork
) -> None:
    directory.publish(dermatologist("d-new", at=LONDON, specialties=("scarring",)))
    assert ids(directory.search(DirectoryFilter(specialty="scarring"), None, 10)) == ["d-new"]
    directory.publish(dermatologist("d-new", at=LONDON, specialties=("acne",)))
    assert ids(directory.search(DirectoryFilter(specialty="scarring"), None, 10)) == []
    assert [d.id for d in directory.get_many(["d-new", "missing", "d-paris"])] == [
        "d-new",
        "d-paris",
    ]
    assert uow.commits == 2


def test_a_booking_beyond_the_horizon_made_before_it_existed_comes_back_too(
    directory: DirectoryService, booking: AppointmentService, clock: FakeClock
) -> None:
    """Bookings up to 2199 were accepted before the 365-day horizon; new hours that no longer
    hold one must still list it for the dermatologist to keep, move or cancel."""
    clock.now = NOW + timedelta(days=300)  # booked when the horizon did not stop it
    far = booking.book("p1", "d-london", MONDAY_9 + timedelta(weeks=60), VIDEO)
    clock.now = NOW
    hours = Availability(
        "d-london", "Europe/London", (WeeklyRule(1, Hours(time(9), time(10), 30)),)
    )
    assert [a.id for a in directory.set_availability("d-london", hours)] == [far.id]


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"name": "n" * 121}, "practice.name"),
        ({"address": "a" * 256}, "practice.address"),
        ({"city": "c" * 81}, "practice.city"),
        ({"country": "G"}, "practice"),
        ({"country": "12"}, "practice"),
        ({"city": "   "}, "practice"),
    ],
)
def test_a_practice_longer_than_its_columns_or_a_bad_country_is_refused(
    parts: dict[str, str], field: str
) -> None:
    """Before, MariaDB refused the row (INTERNAL_ERROR) where SQLite stored it."""
    from metskin.domain.directory.admin import practice

    given = {"name": "Clinic", "address": "1 High St", "city": "London", "country": "GB", **parts}
    with pytest.raises(ValidationFailed) as caught:
        practice(**given, lat=51.5, lon=-0.1)
    assert caught.value.field == field


def test_a_practice_s_country_is_kept_without_its_spaces() -> None:
    from metskin.domain.directory.admin import practice

    place = practice(" Clinic ", "", "London", " gb ", 51.5, -0.1)
    assert (place.name, place.country) == ("Clinic", "GB")  # " gb" was " GB": 3 characters


def test_a_language_filter_is_a_language_code(directory: DirectoryService) -> None:
    """Before, "english" (not a code) answered an empty page, as if nobody spoke it."""
    for wrong in ("english", "français", "e", "en gb"):
        with pytest.raises(ValidationFailed) as caught:
            directory.search(DirectoryFilter(language=wrong), None, 10)
        assert caught.value.field == "language"
    for code in ("EN", " en ", "en-GB", "en_gb"):
        directory.search(DirectoryFilter(language=code), None, 10)  # read as "en"


def test_a_filter_normalised_finds_the_same_dermatologists_in_the_same_order(
    directory: DirectoryService,
) -> None:
    """What a page cursor's fingerprint is made of (`graphql/cursors.py`): a specialty in any
    case or spacing, a language as a tag or a code, are one filter."""
    typed = DirectoryFilter(specialty=" ACNE ", language="fr-FR", near=LONDON)
    assert typed.normalised() == DirectoryFilter(specialty="acne", language="fr", near=LONDON)
    assert DirectoryFilter(specialty="  ").normalised() == DirectoryFilter()
    assert typed.normalised().normalised() == typed.normalised()
    same = directory.search(typed.normalised(), None, 10)
    assert same == directory.search(typed, None, 10) and ids(same) == ["d-london", "d-paris"]
