"""The directory use case: filter, bounding box, exact distance, availability, keyset pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from metskin.domain.appointments.errors import InvalidAvailability
from metskin.domain.appointments.model import (
    Appointment,
    Availability,
    ConsultationType,
    require_utc,
)
from metskin.domain.appointments.slots import bookable_slots, covers
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.directory.geo import DirectoryQuery
from metskin.domain.directory.model import Dermatologist, DirectoryEntry, DirectoryKey
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.ports import read

if TYPE_CHECKING:
    from metskin.domain.directory.ports import DirectoryUnitOfWork, DirectoryUowFactory
    from metskin.domain.ports import Clock

MAX_AVAILABILITY_WINDOW = timedelta(days=31)
# A consultation type that working hours offer and the practice's listing does not.
NOT_OFFERED = {
    ConsultationType.IN_PERSON: _("Your practice does not offer in-person consultations."),
    ConsultationType.VIDEO: _("Your practice does not offer video consultations."),
}
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
# How far a change of hours is checked against bookings: every one booked within the horizon,
# whatever its length.
# Bookings are listed to the end of time: ones made before the booking horizon was set (up to
# 2199 were accepted then) must come back too when new hours no longer hold them.
EVER = datetime(9999, 1, 1, tzinfo=UTC)
__all__ = ["DirectoryEntry", "DirectoryFilter", "DirectoryKey", "DirectoryService"]


@dataclass(frozen=True, kw_only=True)
class DirectoryFilter(DirectoryQuery):
    """The search's filters, and a window in which the dermatologist must have a free slot."""

    available_from: datetime | None = None
    available_to: datetime | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if (self.available_from is None) != (self.available_to is None):
            both = _("Give both dates: free from and free until.")
            raise ValidationFailed.translatable(both, "availableTo")
        if self.available_from is not None and self.available_to is not None:
            start = require_utc(self.available_from, "availableFrom")
            end = require_utc(self.available_to, "availableTo")
            if not timedelta(0) < end - start <= MAX_AVAILABILITY_WINDOW:
                raise ValidationFailed(
                    _("The availability window must be 1 minute to 31 days."), field="availableTo"
                )

    def normalised(self) -> DirectoryFilter:
        """The filter as the search reads it: the specialty trimmed and in lower case, the
        language as its ISO 639 code (`fr-FR` is `fr`), a blank one left out. Two filters that
        normalise alike find the same dermatologists in the same order."""
        return replace(
            self, specialty=_lower(self.specialty), language=language_code(self.language)
        )


class DirectoryService:
    def __init__(self, uow_factory: DirectoryUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def search(
        self, flt: DirectoryFilter, after: DirectoryKey | None, limit: int, bios: bool = True
    ) -> list[DirectoryEntry]:
        """Nearest first (by id without a location), strictly after the keyset `after`.

        Without an availability window the store cuts the page (SQL LIMIT). With one, every
        card that passes the filters is read, with its hours and bookings, until `limit`
        have a free slot in the window. `bios=False`: the cards may leave their bio out
        (the caller does not show it)."""
        wanted = flt.normalised()
        if flt.available_from is None or flt.available_to is None:
            return read(
                self._uow_factory, lambda uow: uow.dermatologists.listed(wanted, after, limit, bios)
            )
        start, end = flt.available_from, flt.available_to
        with self._uow_factory() as uow:
            entries = uow.dermatologists.listed(wanted, after, None, bios)
            ids = [e.doctor.id for e in entries]
            hours = uow.dermatologists.availabilities(ids)
            booked = uow.appointment_queries.active_for_doctors(ids, start, end)
        by_doctor: dict[str, list[Appointment]] = {}
        for appointment in booked:
            by_doctor.setdefault(appointment.doctor_id, []).append(appointment)
        now = self._clock()
        found: list[DirectoryEntry] = []
        for entry in entries:
            if entry.doctor.id in hours and bookable_slots(
                hours[entry.doctor.id].offering(entry.doctor.consultation_types),
                start,
                end,
                now=now,
                booked=by_doctor.get(entry.doctor.id, []),
                consultation_type=flt.consultation_type,
            ):
                found.append(entry)
                if len(found) == limit:
                    break
        return found

    def get_many(self, doctor_ids: list[str]) -> list[Dermatologist]:
        return read(self._uow_factory, lambda uow: uow.dermatologists.get_many(doctor_ids))

    def availability(self, doctor_id: str) -> Availability:
        with self._uow_factory() as uow:
            return _practice(uow, doctor_id).availability

    def set_availability(self, doctor_id: str, availability: Availability) -> list[Appointment]:
        """Replace the working pattern. Bookings stay as they are; the ones the new hours no
        longer hold whole (`covers`), from the one under way on, come back
        for the dermatologist to keep, move or cancel."""
        now = self._clock()
        with self._uow_factory() as uow:
            profile = _practice(uow, doctor_id)
            offered = {t for r in availability.weekly for t in r.hours.consultation_types}
            offered |= {t for e in availability.extra for t in e.hours.consultation_types}
            if not offered <= profile.consultation_types:
                missing = min(offered - profile.consultation_types, key=lambda kind: kind.value)
                raise InvalidAvailability.translatable(NOT_OFFERED[missing], "consultationTypes")
            uow.dermatologists.upsert(
                replace(profile, time_zone=availability.time_zone, availability=availability), now
            )
            booked = uow.appointment_queries.active_for_doctors([doctor_id], now, EVER)
            uow.commit()
        return [a for a in booked if not covers(availability, a)]

    def publish(self, profile: Dermatologist) -> None:
        """Create or replace a practice profile (its id is the dermatologist's user id)."""
        with self._uow_factory() as uow:
            uow.dermatologists.upsert(profile, self._clock())
            uow.commit()


def _practice(uow: DirectoryUnitOfWork, doctor_id: str) -> Dermatologist:
    found = uow.dermatologists.get(doctor_id)
    if found is None:
        raise DermatologistNotFound(_("You have no practice profile in the directory yet."))
    return found


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if value and value.strip() else None


def language_code(value: str | None, field: str = "language") -> str | None:
    """A language as the listings keep it and a filter asks for it: an ISO 639 code (`fr`; a
    tag such as `fr-FR` reads as `fr`). Anything else, such as "english", is VALIDATION_FAILED
    on `field`: before, a filter answered an empty page, as if no dermatologist spoke it, and a
    listing saved with it was never found by its language."""
    text = _lower(value)
    if text is None:
        return None
    code = text.replace("_", "-").split("-")[0]
    if not LANGUAGE_CODE.fullmatch(code):
        not_a_code = _("{value} is not a language code (such as en, fr or de).")
        raise ValidationFailed.translatable(not_a_code, field, value=repr(value)[:20])
    return code
