"""The house style for every chart in the paper and in exploration, to the Government Analysis
Function's guidance on charts.

* **One colour per category, everywhere**: every colour comes from
  :func:`analysis.presentation.colours.colour_for`, each at least 3:1 against white, so a
  business group or theme keeps its colour in every chart of every quarter.
* **Colour is never the only signal**: lines carry their name at their end (direct labels,
  with a marker on every point), stacked bars tell their two parts apart by a hatch as well as
  a colour, and bars coloured by business group sit under their group's heading.  A legend,
  where one is still needed, sits above the plot, never over the data.
* **At most five series on one axes** (:data:`SERIES_LIMIT`): more become small multiples,
  one small chart per category on a shared scale.
* **Vector output**: a paper chart is stored as SVG (text kept as text: ``svg.fonttype``
  ``none``), which the HTML and the PDF show, and as a 200 dpi PNG for Word, which is the
  one format that needs a raster (:func:`show`).  The SVG is written byte for byte the same by
  every run (a fixed ``svg.hashsalt``, no date), so a notebook's stored outputs compare.
* **Alt text that says what the chart shows**, written by
  :mod:`analysis.presentation.chart_text` from the same numbers; :func:`show` stores it as
  the figure's plain-text form, from which both renderers take the figure's alt text.

Each function takes a tidy DataFrame and returns a matplotlib Figure; none of them computes a
figure, they only draw what ``analysis`` computed.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from IPython import get_ipython
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib_inline.backend_inline import set_matplotlib_formats

from analysis.presentation.colours import (
    ANALYSIS_FUNCTION_PALETTE,
    DEFAULT_COLOUR,
    colour_for,
)

PASSED = colour_for("Deadline passed")
"""Deadline passed: the palette's orange, drawn solid."""
FUTURE = colour_for("Deadline still to come")
"""Deadline still ahead: dark blue, drawn hatched."""

A4_WIDTH_IN = 6.3
"""Text width of an A4 page with 2.5 cm margins, in inches: charts are drawn at print size."""

FONT_FAMILY = "DejaVu Sans"
"""The charts' typeface, shipped with matplotlib so that every machine draws the same chart."""

PNG_DPI = 200
"""Resolution of the PNG kept for Word: sharp in print at the size the chart is drawn."""

SERIES_LIMIT = 5
"""The most series one axes carries; more are drawn as small multiples."""

LABEL_COLOUR = "#222222"
"""Direct labels are text, so they take text's 4.5:1 contrast, not a series colour's 3:1:
a label says which line it names by sitting at the line's end."""

SECOND_PART_HATCH = "///"
"""The hatch that tells the second part of a stacked bar apart without its colour."""

_SVG_METADATA = {"Date": None}
"""No creation date in the SVG: the same chart writes the same bytes on every run."""

_RC = {
    "figure.dpi": 110,
    "savefig.dpi": PNG_DPI,
    "figure.figsize": (A4_WIDTH_IN, 3.4),
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Text stays text in the SVG (selectable, searchable, read by screen readers in the HTML)
    # and the ids of clip paths come from a fixed salt, not a random one.
    "svg.fonttype": "none",
    "svg.hashsalt": "panelpaper",
    # Labels are data (business groups, areas, reasons): "$x$" prints as typed,
    # never as mathtext.
    "text.parse_math": False,
}


def use_house_style() -> None:
    """Apply the theme once per kernel; safe to call again.

    In a notebook kernel it also selects the inline backend, drawing every chart as SVG and as
    a 200 dpi PNG: an ``MPLBACKEND`` inherited from the environment (CI sets ``Agg``) would
    otherwise keep every chart out of the notebook's outputs, and so out of the paper."""
    _inline_in_notebooks()
    sns.set_theme(
        context="paper",
        style="whitegrid",
        palette=list(ANALYSIS_FUNCTION_PALETTE),
        font=FONT_FAMILY,
        rc=_RC,
    )


def _inline_in_notebooks() -> None:
    shell = get_ipython()
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        shell.run_line_magic("matplotlib", "inline")
        set_matplotlib_formats("svg", "png", dpi=PNG_DPI, metadata=_SVG_METADATA)


# --- output ----------------------------------------------------------------------------------
def svg_text(fig: Figure) -> str:
    """The chart as SVG, the same bytes on every run (fixed hash salt, no date)."""
    buffer = io.StringIO()
    with plt.rc_context(_RC):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata=_SVG_METADATA)
    return buffer.getvalue()


