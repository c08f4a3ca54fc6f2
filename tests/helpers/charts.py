"""Every chart of the paper drawn for a quarter, as the paper notebooks draw it, for the tests
that check charts across quarters (colours, series, labels, alt text)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from analysis import paper, plots
from analysis.paths import PROJECT_ROOT
from analysis.presentation.paper_context import PaperContext

DATA_DIR = PROJECT_ROOT / "data"
TREND_SERIES = {
    "open_recommendations": "Open recommendations",
    "outstanding": "Outstanding actions",
    "overdue": "Overdue actions",
}


def quarter_context(quarter: str) -> PaperContext:
    return paper.context(str(DATA_DIR), quarter)


def paper_charts(ctx: PaperContext) -> dict[str, tuple[Figure, str]]:
    """label -> (figure, alt text), the calls of notebooks/dara_actions.py, delays.py and
    trends.py."""
    plots.use_house_style()
    groups = paper.groups_chart_data(ctx)
    deadlines = paper.deadline_chart_data(ctx)
    bands = paper.age_band_chart_data(ctx)
    themes = paper.audit_themes_chart_data(ctx)
    reasons = paper.delays_chart_data(ctx)
    trends = paper.trends_chart_data(ctx)
    theme_actions = paper.theme_trends_chart_data(ctx, "outstanding_actions")
    theme_recs = paper.theme_trends_chart_data(ctx, "open_recommendations")
    return {
        "fig-groups": (
            plots.grouped_counts(
                groups, group="business_group", item="business_area", xlabel="Outstanding actions"
            ),
            paper.groups_alt(groups, group="business_group", item="business_area"),
        ),
        "fig-deadlines": (plots.deadline_quarters(deadlines), paper.deadlines_alt(deadlines)),
        "fig-age-bands": (
            plots.horizontal_counts(bands, category="band", xlabel="Overdue actions"),
            paper.counts_alt(
                bands, category="band", subject="overdue actions by time past the deadline"
            ),
        ),
        "fig-audit-themes": (
            plots.horizontal_counts(
                themes,
                category="theme",
                hue="position",
                hue_order=["Overdue", "Not yet due"],
                xlabel="Outstanding actions",
            ),
            paper.stacked_alt(
                themes,
                category="theme",
                hue="position",
                first="Overdue",
                subject="outstanding actions by theme",
            ),
        ),
        "fig-delays": (
            plots.horizontal_counts(reasons, category="reason", xlabel="Overdue actions"),
            paper.counts_alt(
                reasons, category="reason", subject="overdue actions by reason for the delay"
            ),
        ),
        "fig-trends": (
            plots.trend_lines(trends, TREND_SERIES),
            paper.trends_alt(trends, TREND_SERIES),
        ),
        "fig-theme-trends": (
            plots.category_lines(theme_actions, ylabel="Outstanding actions"),
            paper.category_trends_alt(theme_actions, subject="outstanding actions"),
        ),
        "fig-theme-trends-recommendations": (
            plots.category_lines(theme_recs, ylabel="Open recommendations"),
            paper.category_trends_alt(theme_recs, subject="open recommendations"),
        ),
    }
