"""Headless Chromium through Selenium for the web app tests; skips when either is missing."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
CHROMEDRIVER = shutil.which("chromedriver")
WAIT_SECONDS = 20


def browser_or_skip() -> tuple[str, str]:
    pytest.importorskip("selenium", reason="selenium is not installed (pip install -e '.[dev]')")
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("chromium and chromium-driver are not installed "
                    "(scripts/with-services.sh installs them)")
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
            raise AssertionError(f"waited {timeout}s for {what}; the page shows:\n{page}"
                                 ) from None

    def find(self, css: str, timeout: float = WAIT_SECONDS) -> Any:
        return self.until(lambda: next(iter(self.visible(css)), None), css, timeout)

    def visible(self, css: str) -> list[Any]:
        return [e for e in self.driver.find_elements(self.by, css) if e.is_displayed()]

    def text(self, css: str, contains: str = "", timeout: float = WAIT_SECONDS) -> str:
        def found() -> str | None:
            for element in self.visible(css):
                if contains in element.text:
                    return str(element.text)
            return None

        return str(self.until(found, f"{css} with {contains!r}", timeout))

    def fill(self, form: str, **values: str) -> None:
        for name, value in values.items():
            field = self.find(f"{form} [name={name}]")
            field.clear()
            field.send_keys(value)

    def select(self, css: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(css)).select_by_value(value)

    def submit(self, form: str) -> None:
        self.find(f"{form} button[type=submit]").click()

    def hash(self) -> str:
        return str(self.driver.execute_script("return window.location.hash"))

    def severe_console_messages(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser")
                if entry["level"] == "SEVERE"]


def chromium_browser(base: str) -> Iterator[Browser]:
    chromium, chromedriver = browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--window-size=1280,1024", "--lang=en-GB"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        yield Browser(driver, base)
    finally:
        driver.quit()
