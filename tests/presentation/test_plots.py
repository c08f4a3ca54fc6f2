"""The paper's charts, drawn for two quarters of the sample data, against the Analysis
Function's chart guidance: one colour per category in every chart, no more than five series
on an axes, direct labels beside the lines (never on them), no legend over the data, vector
SVG with text kept as text, a 200 dpi PNG for Word."""

from __future__ import annotations

import io
import re
import struct

import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.text import Annotation
from PIL import Image

from analysis import paper
from analysis.presentation import plots
from analysis.presentation.colours import colour_for
from tests.helpers.charts import TREND_SERIES, paper_charts, quarter_context

QUARTERS = ("2019-20-Q1", "2019-20-Q2")


@pytest.fixture(scope="module")
def charts() -> dict[str, dict]:
    # Sixteen charts stay open for the module's tests; closed at its end.
    with plt.rc_context({"figure.max_open_warning": 0}):
        drawn = {quarter: paper_charts(quarter_context(quarter)) for quarter in QUARTERS}
    yield drawn
    plt.close("all")


def _category_colours(fig) -> list[tuple[str, str]]:
    """(category, colour) for every labelled series of every axes: bar containers and lines."""
    found = []
    for ax in fig.axes:
        for container in ax.containers:
            label = container.get_label()
            if isinstance(container, BarContainer) and label and not label.startswith("_"):
                colours = {to_hex(patch.get_facecolor()).upper() for patch in container.patches}
                found += [(label, colour) for colour in colours]
        for line in ax.get_lines():
            label = line.get_label()
            if label and not label.startswith("_"):
                found.append((label, to_hex(line.get_color()).upper()))
    return found


def test_every_category_has_one_colour_in_every_chart_of_both_quarters(charts) -> None:
    seen: dict[str, set[str]] = {}
    for drawn in charts.values():
        for fig, _ in drawn.values():
            for category, colour in _category_colours(fig):
                seen.setdefault(category, set()).add(colour)
    # The business groups, the themes, the trend series and the two deadline positions all
    # appear: the check is not vacuous.
    for expected in ("Met Operations", "Overdue actions", "Finance", "Not yet due", "Overdue"):
        assert expected in seen
    assert {c: colours for c, colours in seen.items() if len(colours) != 1} == {}
    assert {c: colours.pop() for c, colours in seen.items()} == {c: colour_for(c) for c in seen}


def _series(ax) -> int:
    """Lines, plus bar containers that share a bar's place with another (stacked parts);
    bars that each have a row of their own, whatever their colour, are one series."""
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) > 0]
    places = [
        {(round(p.get_y(), 3) if p.get_height() < 1 else round(p.get_x(), 3)) for p in c.patches}
        for c in ax.containers
        if isinstance(c, BarContainer)
    ]
    shared = [i for i, a in enumerate(places) if any(a & b for j, b in enumerate(places) if j != i)]
    return len(lines) + (len(shared) if shared else min(1, len(places)))


def test_no_axes_carries_more_than_five_series(charts) -> None:
    for quarter, drawn in charts.items():
        for label, (fig, _) in drawn.items():
            for ax in fig.axes:
                assert _series(ax) <= plots.SERIES_LIMIT, (quarter, label)


def test_nine_themes_become_small_multiples_with_one_line_each(charts) -> None:
    fig, _ = charts["2019-20-Q1"]["fig-theme-trends"]
    drawn = [ax for ax in fig.axes if ax.get_lines()]
    assert len(drawn) > plots.SERIES_LIMIT
    assert all(_series(ax) == 1 for ax in drawn)
    # Each small chart is titled with the theme its line shows.
    assert [ax.get_title(loc="left").replace("\n", " ") for ax in drawn] == [
        ax.get_lines()[0].get_label() for ax in drawn
    ]


def test_trend_lines_are_named_at_their_ends_beside_the_plot_not_on_a_line(charts) -> None:
    for drawn in charts.values():
        fig, _ = drawn["fig-trends"]
        fig.canvas.draw()
        ax = fig.axes[0]
        labels = [child for child in ax.get_children() if isinstance(child, Annotation)]
        names = {line.get_label() for line in ax.get_lines()}
        assert {label.get_text().split(":")[0] for label in labels} == names
        boxes = [label.get_window_extent() for label in labels]
        right_of_lines = max(
            ax.transData.transform((x, 0))[0]
            for line in ax.get_lines()
            for x in range(len(line.get_xdata()))
        )
        for box in boxes:
            assert box.x0 > right_of_lines  # right of every line, where no line runs
            assert box.x1 <= fig.bbox.x1  # and on the figure
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b)
        assert ax.get_legend() is None


def test_legends_sit_outside_the_plot(charts) -> None:
    for drawn in charts.values():
        for label, (fig, _) in drawn.items():
            if not any(ax.get_legend() for ax in fig.axes):
                continue
            fig.canvas.draw()
            for ax in fig.axes:
                legend = ax.get_legend()
                if legend is not None:
                    box, area = legend.get_window_extent(), ax.get_window_extent()
                    assert box.y0 >= area.y1 - 1, label  # above the plot


def test_stacked_parts_differ_by_hatch_as_well_as_colour(charts) -> None:
    for label in ("fig-deadlines", "fig-audit-themes"):
        fig, _ = charts["2019-20-Q1"][label]
        stacks = [c for c in fig.axes[0].containers if isinstance(c, BarContainer)]
        assert len({c.patches[0].get_hatch() for c in stacks}) == len(stacks), label


def test_bars_coloured_by_group_sit_under_their_groups_heading(charts) -> None:
    ctx = quarter_context("2019-20-Q1")
    fig, _ = charts["2019-20-Q1"]["fig-groups"]
    ax = fig.axes[0]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    by_group = ctx.figures["actions"]["outstanding_by_business_group"]
    assert bold == [f"{group} ({count:,})" for group, count in by_group.items()]
    assert ax.get_legend() is None


def test_svg_is_vector_with_text_as_text_and_the_same_on_every_draw() -> None:
    trends = paper.trends_chart_data(quarter_context("2019-20-Q1"))
    svg, again = (plots.svg_text(plots.trend_lines(trends, TREND_SERIES)) for _ in range(2))
    assert "<image" not in svg  # no embedded raster
    assert re.search(r"<path[^>]* d=\"M ", svg)
    assert "Overdue actions: " in svg  # a direct label, as text
    assert "<dc:date>" not in svg
    assert again == svg
    plt.close("all")


def test_png_for_word_is_200_dpi_at_print_size(charts) -> None:
    fig, _ = charts["2019-20-Q1"]["fig-deadlines"]
    data = plots.png_bytes(fig)
    image = Image.open(io.BytesIO(data))
    at = data.find(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", data[at + 4 : at + 13])
    assert unit == 1 and int(per_metre * 0.0254) >= plots.PNG_DPI  # as Pandoc reads it
    assert image.width / plots.PNG_DPI == pytest.approx(plots.A4_WIDTH_IN, rel=0.05)


def test_figure_bundle_holds_svg_png_and_the_alt_text(charts) -> None:
    fig, alt = charts["2019-20-Q1"]["fig-age-bands"]
    bundle = plots.figure_bundle(fig, alt)
    assert set(bundle) == {"image/svg+xml", "image/png", "text/plain"}
    assert bundle["text/plain"] == alt


def test_more_than_five_series_on_one_axes_are_refused() -> None:
    import pandas as pd

    table = pd.DataFrame({"label": ["Q1", "Q2"], **{f"s{i}": [1, 2] for i in range(6)}})
    with pytest.raises(ValueError, match="at most 5"):
        plots.trend_lines(table, {f"s{i}": f"S{i}" for i in range(6)})
    assert len(plots.category_lines(table).axes) >= 6
    plt.close("all")
