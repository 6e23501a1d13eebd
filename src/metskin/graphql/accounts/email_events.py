"""`POST /webhooks/sendgrid`: SendGrid's signed Event Webhook (adapters/notify/sendgrid_events.py).

A hard bounce makes the address unproved again (`EmailAddresses.bounced`): no more reminders or
appointment emails go into the void, the person's inbox says mail to it came back (once per
address), and the web app's banner says so on every page, with a way to change the address or
confirm it again. A spam report stops the account's emails, as the one-click unsubscribe
does, and the inbox and the banner say why (`EmailAddresses.spam_reported`). Answers: 204
taken, 403 not signed by SendGrid's key, 400 not its events, 404 when no key is configured
(the webhook is off).
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from metskin.adapters.notify.sendgrid_events import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    EmailOutcomes,
    EventsNotValid,
    SendGridEventVerifier,
    email_outcomes,
)
from metskin.bootstrap import Container
from metskin.graphql.context import run_sync

log = logging.getLogger(__name__)
PATH = "/webhooks/sendgrid"


def email_events_route(container: Container) -> Route:
    key = container.settings.sendgrid_event_public_key
    verifier = SendGridEventVerifier(key) if key else None

    def apply(outcomes: EmailOutcomes) -> None:
        bounced = sum(container.email_addresses.bounced(email) for email in outcomes.bounced)
        stopped = sum(container.accounts.stop_emails(email) for email in outcomes.spam)
        for email in outcomes.spam:
            container.email_addresses.spam_reported(email)
        # counts only: the addresses are the people's
        log.info("email events", extra={"unproved": bounced, "emails_stopped": stopped})

    async def events(request: Request) -> Response:
        if verifier is None:
            return Response(status_code=404)
        body = await request.body()
        headers = request.headers
        if not verifier.verify(headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER), body):
            return Response(status_code=403)
        try:
            outcomes = email_outcomes(body)
        except EventsNotValid:
            return Response(status_code=400)
        await run_sync(apply, outcomes)
        return Response(status_code=204)

    return Route(PATH, events, methods=["POST"])
