"""What each component tells the patient, and the key that makes it land once."""

from __future__ import annotations

import hashlib
from typing import Any

from metskin.domain.accounts.phone_number import international_phone
from metskin.domain.inbox.model import InboxEntry, NotificationKind
from metskin.domain.referrals.model import ReferralRecord

# The dashboard's kinds of an appointment change, as the patient's notifications.
APPOINTMENT_KINDS = {
    "BOOKED": NotificationKind.APPOINTMENT_BOOKED,
    "RESCHEDULED": NotificationKind.APPOINTMENT_MOVED,
    "CANCELLED": NotificationKind.APPOINTMENT_CANCELLED,
}


def analysis_done(owner_id: str, analysis_id: str, *, retake: bool = False) -> InboxEntry:
    """`retake`: the photo gave no measurement (no face, ...): the inbox asks for a new one
    rather than saying a result is ready."""
    details: dict[str, Any] = {"analysis_id": analysis_id}
    if retake:
        details["retake"] = True
    return InboxEntry(
        owner_id, NotificationKind.ANALYSIS_DONE, f"analysis-done:{analysis_id}", details
    )


def _zoned(details: dict[str, Any], time_zone: str | None) -> dict[str, Any]:
    """An appointment's details with `time_zone`: the zone its start is shown in to the patient
    (their profile's, as on the appointments page and in the email or SMS of the same event);
    left out when the patient is not known."""
    return {**details, "time_zone": time_zone} if time_zone else dict(details)


def appointment_changed(
    change: str,
    patient_id: str,
    sequence: int,
    payload: dict[str, Any],
    time_zone: str | None = None,
    reason: str = "",
) -> InboxEntry | None:
    """A booking, move or cancellation (`change`: the dashboard kind); the iCalendar sequence
    tells two moves of one appointment apart. A cancellation carries its `reason` when it has
    one (the dermatologist's, or an erasure's), as its email does."""
    kind = APPOINTMENT_KINDS.get(change)
    if kind is None:
        return None
    key = f"appointment:{payload['appointment_id']}:{change.lower()}:{sequence}"
    details = _zoned(payload, time_zone)
    if kind is NotificationKind.APPOINTMENT_CANCELLED and reason:
        details["reason"] = reason
    return InboxEntry(patient_id, kind, key, details)


def appointment_reminder(
    patient_id: str, appointment_id: str, reminder: str, start: str, time_zone: str | None = None
) -> InboxEntry:
    return InboxEntry(
        patient_id,
        NotificationKind.APPOINTMENT_REMINDER,
        f"reminder:{appointment_id}:{reminder}:{start}",
        _zoned({"appointment_id": appointment_id, "start": start, "reminder": reminder}, time_zone),
    )


def share_viewed(patient_id: str, doctor_id: str, analysis_id: str) -> InboxEntry:
    """Once per dermatologist and analysis, however often they read it."""
    return InboxEntry(
        patient_id,
        NotificationKind.SHARE_VIEWED,
        f"share-viewed:{doctor_id}:{analysis_id}",
        {"dermatologist_id": doctor_id, "analysis_id": analysis_id},
    )


def referral_raised(record: ReferralRecord) -> InboxEntry:
    """Once per referral and urgency: answers that raise the urgency tell again."""
    urgency = record.referral.urgency.value
    return InboxEntry(
        record.patient_id,
        NotificationKind.REFERRAL_RAISED,
        f"referral:{record.id}:{urgency}",
        {"referral_id": record.id, "analysis_id": record.analysis_id, "urgency": urgency},
    )


def referral_withdrawn(record: ReferralRecord) -> InboxEntry:
    """Once per referral: a photo it rested on was deleted and nothing left supports it."""
    return InboxEntry(
        record.patient_id,
        NotificationKind.REFERRAL_WITHDRAWN,
        f"referral-withdrawn:{record.id}",
        {
            "referral_id": record.id,
            "analysis_id": record.analysis_id,
            "urgency": record.referral.urgency.value,
        },
    )


