"""Replies sent to our SMS number, on the fakes: STOP turns texts off at once, START turns them on
again only where a STOP turned them off, once per provider message id; the words are the
provider's, and the signature is Twilio's."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest

from metskin.adapters.notify.sms_replies import (
    ReplyNotValid,
    SmsReplySignature,
    form_params,
    sms_reply,
)
from metskin.domain.inbox.model import NotificationKind, wake_up
from metskin.domain.messages import OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.service import NotificationService
from metskin.domain.notifications.sms_replies import Keyword, SmsReplies, SmsReply, keyword
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.builders import user

PHONE = "+447700900123"
SHOWN = "+44 7700 900123"


@pytest.fixture
def uow() -> FakeNotificationsUnitOfWork:
    """u1 and u2 (a shared family phone) take texts at the number, verified; u3 has it
    unverified; u4 has it verified but never chose texts; u5 has another number."""
    uow = FakeNotificationsUnitOfWork()
    with uow:
        uow.users.add(user("u1", phone=PHONE, sms_opt_in=True))
        uow.users.add(user("u2", phone=PHONE, sms_opt_in=True))
        uow.users.add(user("u3", phone=PHONE, phone_verified=None, sms_opt_in=True))
        uow.users.add(user("u4", phone=PHONE, sms_opt_in=False))
        uow.users.add(user("u5", phone="+447700900999", sms_opt_in=True))
        uow.commit()
    return uow


@pytest.fixture
def replies(uow: FakeNotificationsUnitOfWork, clock: FakeClock) -> SmsReplies:
    return SmsReplies(uow, clock)


def texts_on(uow: FakeNotificationsUnitOfWork) -> dict[str, bool]:
    found = {}
    for user_id in ("u1", "u2", "u3", "u4", "u5"):
        person = uow.users.get(user_id)
        assert person is not None
        found[user_id] = person.profile.sms_opt_in
    return found


def set_texts(uow: FakeNotificationsUnitOfWork, user_id: str, on: bool) -> None:
    with uow:
        person = uow.users.get(user_id)
        assert person is not None
        person.profile = replace(person.profile, sms_opt_in=on)
        uow.users.save(person)
        uow.commit()


@pytest.mark.parametrize(
    ("body", "opt_out_type", "expected"),
    [
        ("STOP", None, Keyword.STOP),
        ("  stop\n", None, Keyword.STOP),
        ("StopAll", None, Keyword.STOP),
        ("unsubscribe", None, Keyword.STOP),
        ("Cancel", None, Keyword.STOP),
        ("end", None, Keyword.STOP),
        ("QUIT", None, Keyword.STOP),
        ("start", None, Keyword.START),
        ("Unstop", None, Keyword.START),
        ("yes", None, Keyword.START),
        ("help", None, Keyword.HELP),
        ("info", None, Keyword.HELP),
        ("stop please", None, Keyword.OTHER),  # the provider does not stop on this either
        ("My rash is worse, can I call?", None, Keyword.OTHER),
        ("ARRET", None, Keyword.OTHER),  # not a word Twilio honours by default
        ("ARRET", "STOP", Keyword.STOP),  # ... unless its Advanced Opt-Out was told so
        ("WIEDER", "start", Keyword.START),
        ("STOP", "", Keyword.STOP),
    ],
)
def test_the_words_are_the_providers(
    body: str, opt_out_type: str | None, expected: Keyword
) -> None:
    assert keyword(body, opt_out_type) is expected


def test_stop_turns_texts_off_at_once_on_every_profile_whose_verified_phone_sent_it(
    replies: SmsReplies, uow: FakeNotificationsUnitOfWork
) -> None:
    """Before, nothing read the reply: texts stayed on until the provider refused the next."""
    taken = replies.take(SmsReply("SM1", PHONE, "Stop"))
    assert taken.changed == ("u1", "u2") and taken.accounts == 3
    assert texts_on(uow) == {"u1": False, "u2": False, "u3": True, "u4": False, "u5": True}
    for user_id in ("u1", "u2"):
        (told,) = uow.inbox.newest(user_id, None, 10)
        assert told.kind is NotificationKind.SMS_STOPPED
        assert told.payload == {"phone": SHOWN, "replied": True}
        assert wake_up(user_id) in uow.released
    assert uow.inbox.newest("u3", None, 10) == uow.inbox.newest("u4", None, 10) == []


def test_a_reply_the_provider_sends_again_is_read_once(
    replies: SmsReplies, uow: FakeNotificationsUnitOfWork, clock: FakeClock
) -> None:
    """STOP, then START, then the STOP's retry arriving late: texts stay on."""
    replies.take(SmsReply("SM1", PHONE, "STOP"))
    clock.now += timedelta(minutes=1)
    assert replies.take(SmsReply("SM1", PHONE, "STOP")).repeated
    assert len(uow.inbox.newest("u1", None, 10)) == 1
    clock.now += timedelta(minutes=1)
    assert replies.take(SmsReply("SM2", PHONE, "START")).changed == ("u1", "u2")
    clock.now += timedelta(minutes=1)
    late = replies.take(SmsReply("SM1", PHONE, "STOP"))
    assert late.repeated and late.changed == ()
    assert texts_on(uow)["u1"] is True


