"""A calendar invite we sent is kept true: after the person turns emails off, the move or
cancellation of an appointment whose invite reached their calendar still goes (the update or
CANCEL of that event), so their calendar does not keep the old time or a cancelled visit and
remind them of it. Nothing else goes: reminders and new bookings keep to the opt-out."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.appointments.test_appointment_notices import Care, build
from tests.unit.builders import MONDAY_9, user

from metskin.domain.appointments.reminders import ReminderStatus


def emails_off(care: Care, patient_id: str = "p1") -> None:
    with care.uow:
        person = care.uow.users.get(patient_id)
        assert person is not None
        person.profile.email_opt_in = False
        care.uow.users.save(person)
        care.uow.commit()


def methods(care: Care) -> list[str]:
    """The METHOD of each .ics sent, oldest first."""
    found = []
    for email in care.notifier.emails:
        for attachment in email.attachments:
            lines = attachment.content.decode().splitlines()
            found += [line.split(":", 1)[1] for line in lines if line.startswith("METHOD:")]
    return found


def test_a_dermatologist_s_cancellation_reaches_the_calendar_after_emails_were_turned_off() -> None:
    """Before: nothing was sent, and the event stayed in the patient's calendar."""
    care = build()
    booked = care.book()
    assert care.messenger.send_change(booked, "CONFIRMED", 0) == 1
    emails_off(care)
    care.appointments.cancel_by_doctor("doc-1", booked, "The practice is closed that day.")
    assert care.messenger.send_change(booked, "CANCELLED", 1) == 1
    assert methods(care) == ["REQUEST", "CANCEL"]
    assert care.renderer.rendered[-1][0] == "appointment_cancelled"


def test_a_move_updates_the_calendar_event_after_emails_were_turned_off() -> None:
    care = build()
    booked = care.book()
    care.messenger.send_change(booked, "CONFIRMED", 0)
    emails_off(care)
    care.appointments.reschedule("p1", booked, MONDAY_9 + timedelta(hours=1))
    assert care.messenger.send_change(booked, "RESCHEDULED", 1) == 1
    care.appointments.cancel("p1", booked)
    assert care.messenger.send_change(booked, "CANCELLED", 2) == 1
    assert methods(care) == ["REQUEST", "REQUEST", "CANCEL"]


def test_no_calendar_update_without_an_invite_and_no_reminder_after_the_opt_out() -> None:
    care = build()
    care.add_patient(user("quiet", email_opt_in=False))
    never = care.book("quiet")
    assert care.messenger.send_change(never, "CONFIRMED", 0) == 0
    care.appointments.cancel("quiet", never)
    assert care.messenger.send_change(never, "CANCELLED", 1) == 0  # no event to take back
    booked = care.book()
    care.messenger.send_change(booked, "CONFIRMED", 0)
    emails_off(care)
    care.clock.now = MONDAY_9 - timedelta(hours=1)
    care.scanner.scan_once()
    assert care.messenger.send_reminder(booked, "1h") is ReminderStatus.SKIPPED
    assert methods(care) == ["REQUEST"]  # the booking's invite only
