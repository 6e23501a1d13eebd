"""Appointment messages from plain values: the email template context and the SMS text.

The templates are `templates/mail/appointment_{confirmed,rescheduled,cancelled,reminder}`.
Times are formatted in the patient's time zone here, at the edge; everything else is UTC.
Every text goes through the patient's translator (`domain/i18n/`): their language, their
locale's dates; English as written here when none is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from metskin.domain.accounts.phone_number import international_phone
from metskin.domain.appointments.calendar import Method, ics_invite, invite_attachment
from metskin.domain.appointments.model import ConsultationType, require_utc, zone
from metskin.domain.errors import ValidationFailed
from metskin.domain.i18n.marks import _
from metskin.domain.i18n.ports import Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.messages import Attachment, one_sms

SMS_LIMIT = 160  # one GSM-7 segment (`sms_segments` counts what a text really costs)
REMINDER_HOURS = (24, 1)


class AppointmentMessage(Enum):
    """Each kind of message; the value is the template name."""

    CONFIRMED = "appointment_confirmed"
    RESCHEDULED = "appointment_rescheduled"
    CANCELLED = "appointment_cancelled"
    REMINDER = "appointment_reminder"

    @property
    def template(self) -> str:
        return self.value


@dataclass(frozen=True)
class AppointmentNotice:
    """What every appointment message says, as plain values."""

    name: str  # how to greet the patient
    doctor_name: str
    practice_name: str
    address: str  # empty for a video consultation
    consultation_type: ConsultationType
    start_utc: datetime
    time_zone: str  # the patient's IANA zone, e.g. "Europe/London"
    manage_url: str
    # E.164; empty when the practice gave none. In the emails (shown grouped, "+44 20 7946
    # 0123"), not the SMS: with a real link it would make one text two; the SMS's link leads
    # to the page that shows it.
    practice_phone: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_utc", require_utc(self.start_utc, "start_utc"))
        zone(self.time_zone)


CONSULTATION_LABELS = {
    ConsultationType.IN_PERSON: _("in-person visit"),
    ConsultationType.VIDEO: _("video consultation"),
}


def format_local(moment_utc: datetime, time_zone: str, tr: Translator = ENGLISH) -> str:
    """`Tuesday 14 April 2026 at 09:30 BST`, in the given zone and the translator's locale."""
    zone(time_zone)
    return tr.format_datetime(require_utc(moment_utc, "moment_utc"), time_zone)


def format_local_short(moment_utc: datetime, time_zone: str, tr: Translator = ENGLISH) -> str:
    """`Tue 14 Apr 09:30 BST`, for SMS."""
    zone(time_zone)
    return tr.format_datetime(require_utc(moment_utc, "moment_utc"), time_zone, "short")


def hours_phrase(hours: int, tr: Translator = ENGLISH) -> str:
    return tr.ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def _check_hours(kind: AppointmentMessage, hours_before: int | None) -> None:
    if (kind is AppointmentMessage.REMINDER) != (hours_before is not None):
        raise ValidationFailed(
            _("hours_before is given for reminders and only for them"), field="hours_before"
        )
    if hours_before is not None and hours_before < 1:
        raise ValidationFailed(_("hours_before must be at least 1"), field="hours_before")


def email_context(
    kind: AppointmentMessage,
    notice: AppointmentNotice,
    *,
    reason: str = "",
    hours_before: int | None = None,
    previous_start_utc: datetime | None = None,
    tr: Translator = ENGLISH,
    account_open: bool = True,
) -> dict[str, Any]:
    """Every variable the four templates use (they render with StrictUndefined).

    `reason` is why the appointment moved or was cancelled (optional, shown as given);
    `hours_before` is for reminders, `previous_start_utc` for reschedules. `account_open`
    False: the person's account is closed (the cancellations of an erasure), so nothing
    offers to book again or to choose messages in it.
    """
    _check_hours(kind, hours_before)
    if (kind is AppointmentMessage.RESCHEDULED) != (previous_start_utc is not None):
        raise ValidationFailed(
            _("previous_start_utc is given for reschedules and only for them"),
            field="previous_start_utc",
        )
    return {
        "name": notice.name,
        "doctor_name": notice.doctor_name,
        "practice_name": notice.practice_name,
        "practice_phone": notice.practice_phone,  # dialled (the link's tel:)
        "practice_phone_international": international_phone(notice.practice_phone) or "",
        "address": notice.address,
        "consultation_type": tr.gettext(CONSULTATION_LABELS[notice.consultation_type]),
        "is_video": notice.consultation_type is ConsultationType.VIDEO,
        "start_local": format_local(notice.start_utc, notice.time_zone, tr),
        "previous_start_local": (
            format_local(previous_start_utc, notice.time_zone, tr) if previous_start_utc else ""
        ),
        "time_zone": tr.zone_name(notice.time_zone),  # "(London time)", never "Europe/London"
        "reason": reason.strip(),
        "hours_before": hours_before or 0,
        "when": (
            tr.gettext("in {hours}").format(hours=hours_phrase(hours_before, tr))
            if hours_before
            else ""
        ),
        "manage_url": notice.manage_url,
        "account_open": account_open,
    }


