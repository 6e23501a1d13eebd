"""A phone number gets SMS only once a code texted to it came back (domain/accounts/phone.py).

Before this, any number saved in the profile got appointment and check-in SMS: a typo texted a
stranger about someone's dermatology appointments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.limits.memory import InMemoryLoginFailures
from metskin.domain.accounts.model import Profile
from metskin.domain.accounts.phone import (
    CODE_WINDOW_SECONDS,
    SEND_PHONE_CODE,
    WRONG_CODES,
    PhoneCodeInvalid,
    PhoneMissing,
    PhoneVerification,
    wrong_phone_codes,
)
from metskin.domain.accounts.phone_delivery import PhoneCodeNotDelivered, PhoneNumberRefused
from metskin.domain.accounts.profile import apply_profile_changes
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.locales import supported_locales
from metskin.domain.limits.errors import RateLimited
from metskin.domain.messages import OutgoingSms, sms_segments
from metskin.domain.notifications.errors import DeliveryRefused, DeliveryUnavailable
from metskin.domain.notifications.service import NotificationService
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.builders import user

NOW = datetime(2026, 12, 6, 9, 0, 30, tzinfo=UTC)  # 30 s into a 10-minute window
PHONE = "+447700900123"
TYPO = "+447700900132"


@dataclass
class World:
    uow: FakeAccountsUnitOfWork
    clock: FakeClock
    notifier: FakeNotifier
    phones: PhoneVerification

    def profile(self, user_id: str = "p1") -> Profile:
        found = self.uow.users.get(user_id)
        assert found is not None
        return found.profile

    def change_phone(self, phone: str | None, user_id: str = "p1") -> None:
        found = self.uow.users.get(user_id)
        assert found is not None
        found.profile = apply_profile_changes(found.profile, {"phone": phone}, self.clock())
        self.uow.users.save(found)

    def ask(self, user_id: str = "p1") -> bool:
        """requestPhoneCode, then the worker runs the job it queued."""
        asked = self.phones.request_code(user_id)
        self.deliver()
        return asked

    def deliver(self) -> list[bool]:
        """Run the queued jobs not run yet (the worker), as Dramatiq would: once each."""
        jobs, self.uow.released[:] = self.uow.jobs, []
        assert all(job.actor == SEND_PHONE_CODE for job in jobs)
        return [self.phones.send_code(**job.kwargs) for job in jobs]

    def last_code(self) -> str:
        return self.notifier.sms[-1].body.split(" is ")[1][:6]


@pytest.fixture
def world() -> World:
    uow = FakeAccountsUnitOfWork()
    with uow:
        # phone_verified=None: a number just typed in, never proved.
        uow.users.add(user("p1", phone=PHONE, phone_verified=None, sms_opt_in=True))
        uow.users.add(user("p2", phone=PHONE, phone_verified=None, locale="fr-FR"))
        uow.users.add(user("nophone"))
        uow.commit()
    clock = FakeClock(NOW)
    notifier = FakeNotifier()
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, notifier, FakeMailRenderer(), clock)
    phones = PhoneVerification(
        uow,
        notifications,
        clock,
        b"server-secret",
        wrong_phone_codes(InMemoryLoginFailures(), clock),
        BabelTranslations(),
    )
    return World(uow, clock, notifier, phones)


def test_a_new_number_gets_no_sms_until_verified(world: World) -> None:
    assert world.profile().sms_opt_in and world.profile().sms_number is None
    assert world.ask("p1") is True
    [sms] = world.notifier.sms
    assert sms.to == PHONE and world.phones.code_for("p1", PHONE) in sms.body
    world.phones.verify("p1", world.last_code())
    assert world.profile().phone_verified == PHONE
    assert world.profile().sms_number == PHONE


def test_the_code_of_the_previous_window_is_accepted_not_older(world: World) -> None:
    world.ask("p1")
    code = world.last_code()
    world.clock.advance(seconds=CODE_WINDOW_SECONDS)  # the next window: still accepted
    world.phones.verify("p1", code)
    assert world.profile().sms_number == PHONE

    world.change_phone(TYPO)
    world.ask("p1")
    old = world.last_code()
    world.clock.advance(seconds=2 * CODE_WINDOW_SECONDS)
    with pytest.raises(PhoneCodeInvalid) as raised:
        world.phones.verify("p1", old)
    assert raised.value.code == "PHONE_CODE_INVALID" and raised.value.field == "code"
    assert world.profile().sms_number is None


def test_changing_the_number_unverifies_it_and_the_old_code_is_refused(world: World) -> None:
    world.ask("p1")
    code = world.last_code()
    world.phones.verify("p1", code)
    world.change_phone(TYPO)
    assert world.profile().phone_verified == PHONE  # kept, but not the phone's any more
    assert world.profile().sms_number is None
    with pytest.raises(PhoneCodeInvalid):
        world.phones.verify("p1", code)  # the code of the number before
    world.change_phone(PHONE)  # back to the proved number: verified again
    assert world.profile().sms_number == PHONE


def test_a_code_is_for_one_account_and_number(world: World) -> None:
    codes = {
        world.phones.code_for("p1", PHONE),
        world.phones.code_for("p2", PHONE),
        world.phones.code_for("p1", TYPO),
    }
    assert len(codes) == 3 and all(len(c) == 6 and c.isdigit() for c in codes)
    with pytest.raises(PhoneCodeInvalid):
        world.phones.verify("p2", world.phones.code_for("p1", PHONE))


def test_after_five_wrong_codes_even_the_right_one_waits_an_hour(world: World) -> None:
    right = world.phones.code_for("p1", PHONE)
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    for attempt in [wrong] * (WRONG_CODES - 2) + ["12 34", "not a code"]:
        with pytest.raises(PhoneCodeInvalid):
            world.phones.verify("p1", attempt)
    with pytest.raises(RateLimited) as raised:
        world.phones.verify("p1", right)  # else the refusal would tell a guesser it is right
    assert raised.value.code == "RATE_LIMITED" and raised.value.retry_after > 3000
    world.phones.verify("p2", world.phones.code_for("p2", PHONE))  # another account: counted apart
    world.clock.advance(hours=1, seconds=1)
    world.phones.verify("p1", world.phones.code_for("p1", PHONE))
    assert world.profile().sms_number == PHONE


def test_one_sms_per_window_and_none_to_a_verified_or_missing_number(world: World) -> None:
    assert world.ask("p1") is True
    assert world.ask("p1") is False  # the same code: sent already
    world.clock.advance(seconds=CODE_WINDOW_SECONDS)
    assert world.ask("p1") is True
    world.phones.verify("p1", world.last_code())
    assert world.ask("p1") is False
    assert len(world.notifier.sms) == 2
    with pytest.raises(PhoneMissing) as raised:
        world.ask("nophone")
    assert raised.value.code == "PHONE_MISSING"
    with pytest.raises(PhoneMissing):
        world.phones.verify("nophone", "123456")


def test_the_code_comes_in_the_person_s_language(world: World) -> None:
    world.ask("p2")
    assert world.notifier.sms[-1].body.startswith("MetSkin : votre code")


@pytest.mark.parametrize("locale", supported_locales())
def test_the_code_text_is_one_sms_in_every_language(world: World, locale: str) -> None:
    text = world.phones.code_text(locale, "123456")
    assert "123456" in text and sms_segments(text) == 1
    assert "{" not in text


def test_phone_verified_is_not_a_profile_change(world: World) -> None:
    with pytest.raises(ValidationFailed, match="Unknown profile fields: phone_verified"):
        apply_profile_changes(world.profile(), {"phone_verified": TYPO}, NOW)


class ProviderDown(ConnectionError): ...


def provider_down(sms: OutgoingSms) -> None:
    raise ProviderDown("the SMS provider does not answer")


def test_asking_answers_at_once_and_the_sms_is_a_retried_job(world: World) -> None:
    """Before, the SMS went inside requestPhoneCode: a provider outage failed the request (and
    a slow provider held it)."""
    world.notifier.send_sms = provider_down  # type: ignore[method-assign]
    assert world.phones.request_code("p1") is True
    [job] = world.uow.jobs
    assert job.actor == SEND_PHONE_CODE and PHONE not in str(job.kwargs)
    with pytest.raises(ProviderDown):  # so Dramatiq retries it
        world.phones.send_code(**job.kwargs)
    assert world.phones.request_code("p1") is True  # nothing left: asking again queues another
    again = world.uow.jobs[-1]

    del world.notifier.send_sms  # the provider is back, in the next window
    world.clock.advance(seconds=CODE_WINDOW_SECONDS + 200)
    assert world.phones.send_code(**job.kwargs) is True
    assert world.phones.send_code(**again.kwargs) is False  # the same window's code: sent
    assert world.phones.send_code(**job.kwargs) is False  # a redelivery
    assert len(world.notifier.sms) == 1
    world.clock.advance(seconds=CODE_WINDOW_SECONDS)  # still valid 10 minutes after it left
    world.phones.verify("p1", world.last_code())
    assert world.profile().sms_number == PHONE


def test_a_late_job_sends_no_code_that_would_not_verify(world: World) -> None:
    world.phones.request_code("p1")
    world.clock.advance(seconds=2 * CODE_WINDOW_SECONDS)  # the worker was down 20 minutes
    assert world.deliver() == [False]  # dropped: the person asked again or gave up
    assert world.notifier.sms == []
    assert world.ask("p1") is True  # asking now sends now
    world.clock.advance(seconds=CODE_WINDOW_SECONDS)
    world.phones.verify("p1", world.last_code())


def test_a_job_for_a_number_changed_or_verified_since_sends_nothing(world: World) -> None:
    world.phones.request_code("p1")
    world.change_phone(TYPO)
    assert world.deliver() == [False]
    world.phones.request_code("p1")
    world.phones.request_code("p1")  # two asks before the worker ran: one SMS
    assert world.deliver() == [True, False] and len(world.notifier.sms) == 1
    assert world.notifier.sms[0].to == TYPO
    world.clock.advance(seconds=CODE_WINDOW_SECONDS)
    assert world.phones.request_code("p1") is True  # the next window's
    world.phones.verify("p1", world.last_code())  # with the code that came before it
    assert world.deliver() == [False] and len(world.notifier.sms) == 1


def refusing(status: int, recipient: bool) -> Callable[[OutgoingSms], None]:
    def send(sms: OutgoingSms) -> None:
        raise DeliveryRefused(f"HTTP {status}", status=status, recipient=recipient)

    return send


def busy_for(seconds: float) -> Callable[[OutgoingSms], None]:
    def send(sms: OutgoingSms) -> None:
        raise DeliveryUnavailable("HTTP 429", retry_after=seconds)

    return send


def how_it_went(world: World) -> tuple[str, str | None, int | None]:
    found = world.phones.delivery_of("p1")
    assert found is not None and found[1] == PHONE
    delivery = found[0]
    problem = delivery.problem_now(world.clock())
    return (
        delivery.state.value,
        problem.value if problem else None,
        delivery.retry_after(world.clock()),
    )


def test_a_number_the_provider_refuses_is_told_and_not_asked_again_for_an_hour(
    world: World,
) -> None:
    """Before, a refused number was as silent as a slow SMS: "nothing after a few minutes?
    send code again", which the provider refused again."""
    assert world.phones.delivery_of("p1") is None  # never asked
    world.phones.request_code("p1")
    assert how_it_went(world) == ("SENDING", None, None)
    world.notifier.send_sms = refusing(400, recipient=True)  # type: ignore[method-assign]
    assert world.deliver() == [False]  # final: not retried
    assert how_it_went(world) == ("FAILED", "NUMBER_REFUSED", None)
    with pytest.raises(PhoneNumberRefused) as refused:
        world.phones.request_code("p1")
    assert refused.value.code == "PHONE_NUMBER_REFUSED" and refused.value.field == "phone"
    assert PHONE in refused.value.message and "country code" in refused.value.message
    with pytest.raises(PhoneCodeNotDelivered) as wrong:  # a guess: why no code came
        world.phones.verify("p1", "000000")
    assert wrong.value.code == "PHONE_CODE_NOT_DELIVERED" and wrong.value.field == "code"

    world.change_phone(TYPO)  # another number: nothing to say about it yet
    assert world.phones.delivery_of("p1") is None
    world.change_phone(PHONE)
    world.clock.advance(hours=1)  # an hour on, it may be asked again
    del world.notifier.send_sms
    assert world.ask("p1") is True
    assert how_it_went(world) == ("SENT", None, None)


