"""Account repositories and the unit of work on SQLite and MariaDB."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from metskin.bootstrap import Container
from metskin.domain.accounts.errors import EmailTaken
from metskin.domain.accounts.model import Profile, Role, User
from metskin.domain.errors import Conflict

PASSWORD = "tea-and-toast-77"


def make_user(user_id: str, email: str, created: datetime) -> User:
    return User(
        id=user_id,
        email=email,
        password_hash="x",
        role=Role.PATIENT,
        created_at=created,
        profile=Profile(concerns=["acne"], allergies=["Linalool", "café crème ☕"]),
    )


def test_user_round_trip_keeps_utc_microseconds_and_lists(container: Container) -> None:
    created = datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC)
    with container.new_uow() as uow:
        uow.users.add(make_user("u1", "a@example.com", created))
        uow.commit()
    with container.new_uow() as uow:
        loaded = uow.users.get("u1")
    assert loaded is not None
    assert loaded.created_at == created
    assert loaded.created_at.tzinfo is not None
    assert loaded.profile.allergies == ["Linalool", "café crème ☕"]


def test_uncommitted_work_is_rolled_back(container: Container) -> None:
    with container.new_uow() as uow:
        uow.users.add(make_user("u1", "a@example.com", datetime.now(UTC)))
    with container.new_uow() as uow:
        assert uow.users.get("u1") is None


def test_database_enforces_unique_email(container: Container) -> None:
    now = datetime.now(UTC)
    with container.new_uow() as uow:
        uow.users.add(make_user("u1", "a@example.com", now))
        uow.commit()
    with pytest.raises(Conflict), container.new_uow() as uow:
        uow.users.add(make_user("u2", "a@example.com", now))
        uow.commit()


def test_concurrent_registrations_of_one_email_create_one_account(container: Container) -> None:
    def attempt(_: int) -> str:
        try:
            container.accounts.register("race@example.com", PASSWORD)
            return "created"
        except EmailTaken:
            return "taken"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert outcomes.count("created") == 1
    assert outcomes.count("taken") == 15


def test_keyset_pages_cover_every_user_once(container: Container) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with container.new_uow() as uow:
        for index in range(7):
            same_time = start + timedelta(seconds=index // 2)  # ties broken by id
            uow.users.add(make_user(f"u{index}", f"u{index}@example.com", same_time))
        uow.commit()
    seen: list[str] = []
    after = None
    while True:
        page = container.accounts.list_users(after, 3)
        seen += [user.id for user in page]
        if len(page) < 3:
            break
        after = (page[-1].created_at, page[-1].id)
    assert sorted(seen) == [f"u{i}" for i in range(7)]
    assert len(seen) == len(set(seen))


def test_sent_notification_log_dedupes(container: Container) -> None:
    now = datetime.now(UTC)
    with container.new_uow() as uow:
        assert not uow.sent_notifications.was_sent("welcome:1")
        uow.sent_notifications.record("welcome:1", "email", "a@example.com", now)
        uow.commit()
    with container.new_uow() as uow:
        assert uow.sent_notifications.was_sent("welcome:1")
