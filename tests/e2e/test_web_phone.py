"""The profile page proves a phone number: after saving one, "Send code" texts a code to it
and "Verify" with that code shows the number verified (a new number is unverified again)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from metskin.adapters.db.uow import SqlUnitOfWork
from metskin.domain.clock import utc_now
from metskin.domain.messages import OutgoingSms
from metskin.domain.notifications.errors import DeliveryRefused
from metskin.domain.notifications.service import NotificationService
from metskin.domain.notifications.sms_replies import SmsReplies, SmsReply
from tests.e2e.test_web_app import register
from tests.e2e.web_browser import Browser, browser_fixture, from_outbox, server_fixture
from tests.fakes.infra import FakeMailRenderer, FakeNotifier

pytestmark = pytest.mark.slow

server = server_fixture("web-phone")
browser = browser_fixture()
PHONE = "+447700900123"
SHOWN = "+44 7700 900123"


def texted_code(tmp_path_factory: pytest.TempPathFactory, to: str) -> str:
    """The code in the SMS to `to` (this module's server's outbox)."""
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("web-phone[0-9]*/var/outbox"))

    def code(sms: dict[str, Any]) -> str | None:
        found = re.search(r"\b(\d{6})\b", sms["body"]) if sms["channel"] == "sms" else None
        return found[1] if found and sms["to"] == to else None

    return from_outbox(outbox, code, f"SMS to {to}")


def test_a_saved_phone_is_verified_with_the_texted_code(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    register(browser, "texts@example.com")
    browser.go("#/profile")
    no_phone = browser.text("#phone-verification", "Save a mobile phone number")
    assert "null" not in no_phone  # a line of its own under the notice, without a form
    browser.fill("#profile-form", phone=PHONE)
    browser.submit("#profile-form")
    browser.text("#phone-verification .phone-state", "is not verified")
    browser.find("#send-phone-code").click()
    browser.text("#verify-phone-form .saved", "A code is on its way to")
    browser.fill("#verify-phone-form", code="000000")
    browser.submit("#verify-phone-form")
    browser.text("#verify-phone-form .form-error", "PHONE_CODE_INVALID")
    browser.fill("#verify-phone-form", code=texted_code(tmp_path_factory, PHONE))
    browser.submit("#verify-phone-form")
    # grouped as people read it (it read "+447700900123 is verified")
    assert "null" not in browser.text("#phone-verification", f"{SHOWN} is verified")
    browser.reload("#/profile")
    browser.text("#phone-verification .phone-state", f"{SHOWN} is verified")
    assert browser.find("#profile-form [name=phone]").get_attribute("value") == SHOWN
    assert browser.severe_console_messages() == []


def texting(tmp_path_factory: pytest.TempPathFactory, email: str, phone: str) -> tuple[Engine, str]:
    """The account of `email` takes texts at `phone`, verified (written in this module's
    server's database): its engine, and the account's id."""
    var = next(Path(tmp_path_factory.getbasetemp()).glob("web-phone[0-9]*/var"))
    engine = create_engine(f"sqlite:///{(var / 'metskin.db').as_posix()}")
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE users SET phone = :phone, phone_verified = :phone, sms_opt_in = 1 "
                "WHERE email = :email"
            ),
            {"phone": phone, "email": email},
        )
        user_id = connection.execute(
            text("SELECT id FROM users WHERE email = :email"), {"email": email}
        ).scalar_one()
    return engine, str(user_id)


class RefusedNumber(FakeNotifier):
    """The SMS provider refuses the number for good: it replied STOP (Twilio 21610)."""

    def send_sms(self, sms: OutgoingSms) -> None:
        raise DeliveryRefused("SMS provider answered HTTP 400", status=400, recipient=True)


def test_texts_turned_off_after_stop_say_why_in_the_inbox_and_the_profile(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The provider refused the number (it replied STOP): SMS went off on the profile and
    nothing said why. The inbox now says it once, in the person's language, with how to have
    texts again, and the profile says to reply START when turning them on."""
    register(browser, "stopped@example.com")
    browser.in_french()
    engine, user_id = texting(tmp_path_factory, "stopped@example.com", PHONE)

    def new_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, lambda messages: None)

    service = NotificationService(new_uow, RefusedNumber(), FakeMailRenderer(), utc_now)
    for key in ("reminder:a", "reminder:b"):  # two messages refused: told once
        with pytest.raises(DeliveryRefused):
            service.send_each(key, sms=OutgoingSms(PHONE, "Rappel"), owner=user_id)
    engine.dispose()
    browser.reload("#/inbox")
    told = browser.text("#inbox [data-kind=SMS_STOPPED]", "Nous avons désactivé vos SMS")
    assert f"{SHOWN} : ce numéro a répondu STOP" in told and "répondez START" in told, told
    assert len(browser.driver.find_elements("css selector", "#inbox [data-kind]")) == 1
    assert "réactivez les SMS dans votre profil" not in told, told  # START is the way back
    browser.find("#inbox [data-kind=SMS_STOPPED] a[href='#/profile']").click()
    since = browser.text("#sms-state", "SMS : désactivés depuis le")
    assert f"votre opérateur mobile a refusé nos SMS vers le {SHOWN}" in since, since
    hint = browser.text("#sms-hint", "START")
    assert f"Si le {SHOWN} a répondu STOP, répondez START" in hint, hint
    assert not browser.find("#profile-form [name=smsOptIn]").is_selected()
    # the phone's panel said "texts go to it" while they were off
    state = browser.text("#phone-verification .phone-state", "les SMS sont désactivés")
    assert "y sont envoyés" not in state, state
    assert browser.severe_console_messages() == []


