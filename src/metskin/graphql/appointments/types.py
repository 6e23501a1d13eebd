"""GraphQL for the care path: referrals, the dermatologist directory, slots and booking,
sharing with the access log, and the dermatologist's dashboard (lists and live events).

Times are UTC `DateTime`s; each time also comes as `...Local`, an ISO 8601 string in the
viewer's time zone (their profile's, or the one asked for), rendered here at the edge.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import fields
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from metskin.domain.accounts.model import Role as DomainRole
from metskin.domain.accounts.model import User as DomainUser
from metskin.domain.appointments.catalogue import Dermatologist as DomainDermatologist
from metskin.domain.appointments.dashboard import DashboardEvent as DomainEvent
from metskin.domain.appointments.dashboard import DashboardEventKind as DomainEventKind
from metskin.domain.appointments.dashboard import dashboard_channel
from metskin.domain.appointments.directory import GeoPoint
from metskin.domain.appointments.finder import DirectoryEntry, DirectoryFilter
from metskin.domain.appointments.model import Appointment as DomainAppointment
from metskin.domain.appointments.model import AppointmentStatus as DomainStatus
from metskin.domain.appointments.model import ConsultationType as DomainConsultationType
from metskin.domain.appointments.model import Slot as DomainSlot
from metskin.domain.appointments.model import zone
from metskin.domain.appointments.sharing import AccessEntry as DomainAccessEntry
from metskin.domain.appointments.sharing import Resource as DomainResource
from metskin.domain.appointments.sharing import Share as DomainShare
from metskin.domain.appointments.sharing import ShareScope as DomainScope
from metskin.domain.errors import ValidationFailed
from metskin.domain.referrals.model import Answers
from metskin.domain.referrals.model import ReferralRecord as DomainReferral
from metskin.domain.referrals.model import Specialty as DomainSpecialty
from metskin.domain.referrals.model import Urgency as DomainUrgency
from metskin.domain.referrals.rules import RULES
from metskin.domain.referrals.triage import NOT_A_DIAGNOSIS, NOTHING_FOUND
from metskin.graphql.analysis.types import Analysis
from metskin.graphql.context import Context, run_sync
from metskin.graphql.pagination import (
    Connection,
    CursorCodec,
    by_created,
    by_id,
    check_page_size,
    fetch_page,
    keyset_codec,
    paginate,
)
from metskin.graphql.permissions import IsAuthenticated, IsDermatologist, IsPatient
from metskin.graphql.streams import live_stream

Urgency = strawberry.enum(DomainUrgency, name="Urgency")
Specialty = strawberry.enum(DomainSpecialty, name="Specialty")
ConsultationType = strawberry.enum(DomainConsultationType, name="ConsultationType")
AppointmentStatus = strawberry.enum(DomainStatus, name="AppointmentStatus")
ShareScope = strawberry.enum(DomainScope, name="ShareScope")
AccessResource = strawberry.enum(DomainResource, name="AccessResource")
DashboardEventKind = strawberry.enum(DomainEventKind, name="DashboardEventKind")
MAX_DAY_LIST = 500
EVENT_BATCH = 100


def _type_order(kind: DomainConsultationType) -> str:
    return kind.value


def local_iso(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(zone(time_zone)).isoformat()


async def viewer_time_zone(info: Info, asked: str | None = None) -> str:
    """The zone asked for, else the viewer's profile zone, else UTC."""
    if asked:
        zone(asked)
        return asked
    viewer = info.context.viewer
    user = await info.context.user_loader.load(viewer.user_id) if viewer else None
    return user.profile.time_zone if user else "UTC"


# --- referrals -------------------------------------------------------------------------------


@strawberry.type
class ReferralReason:
    rule_id: str
    urgency: Urgency  # type: ignore[valid-type]
    specialty: Specialty  # type: ignore[valid-type]
    text: str
    evidence: JSON = strawberry.field(description="The values the rule looked at.")


