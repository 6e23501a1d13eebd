"""The web app when mail to the account's address came back (SendGrid's Event Webhook): the
banner says so, not "we sent a link" (which never arrived), puts changing the address first,
and stays about three lines on a 375 px phone; the inbox says what it means and what to do."""

from __future__ import annotations

import json
import urllib.request

import pytest

from metskin.cli.seed import DEMO_PASSWORD, DEMO_PATIENT
from tests.e2e.test_web_app import register
from tests.e2e.web_browser import Browser, browser_fixture, server_fixture
from tests.unit.notifications.test_sendgrid_events import TIMESTAMP, key_pair, signed

pytestmark = pytest.mark.slow

PRIVATE, PUBLIC = key_pair()
server = server_fixture("web-email-bounce", METSKIN_SENDGRID_EVENT_PUBLIC_KEY=PUBLIC)
browser = browser_fixture()


def post_events(server: str, events: list[dict[str, str]]) -> None:
    """Events as SendGrid posts them, signed with the key the server was given."""
    body = json.dumps(events).encode()
    request = urllib.request.Request(
        f"{server}/webhooks/sendgrid",
        data=body,
        method="POST",
        headers={
            "content-type": "application/json",
            "X-Twilio-Email-Event-Webhook-Signature": signed(PRIVATE, body),
            "X-Twilio-Email-Event-Webhook-Timestamp": TIMESTAMP,
        },
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 204


def test_a_bounced_address_says_so_in_three_lines_on_a_phone(browser: Browser, server: str) -> None:
    """Before, the banner went on saying "We emailed a link to …" after the welcome email had
    bounced, and took seven lines of a phone, pushing the upload form below the fold."""
    browser.driver.set_window_size(375, 812)
    register(browser, "maya@gmial.example")
    browser.text("#email-banner", "Confirm your email address: we sent a link to")
    post_events(server, [{"email": "maya@gmial.example", "event": "bounce", "type": "bounce"}])

    browser.reload("#/analyse")
    said = browser.text("#email-banner", "Mail to maya@gmial.example came back undelivered")
    assert "we sent a link" not in said
    links = browser.visible("#email-banner a, #email-banner button")
    assert [link.get_attribute("id") for link in links[:2]] == [
        "change-mistyped-email",  # the address is likely wrong: changing it comes first
        "resend-verification",
    ]
    assert [link.text for link in links[:2]] == ["Change the address", "Send the link again"]
    height, line = browser.driver.execute_script(
        "const b = document.getElementById('email-banner');"
        "return [b.getBoundingClientRect().height, parseFloat(getComputedStyle(b).lineHeight)];"
    )
    assert height < 4 * line, f"the banner takes {height / line:.1f} lines, padding included"
    upload = (
        "return [document.querySelector('#view form').getBoundingClientRect().top, innerHeight]"
    )
    top, fold = browser.driver.execute_script(upload)
    assert top < fold, "the upload form below the fold"

    browser.click("a[href='#/inbox']")
    told = browser.text("#inbox [data-kind=EMAIL_BOUNCED]", "Our email to you came back")
    assert "Check the address in your profile" in told
    browser.find("#inbox [data-kind=EMAIL_BOUNCED] a[href='#/profile']").click()
    browser.until(lambda: browser.hash() == "#/profile", "the profile")
    browser.find("#email-change-form [name=newEmail]")
    assert browser.severe_console_messages() == []


def test_a_spam_report_reads_apart_and_ends_when_emails_are_on_again(
    browser: Browser, server: str
) -> None:
    """A confirmed address whose owner marked our email as spam (its emails turned off): the
    banner says that, not "confirm your address", and leads to the profile; emails on again
    there, the banner goes. The report arrives while the person is signed in: before, the
    banner checked the server only for an unconfirmed address, so nothing showed."""
    browser.driver.set_window_size(375, 812)
    browser.log_in(DEMO_PATIENT, DEMO_PASSWORD)
    assert not browser.visible("#email-banner")
    post_events(server, [{"email": DEMO_PATIENT, "event": "spamreport"}])

    browser.reload("#/analyse")
    said = browser.text("#email-banner", f"Our email to {DEMO_PATIENT} was marked as spam.")
    assert "We stopped emailing you." in said and "Confirm" not in said
    assert not browser.visible("#resend-verification")  # a new link would be reported too
    browser.click("#turn-emails-on")
    browser.until(lambda: browser.hash() == "#/profile", "the profile")
    box = browser.find("#profile-form [name=emailOptIn]")
    assert not box.is_selected()
    box.click()
    browser.submit("#profile-form")
    browser.text("#profile-form .saved", "Profile saved.")
    browser.until(lambda: not browser.visible("#email-banner"), "the banner gone")
    assert browser.severe_console_messages() == []
