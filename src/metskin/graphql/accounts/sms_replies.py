"""`POST /webhooks/sms`: replies sent to our SMS number, from the provider's signed messaging
webhook (adapters/notify/sms_replies.py; the use case: domain/notifications/sms_replies.py).

STOP turns texts off at once on the profiles whose verified phone sent it, START turns them on
again where a STOP turned them off, each said in the inbox; anything else changes nothing.
Answers: 200 with an empty TwiML `<Response/>` (the provider sends its own confirmation of
STOP and START); 403 `SIGNATURE_INVALID` not signed with the auth token; 400 `BAD_REQUEST` not
the provider's form; 429 `RATE_LIMITED` with `Retry-After`; 503 with the code of a service
that did not answer, 409 `CONFLICT` when the same message was being taken at that moment
(the provider may send either again: a message is read once, by its `MessageSid`); 404
`NOT_FOUND` when the server has no SMS auth token (`METSKIN_SMS_AUTH_TOKEN`): not 503, which
says "try again soon", because nothing will take these replies until it is configured, and a
server without SMS need not say it has the route.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from metskin.adapters.notify.sms_replies import (
    SIGNATURE_HEADER,
    ReplyNotValid,
    SmsReplySignature,
    form_params,
    sms_reply,
)
from metskin.bootstrap import Container
from metskin.domain.errors import Conflict, Unavailable
from metskin.domain.i18n.marks import _
from metskin.domain.limits.errors import RateLimited
from metskin.graphql.context import run_sync
from metskin.graphql.guard import client_ip
from metskin.graphql.http_refusals import coded_error
from metskin.graphql.i18n import coded_text, error_text, request_locale

PATH = "/webhooks/sms"
RULE = "smsReply"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
OFF = _("This server takes no SMS replies: it has no SMS provider's auth token.")
NOT_SIGNED = _(
    "This request is not signed by our SMS provider: X-Twilio-Signature is missing or does "
    "not match."
)
NOT_A_MESSAGE = _("This is not an incoming message: it needs MessageSid and From, form-encoded.")
TOO_MANY = _("Too many SMS replies; try again in {seconds} s.")


def sms_replies_route(container: Container) -> Route:
    settings = container.settings
    token = settings.sms_auth_token.get_secret_value()
    signature = SmsReplySignature(token) if token else None
    public_url = settings.effective_public_url + PATH

    async def limit(ip: str | None, number: str | None) -> int:
        """The whole seconds to wait (0: go on): per client address, and per number once
        signed."""
        if container.rate_limits is None:
            return 0
        try:
            await run_sync(container.rate_limits.check, RULE, ip=ip, account=number)
        except RateLimited as error:
            container.metrics.refused("rate", RULE)
            return error.retry_after
        return 0

    async def replies(request: Request) -> Response:
        tr = container.translations.translator(request_locale(request.headers))
        if signature is None:
            return coded_error(tr.gettext(OFF), "NOT_FOUND", 404)
        if wait := await limit(client_ip(request), None):
            return _too_many(tr.gettext(TOO_MANY), wait)
        try:
            params = form_params(await request.body())
        except ReplyNotValid:
            return coded_error(tr.gettext(NOT_A_MESSAGE), "BAD_REQUEST", 400)
        query = f"?{request.url.query}" if request.url.query else ""
        urls = (public_url + query, str(request.url))
        if not signature.verify(request.headers.get(SIGNATURE_HEADER), urls, params):
            return coded_error(tr.gettext(NOT_SIGNED), "SIGNATURE_INVALID", 403)
        try:
            reply = sms_reply(params)
        except ReplyNotValid:
            return coded_error(tr.gettext(NOT_A_MESSAGE), "BAD_REQUEST", 400)
        if wait := await limit(None, reply.sender):
            return _too_many(tr.gettext(TOO_MANY), wait)
        try:
            await run_sync(container.sms_replies.take, reply)
        except Unavailable as error:
            return coded_error(coded_text(error.message, error.code, tr), error.code, 503)
        except Conflict as error:  # the same message taken at the same moment: read once
            return coded_error(error_text(error, tr), error.code, 409)
        return Response(EMPTY_TWIML, media_type="text/xml")

    return Route(PATH, replies, methods=["POST"])


def _too_many(template: str, seconds: int) -> Response:
    """429 RATE_LIMITED, its wait (`RateLimited.retry_after`: whole seconds, at least 1) in the
    words, in `retryAfter` and in `Retry-After`."""
    return coded_error(
        template.format(seconds=seconds),
        "RATE_LIMITED",
        429,
        {"retry-after": str(seconds)},
        retryAfter=seconds,
    )
