"""The charts' PNGs for Word and their alt text, taken from the executed notebooks before
either renderer starts."""

from __future__ import annotations

import base64

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.publishing.render import chart_assets
from analysis.publishing.render.embeds import cell_options

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nstand-in").decode()
ALT = 'Overdue actions rose from 38 to 59: "Met HQ" #1 {{< meta x >}}'


def _staging(tmp_path, source: str, data: dict) -> tuple:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    cell = new_code_cell(source, outputs=[new_output("display_data", data=data)])
    nbformat.write(new_notebook(cells=[cell]), notebooks / "trends.ipynb")
    (tmp_path / "paper.qmd").write_text("{{< embed notebooks/trends.ipynb#fig-trends >}}\n")
    return notebooks / "trends.ipynb"


def test_each_charts_png_is_written_for_word_and_its_alt_text_set(tmp_path) -> None:
    path = _staging(
        tmp_path,
        '#| label: fig-trends\n#| fig-cap: "Counts"\nplots.show(fig, alt)',
        {"image/svg+xml": "<svg/>", "image/png": PNG, "text/plain": ALT},
    )
    assert chart_assets.prepare_charts(tmp_path) == {"fig-trends": ALT}
    written = tmp_path / chart_assets.WORD_FIGURES / "fig-trends.png"
    assert written.read_bytes() == base64.b64decode(PNG)
    source = nbformat.read(path, as_version=4).cells[0].source
    assert cell_options(source) == {"label": "fig-trends", "fig-cap": "Counts", "fig-alt": ALT}
    assert source.endswith("plots.show(fig, alt)")
    # Run again (a rerender of the same staging): nothing changes.
    chart_assets.prepare_charts(tmp_path)
    assert nbformat.read(path, as_version=4).cells[0].source == source


def test_an_old_fixed_alt_text_is_replaced_by_the_one_from_the_figures(tmp_path) -> None:
    path = _staging(
        tmp_path,
        '#| label: fig-trends\n#| fig-alt: "A line chart"\nfig',
        {"image/png": PNG, "text/plain": ALT},
    )
    chart_assets.prepare_charts(tmp_path)
    options = cell_options(nbformat.read(path, as_version=4).cells[0].source)
    assert options["fig-alt"] == ALT


def test_a_figure_without_alt_text_keeps_its_cell_as_written(tmp_path) -> None:
    source = '#| label: fig-trends\n#| fig-alt: "Written by hand"\nfig'
    path = _staging(
        tmp_path, source, {"image/png": PNG, "text/plain": "<Figure size 630x340 with 1 Axes>"}
    )
    assert chart_assets.prepare_charts(tmp_path) == {}
    assert nbformat.read(path, as_version=4).cells[0].source == source


def test_the_alt_option_is_yaml_that_reads_back_as_typed() -> None:
    for text in (ALT, "a: b", "'quoted'", "line\nbreak", "ünïcode – dash"):
        line = chart_assets.with_alt_option("#| label: fig-x\nx", text).splitlines()[1]
        assert yaml.safe_load(line.removeprefix("#| ")) == {"fig-alt": text}
