"""Jobs leave only after commit and run on a worker: in-process and on Redis + MariaDB."""

from __future__ import annotations

import json
import time
from pathlib import Path

import dramatiq
import pytest

from metskin.bootstrap import Container, bootstrap
from metskin.domain.errors import ValidationFailed
from tests.conftest import make_settings, wipe

PASSWORD = "tea-and-toast-77"


def outbox_messages(container: Container) -> list[dict]:
    folder = container.settings.outbox_dir
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def wait_for(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_welcome_email_is_sent_once_by_the_embedded_worker(container: Container) -> None:
    container.start_embedded_worker()
    user = container.accounts.register("maya@example.com", PASSWORD, "Maya")
    container.broker.join("default")
    messages = outbox_messages(container)
    assert [m["to"] for m in messages] == ["maya@example.com"]
    assert "Maya" in messages[0]["subject"]
    assert "not a medical diagnosis" in messages[0]["text"]
    # A redelivered job sends nothing more.
    container.broker.get_actor("send_welcome_email").send(user_id=user.id)
    container.broker.join("default")
    assert len(outbox_messages(container)) == 1


def test_failed_registration_enqueues_nothing(container: Container) -> None:
    with pytest.raises(ValidationFailed):
        container.accounts.register("not-an-email", PASSWORD)
    assert container.broker.queues.get("default") is None or (
        container.broker.queues["default"].qsize() == 0
    )


@pytest.mark.redis
@pytest.mark.mariadb
def test_worker_on_redis_and_mariadb_sends_the_welcome_email(
    tmp_path: Path, migrated_mysql: str, redis_url: str
) -> None:
    wipe(migrated_mysql)
    settings = make_settings(tmp_path, database_url=migrated_mysql, redis_url=redis_url)
    api = bootstrap(settings)
    api.broker.flush_all()
    user = api.accounts.register("maya@example.com", PASSWORD, "Maya")
    worker = dramatiq.Worker(api.broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        wait_for(lambda: len(outbox_messages(api)) == 1)

        def logged() -> bool:  # the worker records the send after the message goes out
            with api.new_uow() as uow:
                return uow.sent_notifications.was_sent(f"welcome:{user.id}")

        wait_for(logged)
        assert len(outbox_messages(api)) == 1  # sent once
    finally:
        worker.stop()
        api.close()
        wipe(migrated_mysql)
