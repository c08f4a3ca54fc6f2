"""The exploration's interactive charts, as Vega-Lite specifications built with Altair.

Each function takes one of the long frames :mod:`analysis.presentation.explore` computes and
returns an :class:`altair.Chart`; none computes a figure.  What every chart shares:

- hovering a mark shows its quarter (or category), series and value;
- a click on a legend entry isolates its series (the others fade), shift-click adds another,
  a click on empty space shows them all again;
- each category's colour comes from :func:`analysis.presentation.colours.colour_for`, so it is
  the same in every chart, every quarter and the paper, whatever a filter leaves;
- the chart has a title and a description, which Vega writes into the SVG as its accessible
  name, and each mark an ``aria-label`` naming what it shows (what a screen reader reads, and
  what the browser tests read back).

Why Altair and not Plotly or Bokeh is in docs/exploring.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from analysis.presentation.colours import colour_for
from analysis.presentation.explore import LABEL, QUARTER, SERIES, VALUE

WIDTH = 520
HEIGHT = 240
FADED = 0.15
PICK = "pick"
"""The name of the bar chart's click selection, which the drill-down follows."""
LEGEND = "legend"


def _scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale tying each name to its own colour, whichever names a filter leaves."""
    names = list(dict.fromkeys(str(n) for n in names))
    return alt.Scale(domain=names, range=[colour_for(n) for n in names])


def trend(frame: pd.DataFrame, *, title: str, value_title: str, description: str) -> alt.Chart:
    """Lines over the quarters, one per ``series`` of a long frame (``quarter``, ``label``,
    ``series``, ``value``), in the frame's series order, with a legend that isolates a series."""
    labels = list(dict.fromkeys(frame.sort_values(QUARTER)[LABEL]))
    series = list(dict.fromkeys(frame[SERIES]))
    legend = alt.selection_point(fields=[SERIES], bind="legend", name=LEGEND)
    return (
        alt.Chart(frame, title=title, description=description, width=WIDTH, height=HEIGHT)
        .mark_line(point=alt.OverlayMarkDef(size=60, filled=True), strokeWidth=2)
        .encode(
            x=alt.X(f"{LABEL}:O", sort=labels, title="Quarter", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(f"{VALUE}:Q", title=value_title, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                f"{SERIES}:N",
                scale=_scale(series),
                sort=series,
                legend=alt.Legend(title=None, orient="right", symbolStrokeWidth=2),
            ),
            opacity=alt.condition(legend, alt.value(1.0), alt.value(FADED)),
            tooltip=[
                alt.Tooltip(f"{LABEL}:N", title="Quarter"),
                alt.Tooltip(f"{SERIES}:N", title="Series"),
                alt.Tooltip(f"{VALUE}:Q", title=value_title),
            ],
        )
        .add_params(legend)
    )


def position_bars(frame: pd.DataFrame, column: str, *, title: str, description: str) -> alt.Chart:
    """Outstanding actions per value of ``column`` (:func:`~analysis.presentation.explore.position_by`),
    stacked by deadline passed and still to come; a click on a bar picks its category for the
    drill-down (selection :data:`PICK`), the others fade."""
    order = list(dict.fromkeys(frame[column]))
    positions = list(dict.fromkeys(frame["position"]))
    pick = alt.selection_point(fields=[column], name=PICK, on="click", clear="dblclick")
    legend = alt.selection_point(fields=["position"], bind="legend", name=LEGEND)
    height = max(60, 34 * len(order))
    return (
        alt.Chart(frame, title=title, description=description, width=WIDTH, height=height)
        .mark_bar(cursor="pointer")
        .encode(
            y=alt.Y(f"{column}:N", sort=order, title=None),
            x=alt.X("count:Q", title="Outstanding actions", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "position:N",
                scale=_scale(positions),
                sort=positions,
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            order=alt.Order("position:N", sort="ascending"),
            opacity=alt.condition(pick & legend, alt.value(1.0), alt.value(FADED + 0.2)),
            tooltip=[
                alt.Tooltip(f"{column}:N", title=column.replace("_", " ").capitalize()),
                alt.Tooltip("position:N", title="Series"),
                alt.Tooltip("count:Q", title="Actions"),
            ],
        )
        .add_params(pick, legend)
    )


def theme_bars(frame: pd.DataFrame, *, title: str, description: str) -> alt.Chart:
    """Per theme, its open recommendations and outstanding actions side by side
    (:func:`~analysis.presentation.explore.themes_by_source`); a theme both raise is marked in
    its label and tooltip."""
    frame = frame.assign(
        label=[
            f"{t} (both)" if both else t
            for t, both in zip(frame["theme"], frame["both"], strict=True)
        ],
        raised_by_both=frame["both"].map({True: "yes", False: "no"}),
    )
    order = list(dict.fromkeys(frame["label"]))
    sources = list(dict.fromkeys(frame["source"]))
    legend = alt.selection_point(fields=["source"], bind="legend", name=LEGEND)
    height = max(60, 30 * len(order))
    return (
        alt.Chart(frame, title=title, description=description, width=WIDTH - 120, height=height)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            yOffset=alt.YOffset("source:N", sort=sources),
            x=alt.X("count:Q", title="Open findings", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "source:N",
                scale=_scale(sources),
                sort=sources,
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            opacity=alt.condition(legend, alt.value(1.0), alt.value(FADED)),
            tooltip=[
                alt.Tooltip("theme:N", title="Theme"),
                alt.Tooltip("source:N", title="Series"),
                alt.Tooltip("count:Q", title="Open findings"),
                alt.Tooltip("raised_by_both:N", title="Raised by both"),
            ],
        )
        .add_params(legend)
    )
