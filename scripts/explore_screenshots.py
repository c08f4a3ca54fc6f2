"""Screenshots of the exploration page for the README and docs/exploring.md.

Run against a page `panelpaper explore --no-browser` is serving, with Debian's Chromium driven
by Playwright (the dev extra):

    .venv/bin/python scripts/explore_screenshots.py http://127.0.0.1:8866/ docs/images

It writes the page before and after a business group is picked, and the two charts and the
section on deadlines that move that answer the README's questions.  It also prints the time from the pick to the redrawn chart.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WAIT_MS = 600_000


def _bars(page) -> list[str]:
    return page.locator('[aria-roledescription="bar"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )


def _to_top(page) -> None:
    """Voilà's page scrolls inside its own container: bring every scrolled box back to the top."""
    page.evaluate(
        "() => { for (const e of document.querySelectorAll('*')) { if (e.scrollTop) e.scrollTop = 0; }"
        " window.scrollTo(0, 0); }"
    )
    time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--group", default="Met HQ", help="Business group to pick.")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 1500})
        page.set_default_timeout(WAIT_MS)
        page.goto(args.url, timeout=WAIT_MS)
        page.get_by_label("Business group", exact=True).wait_for()
        page.locator('[aria-roledescription="bar"]').first.wait_for()
        time.sleep(1)
        page.screenshot(path=args.out / "explore-before.png")
        page.locator(".vega-embed[aria-label^='One line per business group']").screenshot(
            path=args.out / "explore-overdue-by-group.png"
        )
        page.locator(".vega-embed[aria-label^='Per theme']").screenshot(
            path=args.out / "explore-themes-both.png"
        )
        page.locator(".explore-deadlines-section").screenshot(
            path=args.out / "explore-deadlines-moved.png"
        )
        before = _bars(page)
        started = time.perf_counter()
        page.get_by_label("Business group", exact=True).select_option(args.group)
        while _bars(page) == before:
            time.sleep(0.02)
        print(f"pick to redrawn chart: {time.perf_counter() - started:.2f} s")
        time.sleep(1)
        _to_top(page)
        page.screenshot(path=args.out / "explore-after-filter.png")
        browser.close()


if __name__ == "__main__":
    main()
