"""Replies people send to our SMS number, read from the provider's webhook: STOP turns their
texts off at once (before, only the next text the provider refused did), START turns them on
again when a STOP turned them off; HELP and anything else change nothing.

The words are the ones the provider itself honours (Twilio's defaults, in any case, the whole
message trimmed): it is the provider that stops delivering after STOP and delivers again after
START, so a word it does not honour must not change the profile either. A provider configured
with words of its own (Twilio's Advanced Opt-Out: French or German keywords, say) says which
kind a message was (`opt_out_type`), and that is taken first.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, replace
from datetime import datetime

from metskin.domain.accounts.model import User
from metskin.domain.accounts.sms_consent import SmsWhy, sms_changes
from metskin.domain.inbox import entries
from metskin.domain.inbox.service import tell
from metskin.domain.notifications.ports import NotificationsUnitOfWork, NotificationsUowFactory
from metskin.domain.ports import Clock

log = logging.getLogger(__name__)


class Keyword(enum.Enum):
    STOP = "STOP"
    START = "START"
    HELP = "HELP"
    OTHER = "OTHER"


# Twilio's default keywords (its Advanced Opt-Out page): English only.
STOP_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
START_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})
REPLY_KEY = "sms-reply:{sid}"  # in the sent log: a reply the provider sends again is read once
REPLY_CHANNEL = "sms-in"


def keyword(body: str, opt_out_type: str | None = None) -> Keyword:
    """What a reply asks: the provider's own reading (`opt_out_type`) when it gave one, else
    the whole message, trimmed, in any case, against the provider's default words."""
    if opt_out_type and opt_out_type.strip().upper() in Keyword.__members__:
        return Keyword[opt_out_type.strip().upper()]
    word = body.strip().upper()
    if word in STOP_WORDS:
        return Keyword.STOP
    if word in START_WORDS:
        return Keyword.START
    return Keyword.HELP if word in HELP_WORDS else Keyword.OTHER


@dataclass(frozen=True)
class SmsReply:
    """One message sent to our number: the provider's id of it (`sid`: the same on a retry),
    the sender's number (E.164), its text and the provider's reading of it."""

    sid: str
    sender: str
    body: str
    opt_out_type: str | None = None

    @property
    def keyword(self) -> Keyword:
        return keyword(self.body, self.opt_out_type)


@dataclass(frozen=True)
class ReplyTaken:
    """What a reply did: its keyword, how many accounts have the number (verified), the ones
    whose texts it turned off or on, and whether it was read before (a provider's retry)."""

    keyword: Keyword
    accounts: int
    changed: tuple[str, ...] = ()
    repeated: bool = False


def turn_sms_off(
    uow: NotificationsUnitOfWork, user: User | None, number: str, now: datetime, *, replied: bool
) -> bool:
    """SMS off for `user` while `number` is still their phone and SMS are on, told in their
    inbox (SMS_STOPPED): the provider refused the number for good, or (`replied`) the person
    replied STOP. In `uow`; the caller commits."""
    if user is None or user.profile.phone != number or not user.profile.sms_opt_in:
        return False
    user.profile = replace(user.profile, sms_opt_in=False)
    uow.users.save(user)
    tell(uow, entries.sms_stopped(user.id, number, now.isoformat(), replied=replied), now)
    return True


def turn_sms_on(uow: NotificationsUnitOfWork, user: User, number: str, now: datetime) -> bool:
    """SMS on again after START, only for a person who had them on until a STOP (a reply or a
    refusal) turned them off: their newest SMS change (`sms_consent.sms_changes`: the inbox's
    SMS entries and their own ticks of the box) is that STOP, for this number. Someone who never
    chose texts, or unticked the box themselves since, is not opted in by a START."""
    profile = user.profile
    if profile.sms_opt_in or profile.phone != number or not profile.is_phone_verified:
        return False
    last = next(iter(sms_changes(uow, user.id, 1)), None)
    stopped = (SmsWhy.REPLIED_STOP, SmsWhy.REFUSED)
    if last is None or last.why not in stopped or last.phone != entries.shown_phone(number):
        return False
    user.profile = replace(profile, sms_opt_in=True)
    uow.users.save(user)
    tell(uow, entries.sms_started(user.id, number, now.isoformat()), now)
    return True


@dataclass(eq=False)
class SmsReplies:
    uow_factory: NotificationsUowFactory
    clock: Clock

    def take(self, reply: SmsReply) -> ReplyTaken:
        """Apply a STOP or START from `reply.sender` to every active account whose verified
        phone it is, once per `reply.sid`, in one transaction. Logged without the text or the
        number (a reply may say anything about the person's health)."""
        word = reply.keyword
        with self.uow_factory() as uow:
            ids = uow.users.ids_with_verified_phone(reply.sender)
            taken = ReplyTaken(word, len(ids))
            if ids and word in (Keyword.STOP, Keyword.START):
                taken = self._apply(uow, reply, word, ids)
        log.info(
            "sms reply",
            extra={
                "keyword": word.value,
                "accounts": taken.accounts,
                "changed": list(taken.changed),
                "repeated": taken.repeated,
                "message_sid": reply.sid,
            },
        )
        return taken

    def _apply(
        self, uow: NotificationsUnitOfWork, reply: SmsReply, word: Keyword, ids: list[str]
    ) -> ReplyTaken:
        users = [uow.users.get(user_id, for_update=True) for user_id in ids]  # in id order
        key = REPLY_KEY.format(sid=reply.sid)
        if uow.sent_notifications.was_sent(key):
            return ReplyTaken(word, len(ids), repeated=True)
        now = self.clock()
        changed = tuple(
            user.id
            for user in users
            if user is not None
            and (
                turn_sms_off(uow, user, reply.sender, now, replied=True)
                if word is Keyword.STOP
                else turn_sms_on(uow, user, reply.sender, now)
            )
        )
        uow.sent_notifications.record(key, REPLY_CHANNEL, reply.sender, now)
        uow.commit()
        return ReplyTaken(word, len(ids), changed)
