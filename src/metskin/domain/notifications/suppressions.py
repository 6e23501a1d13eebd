"""Taking a person's address off the email provider's suppression lists (a bounce or a spam
report put it there) once they confirmed it again, confirmed a new one, or turned emails on
again: otherwise the provider keeps dropping every email to it while MetSkin counts it sent.

The change that allows it queues a job in its own unit of work (`clear_suppressions`); the
actor calls the provider. The person's change never waits on the provider nor fails with it: a
provider that cannot answer now is retried (the worker's retries), one that refuses the request
is logged and left (a retry would be refused again).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Protocol

from metskin.domain.messages import Event, Job
from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable
from metskin.domain.notifications.ports import EmailSuppressions

log = logging.getLogger(__name__)
CLEAR_EMAIL_SUPPRESSIONS = "clear_email_suppressions"  # the actor (workers/accounts.py)


class _Deferring(Protocol):
    def defer(self, message: Job | Event) -> None: ...


def clear_suppressions(uow: _Deferring, email: str) -> None:
    """Queue the clearing of `email` with the caller's change (sent after its commit)."""
    uow.defer(Job(CLEAR_EMAIL_SUPPRESSIONS, {"email": email}))


def clear_now(suppressions: EmailSuppressions, email: str) -> bool:
    """The actor's step: True when the provider took the address off its lists; False when it
    refused (logged, not retried). A provider that could not answer raises (retried)."""
    # never the address in a log, nor the provider's text (it may quote it)
    said = {"address": hashlib.sha256(email.encode()).hexdigest()[:12]}
    try:
        suppressions.clear(email)
    except DeliveryUnavailable:
        log.warning("email suppressions not cleared yet: retried", extra=said)
        raise
    except DeliveryRefused as error:
        log.warning("email suppressions not cleared", extra={**said, "status": error.status})
        return False
    log.info("email suppressions cleared", extra=said)
    return True
