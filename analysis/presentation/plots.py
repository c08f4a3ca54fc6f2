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
    """Apply the theme once per kernel; safe to call again.

    In a notebook kernel it also selects the inline backend: an ``MPLBACKEND`` inherited from
    the environment (CI sets ``Agg``) would otherwise keep every chart out of the notebook's
    outputs, and so out of the paper."""
    _inline_in_notebooks()
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
            # Labels are data (business groups, areas, reasons): "$x$" prints as typed,
            # never as mathtext.
            "text.parse_math": False,
        },
    )


def _inline_in_notebooks() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")


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


def grouped_counts(
    counts: pd.DataFrame,
    *,
    group: str,
    item: str,
    value: str = "count",
    xlabel: str = "Actions",
) -> Figure:
    """One bar per item (e.g. business area), coloured and ordered by its group (business group).

    With many areas a stacked bar needs a legend longer than the chart; a bar per area with
    the group as colour keeps every label on its own line and the groups in a short legend.
    Rows are drawn in the order given.
    """
    fig, ax = _new_figure(max(1.6, 0.26 * len(counts) + 1.0))
    if counts.empty:
        ax.text(0.5, 0.5, "Nothing to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    groups = list(dict.fromkeys(counts[group]))
    colour = {g: OKABE_ITO[i % len(OKABE_ITO)] for i, g in enumerate(groups)}
    positions = range(len(counts))
    bars = ax.barh(
        list(positions), counts[value], color=[colour[g] for g in counts[group]], height=0.75
    )
    ax.bar_label(bars, labels=[f"{v:.0f}" for v in counts[value]], padding=2, fontsize=8)
    ax.set_yticks(list(positions), counts[item].tolist())
    ax.invert_yaxis()
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour[g], label=g) for g in groups]
    ax.legend(handles=handles, loc="lower right", frameon=False, title=group.replace("_", " "))
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def deadline_quarters(by_quarter: pd.DataFrame) -> Figure:
    """Outstanding actions per deadline quarter, passed deadlines apart from future ones.

    Expects columns ``label`` (the panel's quarter label, in time order), ``overdue`` and
    ``not_yet_due``; a quarter holding the as-at date can have both, so the bars stack.
    """
    fig, ax = _new_figure(3.2)
    if by_quarter.empty:
        ax.text(
            0.5, 0.5, "No outstanding actions", ha="center", va="center", transform=ax.transAxes
        )
        ax.set_axis_off()
        return fig
    ax.bar(by_quarter["label"], by_quarter["overdue"], color=PASSED, label="Deadline passed")
    ax.bar(
        by_quarter["label"],
        by_quarter["not_yet_due"],
        bottom=by_quarter["overdue"],
        color=FUTURE,
        label="Deadline still to come",
    )
    totals = by_quarter["overdue"] + by_quarter["not_yet_due"]
    for x, total in enumerate(totals):
        ax.text(x, total, f"{total:.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("Quarter of the deadline")
    ax.set_ylabel("Outstanding actions")
    ax.tick_params(axis="x", labelrotation=45)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    ax.legend(loc="upper left", frameon=False)
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


# --- exploration ------------------------------------------------------------------------------
POSITIONS = ("Deadline passed", "Deadline still to come")
"""The two positions of an outstanding action, as :func:`analysis.presentation.explore.position_by` names
them; drawn in the deadline chart's colours so passed reads as passed in every chart."""


def lines_with_legend_beside(
    trends: pd.DataFrame, series: dict[str, str], *, ylabel: str = "Count"
) -> Figure:
    """:func:`trend_lines` with the legend beside the axes rather than over the lines, for
    exploration charts whose lines are many or start high."""
    fig = trend_lines(trends, series)
    ax = fig.axes[0]
    ax.set_ylabel(ylabel)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, ncols=1)
    else:
        ax.text(0.5, 0.5, "Nothing to show", ha="center", va="center", transform=ax.transAxes)
    return fig


def category_lines(table: pd.DataFrame, *, ylabel: str = "Count") -> Figure:
    """One line per category over quarters (e.g. outstanding actions per business group).

    ``table`` has a ``label`` column in time order and one count column per category, as
    :func:`analysis.presentation.explore.by_quarter` returns it; an optional ``quarter`` column is ignored.
    """
    columns = [c for c in table.columns if c not in ("quarter", "label")]
    return lines_with_legend_beside(table, {c: str(c) for c in columns}, ylabel=ylabel)


def position_bars(counts: pd.DataFrame, *, category: str, xlabel: str = "Actions") -> Figure:
    """Outstanding actions per category, deadline passed and still to come stacked, in the
    deadline chart's colours.  ``counts`` is :func:`analysis.presentation.explore.position_by`'s frame."""
    present = set(counts["position"]) if "position" in counts.columns else set()
    shown = [p for p in POSITIONS if p in present]
    colours = {POSITIONS[0]: PASSED, POSITIONS[1]: FUTURE}
    # horizontal_counts pairs colours with the positions present, in order, so a filter that
    # leaves only future deadlines must not shift them onto the passed colour.
    return horizontal_counts(
        counts,
        category=category,
        value="count",
        hue="position",
        hue_order=shown,
        colours=[colours[p] for p in shown] or None,
        xlabel=xlabel,
    )