def test_start_turns_texts_on_again_only_where_a_stop_turned_them_off(
    replies: SmsReplies, uow: FakeNotificationsUnitOfWork, clock: FakeClock
) -> None:
    replies.take(SmsReply("SM1", PHONE, "STOP"))
    set_texts(uow, "u2", True)  # u2 turned texts on in the profile meanwhile
    clock.now += timedelta(hours=1)
    taken = replies.take(SmsReply("SM2", PHONE, "start"))
    # u4 never chose texts, u3's number is not verified: a START opts neither in
    assert taken.changed == ("u1",)
    assert texts_on(uow) == {"u1": True, "u2": True, "u3": True, "u4": False, "u5": True}
    newest = uow.inbox.newest("u1", None, 10)
    assert [n.kind for n in newest] == [NotificationKind.SMS_STARTED, NotificationKind.SMS_STOPPED]
    assert newest[0].payload == {"phone": SHOWN}
    assert uow.inbox.newest("u4", None, 10) == []
    # u1 turns texts off themselves after the START: a second START does not undo that
    set_texts(uow, "u1", False)
    clock.now += timedelta(hours=1)
    assert replies.take(SmsReply("SM3", PHONE, "YES")).changed == ()
    assert texts_on(uow)["u1"] is False


def test_start_after_a_refused_text_turns_texts_on_again(
    uow: FakeNotificationsUnitOfWork,
    replies: SmsReplies,
    renderer: FakeMailRenderer,
    clock: FakeClock,
) -> None:
    """The provider refused a text (the person had replied STOP before we read replies):
    their START now brings texts back without a visit to the profile."""

    class OptedOut(FakeNotifier):
        def send_sms(self, sms: OutgoingSms) -> None:
            raise DeliveryRefused("opted out (21610)", status=400, recipient=True)

    notifications = NotificationService(uow, OptedOut(), renderer, clock)
    with pytest.raises(DeliveryRefused):
        notifications.send_each("reminder:a", sms=OutgoingSms(PHONE, "Reminder"), owner="u1")
    assert texts_on(uow)["u1"] is False
    (told,) = uow.inbox.newest("u1", None, 10)
    assert told.payload == {"phone": SHOWN}  # refused, not replied
    clock.now += timedelta(days=1)
    assert replies.take(SmsReply("SM9", PHONE, "START")).changed == ("u1",)
    assert texts_on(uow)["u1"] is True


def test_help_anything_else_and_unknown_numbers_change_nothing_and_log_no_text(
    replies: SmsReplies, uow: FakeNotificationsUnitOfWork, caplog: pytest.LogCaptureFixture
) -> None:
    before = texts_on(uow)
    words = "My eczema is bleeding again, please call"
    with caplog.at_level(logging.INFO):
        assert replies.take(SmsReply("SM1", PHONE, "HELP")).keyword is Keyword.HELP
        assert replies.take(SmsReply("SM2", PHONE, words)).changed == ()
        unknown = replies.take(SmsReply("SM3", "+447700900777", "STOP"))
    assert unknown.accounts == 0 and unknown.changed == ()
    assert texts_on(uow) == before
    assert all(uow.inbox.newest(u, None, 10) == [] for u in before)
    assert not uow.sent_notifications.was_sent("sms-reply:SM3")  # nothing kept of a stranger
    logged = [(r.getMessage(), r.__dict__) for r in caplog.records if r.name.endswith("replies")]
    assert len(logged) == 3
    for message, extra in logged:
        text = message + repr(extra)
        assert "eczema" not in text and PHONE not in text and "777" not in text
    assert [extra["keyword"] for _, extra in logged] == ["HELP", "OTHER", "STOP"]


# Twilio's worked example ("Webhooks security"): auth token 12345.
EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
EXAMPLE = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+12349013030"),
    ("Digits", "1234"),
    ("From", "+12349013030"),
    ("To", "+18005551212"),
]


def test_the_signature_is_twilios() -> None:
    signature = SmsReplySignature("12345")
    assert signature.sign(EXAMPLE_URL, list(reversed(EXAMPLE))) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert signature.verify("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", ["x", EXAMPLE_URL], EXAMPLE)
    tampered = [*EXAMPLE[:2], ("Digits", "9999"), *EXAMPLE[3:]]
    assert not signature.verify("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", [EXAMPLE_URL], tampered)
    assert not signature.verify("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", [EXAMPLE_URL + "3"], EXAMPLE)
    assert not SmsReplySignature("54321").verify(
        "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", [EXAMPLE_URL], EXAMPLE
    )
    assert not signature.verify(None, [EXAMPLE_URL], EXAMPLE)
    assert not signature.verify("é", [EXAMPLE_URL], EXAMPLE)  # not ASCII: refused, no error
    assert "12345" not in repr(signature)


def test_the_form_of_an_incoming_message() -> None:
    body = b"MessageSid=SM1&From=%2B44+7700+900123&Body=Stop+&OptOutType=STOP&To=%2B441234"
    reply = sms_reply(form_params(body))
    assert reply == SmsReply("SM1", PHONE, "Stop ", "STOP")
    assert sms_reply([("SmsSid", "SM2"), ("From", "MetSkin")]).sender == "MetSkin"
    for bad in (b"From=%2B447700900123", b"MessageSid=SM1", b"MessageSid=&From=x"):
        with pytest.raises(ReplyNotValid):
            sms_reply(form_params(bad))
    for unreadable in (b"\xff\xfe", b"a=1&&&=&b"):
        with pytest.raises(ReplyNotValid):
            form_params(unreadable)
