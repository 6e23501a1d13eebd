"""An administrator runs the directory: lists a new dermatologist (their account and practice
profile), changes a listing, or removes one (the account is erased the usual way: future
appointments cancelled, both sides told). Every change goes to the editors' log.

The administrator never sets the dermatologist's password: the account is invited (it has no
usable password, its address is unverified), the dermatologist chooses their password from
the invitation email, which also proves the address (domain/accounts/invitation.py). Until
then the administrator can send the invitation again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from metskin.domain.accounts.phone_number import checked_phone
from metskin.domain.accounts.profile import checked_display_name
from metskin.domain.appointments.model import Availability, ConsultationType, zone
from metskin.domain.content.model import ContentKind
from metskin.domain.directory.errors import DermatologistNotFound
from metskin.domain.directory.geo import GeoPoint
from metskin.domain.directory.model import Dermatologist, Fee, Practice
from metskin.domain.directory.service import language_code
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import negotiate
from metskin.domain.i18n.marks import _

CURRENCY = re.compile(r"[A-Z]{3}")
COUNTRY = re.compile(r"[A-Za-z]{2}")
# The longest each part of a practice may be: its column's length (adapters/db/directory.py).
PRACTICE_LENGTHS = {"name": 120, "address": 255, "city": 80}
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
    # The practice's phone was not given (a client written before it existed): an update keeps
    # the stored one rather than erase it; a new listing has none.
    keeps_phone: bool = False

    def fee(self) -> Fee:
        try:
            amount = Decimal(self.fee_amount)
        except InvalidOperation as error:
            raise ValidationFailed(
                _("fee amount must be like 120.00."), field="feeAmount"
            ) from error
        if not amount.is_finite() or not 0 <= amount < 100_000:
            raise ValidationFailed(_("fee amount must be between 0 and 99999."), field="feeAmount")
        if not CURRENCY.fullmatch(self.fee_currency):
            raise ValidationFailed(
                _("fee currency is an ISO 4217 code, e.g. GBP."), field="feeCurrency"
            )
        return Fee(amount, self.fee_currency)

    def profile(self, doctor_id: str, email: str, availability: Availability) -> Dermatologist:
        # The name is the account's display name too: the same rules, on the listing's field.
        name = checked_display_name(self.name, "name")
        if not name:
            raise ValidationFailed(_("name: 1 to 80 characters."), field="name")
        if len(self.bio) > 2000:
            raise ValidationFailed(_("bio: at most 2000 characters."), field="bio")
        for field, words in (("specialties", self.specialties), ("languages", self.languages)):
            if not words or not all(WORD.fullmatch(w.lower()) for w in words):
                words_are = _("{name}: one or more plain words.")
                raise ValidationFailed.translatable(words_are, field, name=field)
        # As the directory's language filter reads them: codes ("fr-FR" is "fr").
        languages = frozenset(str(language_code(w, "languages")) for w in self.languages)
        if not self.consultation_types:
            raise ValidationFailed(_("Offer at least one type."), field="consultationTypes")
        zone(self.time_zone)
        return Dermatologist(
            id=doctor_id,
            name=name,
            email=email,
            specialties=frozenset(w.lower() for w in self.specialties),
            languages=languages,
            practice=self.practice,
            time_zone=self.time_zone,
            consultation_types=self.consultation_types,
            fee=self.fee(),
            bio=self.bio.strip(),
            availability=replace(availability, time_zone=self.time_zone),
        )


def practice(
    name: str,
    address: str,
    city: str,
    country: str,
    lat: float,
    lon: float,
    phone: str | None = None,
) -> Practice:
    """A practice's place, checked: MariaDB refuses a longer text than its column holds (an
    INTERNAL_ERROR before), and the country is two letters (" gb" was stored as " GB"). Its
    phone, when given, is checked and written as a patient's is (E.164, `checked_phone`)."""
    parts = {"name": name.strip(), "address": address.strip(), "city": city.strip()}
    code = country.strip()
    if not parts["name"] or not parts["city"] or not COUNTRY.fullmatch(code):
        raise ValidationFailed(
            _("A practice needs a name, a city and a two-letter country code."), field="practice"
        )
    for part, text in parts.items():
        if len(text) > PRACTICE_LENGTHS[part]:
            too_long = _("Use at most {count} characters.")
            raise ValidationFailed.translatable(
                too_long, f"practice.{part}", count=PRACTICE_LENGTHS[part]
            )
    if lat == 0 and lon == 0:  # the sea off Africa: an empty latitude and longitude
        unplaced = _("Give the practice's latitude and longitude.")
        raise ValidationFailed.translatable(unplaced, "practice.lat")
    number = checked_phone(phone, "practice.phone")
    return Practice(
        parts["name"], parts["address"], parts["city"], code.upper(), GeoPoint(lat, lon), number
    )


@dataclass(eq=False)
class DirectoryAdmin:
    # email, name, locale, time zone -> the new, invited account's id
    invite: Callable[[str, str, str, str], str]
    invite_again: Callable[[str], bool]  # account id -> False when accepted already
    publish: Callable[[Dermatologist], None]
    find: Callable[[str], Dermatologist | None]
    erase: Callable[[str, str], object]  # administrator id, account id
    record: Callable[[str, str, ContentKind, str, str], None]  # the editors' log
    # account id, name: the account's display name follows the listing's (the administrators'
    # list of dermatologists is of accounts, by that name)
    rename: Callable[[str, str], object]

    def create(self, admin_id: str, email: str, listing: Listing) -> Dermatologist:
        """List a dermatologist; their account is invited (the email goes to `email`, in the
        first language the listing says they speak that MetSkin does, else English), in the
        practice's time zone."""
        listing.profile("new", email, Availability("new", listing.time_zone))  # check first
        locale = negotiate(", ".join(listing.languages))
        doctor_id = self.invite(email, listing.name, locale, listing.time_zone)
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
        if listing.keeps_phone:
            kept = replace(listing.practice, phone=current.practice.phone)
            listing = replace(listing, practice=kept)
        profile = listing.profile(doctor_id, current.email, current.availability)
        translations = dict(current.bio_translations)
        if language != "en":
            translations[language] = profile.bio
            profile = replace(profile, bio=current.bio)
        profile = replace(profile, bio_translations=translations)
        self.publish(profile)
        if profile.name != current.name:
            self.rename(doctor_id, profile.name)
        self._log(admin_id, "updated", profile, language)
        return profile

    def resend_invitation(self, admin_id: str, doctor_id: str) -> bool:
        """Email the dermatologist's invitation again; False (nothing sent) when they chose
        their password already."""
        current = self._existing(doctor_id)
        sent = self.invite_again(doctor_id)
        if sent:
            self._log(admin_id, "invited", current)
        return sent

    def delete(self, admin_id: str, doctor_id: str) -> None:
        current = self._existing(doctor_id)
        self.erase(admin_id, doctor_id)
        self._log(admin_id, "deleted", current)

    def _existing(self, doctor_id: str) -> Dermatologist:
        found = self.find(doctor_id)
        if found is None:
            raise DermatologistNotFound(_("No dermatologist has this id."), field="id")
        return found

    def _log(
        self, admin_id: str, action: str, profile: Dermatologist, language: str = "en"
    ) -> None:
        summary = f"{action} dermatologist {profile.name!r} ({profile.practice.city})"
        if action == "invited":
            summary = f"invitation sent again to dermatologist {profile.name!r}"
        if language != "en":
            summary += f", bio in {language}"
        self.record(admin_id, action, ContentKind.DERMATOLOGIST, profile.id, summary)
