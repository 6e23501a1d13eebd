"""The patient's notifications of an appointment carry the zone its start is shown in (their
profile's, as on the appointments page and in the email of the same event), so the inbox shows
the start as the appointments page does: in that zone, labelled."""

from __future__ import annotations

from datetime import timedelta

from tests.unit.appointments.test_appointment_notices import DAY_BEFORE, build
from tests.unit.builders import MONDAY_9, VIDEO, user

from metskin.domain.inbox import entries
from metskin.domain.inbox.model import NotificationKind


def test_each_appointment_notification_carries_the_patient_s_zone() -> None:
    care = build()
    care.add_patient(user("tokyo", time_zone="Asia/Tokyo"))
    booked = care.book("tokyo", kind=VIDEO)  # a video consultation from the other side
    care.appointments.reschedule("tokyo", booked, MONDAY_9 + timedelta(minutes=30))
    care.appointments.cancel("tokyo", booked)
    reminded = care.book("tokyo", kind=VIDEO)
    care.clock.now = MONDAY_9 - timedelta(hours=24)
    care.scanner.scan_once()
    care.messenger.send_reminder(reminded, DAY_BEFORE)
    told = care.uow.inbox.newest("tokyo", None, 10)
    assert [n.kind for n in told] == [
        NotificationKind.APPOINTMENT_REMINDER,
        NotificationKind.APPOINTMENT_BOOKED,
        NotificationKind.APPOINTMENT_CANCELLED,
        NotificationKind.APPOINTMENT_MOVED,
        NotificationKind.APPOINTMENT_BOOKED,
    ]
    assert [n.payload["time_zone"] for n in told] == ["Asia/Tokyo"] * 5
    # the dermatologist's dashboard events are not given the patient's zone
    events = care.uow.dashboard_events.newest("doc-1", None, 10)
    assert events and all("time_zone" not in event.payload for event in events)


def test_an_entry_without_a_known_patient_has_no_zone() -> None:
    payload = {"appointment_id": "ap1", "start": "2030-01-01T09:00:00+00:00"}
    found = entries.appointment_changed("BOOKED", "p1", 0, payload)
    assert found is not None and "time_zone" not in found.payload
    zoned = entries.appointment_changed("BOOKED", "p1", 0, payload, "Europe/Paris")
    assert zoned is not None and zoned.payload["time_zone"] == "Europe/Paris"
    assert "time_zone" not in payload  # the dashboard's payload is left as it was


def test_a_cancellation_with_a_reason_carries_it_to_the_inbox() -> None:
    """The email said why ("I am ill today", "Your dermatologist closed their account, ..."),
    the inbox line did not: its details now carry the reason; a cancellation without one
    (the patient's own) has none."""
    care = build()
    care.add_patient(user("p2"))
    ill = care.book("p2")
    care.appointments.cancel_by_doctor("doc-1", ill, "I am ill today, sorry.")
    own = care.book("p2", start=MONDAY_9 + timedelta(hours=1))
    care.appointments.cancel("p2", own)
    told = {
        n.payload["appointment_id"]: n.payload
        for n in care.uow.inbox.newest("p2", None, 10)
        if n.kind is NotificationKind.APPOINTMENT_CANCELLED
    }
    assert told[ill]["reason"] == "I am ill today, sorry."
    assert "reason" not in told[own]
