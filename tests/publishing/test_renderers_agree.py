"""Quarto and the fallback renderer draw the same paper from the seed quarter's notebooks.

Both renderers read the executed notebooks and figures.json published in the committed record
(reports/2019-20-Q1), so no kernel runs here.  Each format is reduced to what a reader sees
(tests/analysis/paper_structure.py) and the two are compared item by item; a difference fails
with the item, both versions and the items before it.  The one sentence allowed to differ is
the method annex's "rendered ... with <renderer>", which names the tools.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.publishing.render import render_paper
from tests.conftest import NEEDS_QUARTO
from tests.helpers.paper_structure import (
    docx_structure,
    first_difference,
    html_contents,
    html_sections,
    pdf_pages,
)
from tests.helpers.shared import built_once

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "reports" / "2019-20-Q1"

pytestmark = [
    pytest.mark.quarto,
    pytest.mark.slow,
    NEEDS_QUARTO,
]


def _render(root: Path, renderer: str) -> None:
    staging = root / "2019-20-Q1"
    staging.mkdir()
    shutil.copytree(RECORD / "notebooks", staging / "notebooks")
    shutil.copy2(RECORD / "figures.json", staging / "figures.json")
    render_paper(staging, renderer=renderer)


@pytest.fixture(scope="session")
def rendered_record(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """renderer -> format -> the paper each renderer drew from the record, once per test run."""

    def paper(renderer: str) -> dict[str, Path]:
        root = built_once(tmp_path_factory, f"record-{renderer}", lambda r: _render(r, renderer))
        return {fmt: root / "2019-20-Q1" / f"paper.{fmt}" for fmt in ("docx", "pdf", "html")}

    return {renderer: paper(renderer) for renderer in ("quarto", "pandoc")}


def test_the_word_papers_have_the_same_headings_tables_captions_and_pictures(rendered_record):
    quarto = docx_structure(rendered_record["quarto"]["docx"])
    fallback = docx_structure(rendered_record["pandoc"]["docx"])
    assert any(item.startswith("Heading 1 | 1 HMICFRS update") for item in quarto)
    assert any(item.startswith("Table Caption | Table 6: ") for item in quarto)
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_pdfs_have_the_same_words_on_every_page(rendered_record):
    quarto = pdf_pages(rendered_record["quarto"]["pdf"])
    fallback = pdf_pages(rendered_record["pandoc"]["pdf"])
    assert len(quarto) == len(fallback), (len(quarto), len(fallback))
    for number, (left, right) in enumerate(zip(quarto, fallback, strict=True), 1):
        difference = first_difference(left, right, context=8)
        assert difference is None, f"page {number}: {difference}"


def test_the_html_papers_have_the_same_section_tree(rendered_record):
    quarto = html_sections(rendered_record["quarto"]["html"])
    fallback = html_sections(rendered_record["pandoc"]["html"])
    assert "h1 | 2 DARA update" in quarto
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_html_papers_have_the_same_contents(rendered_record):
    quarto = html_contents(rendered_record["quarto"]["html"])
    fallback = html_contents(rendered_record["pandoc"]["html"])
    assert "contents | 2.6 Audits brought to the Panel's attention" in quarto
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_html_papers_link_only_to_the_notebooks_and_hide_the_staging_folder(rendered_record):
    for renderer, paper in rendered_record.items():
        page = paper["html"].read_text(encoding="utf-8")
        staging = str(paper["html"].parent)
        assert staging not in page, renderer
        assert 'href="paper.docx"' not in page and 'href="paper.pdf"' not in page, renderer
        assert 'href="notebooks/dara_actions.ipynb"' in page, renderer


def test_quarto_html_is_no_heavier_than_twice_the_fallbacks(rendered_record):
    quarto = rendered_record["quarto"]["html"].stat().st_size
    fallback = rendered_record["pandoc"]["html"].stat().st_size
    assert quarto <= 2 * fallback, (quarto, fallback)