@strawberry.type(description="A suggestion to see a dermatologist, with why. Never a diagnosis.")
class Referral:
    id: strawberry.ID
    analysis_id: strawberry.ID
    urgency: Urgency  # type: ignore[valid-type]
    specialty: Specialty  # type: ignore[valid-type]
    reasons: list[ReferralReason]
    message: str = strawberry.field(description="Says that this is not a diagnosis.")
    advice: str
    answered_questionnaire: bool
    dermatologist_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_domain(cls, record: DomainReferral) -> Referral:
        referral = record.referral
        return cls(
            id=strawberry.ID(record.id), analysis_id=strawberry.ID(record.analysis_id),
            urgency=referral.urgency, specialty=referral.specialty,
            reasons=[ReferralReason(rule_id=r.rule_id, urgency=r.urgency, specialty=r.specialty,
                                    text=r.text, evidence=cast(JSON, dict(r.evidence)))
                     for r in referral.reasons],
            message=referral.message, advice=referral.advice,
            answered_questionnaire=record.answers is not None,
            dermatologist_id=strawberry.ID(record.doctor_id) if record.doctor_id else None,
            created_at=record.created_at, updated_at=record.updated_at,
        )


@strawberry.type
class ReferralOutcome:
    referral: Referral | None = strawberry.field(description="Null: no reason to refer.")
    rules_checked: list[str]
    disclaimer: str

    @classmethod
    def of(cls, record: DomainReferral | None) -> ReferralOutcome:
        return cls(referral=Referral.from_domain(record) if record else None,
                   rules_checked=[rule.id for rule in RULES],
                   disclaimer=NOT_A_DIAGNOSIS if record else NOTHING_FOUND)


@strawberry.input(description="The short questionnaire. Distress items: 0 (never) to 3 (always).")
class SymptomAnswers:
    spot_growing: bool = False
    spot_changing_shape: bool = False
    spot_changing_colour: bool = False
    spot_7mm_or_larger: bool = False
    spot_inflamed: bool = False
    spot_bleeding_or_oozing: bool = False
    spot_itching_or_feels_different: bool = False
    sore_not_healing_weeks: int | None = None
    painful_deep_lumps: bool = False
    eye_symptoms: bool = False
    distress_low_mood: int = 0
    distress_avoiding_people: int = 0
    distress_self_conscious: int = 0
    distress_daily_life: int = 0
    self_harm_thoughts: bool = False
    age_years: int | None = None

    def to_domain(self) -> Answers:
        return Answers(**{f.name: getattr(self, f.name) for f in fields(Answers)})


# --- directory -------------------------------------------------------------------------------


@strawberry.type
class Practice:
    name: str
    address: str
    city: str
    country: str
    lat: float
    lon: float


@strawberry.type
class Fee:
    amount: str = strawberry.field(description="Decimal amount, as text.")
    currency: str


@strawberry.type(description="A dermatologist and their practice.")
class Dermatologist:
    id: strawberry.ID
    name: str
    specialties: list[str]
    languages: list[str]
    practice: Practice
    time_zone: str
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]
    fee: Fee
    bio: str
    distance_km: float | None = strawberry.field(
        default=None, description="From the `near` point of the search, when given.")

    @classmethod
    def from_domain(cls, doctor: DomainDermatologist,
                    distance_km: float | None = None) -> Dermatologist:
        place = doctor.practice
        return cls(
            id=strawberry.ID(doctor.id), name=doctor.name,
            specialties=sorted(doctor.specialties), languages=sorted(doctor.languages),
            practice=Practice(name=place.name, address=place.address, city=place.city,
                              country=place.country, lat=place.location.lat,
                              lon=place.location.lon),
            time_zone=doctor.time_zone,
            consultation_types=sorted(doctor.consultation_types, key=_type_order),
            fee=Fee(amount=str(doctor.fee.amount), currency=doctor.fee.currency),
            bio=doctor.bio,
            distance_km=round(distance_km, 3) if distance_km is not None else None,
        )


@strawberry.input
class NearInput:
    lat: float
    lon: float
    radius_km: float | None = None


@strawberry.input
class DermatologistFilter:
    specialty: str | None = None
    language: str | None = None
    near: NearInput | None = None
    consultation_type: ConsultationType | None = None  # type: ignore[valid-type]
    available_from: datetime | None = None
    available_to: datetime | None = None

    def to_domain(self) -> DirectoryFilter:
        near = GeoPoint(self.near.lat, self.near.lon) if self.near else None
        return DirectoryFilter(self.specialty, self.language, near,
                               self.near.radius_km if self.near else None,
                               self.consultation_type, self.available_from, self.available_to)


DIRECTORY_CURSOR: CursorCodec[DirectoryEntry, tuple[float, str]] = keyset_codec(
    lambda entry: entry.key, float, str)
"""Nearest first: (distance or 0, dermatologist id)."""


