"""Appointment actors (change messages and reminders).

The reminder scan runs in every worker process (`workers/scanning.py`); each pass claims due
reminder rows (row locks with SKIP LOCKED), so any number of workers can scan at once.
"""

from __future__ import annotations

import logging
from typing import Any

from metskin.domain.appointments.notices import (
    SEND_REMINDER_ACTOR,
    AppointmentMessenger,
)
from metskin.domain.appointments.service import SEND_MESSAGE_ACTOR
from metskin.workers.actors import ActorSpec

log = logging.getLogger(__name__)
REMINDER_GAVE_UP = "appointment_reminder_gave_up"
GAVE_UP = "The provider could not take the reminder after several tries."


def appointment_actors(messenger: AppointmentMessenger) -> list[ActorSpec]:
    def send_appointment_message(appointment_id: str, kind: str, sequence: int) -> None:
        messenger.send_change(appointment_id, kind, sequence)

    def send_appointment_reminder(appointment_id: str, kind: str, start: str | None = None) -> None:
        messenger.send_reminder(appointment_id, kind, start)

    def appointment_reminder_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        kwargs = message.get("kwargs", {})
        if kwargs.get("appointment_id") and kwargs.get("kind"):
            messenger.give_up_reminder(
                kwargs["appointment_id"], kwargs["kind"], GAVE_UP, kwargs.get("start")
            )

    return [
        ActorSpec(SEND_MESSAGE_ACTOR, send_appointment_message, {"max_retries": 8}),
        ActorSpec(
            SEND_REMINDER_ACTOR,
            send_appointment_reminder,
            {"max_retries": 6, "on_retry_exhausted": REMINDER_GAVE_UP},
        ),
        ActorSpec(REMINDER_GAVE_UP, appointment_reminder_gave_up),
    ]
