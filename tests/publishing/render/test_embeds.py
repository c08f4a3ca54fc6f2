"""Tests for analysis/publishing/render/embeds.py: the fallback's embeds, meta shortcodes and cross-references.

The stand-in notebooks of test_render.py carry every label paper.qmd embeds.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.publishing.render import embeds
from analysis.publishing.render.renderer import RenderError
from tests.publishing.render.test_render import MARKING, PAPER, _png, write_stand_in_notebooks


def test_cell_options_reads_the_leading_quarto_comments_only():
    source = '#| label: fig-groups\n#| fig-cap: "Actions: by group"\nx = 1\n#| label: late'
    assert embeds.cell_options(source) == {"label": "fig-groups", "fig-cap": "Actions: by group"}
    assert embeds.cell_options("x = 1") == {}


def test_find_cell_prefers_cell_id_then_label_then_tag():
    by_label = new_code_cell("#| label: tbl-risk\nx", metadata={"tags": ["other"]})
    by_tag = new_code_cell("y", metadata={"tags": ["tbl-risk", "marked"]})
    notebook = new_notebook(cells=[by_tag, by_label])
    assert embeds.find_cell(notebook, "tbl-risk") is by_label
    assert embeds.find_cell(notebook, "marked") is by_tag
    with pytest.raises(KeyError):
        embeds.find_cell(notebook, "fig-missing")


def test_resolve_paper_numbers_floats_in_document_order_and_rewrites_references(tmp_path):
    write_stand_in_notebooks(tmp_path)
    qmd = (
        "---\nlang: en-GB\n---\n\n"
        "Marked {{< meta marking >}} for {{< meta panel >}}; see @tbl-risk and [-@fig-trends].\n\n"
        "{{< embed notebooks/trends.ipynb#fig-trends >}}\n\n"
        "{{< embed notebooks/dara_actions.ipynb#tbl-risk,fig-groups >}}\n\n"
        "{{< embed notebooks/dara_actions.ipynb#outstanding-text >}}\n\n"
        "Unknown @fig-nowhere.\n"
    )
    paper = embeds.resolve_paper(qmd, tmp_path, PAPER, {"fig": "Figure", "tbl": "Table"})
    text = paper.markdown
    assert paper.front_matter == {"lang": "en-GB"}
    assert f"Marked {MARKING} for Audit Panel" in text
    assert "see [Table 1](#tbl-risk) and [1](#fig-trends)." in text
    assert "![Figure 1: Outstanding and overdue actions by quarter]" in text
    assert "![Figure 2: Outstanding actions by business group and area]" in text
    assert ": Table 1: Outstanding actions by risk {#tbl-risk}" in text
    # A reference inside an embedded output is resolved like one in paper.qmd.
    assert "95 outstanding actions, see [Figure 2](#fig-groups)" in text
    assert "?@fig-nowhere" in text
    assert any("fig-nowhere" in warning for warning in paper.warnings)
    assert "#|" not in text and "loading" not in text
    assert paper.numbers == {"fig-trends": 1, "tbl-risk": 1, "fig-groups": 2}
    assert paper.notebooks == ("notebooks/trends.ipynb", "notebooks/dara_actions.ipynb")
    # The chart's SVG (vector) is what the paper shows; Word swaps in its PNG (word-figures.lua).
    svg = tmp_path / "paper_files" / "figure-fallback" / "fig-trends.svg"
    assert "<svg" in svg.read_text(encoding="utf-8")
    assert "](paper_files/figure-fallback/fig-trends.svg)" in text


def test_an_embed_of_a_missing_label_names_it(tmp_path):
    write_stand_in_notebooks(tmp_path)
    qmd = "{{< embed notebooks/delays.ipynb#fig-reasons >}}\n"
    with pytest.raises(RenderError, match="fig-reasons"):
        embeds.resolve_paper(qmd, tmp_path, PAPER, {"fig": "Figure", "tbl": "Table"})


def test_a_figure_cell_with_two_outputs_is_refused(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    image = new_output("display_data", data={"image/png": _png("#000000")})
    cell = new_code_cell('#| label: fig-two\n#| fig-cap: "Two"\nplot()', outputs=[image, image])
    nbformat.write(new_notebook(cells=[cell]), notebooks / "x.ipynb")
    with pytest.raises(RenderError, match="exactly one output"):
        embeds.resolve_paper(
            "{{< embed notebooks/x.ipynb#fig-two >}}", tmp_path, PAPER, {"fig": "F", "tbl": "T"}
        )


def test_a_labelled_caption_inside_an_output_is_numbered_among_the_tables(tmp_path):
    """A table that shares an output with text (the reconciliation, the warnings annex) is
    captioned ``: words {#tbl-label}``; the fallback numbers it in document order, as Quarto's
    cross-referencing does, and a reference to it resolves."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    table = "| A | B |\n|:--|--:|\n| x | 1 |"
    shared = (
        f"Some words.\n\n{table}\n\n: The first shared table {{#tbl-first}}\n\n"
        f"More words.\n\n{table}\n\n: The second {{#tbl-second}}"
    )
    own = new_output("display_data", data={"text/markdown": table})
    cells = [
        new_code_cell('#| label: tbl-own\n#| tbl-cap: "Its own"\nx', outputs=[own]),
        new_code_cell(
            "#| label: shared\nx",
            outputs=[new_output("display_data", data={"text/markdown": shared})],
        ),
    ]
    nbformat.write(new_notebook(cells=cells), notebooks / "x.ipynb")
    qmd = (
        "{{< embed notebooks/x.ipynb#tbl-own >}}\n\n{{< embed notebooks/x.ipynb#shared >}}\n\n"
        "See @tbl-second.\n"
    )
    paper = embeds.resolve_paper(qmd, tmp_path, PAPER, {"fig": "Figure", "tbl": "Table"})
    assert ": Table 1: Its own {#tbl-own}" in paper.markdown
    assert ": Table 2: The first shared table {#tbl-first}" in paper.markdown
    assert ": Table 3: The second {#tbl-second}" in paper.markdown
    assert "See [Table 3](#tbl-second)." in paper.markdown
    assert paper.numbers == {"tbl-own": 1, "tbl-first": 2, "tbl-second": 3}