async def load_dermatologist(info: Info, doctor_id: str) -> Dermatologist | None:
    doctor = await info.context.dermatologist_loader.load(doctor_id)
    return Dermatologist.from_domain(doctor) if doctor else None


@strawberry.type(description="A bookable slot.")
class Slot:
    start: datetime
    end: datetime
    start_local: str
    end_local: str
    time_zone: str
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]

    @classmethod
    def from_domain(cls, slot: DomainSlot, time_zone: str) -> Slot:
        return cls(start=slot.start, end=slot.end, start_local=local_iso(slot.start, time_zone),
                   end_local=local_iso(slot.end, time_zone), time_zone=time_zone,
                   consultation_types=sorted(slot.consultation_types, key=_type_order))


# --- appointments ----------------------------------------------------------------------------


@strawberry.type
class Appointment:
    id: strawberry.ID
    start: datetime
    end: datetime
    start_local: str
    end_local: str
    time_zone: str = strawberry.field(description="The zone of the `...Local` times.")
    status: AppointmentStatus  # type: ignore[valid-type]
    consultation_type: ConsultationType  # type: ignore[valid-type]
    reason: str
    cancel_reason: str
    booked_at: datetime
    cancelled_at: datetime | None
    reschedules: int
    patient_id: strawberry.ID
    referral_id: strawberry.ID | None
    doctor_id: strawberry.Private[str]

    @strawberry.field
    async def dermatologist(self, info: Info) -> Dermatologist | None:
        return await load_dermatologist(info, self.doctor_id)

    @strawberry.field(description="Who booked: shown to them and to the dermatologist booked.")
    async def patient_name(self, info: Info) -> str:
        user = await info.context.user_loader.load(str(self.patient_id))
        return user.profile.display_name if user else ""

    @strawberry.field(description="For the patient, and (audited) the dermatologist booked.")
    async def referral(self, info: Info) -> Referral | None:
        if self.referral_id is None:
            return None
        record = await info.context.referral_loader.load(str(self.referral_id))
        return Referral.from_domain(record) if record else None

    @classmethod
    def from_domain(cls, appointment: DomainAppointment, time_zone: str) -> Appointment:
        return cls(
            id=strawberry.ID(appointment.id), start=appointment.start, end=appointment.end,
            start_local=local_iso(appointment.start, time_zone),
            end_local=local_iso(appointment.end, time_zone), time_zone=time_zone,
            status=appointment.status, consultation_type=appointment.consultation_type,
            reason=appointment.reason, cancel_reason=appointment.cancel_reason,
            booked_at=appointment.booked_at, cancelled_at=appointment.cancelled_at,
            reschedules=len(appointment.history),
            patient_id=strawberry.ID(appointment.patient_id),
            referral_id=strawberry.ID(appointment.referral_id) if appointment.referral_id
            else None,
            doctor_id=appointment.doctor_id,
        )


@strawberry.input
class BookAppointmentInput:
    slot_start: datetime
    dermatologist_id: strawberry.ID
    consultation_type: ConsultationType  # type: ignore[valid-type]
    reason: str = ""
    referral_id: strawberry.ID | None = None


@strawberry.input
class DateRange:
    from_: datetime = strawberry.field(name="from")
    to: datetime


APPOINTMENT_CURSOR: CursorCodec[DomainAppointment, tuple[datetime, str]] = keyset_codec(
    lambda appointment: (appointment.start, appointment.id), datetime.fromisoformat, str)
"""By start time, ties broken by id."""


# --- sharing and the dashboard ---------------------------------------------------------------


@strawberry.type(description="Consent to show analyses to one dermatologist until it ends.")
class Share:
    id: strawberry.ID
    scope: ShareScope  # type: ignore[valid-type]
    analysis_id: strawberry.ID | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    active: bool
    doctor_id: strawberry.Private[str]

    @strawberry.field
    async def dermatologist(self, info: Info) -> Dermatologist | None:
        return await load_dermatologist(info, self.doctor_id)

    @classmethod
    def from_domain(cls, share: DomainShare, now: datetime) -> Share:
        return cls(id=strawberry.ID(share.id), scope=share.scope,
                   analysis_id=strawberry.ID(share.analysis_id) if share.analysis_id else None,
                   created_at=share.created_at, expires_at=share.expires_at,
                   revoked_at=share.revoked_at, active=share.is_active(now),
                   doctor_id=share.doctor_id)


