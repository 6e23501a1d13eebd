"""Every email and SMS as the person reads it: rendered with the real templates and catalogs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.notify.templates import JinjaMailRenderer
from metskin.domain.appointments.messages import AppointmentMessage, email_context, sms_text
from metskin.domain.checkins.model import CheckIn
from metskin.domain.checkins.service import CheckInMessenger
from metskin.domain.links import PublicLinks
from metskin.domain.messages import OutgoingEmail, sms_segments
from metskin.domain.notifications.service import NotificationService
from tests.fakes.checkins import FakeCheckInsUnitOfWork
from tests.fakes.infra import FakeClock, FakeMailRenderer, FakeNotifier
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.appointments.test_appointment_messages import notice, options
from tests.unit.builders import user

PUBLIC = "https://care.example"
URL = re.compile(r"https?://[^\s\"'<>]+")
LOCALES = ("en-GB", "fr-FR", "de-DE")
PRACTICE_PHONE = "+442079460123"
PRACTICE_PHONE_SHOWN = "+44 20 7946 0123"  # grouped as people read it, in every language


def every_email(locale: str) -> dict[str, OutgoingEmail]:
    """Each template, rendered in `locale` for a person called Ana."""
    translations = BabelTranslations()
    renderer = JinjaMailRenderer(base_url=PUBLIC, translations=translations)
    tr = translations.translator(locale)
    contexts: dict[str, dict[str, Any]] = {
        kind.template: email_context(
            kind, notice(practice_phone=PRACTICE_PHONE), tr=tr, **options(kind)
        )
        for kind in AppointmentMessage
    }
    contexts["welcome"] = {"name": "Ana"}
    contexts["welcome_with_link"] = {"name": "Ana", "token": "v.e-r_i", "days": 7}
    contexts["verify_email"] = {"name": "Ana", "token": "v.e-r_i", "days": 7}
    contexts["invitation"] = {"name": "Ana", "token": "i.n-v_i", "days": 7}
    change = {"name": "Ana", "token": "c.h-a_n", "minutes": 60, "new_email": "ana@new.example"}
    contexts["email_change"] = change
    contexts["email_change_notice"] = change
    contexts["password_reset"] = {"name": "Ana", "token": "r.e-s_e", "minutes": 30}
    contexts["password_reset_unconfirmed"] = {"name": "Ana", "release_token": None}
    # a patient's account: the notice carries the link that frees the address (release.py)
    contexts["password_reset_unconfirmed_with_link"] = {"name": "Ana", "release_token": "r.e-l_e"}
    contexts["address_release"] = {"name": "Ana", "token": "r.e-l_e", "hours": 24}
    contexts["password_changed"] = {"name": "Ana"}
    contexts["password_changed_with_keys"] = {"name": "Ana", "keys_revoked": 2}
    contexts["check_in_due"] = {"name": "Ana", "due_day": "Monday 30 March 2026", "weeks": 4}
    return {
        name: renderer.render_email(template_of(name), "ana@example.org", c, locale)
        for name, c in contexts.items()
    }


def template_of(name: str) -> str:
    return name.removesuffix("_with_link").removesuffix("_with_keys")


# How the password-changed email begins to say that one key, or two, were revoked.
KEYS_REVOKED_SAID = {
    "en-GB": ("Your account's API key was revoked", "Your account's 2 API keys were revoked"),
    "fr-FR": ("1 clé d'API de votre compte a aussi", "Les 2 clés d'API de votre compte"),
    "de-DE": ("1 API-Schlüssel Ihres Kontos wurde", "Die 2 API-Schlüssel Ihres Kontos"),
}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_password_changed_email_says_how_many_api_keys_it_revoked(locale: str) -> None:
    """A new password revokes the account's API keys (ninth session), but the email did not
    say so: an integrator learnt it from API_KEY_INVALID. Without keys it says nothing of them."""
    one, two = KEYS_REVOKED_SAID[locale]
    renderer = JinjaMailRenderer(base_url=PUBLIC, translations=BabelTranslations())
    said = {}
    for count in (0, 1, 2):
        context = {"name": "Ana", "keys_revoked": count}
        email = renderer.render_email("password_changed", "ana@example.org", context, locale)
        said[count] = (email.text, email.html)
    assert not any("API" in part for part in said[0])
    assert all(one in part and "API_KEY_INVALID" in part for part in said[1])
    assert all(two in part for part in said[2])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_link_stands_apart_from_the_sentence_before_it(locale: str) -> None:
    """A link glued to the full stop before it ("make-up.https://...") is one word to a mail
    client: it links the wrong text, or nothing, in the plain-text part."""
    for name, email in every_email(locale).items():
        for url in URL.findall(email.text):
            before = email.text[: email.text.index(url)]
            assert before == "" or before[-1].isspace(), (name, before[-40:])
        glued = re.search(r"[^\s>(]<a ", email.html)
        assert glued is None, (name, email.html[glued.start() - 40 : glued.end()])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_email_says_where_to_choose_the_messages_we_send(locale: str) -> None:
    """No email said how to stop it: each now links the profile, where email and SMS are
    turned off, in the HTML and on a line of its own in the plain text."""
    preferences = f"{PUBLIC}/profile"
    for name, email in every_email(locale).items():
        assert f'href="{preferences}"' in email.html, name
        assert f"\n{preferences}\n" in email.text, name


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en-GB", "(London time)"), ("fr-FR", "(heure de Londres)"), ("de-DE", "(Zeitzone London)")],
)
def test_times_name_their_zone_as_people_do(locale: str, said: str) -> None:
    """Every appointment time said '(Europe/London time)', the database's zone id; in
    French '(heure de Europe/London)'. It now names the place, in the person's language."""
    for name, email in every_email(locale).items():
        for part in (email.subject, email.text, email.html):
            assert "Europe/" not in part, name
        if name.startswith("appointment_"):
            assert said in email.text and said in email.html, name


