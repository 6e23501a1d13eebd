"""Phone verification: text a code to the profile's number, and send it back to prove it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from metskin.domain.accounts.phone_delivery import PROBLEM_TEXT, DeliveryProblem, DeliveryState
from metskin.domain.accounts.phone_delivery import PhoneCodeDelivery as Delivery
from metskin.graphql.accounts.types import User
from metskin.graphql.context import run_sync
from metskin.graphql.permissions import IsAuthenticated, guarded_field, guarded_mutation

PhoneCodeState = strawberry.enum(
    DeliveryState,
    name="PhoneCodeState",
    description="SENDING: queued, it leaves within seconds; SENT: the SMS provider took it; "
    "RETRYING: the provider is down or busy, we try again (see `problem`); FAILED: it "
    "refused, no code is coming (see `problem`).",
)
PhoneCodeProblem = strawberry.enum(
    DeliveryProblem,
    name="PhoneCodeProblem",
    description="NUMBER_REFUSED: the provider cannot deliver to this number (not a valid "
    "mobile number: check it, with its country code); SERVICE_DOWN: our SMS provider is not "
    "answering (we keep trying for a few minutes); SERVICE_BUSY: it asked us to wait "
    "`retryAfter` seconds (we try again then).",
)


@strawberry.type(description="How the SMS of the code of your current phone number went.")
class PhoneCodeDelivery:
    state: PhoneCodeState  # type: ignore[valid-type]
    problem: PhoneCodeProblem | None = strawberry.field(  # type: ignore[valid-type]
        description="Why no code came (RETRYING or FAILED)."
    )
    message: str | None = strawberry.field(
        description="The problem in words, in the request's language, saying what to do."
    )
    retry_after: int | None = strawberry.field(
        description="SERVICE_BUSY: the seconds until we try again."
    )
    at: datetime = strawberry.field(description="When it was asked for, or last tried.")

    @classmethod
    def from_domain(cls, delivery: Delivery, phone: str, info: Info) -> PhoneCodeDelivery:
        now = info.context.container.clock()
        problem, seconds = delivery.problem_now(now), delivery.retry_after(now)
        message = None
        if problem is not None:
            text = info.context.translator.gettext(PROBLEM_TEXT[problem])
            message = text.format(phone=phone, seconds=seconds or 0)
        return cls(
            state=delivery.state,
            problem=problem,
            message=message,
            retry_after=seconds if problem is DeliveryProblem.SERVICE_BUSY else None,
            at=delivery.at,
        )


@strawberry.type
class PhoneQueries:
    @guarded_field(
        IsAuthenticated,
        "How the SMS of the code of your current phone number went (null when none was "
        "asked for this number): read it after requestPhoneCode to tell why no code came.",
    )
    async def phone_code_delivery(self, info: Info) -> PhoneCodeDelivery | None:
        viewer = info.context.require_viewer()
        phones = info.context.container.phones
        found = await run_sync(phones.delivery_of, viewer.user_id)
        if found is None:
            return None
        delivery, phone = found
        return PhoneCodeDelivery.from_domain(delivery, phone, info)


@strawberry.type
class PhoneMutations:
    @guarded_mutation(
        IsAuthenticated,
        "Text a 6-digit code to the profile's phone number (valid 10 to 20 minutes). Answers "
        "at once: true when the SMS is on its way (sent by a retried job; one per number and "
        "10 minutes); false when none is needed: the number is verified already, or its code "
        "went out in the last minutes. `phoneCodeDelivery` then says how it went, and why no "
        "code came. PHONE_NUMBER_REFUSED: the SMS provider refused this number in the last "
        "hour (change it). No SMS goes to a number before it is verified.",
    )
    async def request_phone_code(self, info: Info) -> bool:
        viewer = info.context.require_viewer()
        return await run_sync(info.context.container.phones.request_code, viewer.user_id)

    @guarded_mutation(
        IsAuthenticated,
        "Prove the profile's phone number with the code texted to it (PHONE_CODE_INVALID; "
        "PHONE_CODE_NOT_DELIVERED when no code reached the number, saying why; after 5 wrong "
        "codes, RATE_LIMITED for an hour).",
    )
    async def verify_phone(self, info: Info, code: str) -> User:
        viewer = info.context.require_viewer()
        user = await run_sync(info.context.container.phones.verify, viewer.user_id, code)
        return User.from_domain(user)