def sms_text(
    kind: AppointmentMessage,
    notice: AppointmentNotice,
    *,
    product_name: str = "MetSkin",
    hours_before: int | None = None,
    tr: Translator = ENGLISH,
) -> str:
    """The SMS for a message: the richest wording that is sent as one SMS (`sms_segments`).

    It drops the practice, then the doctor, to fit: 160 characters of the GSM alphabet, but
    70 once a name holds a character outside it (a typographic apostrophe, "ł"), which would
    send a 160-character text as three. The link is never cut, so a very long link can still
    make it longer. No reason or other health detail goes into an SMS.
    """
    _check_hours(kind, hours_before)
    when = format_local_short(notice.start_utc, notice.time_zone, tr)
    place = (
        tr.gettext("by video")
        if notice.consultation_type is ConsultationType.VIDEO
        else tr.gettext("at {practice}").format(practice=notice.practice_name)
        if notice.practice_name
        else ""
    )
    doctor = (
        tr.gettext(" with {doctor}").format(doctor=notice.doctor_name) if notice.doctor_name else ""
    )
    candidates = [(doctor, place), (doctor, ""), ("", "")]
    texts = [
        _sms(kind, product_name, d, p, when, hours_before, notice.manage_url, tr)
        for d, p in candidates
    ]
    return one_sms(*texts)


def _sms(
    kind: AppointmentMessage,
    product: str,
    doctor: str,
    place: str,
    when: str,
    hours_before: int | None,
    url: str,
    tr: Translator,
) -> str:
    where = f" {place}" if place else ""
    match kind:
        case AppointmentMessage.CONFIRMED:
            text = tr.gettext(
                "your appointment{doctor} is booked for {when}{where}. Details: {url}"
            )
        case AppointmentMessage.RESCHEDULED:
            text = tr.gettext("your appointment{doctor} has moved to {when}{where}. Details: {url}")
        case AppointmentMessage.CANCELLED:
            text = tr.gettext("your appointment{doctor} on {when} is cancelled. Book again: {url}")
        case AppointmentMessage.REMINDER:
            text = tr.gettext(
                "reminder, your appointment{doctor} is in {hours}, {when}{where}. Details: {url}"
            )
    hours = hours_phrase(hours_before or 0, tr)
    body = text.format(doctor=doctor, when=when, where=where, url=url, hours=hours)
    # The sender's name before the message, as the language punctuates it ("MetSkin : ..."
    # in French, as the check-in and code SMS say it).
    return tr.gettext("{product}: {message}").format(product=product, message=body)


def calendar_attachment(
    kind: AppointmentMessage,
    notice: AppointmentNotice,
    *,
    uid: str,
    end_utc: datetime,
    sequence: int,
    stamp: datetime,
    organizer_email: str,
    attendee_email: str,
    tr: Translator = ENGLISH,
) -> Attachment | None:
    """The .ics for a confirmation or reschedule (REQUEST) or a cancellation (CANCEL).

    Reminders carry none. Keep `uid` stable for the appointment and raise `sequence` on
    every change: 0 when booked, then the reschedule count, plus one when cancelled.
    """
    if kind is AppointmentMessage.REMINDER:
        return None
    method: Method = "CANCEL" if kind is AppointmentMessage.CANCELLED else "REQUEST"
    label = tr.gettext(CONSULTATION_LABELS[notice.consultation_type])
    with_doctor = (
        tr.gettext(" with {doctor}").format(doctor=notice.doctor_name) if notice.doctor_name else ""
    )
    video = notice.consultation_type is ConsultationType.VIDEO
    ics = ics_invite(
        uid,
        notice.start_utc,
        end_utc,
        summary=tr.gettext("Skin appointment{with_doctor}").format(with_doctor=with_doctor),
        description=tr.gettext("{label}. See or change it at {url}").format(
            label=label[:1].upper() + label[1:], url=notice.manage_url
        ),
        location=notice.address or (tr.gettext("Video consultation") if video else ""),
        organizer_email=organizer_email,
        attendee_email=attendee_email,
        sequence=sequence,
        method=method,
        stamp=stamp,
        organizer_name=notice.practice_name,
        attendee_name=notice.name,
    )
    return invite_attachment(ics, method)