@strawberry.type(description="One read of your data by a dermatologist.")
class AccessLogEntry:
    resource: AccessResource  # type: ignore[valid-type]
    resource_id: strawberry.ID
    at: datetime
    doctor_id: strawberry.Private[str]

    @strawberry.field
    async def dermatologist(self, info: Info) -> Dermatologist | None:
        return await load_dermatologist(info, self.doctor_id)

    @classmethod
    def from_domain(cls, entry: DomainAccessEntry) -> AccessLogEntry:
        return cls(resource=entry.resource, resource_id=strawberry.ID(entry.resource_id),
                   at=entry.at, doctor_id=entry.doctor_id)


ACCESS_CURSOR: CursorCodec[DomainAccessEntry, tuple[datetime, int]] = keyset_codec(
    lambda entry: (entry.at, entry.id), datetime.fromisoformat, int)
"""Newest read first, ties broken by the log's id."""


@strawberry.type(description="A patient of the dermatologist (reading it is audited).")
class Patient:
    id: strawberry.ID
    display_name: str
    email: str
    birth_year: int | None
    sex: str
    time_zone: str

    @classmethod
    def from_domain(cls, user: DomainUser) -> Patient:
        profile = user.profile
        return cls(id=strawberry.ID(user.id), display_name=profile.display_name,
                   email=user.email, birth_year=profile.birth_year, sex=profile.sex,
                   time_zone=profile.time_zone)


@strawberry.type(description="Something new for the dermatologist's dashboard.")
class DashboardEvent:
    id: int = strawberry.field(description="Grows with every event; resume with afterId.")
    kind: DashboardEventKind  # type: ignore[valid-type]
    at: datetime
    patient_id: strawberry.ID | None
    appointment_id: strawberry.ID | None
    analysis_id: strawberry.ID | None
    referral_id: strawberry.ID | None
    share_id: strawberry.ID | None
    start: datetime | None
    details: JSON

    @strawberry.field(description="The patient's display name (only to the dermatologist the "
                                  "event concerns).")
    async def patient_name(self, info: Info) -> str | None:
        if self.patient_id is None:
            return None
        user = await info.context.user_loader.load(str(self.patient_id))
        return user.profile.display_name if user else None

    @classmethod
    def from_domain(cls, event: DomainEvent) -> DashboardEvent:
        data = event.payload

        def ident(name: str) -> strawberry.ID | None:
            return strawberry.ID(data[name]) if data.get(name) else None

        return cls(id=event.id, kind=event.kind, at=event.at, patient_id=ident("patient_id"),
                   appointment_id=ident("appointment_id"), analysis_id=ident("analysis_id"),
                   referral_id=ident("referral_id"), share_id=ident("share_id"),
                   start=datetime.fromisoformat(data["start"]) if data.get("start") else None,
                   details=cast(JSON, data))


def dashboard_updates(context: Context, doctor_id: str,
                      after_id: int | None) -> AsyncIterator[DomainEvent]:
    """The latest event first (or everything after `after_id`), then new ones as they come.

    Pub/sub only wakes the stream; events are read from the log, and a periodic re-read
    covers a lost message. The channel and the query are both the dermatologist's own.
    """
    service = context.container.appointments
    cursor = after_id

    async def new_events() -> AsyncGenerator[DomainEvent, None]:
        nonlocal cursor
        while True:
            batch = await run_sync(service.dashboard_events, doctor_id, cursor, EVENT_BATCH)
            for event in batch:
                cursor = event.id
                yield event
            if len(batch) < EVENT_BATCH:
                return

    async def latest() -> AsyncGenerator[DomainEvent, None]:
        nonlocal cursor
        if cursor is None:
            last = await run_sync(service.last_dashboard_event, doctor_id)
            cursor = last.id if last else 0
            if last is not None:
                yield last
        async for event in new_events():
            yield event

    return live_stream(context.container.events, dashboard_channel(doctor_id),
                       context.container.settings.subscription_recheck_seconds, latest,
                       lambda _woken: new_events())


# --- operations ------------------------------------------------------------------------------


def _viewer_id(info: Info) -> str:
    return str(info.context.require_viewer().user_id)


