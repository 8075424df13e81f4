"""A real browser for the page tests: Debian's chromium through chromium-driver (selenium),
and screenshots kept as test artifacts.

Screenshots go to ``$ODOO_HARNESS_ARTIFACTS/screenshots`` (default ``artifacts/`` in the
checkout, ignored by git), so CI can keep them and a reviewer can look at what the test saw.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMEDRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(os.environ.get("ODOO_HARNESS_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts"))


def chromium() -> Iterator:
    """A headless chromium for one module; skipped with a reason where it is missing, a failure in CI."""
    if not (CHROMEDRIVER and shutil.which("chromium")):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium and chromium-driver (bash .ci/run installs them)")
        pytest.skip("no chromium / chromedriver here: bash .ci/run installs Debian's")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> Path:
    """Save the whole page as ``artifacts/screenshots/NAME.png`` and return its path."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(900, min(int(height), 6000)))
    assert driver.save_screenshot(str(path)), f"chromium saved no screenshot to {path}"
    return path
