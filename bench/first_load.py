"""The web app's first load on a slow phone connection, in headless Chromium.

    PYTHONPATH=src:. .venv/bin/python bench/first_load.py --url http://127.0.0.1:PORT [--runs 3]

Opens `/#/login` in a fresh headless Chromium each run, cache off, with DevTools' network
emulation as DevTools' "Slow 3G" gives it (2 s latency, 50,000 bytes a second each way), and
waits for the login form, which the app draws once every module and the catalog are in.
Prints each run's seconds to the form (from the navigation's start, in the page's clock), the
requests and bytes it took, and the median. Point it at any `metskin serve` (the demo data is
not needed): compare two servers, or one before and after a change.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from typing import Any

LATENCY_MS = 2000
BYTES_PER_SECOND = 50_000
TIMEOUT_S = 180

READY = """const form = document.querySelector("#login-form");
if (!form) return null;
const entries = performance.getEntriesByType("resource");
return {
  seconds: performance.now() / 1000,
  requests: entries.length + 1,
  bytes: entries.reduce((sum, e) => sum + e.transferSize, 0)
    + performance.getEntriesByType("navigation")[0].transferSize,
  preloaded: document.querySelectorAll('link[rel="modulepreload"]').length,
};"""


def driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        sys.exit("needs chromium and chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.add_argument("--window-size=375,812")
    options.page_load_strategy = "none"  # the form is what counts, not the load event
    return webdriver.Chrome(service=Service(chromedriver), options=options)


def first_load(url: str) -> dict[str, float]:
    browser = driver()
    try:
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
        browser.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": BYTES_PER_SECOND,
                "uploadThroughput": BYTES_PER_SECOND,
            },
        )
        browser.get(f"{url.rstrip('/')}/#/login")
        ends = time.monotonic() + TIMEOUT_S
        while time.monotonic() < ends:
            found = browser.execute_script(READY)
            if found:
                return dict(found)
            time.sleep(0.1)
        raise SystemExit(f"no login form after {TIMEOUT_S} s")
    finally:
        browser.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a running metskin serve")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds = []
    for run in range(args.runs):
        found = first_load(args.url)
        seconds.append(found["seconds"])
        print(
            f"run {run + 1}: {found['seconds']:.1f} s to the login form, "
            f"{found['requests']} requests, {found['bytes'] / 1000:.0f} KB, "
            f"{found['preloaded']} modulepreload links",
            flush=True,
        )
    print(f"median: {statistics.median(seconds):.1f} s ({args.runs} runs, {args.url})")


if __name__ == "__main__":
    main()