def check_in_due(user_id: str, due: str) -> InboxEntry:
    """Once per due date (`due`: its ISO time)."""
    return InboxEntry(user_id, NotificationKind.CHECK_IN_DUE, f"check-in:{due}", {"due": due})


def routine_changed(
    user_id: str, routine_id: str, payload: dict[str, Any], again_at: str = ""
) -> InboxEntry:
    """Once per saved routine that differs from the one before, and once more each time it
    becomes the person's routine again (`again_at`: that moment, ISO)."""
    key = f"routine:{routine_id}:{again_at}" if again_at else f"routine:{routine_id}"
    return InboxEntry(
        user_id, NotificationKind.ROUTINE_CHANGED, key, {"routine_id": routine_id, **payload}
    )


def sms_stopped(user_id: str, phone: str, at: str, *, replied: bool = False) -> InboxEntry:
    """SMS turned off because the provider refuses `phone` for good (it replied STOP, or takes
    no texts), or because the person replied STOP to our number (`replied`: the reply was read,
    before any text was refused): once per turning off (`at`: that moment, ISO), so a person
    who turns SMS on again and is refused again is told again, and several messages refused
    together tell it once (only the first refusal turns SMS off). `phone` is shown grouped, as
    the profile shows it."""
    details: dict[str, Any] = {"phone": shown_phone(phone)}
    if replied:
        details["replied"] = True
    return InboxEntry(user_id, NotificationKind.SMS_STOPPED, f"sms-stopped:{at}", details)


def sms_started(user_id: str, phone: str, at: str) -> InboxEntry:
    """SMS on again: the person replied START to our number after a STOP turned them off."""
    details = {"phone": shown_phone(phone)}
    return InboxEntry(user_id, NotificationKind.SMS_STARTED, f"sms-started:{at}", details)


def shown_phone(phone: str) -> str:
    """A number as the SMS entries show it (grouped, as the profile shows it)."""
    return international_phone(phone) or phone


def email_undelivered(
    user_id: str, email: str, *, spam: bool = False, again: str = ""
) -> InboxEntry:
    """Mail to the account's address `email` came back (no such mailbox: EMAIL_BOUNCED), or
    the person marked our email as spam (EMAIL_SPAM_REPORTED). Once per address, whatever
    number of emails bounce and however often the provider posts the event again; `again`
    (the moment the address was confirmed since it last bounced, ISO) tells a later bounce
    once more. The key holds a digest of the address, not the address."""
    kind = NotificationKind.EMAIL_SPAM_REPORTED if spam else NotificationKind.EMAIL_BOUNCED
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    key = f"email-{'spam' if spam else 'bounced'}:{digest}" + (f":{again}" if again else "")
    return InboxEntry(user_id, kind, key, {"email": email})


def email_released(user_id: str, email: str) -> InboxEntry:
    """The owner of the mailbox of `email`, the account's address never confirmed, freed it
    (domain/accounts/release.py): the account is asked to set its real address. Once per
    address; the key holds a digest of the address."""
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return InboxEntry(
        user_id, NotificationKind.EMAIL_RELEASED, f"email-released:{digest}", {"email": email}
    )


def dermatologist_left(
    patient_id: str,
    alias: str,
    name: str,
    appointments: list[dict[str, Any]],
    shares: list[dict[str, Any]],
    reason: str,
    time_zone: str | None = None,
) -> InboxEntry:
    """Once per patient and dermatologist erased (`alias`: the dermatologist's pseudonym, as
    their id is gone): the appointments it cancelled (`appointment_id`, `start`) with the
    `reason`, and the shares it ended (`share_id`, `analysis_id`: None for all analyses)."""
    payload = {"name": name, "appointments": appointments, "shares": shares, "reason": reason}
    return InboxEntry(
        patient_id,
        NotificationKind.DERMATOLOGIST_LEFT,
        f"dermatologist-left:{alias}",
        _zoned(payload, time_zone),
    )