def png_bytes(fig: Figure) -> bytes:
    """The chart as a PNG at :data:`PNG_DPI`, for Word."""
    buffer = io.BytesIO()
    # PNG stores its resolution in dots per metre, 200 dpi as 7,874, which Pandoc reads back
    # as 199.9996 and truncates to 199 dpi, sizing the picture 0.5 % larger in Word than drawn:
    # the file says a hair over 200 so that Word shows it at 200.
    fig.savefig(
        buffer,
        format="png",
        dpi=PNG_DPI,
        bbox_inches="tight",
        metadata={"Software": None},
        pil_kwargs={"dpi": (PNG_DPI + 0.02, PNG_DPI + 0.02)},
    )
    return buffer.getvalue()


def figure_bundle(fig: Figure, alt: str) -> dict[str, str]:
    """The figure's outputs: SVG for the HTML and PDF, PNG for Word, and ``alt`` as its
    plain-text form (what a reader who cannot see the chart is told it shows)."""
    return {
        "image/svg+xml": svg_text(fig),
        "image/png": base64.b64encode(png_bytes(fig)).decode("ascii"),
        "text/plain": alt,
    }


def show(fig: Figure, alt: str) -> None:
    """Display a paper chart with its alt text, as the cell's one output, and close it so the
    inline backend does not show it a second time."""
    display(figure_bundle(fig, alt), raw=True)
    plt.close(fig)


# --- drawing helpers ---------------------------------------------------------------------------
def _new_figure(height: float) -> tuple[Figure, plt.Axes]:
    use_house_style()
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, height), layout="constrained")
    return fig, ax


def _nothing_to_show(ax: plt.Axes, text: str = "Nothing to show") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _label_bars(ax: plt.Axes) -> None:
    for container in ax.containers:
        labels = [f"{v:,.0f}" if v else "" for v in container.datavalues]
        ax.bar_label(container, labels=labels, padding=2, fontsize=8)


def _legend_above(ax: plt.Axes, ncols: int) -> None:
    """A legend in a row above the plot, outside the data."""
    ax.legend(
        loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols, frameon=False, borderaxespad=0
    )


_SOLID = frozenset({"Deadline passed", "Overdue"})
_HATCHED = frozenset({"Deadline still to come", "Not yet due"})


