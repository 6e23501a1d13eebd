"""Headless Chromium through Selenium for the web app tests; skips when either is missing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from tests.cluster import METSKIN, Cluster, graphql

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
WAIT_SECONDS = 20
STALE_TRIES = 5  # reads of a list of elements the page may redraw meanwhile


def browser_or_skip() -> tuple[str, str]:
    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[dev]')")
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(
            "chromium and chromium-driver are not installed "
            "(scripts/with-services.sh installs them)"
        )
    return CHROMIUM, CHROMEDRIVER


class Browser:
    """A page of the app with waits that fail with what the page showed."""

    def __init__(self, driver: Any, base: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver = driver
        self.base = base
        self.by = By.CSS_SELECTOR
        self._wait = WebDriverWait

    def open(self, hash_path: str = "") -> None:
        self.driver.get(f"{self.base}/{hash_path}")

    def reload(self, hash_path: str) -> None:
        """A fresh page load (the app reads its stored session again)."""
        self.driver.get("about:blank")
        self.open(hash_path)

    def go(self, hash_path: str) -> None:
        self.driver.execute_script("window.location.hash = arguments[0]", hash_path)

    def until(self, condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
        from selenium.common.exceptions import (
            StaleElementReferenceException,
            TimeoutException,
        )

        def check(_driver: Any) -> Any:
            try:
                return condition()
            except StaleElementReferenceException:
                return None

        try:
            return self._wait(self.driver, timeout, poll_frequency=0.2).until(check)
        except TimeoutException:
            page = self.driver.find_element(self.by, "body").text
            raise AssertionError(f"waited {timeout}s for {what}; the page shows:\n{page}") from None

    def find(self, css: str, timeout: float = WAIT_SECONDS) -> Any:
        return self.until(lambda: next(iter(self.visible(css)), None), css, timeout)

    def click(self, css: str, timeout: float = WAIT_SECONDS) -> None:
        """Click the first visible match, again if the page redraws it meanwhile."""

        def clicked() -> bool:
            element = next(iter(self.visible(css)), None)
            if element is None:
                return False
            element.click()
            return True

        self.until(clicked, f"{css} to click", timeout)

    def in_nav(self, css: str) -> None:
        """Click an item of the navigation (`#logout`, `#nav a[href=...]`), as a person would: on
        a narrow screen its menu is opened first (a wide one shows the items in the bar)."""
        folded = self.attribute("#menu-button", "aria-expanded") == "false"
        if folded and self.visible("#menu-button"):
            self.click("#menu-button")
        self.click(css)

    def who(self, contains: str = "") -> str:
        """The signed-in name the navigation shows (in the bar, or in the folded menu on a
        narrow screen), once it holds `contains`."""
        script = "return document.getElementById('who')?.textContent ?? null"

        def named() -> str | None:
            said = self.driver.execute_script(script)
            return str(said) if said is not None and contains in said else None

        found = self.until(named, f"the signed-in name with {contains!r}")
        return str(found)

    def attribute(self, css: str, name: str) -> str | None:
        """An attribute of the first match, read in the page (no stale element in between)."""
        value = self.driver.execute_script(
            "const found = document.querySelector(arguments[0]);"
            "return found ? found.getAttribute(arguments[1]) : null;",
            css,
            name,
        )
        return None if value is None else str(value)

    def visible(self, css: str) -> list[Any]:
        """The shown matches, read again when the page redraws one between finding it and
        asking whether it is shown (a live event redraws the dashboard's week at any time)."""
        from selenium.common.exceptions import StaleElementReferenceException

        for _ in range(STALE_TRIES - 1):
            try:
                return [e for e in self.driver.find_elements(self.by, css) if e.is_displayed()]
            except StaleElementReferenceException:
                continue
        return [e for e in self.driver.find_elements(self.by, css) if e.is_displayed()]

    def text(self, css: str, contains: str = "", timeout: float = WAIT_SECONDS) -> str:
        def found() -> str | None:
            for element in self.visible(css):
                if contains in element.text:
                    return str(element.text)
            return None

        return str(self.until(found, f"{css} with {contains!r}", timeout))

    def image(self, css: str) -> Any:
        """The image, once it has loaded."""
        element = self.find(css)
        self.until(
            lambda: self.driver.execute_script(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", element
            ),
            f"the image {css}",
        )
        return element

    def fill(self, form: str, **values: str) -> None:
        for name, value in values.items():
            field = self.find(f"{form} [name={name}]")
            field.clear()
            field.send_keys(value)

    def select(self, css: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(css)).select_by_value(value)

    def set_value(self, element: Any, value: str) -> None:
        """Set a date or time input (typing into them depends on the locale), as a user would."""
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "for (const type of ['input', 'change']) "
            "arguments[0].dispatchEvent(new Event(type, { bubbles: true }));",
            element,
            value,
        )

    def sign_up(self, name: str, email: str, password: str, *, photo_consent: bool = True) -> None:
        """Fill the open sign-up form and send it; the person ticks the photo-analysis consent
        box unless `photo_consent` is False (then their first upload asks)."""
        self.fill("#register-form", displayName=name, email=email, password=password)
        box = self.find("#register-form [name=photoConsent]")
        if box.is_selected() != photo_consent:
            box.click()
        self.submit("#register-form")

    def log_in(self, email: str, password: str) -> None:
        self.open("#/login")
        self.fill("#login-form", email=email, password=password)
        self.submit("#login-form")
        self.until(lambda: not self.hash().startswith("#/login"), "the page after logging in")

    def in_french(self) -> None:
        """The signed-in person's profile set to fr-FR, and the app drawn again in French."""
        self.go("#/profile")
        self.select("#profile-form [name=locale]", "fr-FR")
        self.submit("#profile-form")
        self.text("#profile-form button[type=submit]", "Enregistrer le profil")

    def submit(self, form: str) -> None:
        self.find(f"{form} button[type=submit]").click()

    def hash(self) -> str:
        return str(self.driver.execute_script("return window.location.hash"))

    def severe_console_messages(self) -> list[str]:
        return [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE"
        ]


