"""The one colour of every category, in every chart of every quarter.

A reader who has learnt that Met Operations is dark blue in one chart must find it dark blue in
the next chart and in next quarter's paper, and in the analyst's exploration notebook; a colour
handed out by position ("the first group drawn gets the first colour") changes whenever the
order or the set of categories changes.  So every chart asks :func:`colour_for` for a category's
colour, and this module is the only place a colour is chosen.

The colours are the Government Analysis Function's categorical palette (dark blue, turquoise,
dark pink, orange, dark grey, light purple), extended by three darker hues for the families with
more than six members, and a mid grey for "Other".  Every one has a contrast of at least 3:1
against the white page, as WCAG 2.2's 1.4.11 (non-text contrast) asks of graphics; the tests
compute it.  Colour is never the only way a chart tells categories apart (see
:mod:`analysis.presentation.plots`: direct labels, small multiples, hatching), so two categories
of different families may share a colour: they never meet in one chart.

A category not in :data:`CATEGORY_COLOURS` (a business group or theme a future tracker adds)
gets a colour from :data:`FALLBACK_COLOURS` chosen by a hash of its name (SHA-256, not Python's
``hash``, which changes from process to process): the same name always gets the same colour,
in every chart, kernel and quarter, without anyone editing this file.  Add the name to the map
when a fixed, distinct colour matters more than that.
"""

from __future__ import annotations

import hashlib

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
GREEN = "#2E7D32"
BROWN = "#8C564B"
MID_BLUE = "#0072B2"
MID_GREY = "#707070"

ANALYSIS_FUNCTION_PALETTE = (DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE)
"""The Analysis Function's categorical palette, in the order its guidance uses them."""

FALLBACK_COLOURS = (*ANALYSIS_FUNCTION_PALETTE, GREEN, BROWN, MID_BLUE)
"""Where a category missing from the map takes its colour from (by a hash of its name)."""

DEFAULT_COLOUR = DARK_BLUE
"""Bars of a chart with one series: the palette's first colour."""

# The position of an outstanding action, under the names the charts and tables use for it.
_PASSED = ORANGE
_TO_COME = DARK_BLUE

_LIMITS = (
    "once",
    "twice",
    *(f"{n} times" for n in ("three", "four", "five", "six", "seven", "eight", "nine")),
)
"""How a limit on moves reads in a series name (:func:`analysis.presentation.paper_deadlines.times`)."""

CATEGORY_COLOURS: dict[str, str] = {
    # Deadline passed or still to come (Figures 2 and 4, the exploration's position bars).
    "Deadline passed": _PASSED,
    "Overdue": _PASSED,
    "Deadline still to come": _TO_COME,
    "Not yet due": _TO_COME,
    # Trend series: the headline counts quarter by quarter.
    "Open recommendations": TURQUOISE,
    "Open areas for improvement": LIGHT_PURPLE,
    "Outstanding actions": DARK_GREY,
    "Overdue actions": _PASSED,
    "Actions not yet due": _TO_COME,
    # Trend series of deadlines that move and work awaiting verification (the trends notebook,
    # the exploration); "moved more than" the limit, whatever the panel's limit is.
    "Deadline moved": DARK_BLUE,
    **{f"Moved more than {n}": DARK_PINK for n in _LIMITS},
    "Moved after it had passed": _PASSED,
    "Awaiting verification": TURQUOISE,
    # Business groups (the data contract's list).
    "Met Operations": DARK_BLUE,
    "Frontline Policing": TURQUOISE,
    "Specialist Operations": DARK_PINK,
    "Professionalism": ORANGE,
    "Met HQ": DARK_GREY,
    "Shared Support Services": LIGHT_PURPLE,
    # Risk ratings.
    "High": DARK_PINK,
    "Medium": LIGHT_PURPLE,
    "Low": TURQUOISE,
    # Themes of the taxonomy (analysis/rules/theme_rules.yml), and "Other".
    "Information management and data security": DARK_BLUE,
    "Vulnerability and safeguarding": TURQUOISE,
    "Vetting, integrity and professional standards": DARK_PINK,
    "Contracts and commercial": ORANGE,
    "Finance": DARK_GREY,
    "Operational response": LIGHT_PURPLE,
    "Workforce, training and wellbeing": GREEN,
    "Estates, fleet and equipment": BROWN,
    "Governance, risk and performance": MID_BLUE,
    "Other": MID_GREY,
    # The HMICFRS Monitoring Portal's inspection themes; the ones that match a taxonomy theme
    # (vulnerability, information management) share its colour.
    "Vulnerability": TURQUOISE,
    "Information management": DARK_BLUE,
    "PEEL": LIGHT_PURPLE,
    "Stop & Search": ORANGE,
    "Undercover Policing": DARK_PINK,
    "Fraud": DARK_GREY,
}
"""Every known category's colour: business groups, risk ratings, the taxonomy's themes, the
portal's inspection themes, the trend series and the two positions of a deadline."""


def colour_for(category: str) -> str:
    """The category's colour: from :data:`CATEGORY_COLOURS`, else a stable fallback.

    The fallback is :data:`FALLBACK_COLOURS` indexed by the SHA-256 of the name, so a category
    no one has listed keeps one colour across charts, kernels and quarters."""
    name = str(category)
    if name in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[name]
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return FALLBACK_COLOURS[int.from_bytes(digest[:4], "big") % len(FALLBACK_COLOURS)]


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#RRGGBB`` colour."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.2's contrast ratio of two colours (1 to 21); 3 is the least for graphics."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
