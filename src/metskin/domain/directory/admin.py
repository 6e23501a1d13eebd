"""An administrator runs the directory: lists a new dermatologist (their account and practice
profile), changes a listing, or removes one (the account is erased the usual way: future
appointments cancelled, both sides told). Every change goes to the editors' log."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from metskin.domain.accounts.profile import checked_display_name
from metskin.domain.appointments.model import Availability, ConsultationType, zone
from metskin.domain.content.model import ContentKind
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.directory.geo import GeoPoint
from metskin.domain.directory.model import Dermatologist, Fee, Practice
from metskin.domain.errors import ValidationFailed

CURRENCY = re.compile(r"[A-Z]{3}")
WORD = re.compile(r"[a-z][a-z_ -]{0,39}")


@dataclass(frozen=True)
class Listing:
    """What the directory shows of a dermatologist, as an administrator enters it."""

    name: str
    bio: str
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    practice: Practice
    time_zone: str
    consultation_types: frozenset[ConsultationType]
    fee_amount: str
    fee_currency: str

    def fee(self) -> Fee:
        try:
            amount = Decimal(self.fee_amount)
        except InvalidOperation as error:
            raise ValidationFailed("fee amount must be like 120.00.", field="fee") from error
        if not amount.is_finite() or not 0 <= amount < 100_000:
            raise ValidationFailed("fee amount must be between 0 and 99999.", field="fee")
        if not CURRENCY.fullmatch(self.fee_currency):
            raise ValidationFailed("fee currency is an ISO 4217 code, e.g. GBP.", field="fee")
        return Fee(amount, self.fee_currency)

    def profile(self, doctor_id: str, email: str, availability: Availability) -> Dermatologist:
        # The name is the account's display name too: the same rules, on the listing's field.
        name = checked_display_name(self.name, "name")
        if not name:
            raise ValidationFailed("name: 1 to 80 characters.", field="name")
        if len(self.bio) > 2000:
            raise ValidationFailed("bio: at most 2000 characters.", field="bio")
        for field, words in (("specialties", self.specialties), ("languages", self.languages)):
            if not words or not all(WORD.fullmatch(w.lower()) for w in words):
                raise ValidationFailed(f"{field}: one or more plain words.", field=field)
        if not self.consultation_types:
            raise ValidationFailed("Offer at least one type.", field="consultationTypes")
        zone(self.time_zone)
        return Dermatologist(
            id=doctor_id,
            name=name,
            email=email,
            specialties=frozenset(w.lower() for w in self.specialties),
            languages=frozenset(w.lower() for w in self.languages),
            practice=self.practice,
            time_zone=self.time_zone,
            consultation_types=self.consultation_types,
            fee=self.fee(),
            bio=self.bio.strip(),
            availability=replace(availability, time_zone=self.time_zone),
        )


def practice(name: str, address: str, city: str, country: str, lat: float, lon: float) -> Practice:
    if not name.strip() or not city.strip() or len(country.strip()) != 2:
        raise ValidationFailed(
            "A practice needs a name, a city and a two-letter country code.", field="practice"
        )
    return Practice(
        name.strip(), address.strip(), city.strip(), country.upper(), GeoPoint(lat, lon)
    )


@dataclass(eq=False)
class DirectoryAdmin:
    register: Callable[[str, str, str], str]  # email, password, name -> the new account's id
    publish: Callable[[Dermatologist], None]
    find: Callable[[str], Dermatologist | None]
    erase: Callable[[str, str], object]  # administrator id, account id
    record: Callable[[str, str, ContentKind, str, str], None]  # the editors' log

    def create(self, admin_id: str, email: str, password: str, listing: Listing) -> Dermatologist:
        listing.profile("new", email, Availability("new", listing.time_zone))  # check first
        doctor_id = self.register(email, password, listing.name)
        profile = listing.profile(doctor_id, email, Availability(doctor_id, listing.time_zone))
        self.publish(profile)
        self._log(admin_id, "created", profile)
        return profile

    def update(
        self, admin_id: str, doctor_id: str, listing: Listing, language: str = "en"
    ) -> Dermatologist:
        """Replace the listing; in another language than English, `bio` is that language's
        translation (the English bio and the other translations stay)."""
        current = self._existing(doctor_id)
        profile = listing.profile(doctor_id, current.email, current.availability)
        translations = dict(current.bio_translations)
        if language != "en":
            translations[language] = profile.bio
            profile = replace(profile, bio=current.bio)
        profile = replace(profile, bio_translations=translations)
        self.publish(profile)
        self._log(admin_id, "updated", profile, language)
        return profile

    def delete(self, admin_id: str, doctor_id: str) -> None:
        current = self._existing(doctor_id)
        self.erase(admin_id, doctor_id)
        self._log(admin_id, "deleted", current)

    def _existing(self, doctor_id: str) -> Dermatologist:
        found = self.find(doctor_id)
        if found is None:
            raise DermatologistNotFound("No dermatologist has this id.", field="id")
        return found

    def _log(
        self, admin_id: str, action: str, profile: Dermatologist, language: str = "en"
    ) -> None:
        summary = f"{action} dermatologist {profile.name!r} ({profile.practice.city})"
        if language != "en":
            summary += f", bio in {language}"
        self.record(admin_id, action, ContentKind.DERMATOLOGIST, profile.id, summary)
