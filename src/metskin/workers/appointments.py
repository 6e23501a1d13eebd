"""Appointment actors (change messages and reminders) and the reminder scanner.

The scanner is a thread in every worker process (`metskin worker` and the embedded worker),
started and stopped with the worker through a Dramatiq middleware. Each pass claims due
reminder rows (row locks with SKIP LOCKED), so any number of workers can scan at once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import dramatiq

from metskin.domain.appointments.notices import (
    SEND_REMINDER_ACTOR,
    AppointmentMessenger,
    ReminderScanner,
)
from metskin.domain.appointments.service import SEND_MESSAGE_ACTOR
from metskin.workers.actors import ActorSpec

log = logging.getLogger(__name__)
REMINDER_GAVE_UP = "appointment_reminder_gave_up"
GAVE_UP = "The provider could not take the reminder after several tries."


class ReminderScanning(dramatiq.Middleware):
    """Runs `scan_once` every `interval` seconds while a worker runs."""

    def __init__(self, scanner: ReminderScanner, interval: float) -> None:
        self._scanner = scanner
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="reminder-scanner", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._scanner.scan_once()
            except Exception:  # the next pass tries again; never let the thread die
                log.exception("reminder scan failed")
            self._stop.wait(self._interval)


def appointment_actors(messenger: AppointmentMessenger) -> list[ActorSpec]:
    def send_appointment_message(appointment_id: str, kind: str, sequence: int) -> None:
        messenger.send_change(appointment_id, kind, sequence)

    def send_appointment_reminder(appointment_id: str, kind: str) -> None:
        messenger.send_reminder(appointment_id, kind)

    def appointment_reminder_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        kwargs = message.get("kwargs", {})
        if kwargs.get("appointment_id") and kwargs.get("kind"):
            messenger.give_up_reminder(kwargs["appointment_id"], kwargs["kind"], GAVE_UP)

    return [
        ActorSpec(SEND_MESSAGE_ACTOR, send_appointment_message, {"max_retries": 8}),
        ActorSpec(
            SEND_REMINDER_ACTOR,
            send_appointment_reminder,
            {"max_retries": 6, "on_retry_exhausted": REMINDER_GAVE_UP},
        ),
        ActorSpec(REMINDER_GAVE_UP, appointment_reminder_gave_up),
    ]
