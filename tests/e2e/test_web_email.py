"""The web app and the account's email address: a new account sees "Confirm your email
address" with a resend button until the emailed link is opened; the profile changes the
address with a link sent to the new one; an invited dermatologist's link chooses the
password and proves the address."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from metskin.cli.seed import DEMO_PASSWORD
from tests.cluster import graphql
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_web_app import register
from tests.e2e.web_browser import Browser, browser_fixture, from_outbox, server_fixture

pytestmark = pytest.mark.slow

server = server_fixture("web-email")
browser = browser_fixture()


# The banner's first check of the address (`me`), answered by the server before the link is
# used but handed to the page only when the test releases it: a slow answer, overtaken by the
# verification page.
HELD_CHECK = """
let release;
const held = new Promise((resolve) => { release = resolve; });
window.__releaseCheck = () => release();
window.__checkDelivered = false;
let first = null;
const nativeFetch = window.fetch;
window.fetch = async (url, init = {}) => {
  const body = String(init.body || "");
  if (first === null && body.includes("me { email emailVerified emailTrouble }")) {
    first = nativeFetch(url, init);
    const response = await first;
    await held;
    window.__checkDelivered = true;
    return response;
  }
  if (first !== null && body.includes("verifyEmail(")) await first;
  return nativeFetch(url, init);
};
"""


def emailed_link(tmp_path_factory: pytest.TempPathFactory, to: str, page: str) -> str:
    """The path and fragment of the link to `page` in an email to `to` (this module's
    server's outbox)."""
    server_dir = next(Path(tmp_path_factory.getbasetemp()).glob("web-email[0-9]*"))
    outbox = server_dir / "var" / "outbox"  # made by the first message
    pattern = re.compile(rf"https?://[^/\s]+/({page}#token=[^\s\"<>]+)")

    def link(email: dict[str, Any]) -> str | None:
        found = pattern.search(email.get("text", "")) if email["to"] == to else None
        return found[1] if found else None

    return from_outbox(outbox, link, f"link to /{page} for {to}")


def log_in_to_the_admin_page(browser: Browser) -> None:
    browser.open("#/admin")
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.fill("#login-form", email="admin@demo.metskin.local", password=DEMO_PASSWORD)
    browser.submit("#login-form")


def test_the_banner_until_the_link_is_opened_and_a_change_of_address(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    register(browser, "banner@example.com")
    browser.text("#email-banner", "Confirm your email address")
    browser.find("#resend-verification").click()
    browser.text("#email-banner", "Sent: check your inbox")

    browser.open(emailed_link(tmp_path_factory, "banner@example.com", "verify-email"))
    browser.text("#view", "Your email address is confirmed")
    browser.until(lambda: not browser.visible("#email-banner"), "the banner gone")
    browser.reload("#/analyse")
    browser.find("#who")
    assert not browser.visible("#email-banner")

    browser.go("#/profile")
    browser.text("#email-address", "banner@example.com is confirmed")
    browser.fill("#email-change-form", newEmail="banner@example.com", password=PASSWORD)
    browser.submit("#email-change-form")
    browser.text("#email-change-form .form-error", "EMAIL_UNCHANGED")
    browser.fill("#email-change-form", newEmail="moved@example.com", password=PASSWORD)
    browser.submit("#email-change-form")
    browser.text("#email-change-form .saved", "We emailed a link to moved@example.com")

    browser.open(emailed_link(tmp_path_factory, "moved@example.com", "change-email"))
    browser.text("#view", "Use the address this link was sent to")
    browser.submit("#confirm-email-change-form")
    browser.text("#view", "Your email address was changed")
    browser.go("#/profile")
    browser.text("#email-address", "moved@example.com is confirmed")
    assert browser.severe_console_messages() == []


def test_a_slow_first_check_does_not_draw_the_banner_again_after_the_link_confirmed(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The link opened in a new page: the banner's check of the address is slow, and its
    answer (not verified: asked before the link was used) arrives after the page confirmed
    the address and hid the banner. Before, that answer drew the banner again, with a stale
    "Send the link again" (seen once under load in the test above)."""
    register(browser, "slow-check@example.com")
    browser.text("#email-banner", "Confirm your email address")
    link = emailed_link(tmp_path_factory, "slow-check@example.com", "verify-email")
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HELD_CHECK})
    browser.open(link)
    browser.text("#view", "Your email address is confirmed")
    browser.until(lambda: not browser.visible("#email-banner"), "the banner gone")
    browser.driver.execute_script("window.__releaseCheck()")
    browser.until(
        lambda: browser.driver.execute_script("return window.__checkDelivered"), "the answer"
    )
    time.sleep(0.5)  # the page reads the answer (a few tasks), then it would draw
    assert not browser.visible("#email-banner")
    assert not browser.visible("#resend-verification")
    assert browser.severe_console_messages() == []


def test_a_mistyped_address_is_changed_from_the_banner_and_a_link_needs_its_account(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On a 375 px phone. The banner names the address and leads to the profile's change
    form. A link opened logged out (on another device, or by a mistyped mailbox's reader)
    asks to log in to the account; once logged in, the same page confirms. Before, opening
    the link confirmed whatever browser it was opened in, and the banner had no way to
    correct the address."""
    browser.driver.set_window_size(375, 812)
    register(browser, "phone@gmial.example")
    browser.text("#email-banner", "we sent a link to phone@gmial.example")
    browser.click("#change-mistyped-email")
    browser.until(lambda: browser.hash() == "#/profile", "the profile")
    browser.text("#email-address", "phone@gmial.example is not confirmed yet")
    browser.find("#email-change-form [name=newEmail]")
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    assert not browser.driver.execute_script(f"return {wide}"), "wider than the phone"

    link = emailed_link(tmp_path_factory, "phone@gmial.example", "verify-email")
    browser.in_nav("#logout")  # in the menu on a phone
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.open(link)
    browser.text("#view", "Log in to your MetSkin account to use this link")
    browser.click("#login-for-link")
    browser.fill("#login-form", email="phone@gmial.example", password=PASSWORD)
    browser.submit("#login-form")
    browser.text("#view", "Your email address is confirmed")
    browser.until(lambda: not browser.visible("#email-banner"), "the banner gone")
    assert not browser.driver.execute_script(f"return {wide}"), "wider than the phone"
    assert browser.severe_console_messages() == []


def test_an_invited_dermatologist_chooses_their_password_on_the_invitation_s_page(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The administrator lists a dermatologist with no password (and the practice's phone,
    which patients call: a number without its country code is refused beside the form); the
    list says "Not activated yet" until the dermatologist opens the invitation and chooses
    one."""
    log_in_to_the_admin_page(browser)
    browser.find("#admin-doctor-form")
    assert browser.driver.find_elements(browser.by, "#admin-doctor-form [name=password]") == []
    browser.fill(
        "#admin-doctor-form",
        email="invited@example.com",
        name="Dr Ines Invitee",
        specialties="acne",
        languages="en",
        practiceName="Invitee Skin",
        address="1 High Street",
        city="Leeds",
        country="GB",
        lat="53.8",
        lon="-1.55",
        practicePhone="0113 496 0123",
    )
    browser.submit("#admin-doctor-form")
    browser.text("#admin-doctor-form .form-error", "start with + and its country code")
    browser.fill("#admin-doctor-form", practicePhone="+44 113 496 0123")  # Ofcom's fictional
    browser.submit("#admin-doctor-form")
    browser.text("#admin-doctor-form", "We emailed them an invitation")
    leeds = """{ dermatologists(filter: {near: {lat: 53.8, lon: -1.55, radiusKm: 1}}) {
      edges { node { name practice { phone } } } } }"""
    (listed,) = graphql(server, leeds)["dermatologists"]["edges"]
    assert listed["node"] == {"name": "Dr Ines Invitee", "practice": {"phone": "+441134960123"}}
    browser.text("#admin-doctor-list li", "Not activated yet")

    link = emailed_link(tmp_path_factory, "invited@example.com", "accept-invitation")
    browser.open(link)
    browser.fill("#invitation-form", password="short")
    browser.submit("#invitation-form")
    browser.text("#invitation-form .form-error", "10")
    browser.fill("#invitation-form", password="rain-on-the-roof-42")
    browser.submit("#invitation-form")
    browser.until(lambda: browser.hash().startswith("#/hours"), "the working hours page")
    browser.who("Ines")

    browser.open(link)  # used: the page says so, with the way in
    browser.fill("#invitation-form", password="another-pass-99")
    browser.submit("#invitation-form")
    browser.text("#invitation-form .form-error", "already used")
    assert browser.severe_console_messages() == []


def test_support_sends_a_reset_link_to_a_person_who_never_confirmed_and_forgot_it(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The administrator, at a desk, finds the account, is asked whether they checked it is
    the person's, sends the link; the person, on a 375 px phone, opens the normal reset email's
    link, chooses a password and is in, their address confirmed. Before, no one could send a
    reset link to an address its account never confirmed."""
    register = "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }"
    person = {"email": "lost@gmial.example", "password": PASSWORD, "displayName": "Lou"}
    graphql(server, register, i=person)
    log_in_to_the_admin_page(browser)
    browser.fill("#admin-support-form", search="lost@gmial")
    browser.submit("#admin-support-form")
    browser.text("#admin-support-list li", "Lou · lost@gmial.example address not confirmed")
    browser.click("#admin-support-list li .send-reset")
    asked = browser.until(lambda: browser.driver.switch_to.alert, "the question")
    assert "lost@gmial.example" in asked.text and "checked" in asked.text
    asked.dismiss()
    browser.find("#admin-support-list li .send-reset")  # not sent
    browser.click("#admin-support-list li .send-reset")
    browser.until(lambda: browser.driver.switch_to.alert, "the question").accept()
    browser.text("#admin-support-list li", "Reset link sent to lost@gmial.example.")
    browser.text("#admin-log", "password reset link sent to lost@gmial.example (address not")
    browser.click("#logout")
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")

    browser.driver.set_window_size(375, 812)
    browser.open(emailed_link(tmp_path_factory, "lost@gmial.example", "reset-password"))
    browser.fill("#reset-form", newPassword="rain-on-the-roof-42")
    browser.submit("#reset-form")
    browser.until(lambda: browser.hash() == "#/login?reset=1", "the login page")
    browser.log_in("lost@gmial.example", "rain-on-the-roof-42")
    browser.who("Lou")
    assert not browser.visible("#email-banner")  # the link proved the address support vouched
    assert browser.severe_console_messages() == []


def test_the_owner_of_a_mistyped_address_takes_it_back_and_signs_up_on_a_phone(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """On a 375 px phone. Maya signed up with Ana's address by mistake and never confirmed it.
    Before, Ana's sign-up was refused for good ("already exists") and a reset request sent her
    no link. Now the sign-up's refusal says to check her inbox; the emailed link frees the
    address and opens the sign-up form with it; Ana has her account. Maya still logs in with
    the old address, and her banner asks her to set her own."""
    browser.driver.set_window_size(375, 812)
    wide = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    maya = {"email": "ana@example.org", "password": PASSWORD, "displayName": "Maya"}
    sign_up = "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }"
    graphql(server, sign_up, i={**maya, "photoConsent": True})  # on her own device

    browser.open()
    browser.find("a[href='#/register']").click()
    browser.sign_up("Ana", "ana@example.org", "ana-owns-this-inbox-7")
    browser.text("#register-form .form-error", "already exists")
    browser.text("#email-taken-hint", "check your inbox")

    browser.open(emailed_link(tmp_path_factory, "ana@example.org", "release-email"))
    browser.text("#view", "Take back your email address")
    assert not browser.driver.execute_script(f"return {wide}"), "wider than the phone"
    browser.submit("#release-form")
    browser.text("#view", "Your address is free")
    filled = "return document.querySelector('#register-form [name=email]').value"
    assert browser.driver.execute_script(filled) == "ana@example.org"
    browser.sign_up("Ana", "ana@example.org", "ana-owns-this-inbox-7")
    browser.until(lambda: browser.hash() == "#/analyse", "the upload page")
    assert browser.who("Ana") == "Ana"

    browser.in_nav("#logout")  # in the menu on a phone
    browser.until(lambda: browser.hash().startswith("#/login"), "the login page")
    browser.log_in("ana@example.org", PASSWORD)  # Maya's password: Maya's account
    assert browser.who("Maya") == "Maya"
    browser.text("#email-banner", "Set your email address")
    browser.click("#change-mistyped-email")
    browser.until(lambda: browser.hash() == "#/profile", "the profile")
    browser.find("#email-change-form [name=newEmail]")
    assert not browser.driver.execute_script(f"return {wide}"), "wider than the phone"
    assert browser.severe_console_messages() == []


def test_support_sees_when_and_why_a_person_s_texts_went_off(browser: Browser, server: str) -> None:
    """A person says our texts stopped reaching them: the support page showed their account and
    address, but not their text messages' history (`User.smsChanges`, which the API gives
    administrators). Each account found now says it, in the third person."""
    register = "mutation($i: RegisterInput!) { register(input: $i) { accessToken } }"
    person = {"email": "quiet@example.com", "password": PASSWORD, "displayName": "Quinn"}
    token = graphql(server, register, i=person)["register"]["accessToken"]
    update = "mutation($i: ProfileInput!) { updateProfile(input: $i) { profile { smsOptIn } } }"
    graphql(server, update, token, i={"phone": "+447700900321", "smsOptIn": True})
    graphql(server, update, token, i={"smsOptIn": False})
    graphql(server, register, i={**person, "email": "silent@example.com", "displayName": "Sam"})
    log_in_to_the_admin_page(browser)
    browser.fill("#admin-support-form", search="quiet@example")
    browser.submit("#admin-support-form")
    browser.text("#admin-support-list li", "Quinn · quiet@example.com")
    browser.find("#admin-support-list li .support-texts summary").click()
    state = browser.text("#admin-support-list li .sms-state", "Text messages: off since")
    assert state.endswith("(they turned them off)."), state
    browser.find("#admin-support-list li .sms-earlier summary").click()
    browser.text("#admin-support-list li .sms-earlier li", "on (they turned them on)")
    browser.fill("#admin-support-form", search="silent@example")
    browser.submit("#admin-support-form")
    browser.text("#admin-support-list li", "Sam · silent@example.com")
    browser.find("#admin-support-list li .support-texts summary").click()
    browser.text("#admin-support-list li .support-texts", "No change to their text messages")
    assert browser.severe_console_messages() == []
