"""One colour per category, everywhere: the one mapping every chart takes its colours from.

A chart that gives its series the palette's colours in the order they appear lets a filter or a
new quarter shift them (Met Operations blue in one chart, orange in the next).  Here each
category name the project knows (business groups, risk ratings, the portal's inspection themes,
the themes of the project's taxonomy, and the series of the headline charts) is tied to one
colour once, and a name the project does not know yet (a business group that appears in a later
export) gets a colour chosen from its own spelling, so it too keeps it in every chart and
quarter.

Every colour has a contrast of at least 3:1 against white (WCAG 2.2's 1.4.11 for the parts of
a chart a reader must tell apart); within one kind of category the colours are distinct, and
the first four are Okabe and Ito's, which stay distinguishable under the common forms of colour
blindness.
"""

from __future__ import annotations

import hashlib

from analysis.figures import themes
from analysis.inputs.vocabulary import KNOWN_BUSINESS_GROUPS, KNOWN_THEMES, OTHER_THEME, RISKS

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#332288",  # indigo
    "#8C6D00",  # dark yellow
    "#882255",  # wine
    "#0E6E8C",  # teal
    "#B2650B",  # dark orange
    "#5E5E5E",  # grey
)
"""Ten colours, each at least 3:1 against white, in the order categories of one kind take them."""

OTHER = "#5E5E5E"
"""Grey for the taxonomy's ``Other``: what matched no theme should not look like a theme."""


def _assign(names: tuple[str, ...] | list[str], colours: tuple[str, ...] = PALETTE) -> dict:
    return {name: colours[i % len(colours)] for i, name in enumerate(names)}


_RISK_COLOURS = {"High": "#D55E00", "Medium": "#8C6D00", "Low": "#0072B2"}
_SERIES_COLOURS = {
    # the headline charts' series, and the two positions of an outstanding action's deadline
    "Open recommendations": "#0072B2",
    "Open Areas for improvement": "#CC79A7",
    "Outstanding actions": "#332288",
    "Outstanding": "#332288",
    "Overdue actions": "#D55E00",
    "Overdue": "#D55E00",
    "Not yet due": "#0072B2",
    "Due in the coming quarters": "#009E73",
    "Deadline passed": "#D55E00",
    "Deadline still to come": "#0072B2",
    "Inspectorate (HMICFRS)": "#0072B2",
    "Internal audit (DARA)": "#B2650B",
}

CATEGORY_COLOURS: dict[str, str] = {
    **_assign(KNOWN_BUSINESS_GROUPS),
    **{risk: _RISK_COLOURS[risk] for risk in RISKS},
    **_assign(KNOWN_THEMES),
    **_assign([n for n in themes.names(themes.load_rules()) if n != OTHER_THEME]),
    OTHER_THEME: OTHER,
    **_SERIES_COLOURS,
}
"""Every category name the project knows, with its colour."""


def colour_for(category: str) -> str:
    """The category's colour: its own from :data:`CATEGORY_COLOURS`, else one picked from the
    palette by a hash of its name (stable across runs, machines and quarters)."""
    name = " ".join(str(category).split())
    if name in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[name]
    digest = hashlib.sha256(name.casefold().encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def contrast_with_white(colour: str) -> float:
    """WCAG 2.2's contrast ratio of ``colour`` (``#RRGGBB``) against white."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)
