"""Account actors: the welcome email after registration."""

from __future__ import annotations

from metskin.domain.accounts.service import SEND_WELCOME_EMAIL
from metskin.domain.notifications.service import NotificationService
from metskin.workers.actors import ActorSpec


def account_actors(notifications: NotificationService) -> list[ActorSpec]:
    def send_welcome_email(user_id: str) -> None:
        notifications.send_welcome_email(user_id)

    return [ActorSpec(SEND_WELCOME_EMAIL, send_welcome_email)]
