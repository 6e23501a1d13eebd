"""When a person's text messages (SMS) were turned on or off, and why.

Four things change the profile's `sms_opt_in`: the person's own tick or untick of its box
(`update_profile`, recorded here as a consent record, purpose SMS, in the change's own unit of
work), a STOP replied to our number, a START replied after a STOP, and the SMS provider
refusing the number for good (`notifications/sms_replies.py`; those three are told in the
inbox, as SMS_STOPPED and SMS_STARTED, and read back from there: no second record of them).
The history is both, merged by time; START reads its newest entry to know whether a STOP turned
off texts the person had chosen (and not their own untick since). Saving the profile with
emails turned on again also takes the address off the email provider's suppression lists
(`messages_chosen`, the one place the profile's message boxes are read after a save).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from metskin.domain.accounts.model import Profile, User
from metskin.domain.accounts.ports import AccountsUnitOfWork, AccountsUowFactory
from metskin.domain.inbox.model import Notification, NotificationKind
from metskin.domain.inbox.ports import InboxRepository
from metskin.domain.notifications.suppressions import clear_suppressions
from metskin.domain.ports import ConsentRecords, read
from metskin.domain.privacy.model import SMS_CONSENT_VERSION, ConsentPurpose, ConsentRecord

SMS_CHANGES = (NotificationKind.SMS_STOPPED, NotificationKind.SMS_STARTED)
MAX_CHANGES = 10  # what the profile lists


class SmsWhy(enum.Enum):
    CHOSEN = "CHOSEN"  # the person ticked or unticked the profile's box
    REPLIED_STOP = "REPLIED_STOP"  # they replied STOP to our number
    REPLIED_START = "REPLIED_START"  # they replied START after a STOP
    REFUSED = "REFUSED"  # the SMS provider refused the number for good (STOP, not a mobile)


@dataclass(frozen=True)
class SmsChange:
    """Texts turned on (`on`) or off at `at`, and why; `phone`: the number a reply came from
    or the provider refused, grouped as the profile shows it (None for the person's own
    choice)."""

    on: bool
    at: datetime
    why: SmsWhy
    phone: str | None = None


class _SmsHistory(Protocol):
    inbox: InboxRepository
    consent_records: ConsentRecords


def messages_chosen(uow: AccountsUnitOfWork, user: User, before: Profile, at: datetime) -> None:
    """The profile's message boxes as the person saved them (`before`: as they were), in
    `uow`, which the caller commits: a ticked or unticked SMS box is recorded (the history);
    emails turned on again take the address off the email provider's suppression lists (a
    spam report put it there, and the provider would go on dropping our mail)."""
    on = user.profile.sms_opt_in
    if on != before.sms_opt_in:
        purpose, version = ConsentPurpose.SMS, SMS_CONSENT_VERSION
        uow.consent_records.add(ConsentRecord(str(uuid.uuid4()), user.id, purpose, on, at, version))
    if user.profile.email_opt_in and not before.email_opt_in:
        clear_suppressions(uow, user.email)


def sms_changes(uow: _SmsHistory, user_id: str, limit: int = MAX_CHANGES) -> list[SmsChange]:
    """The person's `limit` newest changes, newest first."""
    told = [_told(entry) for entry in uow.inbox.newest_of(user_id, SMS_CHANGES, limit)]
    chosen = [
        SmsChange(record.given, record.at, SmsWhy.CHOSEN)
        for record in uow.consent_records.history(user_id)
        if record.purpose is ConsentPurpose.SMS
    ]
    return sorted(told + chosen, key=lambda change: change.at, reverse=True)[:limit]


def _told(entry: Notification) -> SmsChange:
    phone = entry.payload.get("phone")
    if entry.kind is NotificationKind.SMS_STARTED:
        return SmsChange(True, entry.at, SmsWhy.REPLIED_START, phone)
    why = SmsWhy.REPLIED_STOP if entry.payload.get("replied") else SmsWhy.REFUSED
    return SmsChange(False, entry.at, why, phone)


@dataclass(eq=False)
class SmsConsent:
    """The history the profile shows (the person's own, or anyone's for support)."""

    uow_factory: AccountsUowFactory

    def changes(self, user_id: str) -> list[SmsChange]:
        return read(self.uow_factory, lambda uow: sms_changes(uow, user_id))
