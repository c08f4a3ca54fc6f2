"""The paper's tables fit their page: no header word and no number breaks or overprints.

The seed quarter's paper is rendered from the committed record's notebooks, whose outputs equal
the notebooks' stored reference outputs (the tables exactly as today's code writes them; see
tests/notebooks/test_reference_notebooks.py), by the fallback and, where installed, by Quarto
(the ``record_paper`` fixture of tests/conftest.py, shared with test_renderers_agree.py).  Then:

* PDF: on no page does a word overlap the next one on its line (Typst lets a word too long
  for its column run into the next column: "Assurance" over "Business group"), and every
  header word of every table is printed whole;
* Word: each column of each table, as the file sets it, is wide enough for the longest word
  in it at the table text's 10 pt, measured with Liberation Sans, Arial's metric twin (the
  font the Word paper asks for), and every cell is set in the "Table Text" style.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.shared import Length

from tests.conftest import RENDERERS, RecordPaper

LIBERATION = Path("/usr/share/fonts/truetype/liberation")
TABLE_TEXT_PT = 10
CELL_MARGIN_PT = 5  # paper/make_reference_docx.py: 100 twips either side


pytestmark = pytest.mark.slow


@pytest.fixture(params=RENDERERS)
def rendered(request, record_paper) -> RecordPaper:
    return record_paper(request.param)


def _words_on_lines(pdf: Path, page: int) -> list[list[tuple[float, float, str]]]:
    """(x min, x max, word) of the page's words, grouped by line, from pdftotext -bbox."""
    import xml.etree.ElementTree as ET

    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines: dict[float, list[tuple[float, float, str]]] = {}
    for word in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}word"):
        baseline = round(float(word.get("yMax")), 0)
        lines.setdefault(baseline, []).append(
            (float(word.get("xMin")), float(word.get("xMax")), word.text or "")
        )
    return [sorted(words) for words in lines.values()]


def _table_headers(document) -> list[list[str]]:
    return [[cell.text for cell in table.rows[0].cells] for table in document.tables]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_no_word_in_the_pdf_runs_into_the_next(rendered):
    from pypdf import PdfReader

    pdf = rendered.outputs["pdf"]
    pages = len(PdfReader(pdf).pages)
    for page in range(1, pages + 1):
        for words in _words_on_lines(pdf, page):
            for (_, right, word), (left, _, following) in itertools.pairwise(words):
                assert left >= right - 0.5, f"page {page}: {word!r} runs into {following!r}"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_every_table_header_word_is_printed_whole_in_the_pdf(rendered):
    text = subprocess.run(
        ["pdftotext", str(rendered.outputs["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    printed = set(text.split())
    headers = _table_headers(docx.Document(str(rendered.outputs["docx"])))
    assert len(headers) >= 8  # the eight numbered tables and the annex's warnings
    for header in headers:
        for word in " ".join(header).split():
            assert word in printed, f"{word!r} of {header} is broken in the PDF"


@pytest.mark.skipif(
    not (LIBERATION / "LiberationSans-Regular.ttf").is_file(),
    reason="Liberation Sans (Arial's metric twin) not installed: Debian fonts-liberation",
)
def test_every_word_column_has_room_for_its_longest_word(rendered):
    from fontTools.ttLib import TTFont

    fonts = {
        bold: TTFont(LIBERATION / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf")
        for bold in (False, True)
    }

    def width_pt(word: str, bold: bool) -> float:
        font = fonts[bold]
        cmap, advances = font.getBestCmap(), font["hmtx"]
        units = sum(advances[cmap.get(ord(char), cmap[ord("M")])][0] for char in word)
        return units * TABLE_TEXT_PT / font["head"].unitsPerEm

    document = docx.Document(str(rendered.outputs["docx"]))
    section = document.sections[0]
    text_width = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert len(document.tables) >= 8
    for table in document.tables:
        grid = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.gridCol_lst]
        header = [cell.text for cell in table.rows[0].cells]
        for index, share in enumerate(g / sum(grid) for g in grid):
            room = share * text_width - 2 * CELL_MARGIN_PT
            words = [(w, True) for w in header[index].split()]
            words += [(w, False) for row in table.rows[1:] for w in row.cells[index].text.split()]
            word, bold = max(words, key=lambda item: width_pt(*item))
            assert width_pt(word, bold) <= room, (header, word, round(room, 1))
        styles = {
            p.style.name for row in table.rows for c in row.cells for p in c.paragraphs if p.text
        }
        assert styles == {"Table Text"}, (header, styles)
