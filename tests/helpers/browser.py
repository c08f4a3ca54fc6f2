"""A page opened in a real browser: Playwright driving Debian's Chromium, with axe-core.

The HTML paper (and the exploration notebook's pages) are checked the way a reader meets them:
laid out by Chromium at a given width, scripts run, then asked by axe-core what WCAG finds.
Playwright drives the Chromium the machine has (``/usr/bin/chromium``, which `.ci/run`
installs from Debian when it is missing) through ``executable_path``; it never downloads a
browser of its own (``playwright install`` is never run: no browser build can be fetched
here).  axe-core is the copy bundled inside the ``axe-playwright-python`` package, so no
network is needed either.

Tests that need a browser skip with a reason when Chromium or Playwright is missing
(``chromium_executable()`` is None, or ``playwright`` does not import).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
"""WCAG 2.2 AA (every level-A and AA rule of 2.0, 2.1 and 2.2) and axe's best practices."""

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
"""Headless, no sandbox (CI runs as root), and no network chatter: the machine has none."""


def chromium_executable() -> str | None:
    """Debian's Chromium, or whatever ``chromium`` the PATH finds; None when there is none."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def launched() -> Iterator[Browser]:
    """Headless Chromium, for a module that opens many pages: each :func:`open_page` given it
    gets a fresh browser context (its own cookies, storage and viewport, as a new browser
    would have) without starting Playwright's driver and Chromium again (a second or two of
    CPU each).  Closed on leaving."""
    executable = chromium_executable()
    if executable is None:
        raise RuntimeError("Chromium not installed (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(
    url: str, width: int = 1280, height: int = 900, browser: Browser | None = None
) -> Iterator[Page]:
    """``url`` loaded in headless Chromium in a ``width`` x ``height`` CSS-pixel viewport, in a
    fresh context of ``browser`` (from :func:`launched`) or else a browser of its own; what it
    opened is closed on leaving.  Scripts have run and the page is laid out when this yields.
    """
    if browser is None:
        with launched() as own, open_page(url, width, height, own) as page:
            yield page
        return
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(url, wait_until="load")
        yield page
    finally:
        context.close()


def axe_violations(page: Page, tags: Sequence[str] = WCAG_TAGS) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` for the rules tagged with any of ``tags``: each a dict
    with axe's ``id``, ``impact``, ``help`` and ``nodes`` (each node's ``target`` and
    ``failureSummary``)."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    return list(Axe().run(page, options=options).response["violations"])
