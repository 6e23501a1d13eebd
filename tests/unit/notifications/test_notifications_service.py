"""NotificationService on the fakes: each notification leaves once per dedupe key."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from metskin.domain.inbox.model import NotificationKind, wake_up
from metskin.domain.messages import OutgoingEmail, OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.service import NotificationService
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork, SentRecord
from tests.unit.builders import user

EMAIL = OutgoingEmail("u1@example.com", "Hello", "<p>Hello</p>", "Hello")  # u1: verified
SMS = OutgoingSms("+447700900123", "Your appointment is tomorrow.")


class BrokenNotifier(FakeNotifier):
    """The provider is down for the next send."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True

    def send_email(self, email: OutgoingEmail) -> None:
        if self.down:
            self.down = False
            raise ConnectionError("provider unreachable")
        super().send_email(email)


@pytest.fixture
def uow() -> FakeNotificationsUnitOfWork:
    uow = FakeNotificationsUnitOfWork()
    with uow:
        uow.users.add(user("u1", display_name="Maya"))
        uow.users.add(user("u2"))
        uow.commit()
    return uow


@pytest.fixture
def notifications(
    uow: FakeNotificationsUnitOfWork,
    notifier: FakeNotifier,
    renderer: FakeMailRenderer,
    clock: FakeClock,
) -> NotificationService:
    return NotificationService(uow, notifier, renderer, clock)


def test_an_email_leaves_once_per_dedupe_key_and_is_recorded(
    notifications: NotificationService,
    notifier: FakeNotifier,
    uow: FakeNotificationsUnitOfWork,
    clock: FakeClock,
) -> None:
    assert notifications.send_email_once("k1", EMAIL) is True
    assert notifications.send_email_once("k1", EMAIL) is False
    assert notifier.emails == [EMAIL]
    assert uow.sent_notifications.keys == {"k1": SentRecord("email", EMAIL.to, clock.now)}
    assert notifications.send_email_once("k2", EMAIL) is True
    assert notifier.emails == [EMAIL, EMAIL]


def test_an_sms_leaves_once_per_dedupe_key(
    notifications: NotificationService, notifier: FakeNotifier, uow: FakeNotificationsUnitOfWork
) -> None:
    assert notifications.send_sms_once("s1", SMS) is True
    assert notifications.send_sms_once("s1", SMS) is False
    assert notifier.sms == [SMS] and notifier.emails == []
    assert uow.sent_notifications.keys["s1"].channel == "sms"
    assert uow.sent_notifications.keys["s1"].recipient == SMS.to


def test_a_failed_send_records_nothing_so_a_retry_sends_it(
    uow: FakeNotificationsUnitOfWork, renderer: FakeMailRenderer, clock: FakeClock
) -> None:
    notifier = BrokenNotifier()
    notifications = NotificationService(uow, notifier, renderer, clock)
    with pytest.raises(ConnectionError):
        notifications.send_email_once("k1", EMAIL)
    assert not uow.sent_notifications.was_sent("k1")
    assert notifications.send_email_once("k1", EMAIL) is True
    assert notifier.emails == [EMAIL]


def test_the_welcome_email_greets_by_name_and_leaves_once(
    notifications: NotificationService, notifier: FakeNotifier, renderer: FakeMailRenderer
) -> None:
    assert notifications.send_welcome_email("u1") is True
    assert notifications.send_welcome_email("u1") is False
    assert renderer.rendered[0] == ("welcome", "u1@example.com", {"name": "Maya"})
    assert [e.to for e in notifier.emails] == ["u1@example.com"]
    assert notifications.send_welcome_email("u2") is True
    assert renderer.rendered[-1][2] == {"name": "u2"}  # no display name: the email's name


def test_no_welcome_email_for_an_unknown_user(
    notifications: NotificationService, notifier: FakeNotifier, uow: FakeNotificationsUnitOfWork
) -> None:
    assert notifications.send_welcome_email("ghost") is False
    assert notifier.emails == [] and uow.sent_notifications.keys == {}


