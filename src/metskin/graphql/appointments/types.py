"""GraphQL types for booking: slots, appointments and the dermatologist's dashboard events.

Times are UTC `DateTime`s; each time also comes as `...Local`, an ISO 8601 string in the
viewer's time zone (their profile's, or the one asked for), rendered here at the edge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from metskin.domain.appointments.dashboard import DashboardEvent as DomainEvent
from metskin.domain.appointments.dashboard import DashboardEventKind as DomainEventKind
from metskin.domain.appointments.model import Appointment as DomainAppointment
from metskin.domain.appointments.model import AppointmentStatus as DomainStatus
from metskin.domain.appointments.model import CancellationPolicy, zone
from metskin.domain.appointments.model import Slot as DomainSlot
from metskin.domain.errors import Unauthenticated
from metskin.graphql.directory.types import (
    ConsultationType,
    Dermatologist,
    consultation_order,
    dermatologist_of,
)
from metskin.graphql.mapping import copy_fields
from metskin.graphql.referrals.types import Referral

T = TypeVar("T")
AppointmentStatus = strawberry.enum(
    DomainStatus,
    name="AppointmentStatus",
    description="Where a booking stands: BOOKED (ahead, or past with no outcome recorded), "
    "CANCELLED (by the patient or the dermatologist, or as an account closed), COMPLETED (its "
    "dermatologist recorded the visit as seen), NO_SHOW (its dermatologist recorded that the "
    "patient did not attend; nothing else follows from it, and the patient may book again).",
)
DashboardEventKind = strawberry.enum(DomainEventKind, name="DashboardEventKind")


def local_iso(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(zone(time_zone)).isoformat()


def in_zone(cls: type[T], span: DomainSlot | DomainAppointment, time_zone: str, **values: Any) -> T:
    """`cls` from the span, with its start and end as local ISO times in `time_zone` too."""
    start, end = local_iso(span.start, time_zone), local_iso(span.end, time_zone)
    return copy_fields(cls, span, start_local=start, end_local=end, time_zone=time_zone, **values)


def cancellation_deadline(info: Info, start: datetime) -> datetime:
    policy: CancellationPolicy = info.context.container.appointments.policy
    return policy.deadline(start)


async def viewer_time_zone(info: Info, asked: str | None = None) -> str:
    """The zone asked for, else the viewer's profile zone, else UTC."""
    if asked:
        zone(asked)
        return asked
    viewer = info.context.optional_viewer()
    try:
        user = await info.context.user_loader.load(viewer.user_id) if viewer else None
    except Unauthenticated:  # their session has ended: as for nobody
        return "UTC"
    return user.profile.time_zone if user else "UTC"


@strawberry.type(description="A bookable slot.")
class Slot:
    start: datetime
    end: datetime
    start_local: str
    end_local: str
    time_zone: str
    consultation_types: list[ConsultationType]  # type: ignore[valid-type]

    @strawberry.field(description="Booked now, it could be cancelled or moved until then.")
    def cancellable_until(self, info: Info) -> datetime:
        return cancellation_deadline(info, self.start)

    @strawberry.field(
        description="False when the slot starts too soon: once booked, it could no longer be "
        "cancelled or moved."
    )
    def free_cancellation(self, info: Info) -> bool:
        return info.context.container.clock() <= cancellation_deadline(info, self.start)

    @classmethod
    def from_domain(cls, slot: DomainSlot, time_zone: str) -> Slot:
        types = sorted(slot.consultation_types, key=consultation_order)
        return in_zone(cls, slot, time_zone, consultation_types=types)


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

    dermatologist: Dermatologist | None = strawberry.field(resolver=dermatologist_of)

    @strawberry.field(
        description="It can be cancelled or moved until then; later, TOO_LATE_TO_CANCEL."
    )
    def cancellable_until(self, info: Info) -> datetime:
        return cancellation_deadline(info, self.start)

    @strawberry.field(description="Who booked: shown to them and to the dermatologist booked.")
    async def patient_name(self, info: Info) -> str:
        user = await info.context.user_loader.load(str(self.patient_id))
        return user.profile.display_name if user else ""

    @strawberry.field(description="For the patient, and (audited) the dermatologist booked.")
    async def referral(self, info: Info) -> Referral | None:
        if self.referral_id is None:
            return None
        record = await info.context.referral_loader.load(str(self.referral_id))
        return Referral.from_domain(record, info.context.translator) if record else None

    @classmethod
    def from_domain(cls, appointment: DomainAppointment, time_zone: str) -> Appointment:
        return in_zone(cls, appointment, time_zone, reschedules=len(appointment.history))


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

    @strawberry.field(
        description="The patient's display name (only to the dermatologist the event concerns)."
    )
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

        return cls(
            id=event.id,
            kind=event.kind,
            at=event.at,
            patient_id=ident("patient_id"),
            appointment_id=ident("appointment_id"),
            analysis_id=ident("analysis_id"),
            referral_id=ident("referral_id"),
            share_id=ident("share_id"),
            start=datetime.fromisoformat(data["start"]) if data.get("start") else None,
            details=cast(JSON, data),
        )