def web_server(root: Path, **extra_env: str) -> Iterator[str]:
    """`metskin serve` on the embedded defaults, migrated and seeded (demo accounts, catalog,
    dermatologists with practices); its base URL. `extra_env`: more METSKIN_ settings."""
    browser_or_skip()
    env = {
        **os.environ,
        "METSKIN_VAR_DIR": str(root / "var"),
        "METSKIN_DATABASE_URL": "",
        "METSKIN_REDIS_URL": "",
        "METSKIN_PASSWORD_HASH_TIME_COST": "1",
        "METSKIN_PASSWORD_HASH_MEMORY_KIB": "8",
        **extra_env,
    }
    for command in ("migrate", "seed"):
        subprocess.run([*METSKIN, command], env=env, check=True, capture_output=True)
    cluster = Cluster(env, root)
    try:
        yield cluster.start_api("web")
    finally:
        cluster.stop_all()


def server_fixture(name: str, **extra_env: str) -> Any:
    """A module's `server` fixture: its own seeded `metskin serve` (see web_server)."""

    @pytest.fixture(scope="module")
    def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
        yield from web_server(tmp_path_factory.mktemp(name), **extra_env)

    return server


def browser_fixture() -> Any:
    """A `browser` fixture: a fresh headless Chromium on the module's server for each test."""

    @pytest.fixture
    def browser(server: str) -> Iterator[Browser]:
        yield from chromium_browser(server)

    return browser


def api_login(base: str, email: str, password: str) -> str:
    """An access token for the account, through GraphQL over HTTP."""
    data = graphql(
        base,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
        e=email,
        p=password,
    )
    return str(data["login"]["accessToken"])


def chromium_browser(base: str) -> Iterator[Browser]:
    chromium, chromedriver = browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1024",
        "--lang=en-GB",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    # A person in London, as --lang says (sign-up sends the browser's zone): whatever zone the
    # machine running the tests is in.
    driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "Europe/London"})
    try:
        yield Browser(driver, base)
    finally:
        driver.quit()


def from_outbox(outbox: Path, find: Callable[[dict[str, Any]], str | None], what: str) -> str:
    """What `find` gives for the first message of the outbox (oldest first) that has it,
    waiting for the worker to send it."""
    for _ in range(100):
        for path in sorted(outbox.glob("*.json")):
            found = find(json.loads(path.read_text()))
            if found:
                return found
        time.sleep(0.1)
    raise AssertionError(f"no {what} in {outbox}")


def verify_address(base: str, outbox: Path, to: str, password: str) -> None:
    """Open the welcome email's verification link for `to` (verifyEmail), as its owner would:
    signed in to the account (the link proves the address to it only). Until then no
    reminder or booking email goes to the address."""
    pattern = re.compile(r"/verify-email#token=([^\s\"<>]+)")

    def token(email: dict[str, Any]) -> str | None:
        found = pattern.search(email.get("text", "")) if email["to"] == to else None
        return unquote(found[1]) if found else None

    query = "mutation($t: String!) { verifyEmail(token: $t) }"
    link = from_outbox(outbox, token, f"verification link to {to}")
    graphql(base, query, api_login(base, to, password), t=link)