def test_no_welcome_email_once_the_person_opted_out_or_closed_the_account(
    notifications: NotificationService, notifier: FakeNotifier, uow: FakeNotificationsUnitOfWork
) -> None:
    """The job was queued at registration; the person unticked email (or closed the account)
    before it ran: their choice at send time wins, as for every other sender."""
    with uow:
        uow.users.add(user("quiet", email_opt_in=False))
        closed = user("closed")
        closed.is_active = False
        uow.users.add(closed)
        uow.commit()

    assert notifications.send_welcome_email("quiet") is False
    assert notifications.send_welcome_email("closed") is False
    assert notifier.emails == [] and uow.sent_notifications.keys == {}


class RefusedNumber(FakeNotifier):
    """The SMS provider refuses the number for good (it replied STOP: Twilio 21610)."""

    def send_sms(self, sms: OutgoingSms) -> None:
        raise DeliveryRefused("SMS provider answered HTTP 400", status=400, recipient=True)


def test_a_person_whose_texts_stop_is_told_why_once_in_their_inbox(
    uow: FakeNotificationsUnitOfWork, renderer: FakeMailRenderer, clock: FakeClock
) -> None:
    """Before, SMS went off on the profile and nothing said why. Now the turning off tells the
    person once in their inbox (their number, to reply START and turn SMS on), however many
    messages the number refused; turned on again and refused again, it tells again."""
    notifications = NotificationService(uow, RefusedNumber(), renderer, clock)
    with uow:
        texter = uow.users.get("u1")
        assert texter is not None
        texter.profile = replace(texter.profile, phone=SMS.to, sms_opt_in=True)
        uow.users.save(texter)
        uow.commit()
    for key in ("reminder:a", "reminder:b"):
        assert notifications.send_each(key, EMAIL, SMS, owner="u1").refused
    (told,) = uow.inbox.newest("u1", None, 10)
    assert told.kind is NotificationKind.SMS_STOPPED and told.payload == {
        "phone": "+44 7700 900123"
    }
    assert uow.released.count(wake_up("u1")) == 1  # the inbox badge hears of it once
    with uow:
        texter = uow.users.get("u1")
        assert texter is not None and not texter.profile.sms_opt_in
        texter.profile = replace(texter.profile, sms_opt_in=True)
        uow.users.save(texter)
        uow.commit()
    clock.now += timedelta(days=2)
    notifications.send_each("reminder:c", EMAIL, SMS, owner="u1")
    assert [n.kind for n in uow.inbox.newest("u1", None, 10)] == [NotificationKind.SMS_STOPPED] * 2
    assert uow.inbox.newest("u2", None, 10) == []


def test_a_refusal_of_our_sender_or_of_another_number_tells_nothing(
    uow: FakeNotificationsUnitOfWork, renderer: FakeMailRenderer, clock: FakeClock
) -> None:
    """Only a refusal of the person's own number turns their SMS off and says so."""

    class RefusesUs(FakeNotifier):
        def send_sms(self, sms: OutgoingSms) -> None:
            raise DeliveryRefused("SMS provider answered HTTP 401", status=401)

    with uow:
        texter = uow.users.get("u1")
        assert texter is not None
        texter.profile = replace(texter.profile, phone="+447700900999", sms_opt_in=True)
        uow.users.save(texter)
        uow.commit()
    NotificationService(uow, RefusedNumber(), renderer, clock).send_each("a", EMAIL, SMS, "u1")
    with uow:
        texter = uow.users.get("u1")
        assert texter is not None and texter.profile.sms_opt_in
        texter.profile = replace(texter.profile, phone=SMS.to)
        uow.users.save(texter)
        uow.commit()
    NotificationService(uow, RefusesUs(), renderer, clock).send_each("b", EMAIL, SMS, "u1")
    assert uow.inbox.newest("u1", None, 10) == []
    still = uow.users.get("u1")
    assert still is not None and still.profile.sms_opt_in
