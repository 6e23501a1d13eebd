"""Appointment messages: local times, the template context, the SMS text and the templates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import UndefinedError, meta
from tests.unit.builders import utc

from metskin.adapters.i18n.translator import BabelTranslations
from metskin.adapters.notify.templates import JinjaMailRenderer, mail_environment
from metskin.domain.appointments.messages import (
    SMS_LIMIT,
    AppointmentMessage,
    AppointmentNotice,
    calendar_attachment,
    email_context,
    format_local,
    format_local_short,
    sms_text,
)
from metskin.domain.appointments.model import ConsultationType
from metskin.domain.errors import ValidationFailed
from metskin.domain.messages import sms_segments

CONFIRMED = AppointmentMessage.CONFIRMED
RESCHEDULED = AppointmentMessage.RESCHEDULED
CANCELLED = AppointmentMessage.CANCELLED
REMINDER = AppointmentMessage.REMINDER
START = datetime(2026, 3, 30, 8, 30, tzinfo=UTC)  # Monday, the day after London moves to BST
EARLIER = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # Friday, still GMT
APOSTROPHE = "\u2019"  # outside the GSM alphabet


def notice(**overrides: Any) -> AppointmentNotice:
    values: dict[str, Any] = {
        "name": "Ana",
        "doctor_name": "Dr Rui Costa",
        "practice_name": "Riverside Skin Clinic",
        "address": "12 Thames Street, London",
        "consultation_type": ConsultationType.IN_PERSON,
        "start_utc": START,
        "time_zone": "Europe/London",
        "manage_url": "https://metskin.test/appointments/a42",
    }
    values.update(overrides)
    return AppointmentNotice(**values)


def options(kind: AppointmentMessage) -> dict[str, Any]:
    """The extra arguments each kind needs."""
    if kind is REMINDER:
        return {"hours_before": 24}
    if kind is RESCHEDULED:
        return {"previous_start_utc": EARLIER}
    return {}


# --- local time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        (utc(2026, 3, 28, 9, 30), "Europe/London", "Saturday 28 March 2026 at 09:30 GMT"),
        (utc(2026, 3, 30, 9, 30), "Europe/London", "Monday 30 March 2026 at 10:30 BST"),
        (utc(2026, 3, 8, 14, 0), "America/New_York", "Sunday 8 March 2026 at 10:00 EDT"),
        (utc(2026, 3, 7, 14, 0), "America/New_York", "Saturday 7 March 2026 at 09:00 EST"),
        (utc(2026, 1, 1, 23, 30), "Asia/Tokyo", "Friday 2 January 2026 at 08:30 JST"),
    ],
)
def test_start_is_shown_in_the_patients_zone_across_dst(
    moment: datetime, zone: str, expected: str
) -> None:
    assert format_local(moment, zone) == expected


def test_short_format_for_sms() -> None:
    assert format_local_short(START, "Europe/London") == "Mon 30 Mar 09:30 BST"


def test_naive_times_and_unknown_zones_are_rejected() -> None:
    with pytest.raises(ValidationFailed) as naive:
        notice(start_utc=datetime(2026, 3, 30, 8, 30))
    with pytest.raises(ValidationFailed) as zone:
        notice(time_zone="Mars/Olympus_Mons")

    assert naive.value.field == "start_utc"
    assert zone.value.field == "timeZone"


# --- email context -------------------------------------------------------------------------


def test_context_holds_every_documented_variable() -> None:
    context = email_context(REMINDER, notice(), hours_before=1)

    assert context["name"] == "Ana"
    assert context["doctor_name"] == "Dr Rui Costa"
    assert context["practice_name"] == "Riverside Skin Clinic"
    assert context["address"] == "12 Thames Street, London"
    assert context["consultation_type"] == "in-person visit"
    assert context["start_local"] == "Monday 30 March 2026 at 09:30 BST"
    assert context["time_zone"] == "London"
    assert context["reason"] == ""
    assert context["hours_before"] == 1
    assert context["when"] == "in 1 hour"
    assert context["manage_url"] == "https://metskin.test/appointments/a42"


def test_reschedule_context_shows_the_old_time_in_the_same_zone() -> None:
    context = email_context(
        RESCHEDULED, notice(), previous_start_utc=EARLIER, reason="  The clinic asked to move it.  "
    )

    assert context["previous_start_local"] == "Friday 27 March 2026 at 15:00 GMT"
    assert context["reason"] == "The clinic asked to move it."


@pytest.mark.parametrize(
    ("kind", "extra", "field"),
    [
        (REMINDER, {}, "hours_before"),
        (REMINDER, {"hours_before": 0}, "hours_before"),
        (CONFIRMED, {"hours_before": 24}, "hours_before"),
        (RESCHEDULED, {}, "previous_start_utc"),
        (CANCELLED, {"previous_start_utc": EARLIER}, "previous_start_utc"),
    ],
)
def test_context_options_belong_to_their_kind(
    kind: AppointmentMessage, extra: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        email_context(kind, notice(), **extra)

    assert caught.value.field == field


# --- SMS -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(AppointmentMessage))
def test_sms_fits_one_segment_and_says_when_and_where_to_manage(
    kind: AppointmentMessage,
) -> None:
    hours = options(kind).get("hours_before")
    text = sms_text(kind, notice(), hours_before=hours)

    assert len(text) <= SMS_LIMIT
    assert text.startswith("MetSkin: ")
    assert "Mon 30 Mar 09:30 BST" in text
    assert "Dr Rui Costa" in text
    assert text.endswith(" https://metskin.test/appointments/a42")
    assert text.isascii()  # our own wording stays within GSM-7


def test_sms_reminder_names_the_lead_time() -> None:
    assert " is in 24 hours, " in sms_text(REMINDER, notice(), hours_before=24)
    assert " is in 1 hour, " in sms_text(REMINDER, notice(), hours_before=1)


def test_sms_drops_the_practice_then_the_doctor_to_fit() -> None:
    long_practice = notice(
        practice_name="The Very Long Named Dermatology and Skin Health Centre of Greater Manchester"
    )
    long_both = dataclasses.replace(
        long_practice, doctor_name="Professor Maria-Fernanda de Albuquerque e Silva"
    )

    without_practice = sms_text(CONFIRMED, long_practice)
    without_either = sms_text(CONFIRMED, long_both)

    assert "Greater Manchester" not in without_practice
    assert "Dr Rui Costa" in without_practice
    assert "Albuquerque" not in without_either and "Manchester" not in without_either
    assert max(len(without_practice), len(without_either)) <= SMS_LIMIT
    assert " at Riverside Skin Clinic. " in sms_text(CONFIRMED, notice())  # kept when it fits


def test_sms_says_video_instead_of_the_practice() -> None:
    text = sms_text(CONFIRMED, notice(consultation_type=ConsultationType.VIDEO, address=""))

    assert " by video." in text
    assert "Riverside" not in text


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(list(AppointmentMessage)),
    doctor=st.text(st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=120),
    practice=st.text(st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=120),
    path=st.text("abcdefghijklmnopqrstuvwxyz0123456789/-", max_size=40),
    hours=st.sampled_from([24, 1]),
)
def test_sms_always_fits_when_the_link_is_short(
    kind: AppointmentMessage, doctor: str, practice: str, path: str, hours: int
) -> None:
    url = f"https://m.test/{path}"
    text = sms_text(
        kind,
        notice(doctor_name=doctor, practice_name=practice, manage_url=url),
        hours_before=hours if kind is REMINDER else None,
    )

    assert len(text) <= SMS_LIMIT and sms_segments(text) == 1
    assert text.endswith(url)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),  # split: 153 septets each
        ("a" * 306, 2),
        ("é" * 160, 1),  # in the GSM alphabet
        ("€" * 80, 1),  # extension table: two septets each
        ("€" * 81, 2),
        (APOSTROPHE * 70, 1),  # outside it: UCS-2, 70 a message
        ("a" * 69 + APOSTROPHE, 1),
        ("a" * 70 + APOSTROPHE, 2),  # 67 each when split
        ("a" * 159 + "ł", 3),
    ],
)
def test_sms_segments_count_what_the_network_sends(text: str, segments: int) -> None:
    assert sms_segments(text) == segments


@pytest.mark.parametrize("kind", list(AppointmentMessage))
def test_a_name_outside_the_gsm_alphabet_does_not_make_the_sms_three(
    kind: AppointmentMessage,
) -> None:
    """One typographic apostrophe (U+2019) sends the whole text as UCS-2, 70 characters a
    message: a 160-character text with it cost three SMS; the name gives way instead, as a
    long one does."""
    text = sms_text(kind, notice(doctor_name=f"Dr Ana O{APOSTROPHE}Neill"), **options_for_sms(kind))

    assert sms_segments(text) == 1
    assert "Mon 30 Mar 09:30 BST" in text


@pytest.mark.parametrize("locale", ["en-GB", "en-US", "fr-FR", "fr-CH", "de-DE", "de-AT"])
@pytest.mark.parametrize("kind", list(AppointmentMessage))
def test_every_language_fits_one_sms_with_a_real_link(
    kind: AppointmentMessage, locale: str
) -> None:
    """An appointment's link is its 36-character id under the public URL: the shortest
    wording in every language is one SMS with it (the French reminder was 162 characters
    with https://care.example: every French reminder was sent as two)."""
    tr = BabelTranslations().translator(locale)
    url = "https://app.metskin.com/appointments/0b7f7c3e-6a55-4d35-9d0a-1f0a5c3a9e11"
    long_names = notice(
        doctor_name="Professor Maria-Fernanda de Albuquerque e Silva",
        practice_name="The Very Long Named Dermatology and Skin Health Centre",
        manage_url=url,
        time_zone="America/Los_Angeles",
        start_utc=datetime(2026, 9, 30, 9, 30, tzinfo=UTC),  # "mer. 30 sept.": a long date
    )

    text = sms_text(kind, long_names, tr=tr, **options_for_sms(kind))

    assert sms_segments(text) == 1, (len(text), text)
    assert text.endswith(url)


def options_for_sms(kind: AppointmentMessage) -> dict[str, Any]:
    return {"hours_before": 24} if kind is REMINDER else {}


def test_a_long_link_is_never_cut() -> None:
    url = "https://metskin.test/appointments/" + "x" * 150

    text = sms_text(CANCELLED, notice(manage_url=url))

    assert text.endswith(url)
    assert "Dr Rui Costa" not in text  # the shortest wording was chosen


# --- templates ---------------------------------------------------------------------------


def render(kind: AppointmentMessage, context: dict[str, Any]) -> tuple[str, str, str]:
    email = JinjaMailRenderer().render_email(kind.template, "ana@example.org", context)
    return email.subject, email.text, email.html


@pytest.mark.parametrize("kind", list(AppointmentMessage))
def test_each_template_renders_the_appointment(kind: AppointmentMessage) -> None:
    subject, text, html = render(kind, email_context(kind, notice(), **options(kind)))

    assert "\n" not in subject and subject
    for body in (text, html):
        assert "Ana" in body
        assert "Dr Rui Costa" in body
        assert "Monday 30 March 2026 at 09:30 BST" in body
        assert "(London time)" in body  # the zone by its place, not its id
        assert "https://metskin.test/appointments/a42" in body
        assert "not a medical diagnosis" in body
    assert html.lstrip().startswith("<!doctype html>")  # extends base.html.j2
    assert "{{" not in text + html


@pytest.mark.parametrize("kind", list(AppointmentMessage))
def test_every_email_gives_the_practice_phone_when_known_and_no_line_without(
    kind: AppointmentMessage,
) -> None:
    """A patient was told to call the practice and given no number. It reads grouped, as
    people write it ("+442079460123" was one run of digits); the link dials the E.164."""
    phone, shown = "+442079460123", "+44 20 7946 0123"

    _, text, html = render(kind, email_context(kind, notice(practice_phone=phone), **options(kind)))
    _, text_without, html_without = render(kind, email_context(kind, notice(), **options(kind)))

    assert shown in text and phone not in text
    assert f'<a href="tel:{phone}">{shown}</a>' in html
    assert "Phone:" not in text_without + html_without and "tel:" not in html_without
    assert "call:" not in text_without + html_without


def test_subjects_differ_by_kind() -> None:
    subjects = {render(k, email_context(k, notice(), **options(k)))[0] for k in AppointmentMessage}

    assert len(subjects) == len(AppointmentMessage)


def test_reschedule_shows_old_time_and_reason() -> None:
    context = email_context(
        RESCHEDULED, notice(), previous_start_utc=EARLIER, reason="Dr Costa is away that morning."
    )

    _, text, html = render(RESCHEDULED, context)

    for body in (text, html):
        assert "Friday 27 March 2026 at 15:00 GMT" in body
        assert "Dr Costa is away that morning." in body


def test_reminder_wording_follows_the_lead_time() -> None:
    day = render(REMINDER, email_context(REMINDER, notice(), hours_before=24))
    hour = render(REMINDER, email_context(REMINDER, notice(), hours_before=1))

    assert day[0].endswith("is in 24 hours")
    assert hour[0].endswith("is in 1 hour")
    assert "list of the products" in day[1] and "list of the products" not in hour[1]


def test_video_consultations_have_no_address_line() -> None:
    video = notice(consultation_type=ConsultationType.VIDEO, address="")

    _, text, html = render(CONFIRMED, email_context(CONFIRMED, video))

    assert "video consultation" in text
    assert "Where:" not in text and "Where:" not in html
    assert "link to join" in text


def test_html_escapes_patient_supplied_values() -> None:
    context = email_context(
        CANCELLED, notice(name="<script>x</script>"), reason="Moved & <b>changed</b>"
    )

    _, text, html = render(CANCELLED, context)

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&amp; &lt;b&gt;changed&lt;/b&gt;" in html
    assert "<script>x</script>" in text  # plain text is not HTML-escaped


@pytest.mark.parametrize("kind", list(AppointmentMessage))
@pytest.mark.parametrize("part", ["subject", "html", "txt"])
def test_templates_only_use_variables_the_context_provides(
    kind: AppointmentMessage, part: str
) -> None:
    env = mail_environment()
    source = env.loader.get_source(env, f"{kind.template}.{part}.j2")[0]  # type: ignore[union-attr]
    used = meta.find_undeclared_variables(env.parse(source))
    provided = set(email_context(kind, notice(), **options(kind))) | {
        "product_name",
        "base_url",
        "lang",
        "_",  # the i18n extension's gettext
        "gettext",
    }

    assert used <= provided
    assert used, "a template that uses no variable"


@pytest.mark.parametrize("missing", ["doctor_name", "start_local", "manage_url", "time_zone"])
def test_a_missing_variable_fails_loudly(missing: str) -> None:
    context = email_context(CONFIRMED, notice())
    del context[missing]

    with pytest.raises(UndefinedError):
        render(CONFIRMED, context)


# --- calendar attachment -----------------------------------------------------------------


def attachment_for(kind: AppointmentMessage, sequence: int) -> Any:
    return calendar_attachment(
        kind,
        notice(),
        uid="a42@metskin",
        end_utc=START + timedelta(minutes=30),
        sequence=sequence,
        stamp=EARLIER,
        organizer_email="clinic@example.org",
        attendee_email="ana@example.org",
    )


def test_confirmation_and_cancellation_carry_an_invite_reminders_do_not() -> None:
    confirmed = attachment_for(CONFIRMED, 0)
    cancelled = attachment_for(CANCELLED, 2)

    assert attachment_for(REMINDER, 0) is None
    assert confirmed.content_type.endswith("method=REQUEST")
    assert b"METHOD:REQUEST\r\n" in confirmed.content
    assert b"SEQUENCE:0\r\n" in confirmed.content
    assert b"LOCATION:12 Thames Street\\, London\r\n" in confirmed.content
    assert cancelled.content_type.endswith("method=CANCEL")
    assert b"STATUS:CANCELLED\r\n" in cancelled.content
    assert b"SEQUENCE:2\r\n" in cancelled.content
    assert b"UID:a42@metskin\r\n" in cancelled.content