@strawberry.type
class CareQueries:
    @strawberry.field(permission_classes=[IsAuthenticated],
                      description="Should this analysis lead to a dermatologist? Never a "
                                  "diagnosis; triaged with your earlier analyses.")
    async def referral(self, info: Info, analysis_id: strawberry.ID) -> ReferralOutcome:
        record = await run_sync(info.context.container.referrals.for_analysis,
                                _viewer_id(info), str(analysis_id))
        return ReferralOutcome.of(record)

    @strawberry.field(permission_classes=[IsAuthenticated], description="Newest first.")
    async def my_referrals(self, info: Info, first: int = 10,
                           after: str | None = None) -> Connection[Referral]:
        referrals, viewer_id = info.context.container.referrals, _viewer_id(info)
        return await paginate(info, first, after, by_created(),
                              lambda page: referrals.mine(viewer_id, page.after, page.limit),
                              Referral.from_domain)

    @strawberry.field(description="Nearest first when `near` is given.")
    async def dermatologists(self, info: Info, filter: DermatologistFilter | None = None,
                             first: int = 20,
                             after: str | None = None) -> Connection[Dermatologist]:
        directory, wanted = info.context.container.directory, filter or DermatologistFilter()
        return await paginate(
            info, first, after, DIRECTORY_CURSOR,
            lambda page: directory.search(wanted.to_domain(), page.after, page.limit),
            lambda e: Dermatologist.from_domain(e.doctor, e.distance_km))

    @strawberry.field
    async def dermatologist(self, info: Info, id: strawberry.ID) -> Dermatologist | None:
        return await load_dermatologist(info, str(id))

    @strawberry.field(description="Free slots in [from, to), at most 92 days, in `timeZone` "
                                  "(default: your profile's).")
    async def available_slots(
        self, info: Info, dermatologist_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime,
        consultation_type: ConsultationType | None = None,  # type: ignore[valid-type]
        time_zone: str | None = None,
    ) -> list[Slot]:
        tz = await viewer_time_zone(info, time_zone)
        slots = await run_sync(info.context.container.appointments.slots,
                               str(dermatologist_id), from_, to, consultation_type)
        return [Slot.from_domain(slot, tz) for slot in slots]

    @strawberry.field(permission_classes=[IsAuthenticated], description="By start time.")
    async def my_appointments(self, info: Info, first: int = 20,
                              after: str | None = None) -> Connection[Appointment]:
        appointments, viewer_id = info.context.container.appointments, _viewer_id(info)
        page = await fetch_page(
            info, first, after, APPOINTMENT_CURSOR,
            lambda page: appointments.for_patient(viewer_id, page.after, page.limit))
        tz = await viewer_time_zone(info)
        return page.connection(lambda a: Appointment.from_domain(a, tz))

    @strawberry.field(permission_classes=[IsAuthenticated])
    async def my_shares(self, info: Info) -> list[Share]:
        shares = await run_sync(info.context.container.sharing.shares_of, _viewer_id(info))
        now = info.context.container.clock()
        return [Share.from_domain(share, now) for share in shares]

    @strawberry.field(permission_classes=[IsAuthenticated],
                      description="Every read of your data by a dermatologist, newest first.")
    async def access_log(self, info: Info, first: int = 20,
                         after: str | None = None) -> Connection[AccessLogEntry]:
        sharing, viewer_id = info.context.container.sharing, _viewer_id(info)
        return await paginate(info, first, after, ACCESS_CURSOR,
                              lambda page: sharing.access_log(viewer_id, page.after, page.limit),
                              AccessLogEntry.from_domain)

    @strawberry.field(permission_classes=[IsDermatologist],
                      description="Patients who booked you or share with you (audited).")
    async def patients(self, info: Info, first: int = 20,
                       after: str | None = None) -> Connection[Patient]:
        sharing, viewer_id = info.context.container.sharing, _viewer_id(info)
        # The use case takes `first` and returns first + 1 rows itself.
        return await paginate(info, first, after, by_id(),
                              lambda page: sharing.patients(viewer_id, page.after, page.first),
                              Patient.from_domain)

    @strawberry.field(permission_classes=[IsDermatologist],
                      description="Your dashboard events, oldest first: the `first` after "
                                  "`afterId` (catching up), or else the newest `first` (before "
                                  "`beforeId`, to page back through the history).")
    async def dashboard_events(self, info: Info, after_id: int | None = None,
                               before_id: int | None = None,
                               first: int = 50) -> list[DashboardEvent]:
        check_page_size(first, info.context.container.settings.max_page_size)
        if after_id is not None and before_id is not None:
            raise ValidationFailed("Give afterId or beforeId, not both.", field="beforeId")
        events = await run_sync(info.context.container.appointments.dashboard_events,
                                _viewer_id(info), after_id, first, before_id)
        return [DashboardEvent.from_domain(event) for event in events]

    @strawberry.field(permission_classes=[IsDermatologist],
                      description="Your appointments starting in the range (at most 92 days).")
    async def appointments(self, info: Info, range: DateRange,
                           time_zone: str | None = None) -> list[Appointment]:
        rows = await run_sync(info.context.container.appointments.for_doctor, _viewer_id(info),
                              range.from_, range.to, MAX_DAY_LIST)
        tz = await viewer_time_zone(info, time_zone)
        return [Appointment.from_domain(a, tz) for a in rows]

    @strawberry.field(permission_classes=[IsDermatologist],
                      description="Finished analyses shared with you, newest first (audited).")
    async def shared_analyses(self, info: Info, patient_id: strawberry.ID | None = None,
                              first: int = 10, after: str | None = None) -> Connection[Analysis]:
        sharing, viewer_id = info.context.container.sharing, _viewer_id(info)
        patient = str(patient_id) if patient_id else None
        # The use case takes `first` and returns first + 1 rows itself (it audits the page).
        return await paginate(
            info, first, after, by_created(),
            lambda page: sharing.shared_analyses(viewer_id, patient, page.after, page.first),
            Analysis.from_domain)


