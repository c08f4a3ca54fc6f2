"""The house style for every chart in the paper and in exploration.

One palette (Okabe and Ito's, which stays distinguishable under the common forms of colour
blindness and in greyscale print), one seaborn theme and one size that reads at A4 width, so
a chart an analyst makes in JupyterLab looks like the one the panel sees.  Each function takes
a tidy DataFrame and returns a matplotlib Figure; none of them computes a figure, they only
draw what ``analysis`` computed.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
PASSED = "#D55E00"
"""Deadline passed: vermillion, the palette's warning colour."""
FUTURE = "#0072B2"
"""Deadline still ahead: blue."""

A4_WIDTH_IN = 6.3
"""Text width of an A4 page with 2.5 cm margins, in inches: charts are drawn at print size."""


def use_house_style() -> None:
    """Apply the theme once per kernel; safe to call again."""
    sns.set_theme(
        context="paper",
        style="whitegrid",
        palette=list(OKABE_ITO),
        font="DejaVu Sans",
        rc={
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "figure.figsize": (A4_WIDTH_IN, 3.4),
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "panelpaper",
        },
    )


def _new_figure(height: float) -> tuple[Figure, plt.Axes]:
    use_house_style()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, height), layout="constrained")
    return fig, ax


def _label_bars(ax: plt.Axes) -> None:
    for container in ax.containers:
        labels = [f"{v:.0f}" if v else "" for v in container.datavalues]
        ax.bar_label(container, labels=labels, padding=2, fontsize=8)


def horizontal_counts(
    counts: pd.DataFrame,
    *,
    category: str,
    value: str = "count",
    hue: str | None = None,
    xlabel: str = "Actions",
    ylabel: str = "",
    hue_order: Sequence[str] | None = None,
    colours: Sequence[str] | None = None,
) -> Figure:
    """Counts per category as horizontal bars (stacked by ``hue`` when given).

    Horizontal bars keep long names (business groups, audit titles, reasons) readable at A4
    width, which vertical bars cannot.
    """
    rows = counts[category].drop_duplicates().tolist()
    fig, ax = _new_figure(max(1.6, 0.38 * len(rows) + 0.9))
    if counts.empty:
        ax.text(0.5, 0.5, "Nothing to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    if hue is None:
        ax.barh(rows, counts.set_index(category).loc[rows, value], color=(colours or OKABE_ITO)[0])
        _label_bars(ax)
    else:
        table = counts.pivot_table(
            index=category, columns=hue, values=value, aggfunc="sum", fill_value=0
        ).reindex(rows)
        order = [h for h in (hue_order or table.columns) if h in table.columns]
        palette = list(colours or OKABE_ITO)
        left = pd.Series(0, index=table.index, dtype=float)
        for i, name in enumerate(order):
            ax.barh(rows, table[name], left=left, label=name, color=palette[i % len(palette)])
            left += table[name]
        for y, total in enumerate(left):
            ax.text(total, y, f" {total:.0f}", va="center", fontsize=8)
        ax.legend(loc="lower right", frameon=False)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def deadline_quarters(by_quarter: pd.DataFrame) -> Figure:
    """Outstanding actions per deadline quarter, passed deadlines apart from future ones.

    Expects columns ``label`` (the panel's quarter label, in time order), ``count`` and
    ``passed`` (bool).
    """
    fig, ax = _new_figure(3.2)
    if by_quarter.empty:
        ax.text(
            0.5, 0.5, "No outstanding actions", ha="center", va="center", transform=ax.transAxes
        )
        ax.set_axis_off()
        return fig
    colours = [PASSED if passed else FUTURE for passed in by_quarter["passed"]]
    ax.bar(by_quarter["label"], by_quarter["count"], color=colours)
    _label_bars(ax)
    ax.set_xlabel("Quarter of the deadline")
    ax.set_ylabel("Outstanding actions")
    ax.tick_params(axis="x", labelrotation=45)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    handles = [
        plt.Rectangle((0, 0), 1, 1, color=PASSED, label="Deadline passed"),
        plt.Rectangle((0, 0), 1, 1, color=FUTURE, label="Deadline still to come"),
    ]
    ax.legend(handles=handles, loc="upper left", frameon=False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


def trend_lines(trends: pd.DataFrame, series: dict[str, str]) -> Figure:
    """Several counts over quarters on one axis.

    ``trends`` has a ``label`` column in time order; ``series`` maps a column to its legend name.
    """
    fig, ax = _new_figure(3.2)
    markers = ("o", "s", "^", "D", "v")
    for i, (column, name) in enumerate(series.items()):
        ax.plot(
            trends["label"],
            trends[column],
            marker=markers[i % len(markers)],
            color=OKABE_ITO[i % len(OKABE_ITO)],
            label=name,
        )
    ax.set_xlabel("Quarter")
    ax.set_ylabel("Count")
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(loc="upper left", frameon=False, ncols=2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig
