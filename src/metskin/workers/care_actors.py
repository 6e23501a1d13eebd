"""Care-path actors (appointment messages and reminders) and the reminder scanner.

The scanner is a thread in every worker process (`metskin worker` and the embedded worker),
started and stopped with the worker through a Dramatiq middleware. Each pass claims due
reminder rows (row locks with SKIP LOCKED), so any number of workers can scan at once.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import dramatiq

if TYPE_CHECKING:
    from metskin.bootstrap import Container
    from metskin.workers.actors import ActorSpec

log = logging.getLogger(__name__)
GAVE_UP = "The provider could not take the reminder after several tries."


class ReminderScanning(dramatiq.Middleware):
    """Runs `scan_once` every `interval` seconds while a worker runs."""

    def __init__(self, container: Container) -> None:
        self._container = container
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
        interval = self._container.settings.reminder_scan_seconds
        while not self._stop.is_set():
            try:
                self._container.reminder_scanner.scan_once()
            except Exception:  # the next pass tries again; never let the thread die
                log.exception("reminder scan failed")
            self._stop.wait(interval)


def care_actors(container: Container) -> list[ActorSpec]:
    # The names are the ones the services queue (booking.SEND_MESSAGE_ACTOR,
    # notices.SEND_REMINDER_ACTOR).
    container.broker.add_middleware(ReminderScanning(container))

    def send_appointment_message(appointment_id: str, kind: str, sequence: int) -> None:
        container.messenger.send_change(appointment_id, kind, sequence)

    def send_appointment_reminder(appointment_id: str, kind: str) -> None:
        container.messenger.send_reminder(appointment_id, kind)

    def appointment_reminder_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
        kwargs = message.get("kwargs", {})
        if kwargs.get("appointment_id") and kwargs.get("kind"):
            container.messenger.give_up_reminder(kwargs["appointment_id"], kwargs["kind"],
                                                 GAVE_UP)

    return [
        (send_appointment_message, {"max_retries": 8}),
        (send_appointment_reminder,
         {"max_retries": 6, "on_retry_exhausted": "appointment_reminder_gave_up"}),
        (appointment_reminder_gave_up, {}),
    ]