# What each appointment email says before the practice's number.
PHONE_SAID = {
    "en-GB": ("Phone:", "To speak to the practice, call:"),
    "fr-FR": ("Téléphone :", "Pour joindre le cabinet, appelez le :"),
    "de-DE": ("Telefon:", "Die Praxis erreichen Sie unter:"),
}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_appointment_emails_give_the_practice_phone_in_their_language(locale: str) -> None:
    emails = every_email(locale)
    for kind in AppointmentMessage:
        email = emails[kind.template]
        said = PHONE_SAID[locale][kind is AppointmentMessage.CANCELLED]
        assert f"{said} {PRACTICE_PHONE_SHOWN}" in email.text, (kind, email.text)
        assert f'<a href="tel:{PRACTICE_PHONE}">{PRACTICE_PHONE_SHOWN}</a>' in email.html


def test_french_emails_space_their_colons() -> None:
    """A colon the template wrote after a translated phrase stayed English: the welcome's
    text read 'Lancez votre première analyse:' (French sets a space before it)."""
    for name, email in every_email("fr-FR").items():
        for part in (email.subject, email.text, re.sub(r"<[^>]+>", "", email.html)):
            words = re.sub(r"https?://\S+|\d\d:\d\d", "", part)  # links and times
            assert re.search(r"\S[:;]", words) is None, (name, words)


def test_french_sms_space_their_colons_and_say_one_colon_at_a_time() -> None:
    """The appointment SMS began "MetSkin: votre rendez-vous" (the sender's colon was code,
    not catalog: the check-in and code SMS say "MetSkin :"), and the reminder read
    "MetSkin: rappel : rendez-vous", two colons in a row."""
    tr = BabelTranslations().translator("fr-FR")
    for kind in AppointmentMessage:
        hours = {"hours_before": 24} if kind is AppointmentMessage.REMINDER else {}
        for doctor in ("Dr Rui Costa", None):
            text = sms_text(kind, notice(doctor_name=doctor), tr=tr, **hours)
            words = re.sub(r"https?://\S+|\d\d:\d\d", "", text)
            assert text.startswith("MetSkin : "), text
            assert re.search(r"\S[:;]", words) is None, text
            assert words.count(":") <= 2, text  # the sender's and "Détails :"
            assert sms_segments(text) == 1, text


