"""Account actors: the welcome email after registration."""

from __future__ import annotations

from metskin.domain.notifications import NotificationService
from metskin.workers.actors import ActorSpec

SEND_WELCOME_EMAIL = "send_welcome_email"  # queued by AccountService.register


def account_actors(notifications: NotificationService) -> list[ActorSpec]:
    def send_welcome_email(user_id: str) -> None:
        notifications.send_welcome_email(user_id)

    return [ActorSpec(SEND_WELCOME_EMAIL, send_welcome_email)]
