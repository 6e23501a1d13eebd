"""When texts went on or off and why, on the fakes: the person's own ticks are recorded (consent
records, purpose SMS), the replies and refusals read from the inbox, and START reads both."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metskin.domain.accounts.service import AccountService
from metskin.domain.accounts.sms_consent import SmsChange, SmsConsent, SmsWhy
from metskin.domain.notifications.sms_replies import SmsReplies, SmsReply, turn_sms_off
from metskin.domain.notifications.suppressions import CLEAR_EMAIL_SUPPRESSIONS
from metskin.domain.privacy.model import ConsentPurpose
from tests.fakes.accounts import FakeAccountsUnitOfWork
from tests.fakes.infra import FakeAccessTokens, FakeClock, FakeHasher
from tests.fakes.notifications import FakeNotificationsUnitOfWork
from tests.unit.builders import user

PHONE = "+447700900123"
SHOWN = "+44 7700 900123"


@pytest.fixture
def texts() -> FakeNotificationsUnitOfWork:
    """Where SMS replies are read; u1 has a verified phone and texts off."""
    uow = FakeNotificationsUnitOfWork()
    with uow:
        uow.users.add(user("u1", phone=PHONE, sms_opt_in=False))
        uow.commit()
    return uow


@pytest.fixture
def profile(texts: FakeNotificationsUnitOfWork) -> FakeAccountsUnitOfWork:
    """The accounts' unit of work over the same people, inbox and consent records."""
    return FakeAccountsUnitOfWork(
        users=texts.users, inbox=texts.inbox, consent_records=texts.consent_records
    )


@pytest.fixture
def accounts(profile: FakeAccountsUnitOfWork, clock: FakeClock) -> AccountService:
    return AccountService(profile, FakeHasher(), FakeAccessTokens(), clock, timedelta(days=30))


def tick(accounts: AccountService, clock: FakeClock, on: bool) -> None:
    clock.advance(minutes=1)
    accounts.update_profile("u1", {"sms_opt_in": on})


def reply(replies: SmsReplies, clock: FakeClock, sid: str, body: str) -> None:
    clock.advance(minutes=1)
    replies.take(SmsReply(sid, PHONE, body))


def texts_on(texts: FakeNotificationsUnitOfWork) -> bool:
    person = texts.users.get("u1")
    assert person is not None
    return person.profile.sms_opt_in


def test_the_person_s_own_ticks_are_recorded_only_when_the_box_changes(
    accounts: AccountService, profile: FakeAccountsUnitOfWork, clock: FakeClock
) -> None:
    """Before, the profile kept no trace of the box: only the inbox's STOP and START."""
    tick(accounts, clock, True)
    accounts.update_profile("u1", {"sms_opt_in": True, "display_name": "Ana"})  # unchanged
    tick(accounts, clock, False)
    records = profile.consent_records.history("u1")
    assert [(r.purpose, r.given) for r in records] == [
        (ConsentPurpose.SMS, True),
        (ConsentPurpose.SMS, False),
    ]
    assert SmsConsent(profile).changes("u1") == [
        SmsChange(False, clock(), SmsWhy.CHOSEN),
        SmsChange(True, clock() - timedelta(minutes=1), SmsWhy.CHOSEN),
    ]


def test_the_history_reads_ticks_replies_and_refusals_newest_first(
    accounts: AccountService,
    texts: FakeNotificationsUnitOfWork,
    profile: FakeAccountsUnitOfWork,
    clock: FakeClock,
) -> None:
    replies = SmsReplies(texts, clock)
    tick(accounts, clock, True)
    reply(replies, clock, "SM1", "STOP")
    reply(replies, clock, "SM2", "START")
    clock.advance(minutes=1)
    with texts:  # the provider refuses the number for good (a text refused, Twilio 21610)
        assert turn_sms_off(texts, texts.users.get("u1"), PHONE, clock(), replied=False)
        texts.commit()
    whys = [(c.on, c.why, c.phone) for c in SmsConsent(profile).changes("u1")]
    assert whys == [
        (False, SmsWhy.REFUSED, SHOWN),
        (True, SmsWhy.REPLIED_START, SHOWN),
        (False, SmsWhy.REPLIED_STOP, SHOWN),
        (True, SmsWhy.CHOSEN, None),
    ]


def test_start_does_not_undo_the_person_s_own_untick_after_a_stop(
    accounts: AccountService, texts: FakeNotificationsUnitOfWork, clock: FakeClock
) -> None:
    """The fifteenth session's "Left": STOP, then texts on and off again in the profile; a
    later START turned them on (only the inbox's STOP was read)."""
    replies = SmsReplies(texts, clock)
    tick(accounts, clock, True)
    reply(replies, clock, "SM1", "STOP")
    tick(accounts, clock, True)
    tick(accounts, clock, False)  # their own choice, after the STOP
    reply(replies, clock, "SM2", "START")
    assert not texts_on(texts)
    tick(accounts, clock, True)
    reply(replies, clock, "SM3", "STOP")
    reply(replies, clock, "SM4", "START")  # the STOP is the newest change: on again
    assert texts_on(texts)


def test_emails_turned_on_again_clear_the_provider_s_suppressions(
    accounts: AccountService, profile: FakeAccountsUnitOfWork, clock: FakeClock
) -> None:
    """A spam report turned them off; SendGrid keeps the address on its spam list until it is
    taken off: turning emails on again queues that, with the change."""
    accounts.update_profile("u1", {"email_opt_in": False})
    accounts.update_profile("u1", {"email_opt_in": True})
    accounts.update_profile("u1", {"email_opt_in": True})  # on already: nothing more
    clears = [job for job in profile.jobs if job.actor == CLEAR_EMAIL_SUPPRESSIONS]
    assert [job.kwargs for job in clears] == [{"email": "u1@example.com"}]
