"""Every chart of the paper drawn for a quarter, as the paper notebooks draw it, for the tests
that check charts across quarters (colours, series, labels, alt text)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from analysis import paper, plots
from analysis.paths import PROJECT_ROOT
from analysis.presentation.paper_charts import CHARTS, TREND_SERIES
from analysis.presentation.paper_context import PaperContext

DATA_DIR = PROJECT_ROOT / "data"
__all__ = ["CHARTS", "TREND_SERIES", "paper_charts", "quarter_context"]


def quarter_context(quarter: str) -> PaperContext:
    return paper.context(str(DATA_DIR), quarter)


def paper_charts(ctx: PaperContext) -> dict[str, tuple[Figure, str]]:
    """label -> (figure, alt text), exactly as the paper notebooks draw them."""
    plots.use_house_style()
    return {label: chart(ctx) for label, chart in CHARTS.items()}
