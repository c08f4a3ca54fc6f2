"""The exploration's controls: ipywidgets that redraw the counts, charts and tables in place.

The notebook (and the page ``panelpaper explore`` serves) shows one :class:`ExploreApp`.  Each
control is one parameter of the notebook's parameters cell (the quarter in focus, the filters of
:data:`analysis.presentation.explore.FILTERS` and the drill-down), set first from that cell, so
papermill still runs the notebook headless with the same names.  Changing a control computes
:func:`analysis.presentation.explore.view` again (the frames were stacked once, so this is a few
pandas filters) and hands the new frames to the widgets already on the page, which redraw in
place; nothing is executed again.

Clicking a bar of the business-group chart follows it down: the tables below then list only that
group's actions, until the bar is double-clicked or another filter changes.

Every piece of text from the data reaches the page HTML-escaped (tracker text is data, never
markup), and the frames it comes from were masked per snapshot before stacking, so restricted
text appears here exactly as in the paper: ``Restricted item``.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd
from altair.jupyter.jupyter_chart import Selections
from altair.utils.selection import PointSelection

from analysis.presentation import explore
from analysis.presentation import explore_charts as charts
from analysis.presentation.explore import Choice, Exploration, View
from analysis.presentation.paper_deadlines import times

ALL = "All"
TABLE_ROWS = 200
"""Rows a drill-down table shows at most (the count above it says how many there are)."""

_OFFLINE = False


def _offline() -> None:
    """Serve the charts' JavaScript from the kernel (vl-convert's bundle), not from a CDN, so
    the page works without a network and loads nothing from outside."""
    global _OFFLINE
    if not _OFFLINE:
        alt.JupyterChart.enable_offline()
        _OFFLINE = True


EMBED_OPTIONS = {"renderer": "svg", "actions": False}
"""SVG, whose marks carry ARIA names (canvas has none); no export menu."""


class ChartSlot:
    """One interactive chart on the page, redrawn in place.

    A redraw gives the widget its new Vega-Lite spec unvalidated (the first drawing validated
    the same spec with other numbers; validating five specs per click would take most of the
    second a redraw is allowed) together with embed options that differ from the last ones in
    an unused field (``downloadFileName``): in Voilà a new spec alone reaches the browser but is
    not drawn again, while new embed options always make the chart draw itself anew.  That is
    about twice as fast as putting a new chart widget in its place, which must send the whole
    of Vega's JavaScript again.

    A click on a bar reaches ``watch`` as the fields of the points selected
    (``[{"business_group": "Met HQ"}]``, empty when cleared)."""

    def __init__(
        self, chart: alt.Chart, watch: Callable[[list[dict[str, Any]]], None] | None = None
    ) -> None:
        self.watch = watch
        self.draws = 0
        self.spec = chart.to_dict()  # validated once
        self.shown = self._widget(self.spec)
        self.box = widgets.Box([self.shown])

    def _widget(self, spec: dict[str, Any]) -> alt.JupyterChart:
        shown = alt.JupyterChart(None, embed_options=self._options())
        selections = [p["name"] for p in spec.get("params", []) if "select" in p]
        # What JupyterChart would set up from the chart itself, so its own watcher is content.
        shown._selection_types = dict.fromkeys(selections, "point")
        shown.selections = Selections({n: PointSelection(n, [], []) for n in selections})
        with shown.hold_sync():
            shown.spec = spec
            shown._vl_selections = {name: {"value": None, "store": []} for name in selections}
        if self.watch is not None:
            shown.observe(self._selected, names="_vl_selections")
        return shown

    def _selected(self, change: dict[str, Any]) -> None:
        picked = (change["new"] or {}).get(charts.PICK) or {}
        signal = picked.get("value") or {}
        if self.watch is not None:
            self.watch(list(signal.get("vlPoint", {}).get("or", [])))

    def _options(self) -> dict[str, Any]:
        return {**EMBED_OPTIONS, "downloadFileName": f"chart-{self.draws}"}

    def redraw(self, chart: alt.Chart) -> None:
        """Show ``chart`` here, unless it draws exactly what is shown already."""
        spec = chart.to_dict(validate=False)
        if spec == self.spec:
            return
        self.spec = spec
        self.draws += 1
        with self.shown.hold_sync():
            self.shown.spec = spec
            self.shown.embed_options = self._options()


def table_html(frame: pd.DataFrame, caption: str, limit: int = TABLE_ROWS) -> str:
    """``frame`` as an accessible HTML table: a caption, header cells, every cell escaped; at
    most ``limit`` rows, saying so when there are more.  In a region that scrolls and can be
    reached by the keyboard."""
    shown = frame.head(limit)
    note = f" (the first {limit} of {len(frame)})" if len(frame) > limit else ""
    body = shown.to_html(index=False, escape=True, na_rep="", border=0, classes="explore-table")
    body = re.sub(
        r"<table[^>]*>",
        f'<table class="explore-table"><caption>{html.escape(caption)}{note}</caption>',
        body,
        count=1,
    )
    if shown.empty:
        body = f"<p>{html.escape(caption)}: none.</p>"
    label = html.escape(caption, quote=True)
    return (
        f'<div class="explore-scroll" role="region" aria-label="{label}" tabindex="0" '
        f'style="max-height:28em;overflow:auto">{body}</div>'
    )


def counts_html(current: View) -> str:
    """The focus quarter's headline counts as one status line; each number carries
    ``data-count`` with its :func:`~analysis.presentation.explore.quarter_counts` name."""
    c = current.focus

    def n(name: str) -> str:
        return f'<strong data-count="{name}">{c[name]}</strong>'

    shown = {k: v for k, v in current.filters.items() if v}
    scope = "; ".join(
        f"{explore.FILTERS[k].label.lower()} {', '.join(v)}" for k, v in shown.items()
    )
    return (
        '<p class="explore-counts" role="status">'
        f"<strong>{html.escape(current.quarter.label)}</strong> "
        f"(as at {current.as_of:%d %B %Y}), {html.escape(scope) if scope else 'no filters'}: "
        f"{n('outstanding')} outstanding actions, {n('overdue')} overdue, "
        f"{n('not_yet_due')} not yet due ({n('due_in_coming')} due in the coming quarters); "
        f"{n('open_recommendations')} open recommendations and "
        f"{n('open_areas_for_improvement')} open Areas for improvement.</p>"
    )


def deadlines_html(current: View) -> str:
    """The focus quarter's moved-deadline and verification counts as one line; each number
    carries ``data-count`` with its :func:`~analysis.presentation.explore_deadlines.deadline_counts`
    name (awaiting verification is left out where the tracker does not record it)."""
    c = current.deadlines_focus

    def n(name: str) -> str:
        return f'<strong data-count="{name}">{c[name]}</strong>'

    waiting = (
        f"; {n('awaiting_verification')} actions reported implemented await internal audit's "
        "verification"
        if c["awaiting_verification"] is not None
        else "; this quarter's tracker does not record verification"
    )
    return (
        '<p class="explore-deadlines" role="status">'
        f"{html.escape(current.quarter.label)}: {n('moved')} outstanding actions have had their "
        f"deadline moved, {n('moved_more_than_limit')} more than "
        f"{times(current.deadline_limit)} and {n('moved_after_passing')} after it had "
        f"passed{waiting}.</p>"
    )


RISING_STEPS = 2


def rising_html(current: View, steps: int = RISING_STEPS) -> str:
    """Which business groups' overdue actions rose in each of the last ``steps`` quarters."""
    groups = explore.rising(current.overdue_by_group, last=steps)
    if len(current.counts) <= steps:
        return ""
    if not groups:
        return (
            f"<p>No business group's overdue actions rose in each of the last {steps} quarters.</p>"
        )
    names = ", ".join(html.escape(g) for g in groups)
    return f"<p>Overdue actions rose in each of the last {steps} quarters for: <strong>{names}</strong>.</p>"


