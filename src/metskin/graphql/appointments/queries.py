"""Appointment queries: free slots, your appointments, a dermatologist's day list and
dashboard events, and working hours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.domain.appointments.model import Appointment as DomainAppointment
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.ports import CreatedKey
from metskin.graphql.appointments.types import (
    Appointment,
    DashboardEvent,
    DateRange,
    Slot,
    viewer_time_zone,
)
from metskin.graphql.appointments.working_hours import WorkingHours
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.cursors import CursorCodec, by_time
from metskin.graphql.directory.types import ConsultationType
from metskin.graphql.pagination import Connection, check_page_size, fetch_page, paginate
from metskin.graphql.permissions import IsAuthenticated, IsDermatologist, guarded_field

MAX_DAY_LIST = 500


APPOINTMENT_CURSOR: CursorCodec[DomainAppointment, CreatedKey] = by_time(
    "myAppointments", lambda appointment: (appointment.start, appointment.id), str
)
"""By start time, ties broken by id."""

# `myAppointments(upcoming:)`: a list of its own each, so a cursor of one is refused by another
MINE_CURSORS: dict[bool | None, CursorCodec[DomainAppointment, CreatedKey]] = {
    None: APPOINTMENT_CURSOR,
    True: by_time("myUpcomingAppointments", lambda a: (a.start, a.id), str),
    False: by_time("myPastAppointments", lambda a: (a.start, a.id), str),
}

VISIT_CURSOR: CursorCodec[DomainAppointment, CreatedKey] = by_time(
    "patientAppointments", lambda appointment: (appointment.start, appointment.id), str
)
"""The newest start first, ties broken by id; under the patient asked for."""


@strawberry.type
class BookingQueries:
    @strawberry.field(
        description="Free slots in [from, to), at most 92 days, in `timeZone` "
        "(default: your profile's)."
    )
    async def available_slots(
        self,
        info: Info,
        dermatologist_id: strawberry.ID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        consultation_type: ConsultationType | None = None,  # type: ignore[valid-type]
        time_zone: str | None = None,
    ) -> list[Slot]:
        tz = await viewer_time_zone(info, time_zone)
        wanted = (str(dermatologist_id), from_, to, consultation_type)
        slots = await run_sync(info.context.container.appointments.slots, *wanted)
        return [Slot.from_domain(slot, tz) for slot in slots]

    @guarded_field(IsAuthenticated, "Yours, or (audited) one booked with you.")
    async def appointment(self, info: Info, id: strawberry.ID) -> Appointment:
        get = info.context.container.appointments.get_for_viewer
        found, tz = await run_sync(get, viewer_id_of(info), str(id)), await viewer_time_zone(info)
        return Appointment.from_domain(found, tz)

    @guarded_field(IsAuthenticated, "By start time.")
    async def my_appointments(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        upcoming: Annotated[
            bool | None,
            strawberry.argument(
                description="true: those booked and not yet over, soonest first; false: the "
                "others (seen, missed, past, or cancelled), the most recent start first; null: "
                "all, by start."
            ),
        ] = None,
    ) -> Connection[Appointment]:
        appointments, viewer_id = info.context.container.appointments, viewer_id_of(info)
        page = await fetch_page(
            info,
            first,
            after,
            MINE_CURSORS[upcoming],
            lambda page: appointments.for_patient(viewer_id, page.after, page.limit, upcoming),
        )
        tz = await viewer_time_zone(info)
        return page.connection(lambda a: Appointment.from_domain(a, tz))


@strawberry.type
class DashboardQueries:
    @guarded_field(
        IsDermatologist,
        "Your dashboard events, oldest first: the `first` after "
        "`afterId` (catching up), or else the newest `first` (before "
        "`beforeId`, to page back through the history).",
    )
    async def dashboard_events(
        self, info: Info, after_id: int | None = None, before_id: int | None = None, first: int = 50
    ) -> list[DashboardEvent]:
        check_page_size(first, info.context.container.settings.max_page_size)
        if after_id is not None and before_id is not None:
            raise ValidationFailed(_("Give afterId or beforeId, not both."), field="beforeId")
        events = await run_sync(
            info.context.container.appointments.dashboard_events,
            viewer_id_of(info),
            after_id,
            first,
            before_id,
        )
        return [DashboardEvent.from_domain(event) for event in events]

    @guarded_field(
        IsDermatologist,
        f"Your appointments starting in the range (at most 92 days). A range holding more than "
        f"{MAX_DAY_LIST} is refused (VALIDATION_FAILED on `range`): ask for a shorter one.",
    )
    async def appointments(
        self, info: Info, range: DateRange, time_zone: str | None = None
    ) -> list[Appointment]:
        rows = await run_sync(
            info.context.container.appointments.for_doctor,
            viewer_id_of(info),
            range.from_,
            range.to,
            MAX_DAY_LIST,
        )
        tz = await viewer_time_zone(info, time_zone)
        return [Appointment.from_domain(a, tz) for a in rows]

    @guarded_field(
        IsDermatologist,
        "The patient's appointments with you (any status), the newest start first (audited). "
        "Empty for someone who never booked you.",
    )
    async def patient_appointments(
        self,
        info: Info,
        patient_id: strawberry.ID,
        first: int = 10,
        after: str | None = None,
        time_zone: str | None = None,
    ) -> Connection[Appointment]:
        appointments, viewer_id = info.context.container.appointments, viewer_id_of(info)
        patient = str(patient_id)
        tz = await viewer_time_zone(info, time_zone)
        # The use case takes `first` and returns first + 1 rows itself (it audits the page).
        return await paginate(
            info,
            first,
            after,
            VISIT_CURSOR,
            lambda page: appointments.with_patient(viewer_id, patient, page.after, page.first),
            lambda appointment: Appointment.from_domain(appointment, tz),
            shape=patient,
        )


@strawberry.type
class WorkingHoursQueries:
    @guarded_field(IsDermatologist, "Your working hours, which make your bookable slots.")
    async def my_working_hours(self, info: Info) -> WorkingHours:
        availability = await run_sync(
            info.context.container.directory.availability, info.context.require_viewer().user_id
        )
        return WorkingHours.from_domain(availability)