@pytest.mark.parametrize("name", ["Ana\r\nBcc: someone@example.net", "Ana\nX", "Ana\u2028X"])
def test_a_subject_is_one_line_whatever_the_name_holds(name: str) -> None:
    """Registration keeps a display name's inner line breaks: the welcome subject came out
    as 'Welcome to MetSkin, Ana\\r\\nBcc: someone@example.net', a second header line."""
    renderer = JinjaMailRenderer(base_url=PUBLIC)

    subject = renderer.render_email("welcome", "ana@example.org", {"name": name}).subject

    assert subject.splitlines() == [subject] and subject.startswith("Welcome to MetSkin, Ana ")


def test_only_the_reminders_one_can_turn_off_carry_list_unsubscribe() -> None:
    """Mail clients show List-Unsubscribe as a button; the messages of a booking (and the
    welcome) are not optional mail and carry none."""
    emails = every_email("en-GB")
    assert emails["check_in_due"].headers == (("List-Unsubscribe", f"<{PUBLIC}/profile>"),)
    assert {name for name, email in emails.items() if email.headers} == {"check_in_due"}


@pytest.mark.parametrize("public", ["https://app.metskin.com", "https://skin.clinic-example.co.uk"])
@pytest.mark.parametrize("locale", LOCALES)
def test_the_check_in_sms_is_one_sms_in_every_language(locale: str, public: str) -> None:
    """The French reminder said "même" (outside the GSM alphabet): the whole text went as
    UCS-2, 171 characters in three SMS. With a longer public address the full wording is two
    SMS in German; the short one is chosen then."""
    uow = FakeCheckInsUnitOfWork()
    with uow:
        uow.users.add(user("p1", locale=locale, phone="+33612345678", sms_opt_in=True))
        anchor = datetime(2026, 9, 2, 9, 0, tzinfo=UTC)  # due in September: the longest month
        uow.check_ins.save(CheckIn("p1", anchor_at=anchor))
        uow.commit()
    notifier = FakeNotifier()
    sent = FakeNotificationsUnitOfWork(users=uow.users)
    notifications = NotificationService(sent, notifier, FakeMailRenderer(), FakeClock(anchor))
    messenger = CheckInMessenger(
        uow,
        notifications,
        FakeMailRenderer(),
        PublicLinks(public),
        FakeClock(anchor + timedelta(weeks=4, hours=1)),
        translations=BabelTranslations(),
    )

    messenger.send("p1", (anchor + timedelta(weeks=4)).isoformat())

    [sms] = notifier.sms
    assert sms_segments(sms.body) == 1, (len(sms.body), sms.body)
    assert sms.body.endswith(f"{public}/analyse")


@pytest.mark.parametrize("locale", LOCALES)
def test_a_cancellation_to_a_closed_account_offers_nothing_in_it(locale: str) -> None:
    """The erasure's cancellation to the person who closed their account said 'book a new
    time here' and 'choose which emails we send you', both links into the account just
    erased. It still says what was cancelled, and the calendar update is still attached."""
    translations = BabelTranslations()
    renderer = JinjaMailRenderer(base_url=PUBLIC, translations=translations)
    kind, tr = AppointmentMessage.CANCELLED, translations.translator(locale)
    context = email_context(kind, notice(), tr=tr, account_open=False, **options(kind))
    closed = renderer.render_email(kind.template, "ana@example.org", context, locale)
    context = email_context(kind, notice(), tr=tr, **options(kind))
    open_ = renderer.render_email(kind.template, "ana@example.org", context, locale)
    for part in (closed.text, closed.html):
        assert notice().manage_url not in part and f"{PUBLIC}/profile" not in part
    for part in (open_.text, open_.html):
        assert notice().manage_url in part and f"{PUBLIC}/profile" in part
    assert len(closed.text) < len(open_.text) and "Ana" in closed.text