def test_a_stop_then_a_start_replied_to_our_number_are_told_in_the_inbox(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Replies read from the provider's webhook (`SmsReplies.take`, as `POST /webhooks/sms`
    runs it): the STOP's entry says the person replied STOP, the START's says texts are back,
    in French, and the profile's box is ticked again."""
    register(browser, "replied@example.com")
    browser.in_french()
    engine, _user_id = texting(tmp_path_factory, "replied@example.com", "+447700900456")

    def new_uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, lambda messages: None)

    replies = SmsReplies(new_uow, utc_now)
    assert replies.take(SmsReply("SMweb1", "+447700900456", "STOP")).changed
    browser.reload("#/inbox")
    told = browser.text("#inbox [data-kind=SMS_STOPPED]", "Nous avons désactivé vos SMS")
    assert "Vous avez répondu STOP depuis le +44 7700 900456" in told, told
    assert "opérateur" not in told, told  # not the refusal's words
    assert replies.take(SmsReply("SMweb2", "+447700900456", "start")).changed
    engine.dispose()
    browser.reload("#/inbox")
    back = browser.text("#inbox [data-kind=SMS_STARTED]", "Vos SMS sont de nouveau activés")
    assert "Vous avez répondu START depuis le +44 7700 900456" in back, back
    browser.find("#inbox [data-kind=SMS_STARTED] a[href='#/profile']").click()
    browser.text("#phone-verification .phone-state", SHOWN.replace("123", "456"))
    assert browser.find("#profile-form [name=smsOptIn]").is_selected()
    assert browser.driver.find_elements("css selector", "#sms-hint") == []  # texts are on
    since = browser.text("#sms-state", "SMS : activés depuis le")
    assert "(vous avez répondu START depuis le +44 7700 900456)" in since, since
    browser.find("#sms-earlier summary").click()
    earlier = browser.text("#sms-earlier li", "désactivés")
    assert "vous avez répondu STOP depuis le +44 7700 900456" in earlier, earlier
    # their own untick, saved: the line says so at once, without the START hint of a STOP
    browser.find("#profile-form [name=smsOptIn]").click()
    browser.submit("#profile-form")
    browser.text("#sms-state", "(vous les avez désactivés)")
    assert browser.driver.find_elements("css selector", "#sms-hint") == []
    browser.reload("#/profile")
    browser.text("#sms-state", "(vous les avez désactivés)")
    assert browser.severe_console_messages() == []