def _hatch(name: str, index: int) -> str | None:
    """A deadline still to come is hatched in every chart, a passed one never; other stacks
    hatch every part after the first."""
    if name in _HATCHED:
        return SECOND_PART_HATCH
    if name in _SOLID or index == 0:
        return None
    return SECOND_PART_HATCH if index == 1 else "..."


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
    width, which vertical bars cannot.  Stacked parts take their category's colour (or
    ``colours``, in ``hue_order``), every part after the first is hatched as well, and the
    legend sits above the bars.
    """
    rows = counts[category].drop_duplicates().tolist()
    fig, ax = _new_figure(max(1.6, 0.38 * len(rows) + 1.1))
    if counts.empty:
        _nothing_to_show(ax)
        return fig
    if hue is None:
        ax.barh(rows, counts.set_index(category).loc[rows, value], color=DEFAULT_COLOUR)
        _label_bars(ax)
    else:
        table = counts.pivot_table(
            index=category, columns=hue, values=value, aggfunc="sum", fill_value=0
        ).reindex(rows)
        order = [h for h in (hue_order or table.columns) if h in table.columns]
        palette = list(colours) if colours else [colour_for(h) for h in order]
        left = pd.Series(0, index=table.index, dtype=float)
        for i, name in enumerate(order):
            ax.barh(
                rows,
                table[name],
                left=left,
                label=name,
                color=palette[i % len(palette)],
                hatch=_hatch(str(name), i),
                edgecolor="white",
                linewidth=0.6,
            )
            left += table[name]
        for y, total in enumerate(left):
            ax.text(total, y, f" {total:,.0f}", va="center", fontsize=8)
        _legend_above(ax, ncols=len(order))
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
    """One bar per item (e.g. business area), under a heading for its group (business group).

    Each group's heading names it and its total, and its bars take the group's colour: the
    colour repeats what the heading says, so nobody needs a legend, or to tell colours apart,
    to know which group a bar belongs to.  Rows are drawn in the order given.
    """
    groups = list(dict.fromkeys(counts[group])) if not counts.empty else []
    fig, ax = _new_figure(max(1.6, 0.22 * (len(counts) + len(groups)) + 0.8))
    if counts.empty:
        _nothing_to_show(ax)
        return fig
    labels: list[str] = []
    headings: list[int] = []
    position = 0
    for name in groups:
        members = counts[counts[group] == name]
        headings.append(position)
        labels.append(f"{name} ({int(members[value].sum()):,})")
        position += 1
        positions = list(range(position, position + len(members)))
        bars = ax.barh(positions, members[value], color=colour_for(name), height=0.75, label=name)
        ax.bar_label(bars, labels=[f"{v:,.0f}" for v in members[value]], padding=2, fontsize=8)
        labels.extend(members[item].astype(str).tolist())
        position += len(members)
    ax.set_yticks(range(position), labels)
    for index, tick in enumerate(ax.get_yticklabels()):
        if index in headings:
            tick.set_fontweight("bold")
    for index in headings:
        ax.yaxis.get_major_ticks()[index].tick1line.set_visible(False)
    ax.set_ylim(position - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def deadline_quarters(by_quarter: pd.DataFrame) -> Figure:
    """Outstanding actions per deadline quarter, passed deadlines apart from future ones.

    Expects columns ``label`` (the panel's quarter label, in time order), ``overdue`` and
    ``not_yet_due``; a quarter holding the as-at date can have both, so the bars stack.
    Deadlines still to come are hatched as well as blue.
    """
    fig, ax = _new_figure(3.3)
    if by_quarter.empty:
        _nothing_to_show(ax, "No outstanding actions")
        return fig
    ax.bar(by_quarter["label"], by_quarter["overdue"], color=PASSED, label="Deadline passed")
    ax.bar(
        by_quarter["label"],
        by_quarter["not_yet_due"],
        bottom=by_quarter["overdue"],
        color=FUTURE,
        hatch=SECOND_PART_HATCH,
        edgecolor="white",
        linewidth=0.6,
        label="Deadline still to come",
    )
    totals = by_quarter["overdue"] + by_quarter["not_yet_due"]
    for x, total in enumerate(totals):
        ax.text(x, total, f"{total:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("Quarter of the deadline")
    ax.set_ylabel("Outstanding actions")
    ax.tick_params(axis="x", labelrotation=45)
    for tick in ax.get_xticklabels():
        tick.set_horizontalalignment("right")
    _legend_above(ax, ncols=2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return fig


# --- lines -----------------------------------------------------------------------------------
_MARKERS = ("o", "s", "^", "D", "v")


def _spread(positions: list[float], gap: float) -> list[float]:
    """Positions moved apart, as little as possible, so that neighbours are ``gap`` apart."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    # Centre the run of moved labels on where they wanted to be, not above it.
    shift = (sum(placed) - sum(positions[i] for i in order)) / len(placed) if placed else 0
    placed = [p - shift for p in placed]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    result = [0.0] * len(positions)
    for rank, i in enumerate(order):
        result[i] = placed[rank]
    return result


def _label_line_ends(fig: Figure, ax: plt.Axes, ends: list[tuple[str, float, float, str]]) -> None:
    """Each line's name beside its last point, in the line's colour, in the margin to the right
    of the plot (never over a line), moved apart vertically where the ends are close."""
    if not ends:
        return
    fontsize = 8
    fig.canvas.draw()
    to_display = ax.transData
    points_per_pixel = 72 / fig.dpi
    wanted = [to_display.transform((x, y))[1] * points_per_pixel for _, x, y, _ in ends]
    placed = _spread(wanted, gap=fontsize * 1.3)
    for (name, x, y, _colour), want, place in zip(ends, wanted, placed, strict=True):
        ax.annotate(
            name,
            xy=(x, y),
            xytext=(8, place - want),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=fontsize,
            color=LABEL_COLOUR,
            annotation_clip=False,
        )
    # Constrained layout counts the labels in the axes' extent, so it narrows the plot to
    # leave them the margin they need.


def trend_lines(trends: pd.DataFrame, series: dict[str, str]) -> Figure:
    """A few counts over quarters on one axes, each line named at its end.

    ``trends`` has a ``label`` column in time order; ``series`` maps a column to the name the
    line carries.  More than :data:`SERIES_LIMIT` series are refused: draw them as
    :func:`small_multiples`.
    """
    if len(series) > SERIES_LIMIT:
        raise ValueError(
            f"{len(series)} series on one chart; at most {SERIES_LIMIT}: use small_multiples"
        )
    fig, ax = _new_figure(3.2)
    if not series or trends.empty:
        _nothing_to_show(ax)
        return fig
    ends = []
    for i, (column, name) in enumerate(series.items()):
        colour = colour_for(name)
        ax.plot(
            trends["label"],
            trends[column],
            marker=_MARKERS[i % len(_MARKERS)],
            color=colour,
            label=name,
        )
        last = trends[column].iloc[-1]
        ends.append((f"{name}: {last:,.0f}", len(trends) - 1, float(last), colour))
    ax.set_xlabel("Quarter")
    ax.set_ylabel("Count")
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=45)
    ax.yaxis.get_major_locator().set_params(integer=True)
    _label_line_ends(fig, ax, ends)
    return fig


