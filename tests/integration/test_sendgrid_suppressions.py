"""SendGrid's suppression lists cleared for an address, against a loopback server: one DELETE
per list (`/v3/suppression/<list>/<address>`, the address as one path segment), an address not
on a list (404) is no error, a 5xx or an unreachable SendGrid is transient (retried), another
4xx is permanent; the key never in a log. Without SendGrid the outbox has nothing to clear."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from metskin.adapters.from_settings import make_email_suppressions
from metskin.adapters.notify.errors import NotificationRejected, NotifierUnavailable
from metskin.adapters.notify.outbox import FileOutbox
from metskin.adapters.notify.sendgrid_mail import SendGridEmailSender
from metskin.domain.errors import DomainError
from tests.conftest import make_settings
from tests.integration.test_notify_adapters import (  # noqa: F401  (the fixture)
    API_KEY,
    CaptureServer,
    capture,
    closed_port_url,
    sendgrid,
)

ADDRESS = "maya+skin@example.com"
LISTS = ("bounces", "spam_reports", "blocks", "invalid_emails")


def paths(address: str = ADDRESS) -> list[str]:
    return [f"/v3/suppression/{name}/{address}" for name in LISTS]


def test_each_list_gets_a_delete_of_the_address(
    capture: CaptureServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    capture.status = 204
    capture.status_of = {paths()[1]: 404}  # not on the spam list: no error
    sender = sendgrid(capture.url)
    sender.clear(ADDRESS)
    assert [(r.method, r.path) for r in capture.requests] == [("DELETE", p) for p in paths()]
    assert all(r.headers["authorization"] == f"Bearer {API_KEY}" for r in capture.requests)
    assert API_KEY not in caplog.text + repr(sender)


def test_an_address_with_a_slash_stays_one_path_segment(
    capture: CaptureServer,  # noqa: F811
) -> None:
    capture.status = 204
    sendgrid(capture.url).clear("a/b?c@example.com")
    assert capture.requests[0].path == "/v3/suppression/bounces/a%2Fb%3Fc@example.com"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_or_failing_sendgrid_is_transient(
    capture: CaptureServer,  # noqa: F811
    status: int,
) -> None:
    capture.status = status
    with pytest.raises(NotifierUnavailable, match=f"HTTP {status}") as caught:
        sendgrid(capture.url).clear(ADDRESS)
    assert not isinstance(caught.value, DomainError)  # so the worker retries it


@pytest.mark.parametrize("status", [400, 401, 403])
def test_a_refusal_is_permanent(capture: CaptureServer, status: int) -> None:  # noqa: F811
    capture.status = status
    capture.reply = {"errors": [{"message": "access forbidden"}]}
    with pytest.raises(NotificationRejected) as caught:
        sendgrid(capture.url).clear(ADDRESS)
    assert caught.value.status == status and len(capture.requests) == 1


def test_an_unreachable_sendgrid_is_transient() -> None:
    with pytest.raises(NotifierUnavailable, match="unreachable"):
        sendgrid(closed_port_url()).clear(ADDRESS)


def test_without_sendgrid_the_outbox_has_nothing_to_clear(tmp_path: Path) -> None:
    suppressions = make_email_suppressions(make_settings(tmp_path))
    assert isinstance(suppressions, FileOutbox)
    suppressions.clear(ADDRESS)  # no error, no file
    assert not list(tmp_path.rglob("*.json"))
    configured = make_settings(tmp_path, sendgrid_api_key=API_KEY)
    assert isinstance(make_email_suppressions(configured), SendGridEmailSender)
