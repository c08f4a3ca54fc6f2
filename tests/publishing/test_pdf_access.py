"""The PDF paper is accessible (PDF/UA-1) and lays its pages out without wasted space, in both
renderers.

The seed quarter's paper is rendered from the committed record by the fallback and, where
installed, by Quarto (the ``record_paper`` fixture of tests/conftest.py).  Both compile with
Typst's ``ua-1`` standard (``pdf-standard`` in _quarto.yml), so Typst's own checks have passed
by the time a PDF exists; these tests read what a screen reader and a PDF/UA checker read: the
identification in the XMP metadata, the viewer preferences, the title, and the structure tree
(the title and the headings in order, figures with alt text that says something, tables with
header cells).  Then the look: one typeface (the charts' DejaVu Sans) and no page left a third
blank where a figure was pushed over.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from analysis.publishing.render.pandoc_typst import compile_pdf
from analysis.publishing.render.paper_sources import RenderError, quarto_config, stage_fonts
from tests.conftest import NEEDS_QUARTO, RENDERERS, ROOT, SEED_QUARTER, RecordPaper
from tests.helpers.pdf_access import blank_runs, structure

NEEDS_PDFTOPPM = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm (Debian poppler-utils) not installed"
)
GENERIC_ALT = re.compile(r"^(an? )?(chart|figure|image|graph|picture|plot)\.?$", re.IGNORECASE)


@pytest.fixture(params=RENDERERS)
def rendered(request, record_paper) -> RecordPaper:
    return record_paper(request.param)


@pytest.fixture(scope="module")
def paper_title() -> str:
    figures = json.loads((ROOT / "reports" / SEED_QUARTER / "figures.json").read_text())
    return figures["paper"]["title"]


@pytest.mark.slow
def test_pdf_identifies_itself_as_pdf_ua_1_and_shows_its_title(rendered, paper_title):
    pdf = structure(rendered.outputs["pdf"])
    assert pdf.pdfua_part == "1"
    assert pdf.display_doc_title is True
    assert pdf.title == paper_title
    assert pdf.lang == "en-GB"


@pytest.mark.slow
def test_pdf_title_is_the_first_heading_and_no_heading_level_is_skipped(rendered, paper_title):
    root = structure(rendered.outputs["pdf"]).root
    headings = [e for e in root.walk() if re.fullmatch(r"H[1-6]", e.tag)]
    assert headings[0].tag == "H1"
    assert (headings[0].title or "").strip() == paper_title
    # Nothing a reader meets before the title is a heading or a figure; the title is no Span.
    assert not [e for e in root.walk() if e.tag in ("Title", "Span") and e.title == paper_title]
    levels = [int(e.tag[1]) for e in headings]
    skips = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not skips, skips
    titles = [(e.title or "").strip() for e in headings]
    assert "HMICFRS update" in titles and "Actions monitored centrally" in titles


@pytest.mark.slow
def test_pdf_figures_carry_alt_text_that_says_something(rendered):
    figures = structure(rendered.outputs["pdf"]).root.find("Figure")
    assert len(figures) >= 7
    for figure in figures:
        alt = (figure.alt or "").strip()
        assert len(alt.split()) >= 5, alt
        assert not GENERIC_ALT.match(alt), alt
    alts = [figure.alt for figure in figures]
    assert len(set(alts)) == len(alts), "two figures share one alt text"


@pytest.mark.slow
def test_pdf_tables_have_header_cells(rendered):
    tables = structure(rendered.outputs["pdf"]).root.find("Table")
    assert len(tables) >= 10
    for table in tables:
        rows = table.find("TR")
        assert rows and rows[0].find("TH"), "a table without a header row"
        assert all(not cell.find("TH") for cell in rows[0].find("TD"))


@pytest.mark.slow
def test_pdf_sets_text_and_charts_in_one_typeface(rendered):
    """DejaVu Sans, matplotlib's font, for text and charts; no serif, no code typeface."""
    fonts = structure(rendered.outputs["pdf"]).fonts
    assert fonts and all(
        re.fullmatch(r"DejaVuSans(-Bold|-Oblique|-BoldOblique)?", f) for f in fonts
    ), fonts


@pytest.mark.slow
@NEEDS_PDFTOPPM
def test_no_page_but_the_last_is_left_a_third_blank(rendered):
    """A figure too tall for what is left of a page floats to the next and text fills the gap
    (paper/typst-template.typ); measured on the drawn pages."""
    blank = blank_runs(rendered.outputs["pdf"])
    assert len(blank) >= 10
    pushed = {page: round(share, 2) for page, share in enumerate(blank[:-1], 1) if share > 1 / 3}
    assert not pushed, f"pages with over a third of the text area blank: {pushed}"


@pytest.mark.slow
@pytest.mark.quarto
@NEEDS_QUARTO
def test_both_renderers_draw_with_one_typst(record_paper):
    """Quarto 1.10 runs Typst 0.14.2; the fallback's typst package is pinned to the same."""
    tools = {
        r: structure(record_paper(r).outputs["pdf"]).creator_tool for r in ("quarto", "pandoc")
    }
    assert tools["quarto"] == tools["pandoc"], tools
    assert (tools["pandoc"] or "").startswith("Typst 0.14."), tools


def test_fallback_typst_version_is_quartos():
    """The pin in pyproject.toml: typst-py 0.14.x embeds Typst 0.14.2, which Quarto 1.10 pins."""
    import typst

    assert typst.__version__.startswith("0.14."), typst.__version__


def _staged_typst(folder: Path, body: str) -> Path:
    """A small Typst paper on the paper's own template and fonts, staged as a render stages."""
    (folder / "paper").mkdir(parents=True)
    shutil.copy2(ROOT / "paper" / "typst-template.typ", folder / "paper")
    stage_fonts(folder / "paper" / "fonts")
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(folder / "chart.png")
    typ = folder / "paper.typ"
    typ.write_text(
        '#import "paper/typst-template.typ": panel-paper\n'
        "#show: doc => panel-paper(title: [A paper], marking: [OFFICIAL], doc)\n" + body,
        encoding="utf-8",
    )
    return typ


def test_the_fallback_compiles_to_pdf_ua_1_and_fails_on_an_image_without_alt_text(tmp_path):
    options = quarto_config(ROOT)["format"]["typst"]
    assert options["pdf-standard"] == "ua-1"
    typ = _staged_typst(tmp_path, '= Section\n#figure(image("chart.png"), caption: [A chart])\n')
    with pytest.raises(RenderError, match=r"(?i)alt"):
        compile_pdf(typ, tmp_path, options)

    typ = _staged_typst(
        tmp_path / "ok",
        '= Section\n#figure(image("chart.png", alt: "Navy bar, one of one"), caption: [A chart])\n',
    )
    pdf = structure(compile_pdf(typ, tmp_path / "ok", options))
    assert pdf.pdfua_part == "1" and pdf.display_doc_title