def small_multiples(table: pd.DataFrame, *, ylabel: str = "Count", ncols: int = 3) -> Figure:
    """One small line chart per category, on one shared scale, each titled with its category.

    ``table`` has a ``label`` column in time order and one count column per category (an
    optional ``quarter`` column is ignored).  The Analysis Function's answer to a chart with
    more lines than a reader can follow: every panel has one line, so nothing depends on
    telling lines apart, and the shared scale keeps the panels comparable.
    """
    use_house_style()
    columns = [c for c in table.columns if c not in ("quarter", "label")]
    if not columns:
        fig, ax = _new_figure(1.6)
        _nothing_to_show(ax)
        return fig
    ncols = min(ncols, len(columns))
    nrows = -(-len(columns) // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(A4_WIDTH_IN, 0.6 + 1.75 * nrows),
        sharex=True,
        sharey=True,
        layout="constrained",
        squeeze=False,
    )
    top = max(1, int(table[columns].to_numpy().max()))
    positions = list(range(len(table)))
    for index, ax in enumerate(axes.flat):
        if index >= len(columns):
            ax.set_axis_off()
            continue
        name = str(columns[index])
        colour = colour_for(name)
        values = table[columns[index]]
        ax.plot(positions, values, marker="o", markersize=3, color=colour, label=name)
        last = values.iloc[-1]
        ax.annotate(
            f"{last:,.0f}",
            xy=(positions[-1], last),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color=LABEL_COLOUR,
            annotation_clip=False,
        )
        ax.set_title(textwrap.fill(name, 26), fontsize=8, loc="left")
        ax.set_ylim(0, top * 1.15)
        ax.set_xlim(-0.3, len(table) - 0.4)
        ax.yaxis.get_major_locator().set_params(integer=True, nbins=3)
        ax.tick_params(labelsize=7)
        ax.set_xticks(positions, table["label"].tolist())
        ax.tick_params(axis="x", labelrotation=90)
    fig.supylabel(ylabel, fontsize=9)
    return fig


# --- exploration ------------------------------------------------------------------------------
POSITIONS = ("Deadline passed", "Deadline still to come")
"""The two positions of an outstanding action, as :func:`analysis.presentation.explore.position_by` names
them; drawn in the deadline chart's colours so passed reads as passed in every chart."""


def lines_with_legend_beside(
    trends: pd.DataFrame, series: dict[str, str], *, ylabel: str = "Count"
) -> Figure:
    """Lines over quarters with the legend beside the axes rather than over the lines, for
    exploration charts whose lines are many or start high; each line in its category's
    colour, with a marker of its own."""
    fig, ax = _new_figure(3.2)
    for i, (column, name) in enumerate(series.items()):
        ax.plot(
            trends["label"],
            trends[column],
            marker=_MARKERS[i % len(_MARKERS)],
            color=colour_for(name),
            label=name,
        )
    ax.set_xlabel("Quarter")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.tick_params(axis="x", labelrotation=45)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if series:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, ncols=1)
    else:
        _nothing_to_show(ax)
    return fig


def category_lines(table: pd.DataFrame, *, ylabel: str = "Count") -> Figure:
    """One line per category over quarters (e.g. outstanding actions per business group):
    named at their ends on one axes, or as :func:`small_multiples` when there are more than
    :data:`SERIES_LIMIT`.

    ``table`` has a ``label`` column in time order and one count column per category, as
    :func:`analysis.presentation.explore.by_quarter` returns it; an optional ``quarter`` column is ignored.
    """
    columns = [c for c in table.columns if c not in ("quarter", "label")]
    if len(columns) > SERIES_LIMIT:
        return small_multiples(table, ylabel=ylabel)
    fig = trend_lines(table, {c: str(c) for c in columns})
    fig.axes[0].set_ylabel(ylabel)
    return fig


def position_bars(counts: pd.DataFrame, *, category: str, xlabel: str = "Actions") -> Figure:
    """Outstanding actions per category, deadline passed and still to come stacked, in the
    deadline chart's colours.  ``counts`` is :func:`analysis.presentation.explore.position_by`'s frame."""
    present = set(counts["position"]) if "position" in counts.columns else set()
    shown = [p for p in POSITIONS if p in present]
    return horizontal_counts(
        counts, category=category, value="count", hue="position", hue_order=shown, xlabel=xlabel
    )
