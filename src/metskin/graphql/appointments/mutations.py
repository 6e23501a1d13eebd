"""Appointment mutations: book, cancel and reschedule; record a visit's outcome; replace your
working hours."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from metskin.graphql.appointments.types import Appointment, BookAppointmentInput, viewer_time_zone
from metskin.graphql.appointments.working_hours import (
    WorkingHours,
    WorkingHoursInput,
    WorkingHoursUpdate,
)
from metskin.graphql.context import run_sync, viewer_id_of
from metskin.graphql.permissions import IsDermatologist, IsPatient, guarded_mutation


@strawberry.type
class BookingMutations:
    @guarded_mutation(
        IsPatient,
        "Book a free time of a dermatologist. At most 2 upcoming appointments with one "
        "dermatologist and 5 in all (TOO_MANY_APPOINTMENTS); 10 bookings or moves an hour "
        "(RATE_LIMITED). A time you have booked with that dermatologist already gives that "
        "appointment, unchanged, and sends nothing again: a retry after a lost answer is safe.",
    )
    async def book_appointment(self, info: Info, input: BookAppointmentInput) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.book,
            viewer_id_of(info),
            str(input.dermatologist_id),
            input.slot_start,
            input.consultation_type,
            input.reason,
            str(input.referral_id) if input.referral_id else None,
        )
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @guarded_mutation(IsPatient, "Not possible less than 2 hours before the start.")
    async def cancel_appointment(
        self, info: Info, id: strawberry.ID, reason: str = ""
    ) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.cancel, viewer_id_of(info), str(id), reason
        )
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @guarded_mutation(
        IsDermatologist,
        "Cancel a booking with one of your patients, at any time before it starts, saying why "
        "(`reason`, required): the patient gets the cancellation by email or SMS with the "
        "reason, and may book again.",
    )
    async def cancel_patient_appointment(
        self, info: Info, id: strawberry.ID, reason: str
    ) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.cancel_by_doctor,
            viewer_id_of(info),
            str(id),
            reason,
        )
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @guarded_mutation(
        IsDermatologist,
        "Record whether a visit with one of your patients took place, once it has begun: "
        "seen (COMPLETED, the default) or not attended (`attended: false`, NO_SHOW); a past "
        "booking otherwise stays BOOKED. A recorded outcome may be corrected to the other one. "
        "Nothing is sent to the patient. VALIDATION_FAILED before the start; CONFLICT when "
        "cancelled, or when it has that outcome already.",
    )
    async def complete_patient_appointment(
        self,
        info: Info,
        id: strawberry.ID,
        attended: Annotated[
            bool,
            strawberry.argument(description="False: the patient did not attend (NO_SHOW)."),
        ] = True,
    ) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.complete_by_doctor,
            viewer_id_of(info),
            str(id),
            attended,
        )
        return Appointment.from_domain(appointment, await viewer_time_zone(info))

    @guarded_mutation(
        IsPatient,
        "Move to another free slot of the same dermatologist. Counts with the bookings: 10 "
        "an hour (RATE_LIMITED).",
    )
    async def reschedule_appointment(
        self, info: Info, id: strawberry.ID, slot_start: datetime
    ) -> Appointment:
        appointment = await run_sync(
            info.context.container.appointments.reschedule, viewer_id_of(info), str(id), slot_start
        )
        return Appointment.from_domain(appointment, await viewer_time_zone(info))


@strawberry.type
class WorkingHoursMutations:
    @guarded_mutation(IsDermatologist, "Replace your working hours. Existing bookings are kept.")
    async def set_my_working_hours(
        self, info: Info, input: WorkingHoursInput
    ) -> WorkingHoursUpdate:
        doctor_id = info.context.require_viewer().user_id
        availability = input.to_domain(doctor_id)
        outside = await run_sync(
            info.context.container.directory.set_availability, doctor_id, availability
        )
        return WorkingHoursUpdate(
            working_hours=WorkingHours.from_domain(availability),
            outside_hours=[Appointment.from_domain(a, availability.time_zone) for a in outside],
        )
