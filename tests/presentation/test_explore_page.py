"""The page ``panelpaper explore`` serves, in Debian's Chromium: controls, counts and charts
that change to a business group's own figures, hover text, a bar followed down to its actions,
and no WCAG 2.2 A/AA violation found by axe-core.

One server and one page for the module (Voilà starts a kernel per visit, tens of seconds on a
busy machine); the tests run in file order, the one that changes the filters last.  Expected
numbers come from the analysis functions, never typed in.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.presentation import explore, explore_server
from analysis.presentation.paper_deadlines import times
from tests.helpers import browser
from tests.helpers.marking import leaks, restricted_strings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
PANELPAPER = Path(sys.executable).with_name("panelpaper")
PAGE_SECONDS = 300
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def _missing() -> str | None:
    """Why the page cannot be opened here (only the helper's promised API is used)."""
    if browser.chromium_executable() is None:
        return "Chromium is not installed (Debian's chromium package)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright or axe-playwright-python is not installed (the dev extra)"
    return None


pytestmark = [
    pytest.mark.slow,
    pytest.mark.xdist_group("explore_page"),  # one server and one page, on one worker
    pytest.mark.skipif(_missing() is not None, reason=str(_missing())),
]


@pytest.fixture(scope="module")
def exploration() -> explore.Exploration:
    return explore.load(DATA)


@pytest.fixture(scope="module")
def address():
    port = explore_server.free_port()
    process = subprocess.Popen(
        [str(PANELPAPER), "explore", "--no-browser", "--port", str(port), "--data-dir", str(DATA)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = ""
    deadline = time.monotonic() + PAGE_SECONDS
    while "http://" not in line and time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
    try:
        assert "http://" in line, f"panelpaper explore did not print its address: {line!r}"
        yield re.search(r"http://\S+", line).group(0)
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert not explore_server.port_in_use(port)


@pytest.fixture(scope="module")
def page(address):
    with browser.open_page("about:blank", width=1280, height=1600) as page:
        page.set_default_timeout(PAGE_SECONDS * 1000)
        page.goto(address, timeout=PAGE_SECONDS * 1000)
        page.get_by_label("Business group", exact=True).wait_for()
        page.locator('[aria-roledescription="bar"]').first.wait_for()
        yield page


def _counts(page) -> dict[str, int]:
    return {
        element.get_attribute("data-count"): int(element.inner_text())
        for element in page.locator(".explore-counts [data-count]").all()
    }


def _bars(page) -> dict[tuple[str, str], int]:
    """The business-group chart's bars read back from their accessible names."""
    bars = {}
    for label in page.locator('[aria-roledescription="bar"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    ):
        fields = dict(part.split(": ", 1) for part in label.split("; "))
        if "Business group" in fields:
            bars[(fields["Business group"], fields["Series"])] = int(fields["Actions"])
    return bars


def _expected_bars(shown: explore.View) -> dict[tuple[str, str], int]:
    return {
        (row.business_group, row.position): int(row.count) for row in shown.position.itertuples()
    }


def test_the_page_shows_the_controls_and_counts_but_no_code(page, exploration):
    for label in ("Quarter in focus", "Business group", "Risk", "Audit", "Theme"):
        assert page.get_by_label(label, exact=True).count() == 1, label
    assert page.get_by_label("Inspection theme", exact=True).count() == 1
    assert page.get_by_label("Drill-down", exact=True).count() == 1
    unfiltered = explore.view(exploration)
    assert _counts(page) == unfiltered.focus
    assert _bars(page) == _expected_bars(unfiltered)
    text = page.locator("body").inner_text()
    assert "explore_app.start(" not in text and "import " not in text


def test_restricted_text_stays_hidden_on_the_page(page):
    """Tables, charts' accessible names and tooltips' sources: nothing OFFICIAL-SENSITIVE."""
    restricted = restricted_strings(DATA)
    assert restricted, "the sample data should hold OFFICIAL-SENSITIVE rows to test against"
    shown = page.locator("body").inner_text() + " ".join(
        page.locator("[aria-label]").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-label'))"
        )
    )
    assert leaks({"page": shown}, restricted) == []
    assert "Restricted item" in page.content()  # the audit control offers them together


def test_axe_finds_no_wcag_2_2_a_or_aa_violation(page):
    violations = browser.axe_violations(page, tags=WCAG)
    assert violations == [], [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]


def test_hovering_a_point_shows_its_quarter_series_and_value(page, exploration):
    shown = explore.view(exploration)
    label = shown.quarter.label
    value = shown.focus["overdue"]
    point = page.locator(
        f'[aria-roledescription="point"][aria-label^="Quarter: {label};"]'
        f'[aria-label$="Series: Overdue"]'
    ).first
    point.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible")
    words = tooltip.inner_text().split()
    assert words == ["Quarter", *label.split(), "Series", "Overdue", "Actions", str(value)]


def test_a_bar_is_followed_down_to_its_actions(page, exploration):
    shown = explore.view(exploration)
    group = shown.position["business_group"].iloc[-1]
    page.locator(
        f'[aria-roledescription="bar"][aria-label*="Business group: {group};"]'
    ).first.click()
    caption = page.locator(".explore-table caption").first
    expected = explore.view(exploration, picked_group=group).actions
    page.wait_for_function(
        "g => document.querySelector('.explore-table caption').innerText.includes(g)", arg=group
    )
    assert f"Overdue actions, {group}" in caption.inner_text()
    rows = page.locator(".explore-table").first.locator("tbody tr")
    assert rows.count() == min(len(expected), 200)
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == set(expected["action_id"])


def test_picking_another_business_group_redraws_its_figures(page, exploration, record_property):
    groups = explore.filter_choices(exploration, "business_group")
    group = groups[1]
    expected = explore.view(exploration, business_group=group)
    assert expected.focus != explore.view(exploration).focus
    started = time.perf_counter()
    page.get_by_label("Business group", exact=True).select_option(group)
    page.wait_for_function(
        "n => document.querySelector('[data-count=outstanding]').innerText === String(n)",
        arg=expected.focus["outstanding"],
    )
    counted = time.perf_counter() - started
    deadline = time.monotonic() + 30
    while _bars(page) != _expected_bars(expected) and time.monotonic() < deadline:
        time.sleep(0.02)
    drawn = time.perf_counter() - started
    print(f"\nclick to redrawn counts {counted:.2f} s, to redrawn chart {drawn:.2f} s")
    record_property("click_to_chart_seconds", round(drawn, 2))
    assert _counts(page) == expected.focus
    assert _bars(page) == _expected_bars(expected)
    assert {g for g, _ in _bars(page)} == {group}
    # Deadlines that move: the counts line, the chart's points and the table follow the pick.
    moved = {
        e.get_attribute("data-count"): int(e.inner_text())
        for e in page.locator(".explore-deadlines [data-count]").all()
    }
    assert moved == {k: v for k, v in expected.deadlines_focus.items() if v is not None}
    limit = expected.moved_over_limit
    caption = (
        f"Actions whose deadline moved more than {times(expected.deadline_limit)}, "
        f"{expected.quarter.label} ({len(limit)})"
    )
    region = page.locator(f'[role="region"][aria-label="{caption}"]')
    region.wait_for()
    listed = region.locator("tbody tr td:nth-child(1)").all_inner_texts()
    assert sorted(listed) == sorted(limit["Action"])
    last = expected.deadlines_trend[expected.deadlines_trend["quarter"] == expected.quarter.id]
    series = dict(zip(last["series"], last["value"], strict=True))
    point = page.locator(
        f'[aria-roledescription="point"][aria-label^="Quarter: {expected.quarter.label};"]'
        '[aria-label$="Series: Deadline moved"]'
    ).first
    assert f"Actions: {series['Deadline moved']};" in point.get_attribute("aria-label")
