"""The patient inbox on fakes: once per key, newest first, marking read, the wake-up."""

from __future__ import annotations

import pytest

from metskin.domain.inbox import entries
from metskin.domain.inbox.model import InboxEntry, NotificationKind, inbox_channel
from metskin.domain.inbox.service import InboxService
from tests.fakes.inbox import FakeInboxUnitOfWork
from tests.fakes.infra import FakeClock


@pytest.fixture
def uow() -> FakeInboxUnitOfWork:
    return FakeInboxUnitOfWork()


@pytest.fixture
def inbox(uow: FakeInboxUnitOfWork) -> InboxService:
    return InboxService(uow, FakeClock())


def test_each_key_lands_once_and_wakes_the_person_once(
    inbox: InboxService, uow: FakeInboxUnitOfWork
) -> None:
    done = entries.analysis_done("p1", "a1")
    inbox.deliver(done)
    inbox.deliver(done)  # a redelivered job, a second process
    inbox.deliver(entries.analysis_done("p2", "a1"))  # the key is per person
    assert [n.key for n in inbox.newest("p1", None, 10)] == ["analysis-done:a1"]
    assert [e.channel for e in uow.released] == [inbox_channel("p1"), inbox_channel("p2")]


def test_newest_first_after_a_cursor_and_unread_counts(inbox: InboxService) -> None:
    for number in range(3):
        inbox.deliver(entries.analysis_done("p1", f"a{number}"))
    newest = inbox.newest("p1", None, 2)
    assert [n.payload["analysis_id"] for n in newest] == ["a2", "a1"]
    assert [n.payload["analysis_id"] for n in inbox.newest("p1", newest[-1].id, 10)] == ["a0"]
    assert [n.payload["analysis_id"] for n in inbox.after("p1", newest[-1].id, 10)] == ["a2"]
    assert inbox.last("p1") == newest[0] and inbox.last("p2") is None
    assert inbox.unread_count("p1") == 3


def test_marking_read_touches_only_your_own(inbox: InboxService) -> None:
    inbox.deliver(entries.analysis_done("p1", "a1"))
    inbox.deliver(entries.analysis_done("p1", "a2"))
    inbox.deliver(entries.analysis_done("p2", "b1"))
    theirs = inbox.newest("p2", None, 1)[0].id
    first = inbox.newest("p1", None, 10)[-1].id
    assert inbox.mark_read("p1", [first, theirs]) == 1
    assert inbox.mark_read("p1", [first]) == 0  # already read
    assert inbox.unread_count("p1") == 1 and inbox.unread_count("p2") == 1
    assert inbox.mark_read("p1", None) == 1 and inbox.unread_count("p1") == 0


def test_entries_keys_tell_events_apart() -> None:
    payload = {"appointment_id": "ap1", "start": "2030-01-01T09:00:00+00:00"}
    booked = entries.appointment_changed("BOOKED", "p1", 0, payload)
    moved = entries.appointment_changed("RESCHEDULED", "p1", 1, payload)
    moved_again = entries.appointment_changed("RESCHEDULED", "p1", 2, payload)
    assert booked and moved and moved_again
    assert moved.kind is NotificationKind.APPOINTMENT_MOVED
    assert len({booked.key, moved.key, moved_again.key}) == 3
    assert entries.appointment_changed("SHARED", "p1", 0, payload) is None
    viewed = entries.share_viewed("p1", "d1", "a1")
    assert (
        viewed.key
        == entries.share_viewed("p1", "d1", "a1").key
        != (entries.share_viewed("p1", "d2", "a1").key)
    )
    with pytest.raises(ValueError):
        InboxEntry("p1", NotificationKind.CHECK_IN_DUE, "k" * 121)
