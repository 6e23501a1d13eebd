"""Check-in use cases: the cadence, the next date, the scan that tells each due date once, and
the reminder sent on the person's channels.

A new routine restarts the count (`restart`, called in the routine's own unit of work). The
scan claims a due date with a conditional update, so however many workers scan at once the
person gets one inbox entry and one send job per due date; the job's dedupe keys make a
retried send leave once per channel.

The scan tells a due date only in the daytime of the person's zone (09:00 to 20:00, read from
the profile at each scan, so a move takes effect): one it finds in the evening or night it
puts off to the next 09:00 there (`notify_at`), which takes it out of the due rows until then,
so night rows never fill the scan's batch ahead of daytime ones. The date told stays the due
date. The send job checks the daytime again (`CheckInMessenger.send`): a retried or late job
hands a date it finds at night back to the scan from the next 09:00.

The due date is counted in calendar days of the person's zone (`due_after`), so a routine
saved near midnight comes due on the same weekday there across a daylight-saving change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from metskin.domain.appointments.model import zone
from metskin.domain.checkins.model import CheckIn, checked_cadence
from metskin.domain.checkins.ports import CheckInRepository, CheckInsUowFactory
from metskin.domain.daytime import daytime_from
from metskin.domain.i18n.ports import Translations, Translator
from metskin.domain.i18n.source import ENGLISH
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.links import PublicLinks
from metskin.domain.messages import Job, OutgoingSms, one_sms
from metskin.domain.ports import Clock, read

if TYPE_CHECKING:
    from metskin.domain.notifications.ports import MailRenderer
    from metskin.domain.notifications.service import NotificationService

log = logging.getLogger(__name__)
SEND_CHECK_IN_ACTOR = "send_check_in_reminder"
TEMPLATE = "check_in_due"


class _Scheduling(Protocol):
    check_ins: CheckInRepository


def restart(uow: _Scheduling, user_id: str, at: datetime, time_zone: str) -> None:
    """A routine made at `at`: the next check-in is one cadence after it, counted in calendar
    days of the person's `time_zone` (their profile's)."""
    found = uow.check_ins.get(user_id) or CheckIn(user_id)
    found.restart(at, time_zone)
    uow.check_ins.save(found)


class CheckInService:
    def __init__(self, uow_factory: CheckInsUowFactory, clock: Clock) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def schedule(self, user_id: str) -> CheckIn:
        """The person's schedule (the default cadence when they never set one)."""
        found = read(self._uow_factory, lambda uow: uow.check_ins.get(user_id))
        return found or CheckIn(user_id)

    def set_cadence(self, user_id: str, weeks: int) -> CheckIn:
        checked_cadence(weeks)
        with self._uow_factory() as uow:
            found = uow.check_ins.get(user_id) or CheckIn(user_id)
            person = uow.users.get(user_id)
            found.change_cadence(weeks, person.profile.time_zone if person else "UTC")
            uow.check_ins.save(found)
            uow.commit()
        return found


@dataclass(eq=False)
class CheckInScanner:
    """Tells each due check-in once: an inbox entry and a send job. Safe in many processes."""

    uow_factory: CheckInsUowFactory
    clock: Clock
    batch: int = 100

    def scan_once(self) -> int:
        now, told = self.clock(), 0
        with self.uow_factory() as uow:
            items = uow.check_ins.due(now, self.batch)
            people = uow.users.list_by_ids([item.user_id for item in items])
            zones = {person.id: person.profile.time_zone for person in people}
            for item in items:
                due = item.due_at
                if due is None:
                    continue
                daytime = daytime_from(now, zones.get(item.user_id, "UTC"))
                if daytime > now:  # evening or night where the person is
                    uow.check_ins.put_off(item.user_id, due, daytime)
                    continue
                if not uow.check_ins.mark_told(item.user_id, due):
                    continue  # another scan took it
                tell(uow, entries.check_in_due(item.user_id, due.isoformat()), now)
                job = {"user_id": item.user_id, "due": due.isoformat()}
                uow.defer(Job(SEND_CHECK_IN_ACTOR, job))
                told += 1
            uow.commit()
        if told:
            log.info("check-ins due", extra={"count": told})
        return told


@dataclass(eq=False)
class CheckInMessenger:
    uow_factory: CheckInsUowFactory
    notifications: NotificationService
    renderer: MailRenderer
    links: PublicLinks
    clock: Clock
    product_name: str = "MetSkin"
    translations: Translations | None = None  # English without

    def send(self, user_id: str, due: str) -> int:
        """Email and SMS as the profile allows; nothing when the date moved (a new routine)
        or the account is closed. How many messages left (0 when sent before).

        The daytime is checked again here, when the job runs: a job retried (the provider
        failed, a worker restarted or the queue was down) can run hours after the scan told
        the date. In the person's evening or night it sends nothing and hands the date back to
        the scan from their next 09:00 (`tell_again_at`), which queues it again then: the
        inbox entry stays one (its key) and each channel still leaves once (its dedupe key)."""
        with self.uow_factory() as uow:
            user, item = uow.users.get(user_id), uow.check_ins.get(user_id)
        if user is None or not user.is_active or item is None or item.due_at is None:
            return 0
        if item.due_at.isoformat() != due:
            return 0
        profile = user.profile
        now = self.clock()
        if (daytime := daytime_from(now, profile.time_zone)) > now:
            with self.uow_factory() as uow:
                uow.check_ins.tell_again_at(user_id, item.due_at, daytime)
                uow.commit()
            log.info("check-in reminder put off to the daytime", extra={"user_id": user_id})
            return 0
        tr = self.translations.translator(profile.locale) if self.translations else ENGLISH
        day = tr.format_date(item.due_at.astimezone(zone(profile.time_zone)).date())
        context = {
            "name": profile.display_name or user.email.split("@")[0],
            "due_day": day,
            "weeks": item.cadence_weeks,
        }
        email = sms = None
        if profile.email_opt_in:
            email = self.renderer.render_email(TEMPLATE, user.email, context, profile.locale)
        if (number := profile.sms_number) is not None:
            sms = OutgoingSms(number, self._sms_text(tr, day))
        key = f"checkin:{user_id}:{due}"
        return self.notifications.send_each(key, email, sms, owner=user_id).sent

    def _sms_text(self, tr: Translator, day: str) -> str:
        """The advice on light and place when the text stays one SMS (`sms_segments`: a
        long public address or a language's wording can make it two), else without it."""
        values = {"product": self.product_name, "day": day, "link": self.links.start()}
        full = tr.gettext(
            "{product}: your check-in photo is due {day}; take it in the same light and "
            "place as last time: {link}"
        )
        short = tr.gettext("{product}: your check-in photo is due {day}: {link}")
        return one_sms(full.format(**values), short.format(**values))