def problems_html(problems: dict[str, str]) -> str:
    """The messages for filters that name nothing, as a short alert (empty when none)."""
    if not problems:
        return ""
    items = "".join(f"<li>{html.escape(m)}</li>" for m in problems.values())
    return f'<div class="explore-problems" role="alert"><ul>{items}</ul></div>'


def _first(value: Choice) -> str | None:
    values = explore._wanted(value)
    return values[0] if values else None


class ExploreApp:
    """The controls and everything they redraw, for one :class:`Exploration`."""

    def __init__(
        self,
        exploration: Exploration,
        quarter: str | None = None,
        drill_down: str = "overdue",
        reports: Path | None = None,
        **filters: Choice,
    ) -> None:
        _offline()
        self.exploration = exploration
        self.reports = reports
        self.picked_group: str | None = None
        self.last_redraw_seconds = 0.0
        first = explore.view(exploration, quarter, drill_down, **filters)
        self.filters: dict[str, Choice] = dict(first.filters)
        self.quarter = first.quarter.id
        self.drill_down = first.drill_down
        layout = widgets.Layout(width="32em")
        style = {"description_width": "10em"}
        self.controls: dict[str, widgets.Dropdown] = {
            "quarter": widgets.Dropdown(
                options=[(q.label, q.id) for q in exploration.quarters],
                value=self.quarter,
                description="Quarter in focus",
                layout=layout,
                style=style,
            )
        }
        for name, spec in explore.FILTERS.items():
            values = explore.filter_choices(exploration, name)
            self.controls[name] = widgets.Dropdown(
                options=[(ALL, ALL), *((v, v) for v in values)],
                value=_first(self.filters.get(name)) or ALL,
                description=spec.label,
                layout=layout,
                style=style,
            )
        self.controls["drill_down"] = widgets.Dropdown(
            options=[(v.replace("_", " ").capitalize(), v) for v in explore.DRILL_DOWNS],
            value=self.drill_down,
            description="Drill-down",
            layout=layout,
            style=style,
        )
        for name, control in self.controls.items():
            control.observe(self._changed(name), names="value")
        self.problems = widgets.HTML(problems_html(first.problems))
        self.counts = widgets.HTML()
        self.slots = {
            "actions_trend": ChartSlot(self._actions_trend(first)),
            "recommendations_trend": ChartSlot(self._recommendations_trend(first)),
            "overdue_by_group": ChartSlot(self._overdue_by_group(first)),
            "position": ChartSlot(self._position(first), self._picked),
            "themes": ChartSlot(self._themes(first)),
            "deadlines_trend": ChartSlot(self._deadlines_trend(first)),
        }
        self.rising = widgets.HTML()
        self.action_table = widgets.HTML()
        self.recommendation_table = widgets.HTML()
        self.deadlines = widgets.HTML()
        self.moved_table = widgets.HTML()
        self._show_text(first)
        self.deadlines_section = widgets.VBox(
            [
                widgets.HTML(
                    "<h2>Deadlines that move</h2><p>Outstanding actions whose deadline has been "
                    "moved, and actions reported implemented that internal audit has not yet "
                    "verified, at each quarter; then the actions of the quarter in focus moved "
                    "more than the panel's limit.</p>"
                ),
                self.deadlines,
                self.slots["deadlines_trend"].box,
                self.moved_table,
            ]
        )
        self.deadlines_section.add_class("explore-deadlines-section")
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h2>Choose what to look at</h2>"),
                widgets.VBox(list(self.controls.values())),
                self.problems,
                self.counts,
                widgets.HTML("<h2>Every quarter up to the one in focus</h2>"),
                self.slots["actions_trend"].box,
                self.slots["recommendations_trend"].box,
                self.slots["overdue_by_group"].box,
                self.rising,
                widgets.HTML(
                    "<h2>The quarter in focus</h2><p>Click a business group's bar to list only "
                    "its actions below; double-click to list every group's again.</p>"
                ),
                self.slots["position"].box,
                self.slots["themes"].box,
                widgets.HTML("<h2>The actions and recommendations behind the numbers</h2>"),
                self.action_table,
                self.recommendation_table,
                self.deadlines_section,
            ]
        )

    # --- charts -----------------------------------------------------------------------------
    @staticmethod
    def _actions_trend(current: View) -> alt.Chart:
        return charts.trend(
            current.actions_trend,
            title="Outstanding actions by deadline, quarter by quarter",
            value_title="Actions",
            description="Lines of outstanding, overdue, not yet due and coming actions per quarter.",
        )

    @staticmethod
    def _recommendations_trend(current: View) -> alt.Chart:
        return charts.trend(
            current.recommendations_trend,
            title="Open recommendations, quarter by quarter",
            value_title="Recommendations",
            description="Lines of open recommendations and open Areas for improvement per quarter.",
        )

    @staticmethod
    def _overdue_by_group(current: View) -> alt.Chart:
        return charts.trend(
            current.overdue_by_group,
            title="Overdue actions by business group",
            value_title="Overdue actions",
            description="One line per business group: its overdue actions in each quarter.",
        )

    @staticmethod
    def _position(current: View) -> alt.Chart:
        return charts.position_bars(
            current.position,
            "business_group",
            title=f"Outstanding actions by business group, {current.quarter.label}",
            description="Bars per business group: actions past their deadline and still to come.",
        )

    @staticmethod
    def _themes(current: View) -> alt.Chart:
        return charts.theme_bars(
            current.themes,
            title=f"Themes raised by the inspectorate and internal audit, {current.quarter.label}",
            description="Per theme: open recommendations and outstanding audit actions.",
        )

    @staticmethod
    def _deadlines_trend(current: View) -> alt.Chart:
        return charts.trend(
            current.deadlines_trend,
            title="Deadlines moved and actions awaiting verification, quarter by quarter",
            value_title="Actions",
            description=(
                "Lines of outstanding actions whose deadline moved, moved more than "
                f"{times(current.deadline_limit)} and moved after it had passed, and of "
                "implemented actions awaiting verification, per quarter."
            ),
        )

    # --- redrawing --------------------------------------------------------------------------
    def _changed(self, name: str) -> Callable[[dict[str, Any]], None]:
        def changed(change: dict[str, Any]) -> None:
            value = change["new"]
            if name == "quarter":
                self.quarter = value
            elif name == "drill_down":
                self.drill_down = value
            else:
                self.filters[name] = None if value == ALL else value
                self.picked_group = None
            self.redraw(tables_only=name == "drill_down")

        return changed

    def _picked(self, points: list[dict[str, Any]]) -> None:
        chosen = [row.get("business_group") for row in points]
        picked = chosen[0] if chosen else None
        if picked != self.picked_group:
            self.picked_group = picked
            self.redraw(tables_only=True)

    def current(self) -> View:
        """What the controls select now."""
        return explore.view(
            self.exploration, self.quarter, self.drill_down, self.picked_group, **self.filters
        )

    def redraw(self, tables_only: bool = False) -> View:
        """Compute the view again and hand it to the widgets on the page."""
        start = time.perf_counter()
        current = self.current()
        self.problems.value = problems_html(current.problems)
        if not tables_only:
            self.slots["actions_trend"].redraw(self._actions_trend(current))
            self.slots["recommendations_trend"].redraw(self._recommendations_trend(current))
            self.slots["overdue_by_group"].redraw(self._overdue_by_group(current))
            self.slots["position"].redraw(self._position(current))
            self.slots["themes"].redraw(self._themes(current))
            self.slots["deadlines_trend"].redraw(self._deadlines_trend(current))
        self._show_text(current)
        self.last_redraw_seconds = time.perf_counter() - start
        return current

    def _show_text(self, current: View) -> None:
        self.counts.value = counts_html(current)
        self.rising.value = rising_html(current)
        published = explore.against_published(current, self.reports) if self.reports else None
        if published:
            self.counts.value += f'<p class="explore-published">{html.escape(published)}</p>'
        scope = f", {current.picked_group}" if current.picked_group else ""
        what = current.drill_down.replace("_", " ").capitalize()
        self.action_table.value = table_html(
            current.actions,
            f"{what} actions{scope}, {current.quarter.label} ({len(current.actions)})",
        )
        self.deadlines.value = deadlines_html(current)
        self.moved_table.value = table_html(
            current.moved_over_limit,
            f"Actions whose deadline moved more than {times(current.deadline_limit)}{scope}, "
            f"{current.quarter.label} ({len(current.moved_over_limit)})",
        )
        self.recommendation_table.value = table_html(
            current.recommendations,
            f"Open recommendations, {current.quarter.label} ({len(current.recommendations)})",
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        """The widgets, and for a reader without them (a notebook run headless by papermill,
        seen in nbconvert or a diff) the messages and the counts as text and HTML."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        shown = [self.problems.value, self.counts.value]
        bundle["text/plain"] = "\n".join(_plain(part) for part in shown if part)
        bundle["text/html"] = "".join(shown)
        return bundle


def _plain(markup: str) -> str:
    """Text of our own small HTML (list items on lines of their own)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("</li>", "\n"))).strip()


def start(
    data_dir: str,
    quarter: str | None = None,
    drill_down: str = "overdue",
    reports_dir: str = "../reports",
    **filters: Choice,
) -> ExploreApp:
    """The exploration of every snapshot in ``data_dir`` (the served page's own folder when
    ``panelpaper explore --data-dir`` set one), with ``quarter`` in focus and the filters set;
    unfiltered counts are checked against the quarter's paper if it is in ``reports_dir``."""
    reports = explore.reports_dir(reports_dir)
    exploration = explore.load(explore.data_dir(data_dir), reports_dir=reports)
    return ExploreApp(exploration, quarter, drill_down, reports, **filters)
