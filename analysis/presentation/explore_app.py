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
from typing import Any

import altair as alt
import ipywidgets as widgets
import pandas as pd

from analysis.presentation import explore
from analysis.presentation import explore_charts as charts
from analysis.presentation.explore import Choice, Exploration, View

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


def _jupyter_chart(chart: alt.Chart) -> alt.JupyterChart:
    return alt.JupyterChart(chart, embed_options={"renderer": "svg", "actions": False})


def _redraw(shown: alt.JupyterChart, chart: alt.Chart) -> None:
    """Give a chart on the page new data in place.  Only the Vega-Lite spec is replaced (not
    the wrapped chart, which would set up its selections anew and drop the drill-down's watch),
    and unvalidated: the first drawing validated the same spec with other numbers, and
    validating five specs per click would take half the time allowed for a redraw."""
    with shown.hold_sync():
        shown.spec = chart.to_dict(validate=False)
        shown._vl_selections = {name: {"value": None, "store": []} for name in shown._vl_selections}


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
        **filters: Choice,
    ) -> None:
        _offline()
        self.exploration = exploration
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
        self.actions_trend = _jupyter_chart(self._actions_trend(first))
        self.recommendations_trend = _jupyter_chart(self._recommendations_trend(first))
        self.overdue_by_group = _jupyter_chart(self._overdue_by_group(first))
        self.position = _jupyter_chart(self._position(first))
        self.themes = _jupyter_chart(self._themes(first))
        self.position.selections.observe(self._picked, [charts.PICK])
        self.action_table = widgets.HTML()
        self.recommendation_table = widgets.HTML()
        self._show_text(first)
        self.widget = widgets.VBox(
            [
                widgets.HTML("<h2>Choose what to look at</h2>"),
                widgets.VBox(list(self.controls.values())),
                self.problems,
                self.counts,
                widgets.HTML("<h2>Every quarter up to the one in focus</h2>"),
                self.actions_trend,
                self.recommendations_trend,
                self.overdue_by_group,
                widgets.HTML(
                    "<h2>The quarter in focus</h2><p>Click a business group's bar to list only "
                    "its actions below; double-click to list every group's again.</p>"
                ),
                self.position,
                self.themes,
                widgets.HTML("<h2>The actions and recommendations behind the numbers</h2>"),
                self.action_table,
                self.recommendation_table,
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

    def _picked(self, change: dict[str, Any]) -> None:
        chosen = [row.get("business_group") for row in (change["new"].value or [])]
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
            _redraw(self.actions_trend, self._actions_trend(current))
            _redraw(self.recommendations_trend, self._recommendations_trend(current))
            _redraw(self.overdue_by_group, self._overdue_by_group(current))
            _redraw(self.position, self._position(current))
            _redraw(self.themes, self._themes(current))
        self._show_text(current)
        self.last_redraw_seconds = time.perf_counter() - start
        return current

    def _show_text(self, current: View) -> None:
        self.counts.value = counts_html(current)
        scope = f", {current.picked_group}" if current.picked_group else ""
        what = current.drill_down.replace("_", " ").capitalize()
        self.action_table.value = table_html(
            current.actions,
            f"{what} actions{scope}, {current.quarter.label} ({len(current.actions)})",
        )
        self.recommendation_table.value = table_html(
            current.recommendations,
            f"Open recommendations, {current.quarter.label} ({len(current.recommendations)})",
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def start(
    data_dir: str,
    quarter: str | None = None,
    drill_down: str = "overdue",
    **filters: Choice,
) -> ExploreApp:
    """The exploration of every snapshot in ``data_dir`` (the served page's own folder when
    ``panelpaper explore --data-dir`` set one), with ``quarter`` in focus and the filters set."""
    exploration = explore.load(explore.data_dir(data_dir))
    return ExploreApp(exploration, quarter, drill_down, **filters)
