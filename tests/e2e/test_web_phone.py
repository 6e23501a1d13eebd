"""The profile page proves a phone number: after saving one, "Send code" texts a code to it
and "Verify" with that code shows the number verified (a new number is unverified again)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_web_app import register
from tests.e2e.web_browser import Browser, browser_fixture, from_outbox, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-phone")
browser = browser_fixture()
PHONE = "+447700900123"
SHOWN = "+44 7700 900123"


def texted_code(tmp_path_factory: pytest.TempPathFactory, to: str) -> str:
    """The code in the SMS to `to` (this module's server's outbox)."""
    outbox = next(Path(tmp_path_factory.getbasetemp()).glob("web-phone[0-9]*/var/outbox"))

    def code(sms: dict[str, Any]) -> str | None:
        found = re.search(r"\b(\d{6})\b", sms["body"]) if sms["channel"] == "sms" else None
        return found[1] if found and sms["to"] == to else None

    return from_outbox(outbox, code, f"SMS to {to}")


def test_a_saved_phone_is_verified_with_the_texted_code(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    register(browser, "texts@example.com")
    browser.go("#/profile")
    no_phone = browser.text("#phone-verification", "Save a mobile phone number")
    assert "null" not in no_phone  # a line of its own under the notice, without a form
    browser.fill("#profile-form", phone=PHONE)
    browser.submit("#profile-form")
    browser.text("#phone-verification .phone-state", "is not verified")
    browser.find("#send-phone-code").click()
    browser.text("#verify-phone-form .saved", "A code is on its way to")
    browser.fill("#verify-phone-form", code="000000")
    browser.submit("#verify-phone-form")
    browser.text("#verify-phone-form .form-error", "PHONE_CODE_INVALID")
    browser.fill("#verify-phone-form", code=texted_code(tmp_path_factory, PHONE))
    browser.submit("#verify-phone-form")
    # grouped as people read it (it read "+447700900123 is verified")
    assert "null" not in browser.text("#phone-verification", f"{SHOWN} is verified")
    browser.reload("#/profile")
    browser.text("#phone-verification .phone-state", f"{SHOWN} is verified")
    assert browser.find("#profile-form [name=phone]").get_attribute("value") == SHOWN
    assert browser.severe_console_messages() == []
