"""Chromium driven by Playwright, for the tests that look at a page as a reader's browser does.

Debian's own ``chromium`` is used (``playwright install`` downloads a browser, which is never
done here); tests that need it skip with the reason when Chromium or Playwright is missing.
axe-core comes bundled with ``axe-playwright-python``, so no script is fetched either.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")


def chromium_executable() -> str | None:
    """Debian's Chromium, or any ``chromium`` on PATH; None when there is none."""
    debian = Path("/usr/bin/chromium")
    if debian.is_file():
        return str(debian)
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why a browser test cannot run here, or None when it can."""
    if chromium_executable() is None:
        return "Chromium is not installed (Debian's chromium package)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (the dev extra)"
    return None


@contextmanager
def open_page(url: str, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A Playwright sync ``Page`` on ``url`` in headless Chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium_executable(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            yield page
        finally:
            browser.close()


def axe_violations(page: Any, tags: Sequence[str] = WCAG_TAGS) -> list[dict]:
    """axe-core's violations of the rules with ``tags`` on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(tags)}})
    return list(results.response["violations"])
