"""The paper's charts, each drawn together with the alt text that says what it shows.

A chart and its words are two views of one frame of the figures, with the same category and
hue; stating each pair once here means the paper notebooks (``plots.show(*chart(ctx))``) and
the tests that check every chart across quarters draw exactly the same thing, and no chart can
reach the paper with alt text typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from analysis.presentation import plots
from analysis.presentation.chart_text import (
    category_trends_alt,
    counts_alt,
    deadlines_alt,
    groups_alt,
    stacked_alt,
    trends_alt,
)
from analysis.presentation.paper_context import PaperContext
from analysis.presentation.paper_deadlines import slip_chart_data
from analysis.presentation.paper_tables import (
    age_band_chart_data,
    audit_themes_chart_data,
    deadline_chart_data,
    delays_chart_data,
    groups_chart_data,
    theme_trends_chart_data,
    trends_chart_data,
)

Chart = tuple[Figure, str]
"""A chart and its alt text, as :func:`analysis.presentation.plots.show` takes them."""

TREND_SERIES = {
    "open_recommendations": "Open recommendations",
    "outstanding": "Outstanding actions",
    "overdue": "Overdue actions",
}
"""The trend chart's lines: figures.json's ``trends`` columns and their names."""


def groups(ctx: PaperContext) -> Chart:
    data = groups_chart_data(ctx)
    keys = {"group": "business_group", "item": "business_area"}
    return plots.grouped_counts(data, **keys, xlabel="Outstanding actions"), groups_alt(
        data, **keys
    )


def deadlines(ctx: PaperContext) -> Chart:
    data = deadline_chart_data(ctx)
    return plots.deadline_quarters(data), deadlines_alt(data)


def age_bands(ctx: PaperContext) -> Chart:
    data = age_band_chart_data(ctx)
    return (
        plots.horizontal_counts(data, category="band", xlabel="Overdue actions"),
        counts_alt(data, category="band", subject="overdue actions by time past the deadline"),
    )


def audit_themes(ctx: PaperContext) -> Chart:
    data = audit_themes_chart_data(ctx)
    hues = ["Overdue", "Not yet due"]
    return (
        plots.horizontal_counts(
            data, category="theme", hue="position", hue_order=hues, xlabel="Outstanding actions"
        ),
        stacked_alt(
            data,
            category="theme",
            hue="position",
            first=hues[0],
            subject="outstanding actions by theme",
        ),
    )


def delay_reasons(ctx: PaperContext) -> Chart:
    data = delays_chart_data(ctx)
    return (
        plots.horizontal_counts(data, category="reason", xlabel="Overdue actions"),
        counts_alt(data, category="reason", subject="overdue actions by reason for the delay"),
    )


def slip(ctx: PaperContext) -> Chart:
    data = slip_chart_data(ctx)
    return (
        plots.horizontal_counts(data, category="slip", xlabel="Moved actions"),
        counts_alt(
            data,
            category="slip",
            subject="moved actions by how far their deadline has slipped since first agreed",
        ),
    )


def trends(ctx: PaperContext) -> Chart:
    data = trends_chart_data(ctx)
    return plots.trend_lines(data, TREND_SERIES), trends_alt(data, TREND_SERIES)


def theme_trends(ctx: PaperContext, measure: str) -> Chart:
    """``measure``: ``outstanding_actions`` or ``open_recommendations``."""
    data = theme_trends_chart_data(ctx, measure)
    subject = measure.replace("_", " ")
    return (
        plots.category_lines(data, ylabel=subject.capitalize()),
        category_trends_alt(data, subject=subject),
    )


CHARTS: dict[str, Callable[[PaperContext], Chart]] = {
    "fig-groups": groups,
    "fig-deadlines": deadlines,
    "fig-age-bands": age_bands,
    "fig-audit-themes": audit_themes,
    "fig-delays": delay_reasons,
    "fig-slip": slip,
    "fig-trends": trends,
    "fig-theme-trends": lambda ctx: theme_trends(ctx, "outstanding_actions"),
    "fig-theme-trends-recommendations": lambda ctx: theme_trends(ctx, "open_recommendations"),
}
"""Every chart of the paper by its cell label."""
