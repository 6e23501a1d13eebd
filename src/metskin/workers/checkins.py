"""Check-in actors: send the reminder of one due check-in (the scan in `workers/scanning.py`
claims each due date once and queues this job)."""

from __future__ import annotations

from metskin.domain.checkins.service import SEND_CHECK_IN_ACTOR, CheckInMessenger
from metskin.workers.actors import ActorSpec


def check_in_actors(messenger: CheckInMessenger) -> list[ActorSpec]:
    def send_check_in_reminder(user_id: str, due: str) -> None:
        messenger.send(user_id, due)

    return [ActorSpec(SEND_CHECK_IN_ACTOR, send_check_in_reminder, {"max_retries": 6})]