def test_a_provider_that_refuses_us_or_is_down_or_busy_is_told_so(world: World) -> None:
    world.phones.request_code("p1")
    world.notifier.send_sms = refusing(401, recipient=False)  # type: ignore[method-assign]
    assert world.deliver() == [False]
    assert how_it_went(world) == ("FAILED", "SERVICE_DOWN", None)  # ours: not the number
    assert world.phones.request_code("p1") is True  # asking again is allowed

    [job] = world.uow.jobs
    world.notifier.send_sms = provider_down  # type: ignore[method-assign]
    with pytest.raises(ProviderDown):  # retried
        world.phones.send_code(**job.kwargs)
    assert how_it_went(world) == ("RETRYING", "SERVICE_DOWN", None)
    world.notifier.send_sms = busy_for(30)  # type: ignore[method-assign]
    with pytest.raises(DeliveryUnavailable):  # retried (after the 30 s it asked for)
        world.phones.send_code(**job.kwargs)
    assert how_it_went(world) == ("RETRYING", "SERVICE_BUSY", 30)
    with pytest.raises(PhoneCodeNotDelivered, match="30 seconds"):
        world.phones.verify("p1", "000000")
    world.clock.advance(seconds=31)  # the wait is over: a retry under way
    assert how_it_went(world) == ("RETRYING", "SERVICE_DOWN", None)
    del world.notifier.send_sms
    assert world.phones.send_code(**job.kwargs) is True
    assert how_it_went(world) == ("SENT", None, None)
    with pytest.raises(PhoneCodeInvalid):  # a wrong code, now that one came
        world.phones.verify("p1", "000000")
    world.phones.verify("p1", world.last_code())
