"""Quarto and the fallback renderer draw the same paper from the seed quarter's notebooks.

Both renderers read the executed notebooks and figures.json published in the committed record
(reports/2019-20-Q1: the ``record_paper`` fixture of tests/conftest.py, rendered once per run
and renderer and shared with the table-width tests), so no kernel runs here.  Each format is
reduced to what a reader sees (tests/helpers/paper_structure.py) and the two are compared item
by item; a difference fails with the item, both versions and the items before it.  The one
sentence allowed to differ is the method annex's "rendered ... with <renderer>", which names
the tools.
"""

from __future__ import annotations

import pytest

from tests.conftest import NEEDS_QUARTO, RecordPaper
from tests.helpers.paper_structure import (
    docx_structure,
    first_difference,
    html_contents,
    html_sections,
    pdf_pages,
)

pytestmark = [
    pytest.mark.quarto,
    pytest.mark.slow,
    NEEDS_QUARTO,
]


@pytest.fixture
def both(record_paper) -> dict[str, RecordPaper]:
    return {renderer: record_paper(renderer) for renderer in ("quarto", "pandoc")}


def test_the_word_papers_have_the_same_headings_tables_captions_and_pictures(both):
    quarto = docx_structure(both["quarto"].outputs["docx"])
    fallback = docx_structure(both["pandoc"].outputs["docx"])
    assert any(item.startswith("Heading 1 | 1 HMICFRS update") for item in quarto)
    assert any(item.startswith("Table Caption | Table 6: ") for item in quarto)
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_pdfs_have_the_same_words_on_every_page(both):
    quarto = pdf_pages(both["quarto"].outputs["pdf"])
    fallback = pdf_pages(both["pandoc"].outputs["pdf"])
    assert len(quarto) == len(fallback), (len(quarto), len(fallback))
    for number, (left, right) in enumerate(zip(quarto, fallback, strict=True), 1):
        difference = first_difference(left, right, context=8)
        assert difference is None, f"page {number}: {difference}"


def test_the_html_papers_have_the_same_section_tree(both):
    quarto = html_sections(both["quarto"].outputs["html"])
    fallback = html_sections(both["pandoc"].outputs["html"])
    assert "h2 | 2 DARA update" in quarto  # the title is the one h1
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_html_papers_have_the_same_contents(both):
    quarto = html_contents(both["quarto"].outputs["html"])
    fallback = html_contents(both["pandoc"].outputs["html"])
    assert "contents | 2.6 Audits brought to the Panel's attention" in quarto
    assert first_difference(quarto, fallback) is None, first_difference(quarto, fallback)


def test_the_html_papers_link_only_to_the_notebooks_and_hide_the_staging_folder(both):
    for renderer, result in both.items():
        page = result.outputs["html"].read_text(encoding="utf-8")
        staging = str(result.outputs["html"].parent)
        assert staging not in page, renderer
        assert 'href="paper.docx"' not in page and 'href="paper.pdf"' not in page, renderer
        assert 'href="notebooks/dara_actions.ipynb"' in page, renderer


def test_quarto_html_is_no_heavier_than_twice_the_fallbacks(both):
    quarto = both["quarto"].outputs["html"].stat().st_size
    fallback = both["pandoc"].outputs["html"].stat().st_size
    assert quarto <= 2 * fallback, (quarto, fallback)