@strawberry.type
class CareMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Answer the questionnaire; the referral is triaged again.")
    async def submit_symptoms(self, info: Info, analysis_id: strawberry.ID,
                              answers: SymptomAnswers) -> ReferralOutcome:
        record = await run_sync(info.context.container.referrals.submit_answers,
                                _viewer_id(info), str(analysis_id), answers.to_domain())
        return ReferralOutcome.of(record)

    @strawberry.mutation(permission_classes=[IsPatient])
    async def book_appointment(self, info: Info, input: BookAppointmentInput) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.book, _viewer_id(info),
            str(input.dermatologist_id), input.slot_start, input.consultation_type,
            input.reason, str(input.referral_id) if input.referral_id else None)
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @strawberry.mutation(permission_classes=[IsPatient],
                         description="Not possible less than 2 hours before the start.")
    async def cancel_appointment(self, info: Info, id: strawberry.ID,
                                 reason: str = "") -> Appointment:
        appointment = await run_sync(info.context.container.appointments.cancel,
                                     _viewer_id(info), str(id), reason)
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @strawberry.mutation(permission_classes=[IsPatient],
                         description="Move to another free slot of the same dermatologist.")
    async def reschedule_appointment(self, info: Info, id: strawberry.ID,
                                     slot_start: datetime) -> Appointment:
        appointment = await run_sync(info.context.container.appointments.reschedule,
                                     _viewer_id(info), str(id), slot_start)
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @strawberry.mutation(permission_classes=[IsPatient],
                         description="Share one analysis (or all, without analysisId) until "
                                     "expiresAt (default 90 days) or until revoked.")
    async def share_analysis(self, info: Info, dermatologist_id: strawberry.ID,
                             analysis_id: strawberry.ID | None = None,
                             expires_at: datetime | None = None) -> Share:
        share = await run_sync(info.context.container.sharing.share, _viewer_id(info),
                               str(dermatologist_id), str(analysis_id) if analysis_id else None,
                               expires_at)
        return Share.from_domain(share, info.context.container.clock())

    @strawberry.mutation(permission_classes=[IsPatient])
    async def revoke_share(self, info: Info, share_id: strawberry.ID) -> Share:
        share = await run_sync(info.context.container.sharing.revoke, _viewer_id(info),
                               str(share_id))
        return Share.from_domain(share, info.context.container.clock())


@strawberry.type
class CareSubscriptions:
    @strawberry.subscription(permission_classes=[IsDermatologist],
                             description="New bookings, changes, shares and referrals for you: "
                                         "the latest first, or all after `afterId`.")
    async def dermatologist_events(self, info: Info, after_id: int | None = None
                                   ) -> AsyncGenerator[DashboardEvent, None]:
        viewer = info.context.require_viewer()
        if viewer.role is not DomainRole.DERMATOLOGIST:
            raise ValidationFailed("Only dermatologists have a dashboard.")
        async for event in dashboard_updates(info.context, viewer.user_id, after_id):
            yield DashboardEvent.from_domain(event)

