"""Tests for analysis/publishing/render/paper.py: the paper rendered from executed stand-in notebooks.

The stand-in notebooks carry every label paper.qmd embeds, each output holding a
distinctive token, so the tests can tell which section every output landed in and that
figures and tables are numbered in document order with their captions.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import docx
import nbformat
import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from analysis.publishing.render import paper as render
from analysis.publishing.render import registry
from analysis.publishing.render.paper import render_paper
from analysis.publishing.render.renderer import RenderError
from tests.conftest import NEEDS_CHROMIUM, RENDERERS, chromium_command

MARKING = "OFFICIAL-SENSITIVE"
PAPER = {
    "title": "Audit and Inspection Activity Update",
    "panel": "Audit Panel",
    "panel_date_text": "24 September 2019",
    "marking": MARKING,
    "marking_text": "Non-restricted paper",
    "quarter_label": "Q1 19/20",
    "authors": ["A. Author", "B. Author"],
    "contact": "Planning, Risk and Assurance",
}

# label -> (token printed by the cell, heading of the top-level section it must appear under)
TEXT_CELLS = {
    "summary.ipynb": {
        "header-block": ("HDR-7001", None),
        "summary-purpose": ("PUR-7002", "Report Summary"),
        "summary-considerations": ("CON-7003", "Report Summary"),
        "summary-interdependencies": ("INT-7004", "Report Summary"),
        "summary-recommendation": ("REC-7005", "Report Summary"),
        "equality-text": ("EQU-7006", "3 Equality and diversity impact"),
        "financial-text": ("FIN-7007", "4 Financial implications"),
        "legal-text": ("LEG-7008", "5 Legal implications"),
        "risk-text": ("RSK-7009", "6 Risk implications"),
        "contact-text": ("CTC-7010", "7 Contact details"),
        "annex-method": ("MTH-7011", "Annex A: Method"),
        "annex-warnings": ("WRN-7012", "Annex B: Data-quality warnings"),
    },
    "hmicfrs.ipynb": {
        "inspection-activity": ("INS-8801", "1 HMICFRS update"),
        "portal-text": ("The portal shows 88 open recommendations", "1 HMICFRS update"),
        "movement-text": ("MOV-8803", "1 HMICFRS update"),
        "reconciliation": ("RCN-8804", "1 HMICFRS update"),
    },
    "dara_actions.ipynb": {
        "threshold-text": ("THR-9501", "2 DARA update"),
        "outstanding-text": ("95 outstanding actions, see @fig-groups", "2 DARA update"),
        "due-coming-text": ("36 actions fall due", "2 DARA update"),
        "overdue-text": ("59 actions are overdue", "2 DARA update"),
        "attention-text": ("ATT-9505", "2 DARA update"),
        "audit-themes-text": ("THM-9506", "2 DARA update"),
    },
    "delays.ipynb": {
        "delays-text": ("DLY-6601", "2 DARA update"),
        "moved-text": ("MVD-6602", "2 DARA update"),
        "moved-over-limit": ("LIM-6603", "2 DARA update"),
        "verification": ("VER-6604", "2 DARA update"),
    },
    "trends.ipynb": {"trends-text": ("TRD-5501", "2 DARA update")},
}
# In paper.qmd order, which is the order Quarto numbers them in.
FIGURES = [
    ("dara_actions.ipynb", "fig-groups", "Outstanding actions by business group and area"),
    ("dara_actions.ipynb", "fig-deadlines", "Outstanding actions by deadline quarter"),
    ("dara_actions.ipynb", "fig-age-bands", "Overdue actions by time past deadline"),
    ("dara_actions.ipynb", "fig-audit-themes", "Outstanding actions by theme"),
    ("delays.ipynb", "fig-delays", "Overdue actions by reason for delay"),
    ("delays.ipynb", "fig-slip", "Moved actions by slip"),
    ("trends.ipynb", "fig-trends", "Outstanding and overdue actions by quarter"),
    ("trends.ipynb", "fig-theme-trends", "Outstanding actions by theme and quarter"),
]
TABLES = [
    ("summary.ipynb", "tbl-themes", "Open findings by theme", "Information management", 11),
    (
        "hmicfrs.ipynb",
        "tbl-portal",
        "Open recommendations by inspection theme",
        "Vulnerability",
        53,
    ),
    ("hmicfrs.ipynb", "tbl-movement", "Movement since the last report", "Closed", 11),
    ("dara_actions.ipynb", "tbl-risk", "Outstanding actions by risk", "High", 53),
    (
        "dara_actions.ipynb",
        "tbl-due-coming",
        "Actions due in the coming quarters",
        "Public Order",
        27,
    ),
    (
        "dara_actions.ipynb",
        "tbl-overdue-groups",
        "Overdue actions by business group",
        "Professionalism",
        31,
    ),
    (
        "dara_actions.ipynb",
        "tbl-attention",
        "Audits brought to the Panel's attention",
        "Audit 9",
        4,
    ),
    ("delays.ipynb", "tbl-delays", "Overdue actions by reason", "Awaiting funding", 12),
    ("delays.ipynb", "tbl-moved-groups", "Moved deadlines by group", "Met HQ", 5),
    ("trends.ipynb", "tbl-trends", "Headline counts by quarter", "Q1 19/20", 95),
    # Annex C: the charts' data.
    ("dara_actions.ipynb", "tbl-groups-data", "Data of the groups chart", "Public Order", 27),
    ("dara_actions.ipynb", "tbl-deadlines-data", "Data of the deadlines chart", "Q2 18/19", 15),
    ("dara_actions.ipynb", "tbl-age-bands-data", "Data of the age chart", "1-2 years", 16),
    ("trends.ipynb", "tbl-theme-trends-data", "Data of the theme chart", "Finance", 14),
]
# Hand-numbered from paper.qmd: figures and tables count separately, in reading order.
EXPECTED_FIGURE_CAPTIONS = [f"Figure {n}: {cap}" for n, (_, _, cap) in enumerate(FIGURES, 1)]
EXPECTED_TABLE_CAPTIONS = [f"Table {n}: {cap}" for n, (_, _, cap, _, _) in enumerate(TABLES, 1)]
TOP_HEADINGS = [
    "Report Summary",
    "1 HMICFRS update",
    "2 DARA update",
    "3 Equality and diversity impact",
    "4 Financial implications",
    "5 Legal implications",
    "6 Risk implications",
    "7 Contact details",
    "Annex A: Method",
    "Annex B: Data-quality warnings",
    "Annex C: Chart data",
    "Annex D: Accessibility",
]


# --------------------------------------------------------------------------- stand-in notebooks


def _png(colour: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2.4), dpi=80)
    ax.bar(["A", "B", "C"], [3, 5, 2], color=colour)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def chart_alt(label: str) -> str:
    """The stand-in chart's alt text, as plots.show stores it (its plain-text form)."""
    return f"Stand-in {label}: overdue actions rose from 38 to 59."


def _chart(colour: str, label: str) -> dict[str, str]:
    """A chart's outputs as plots.show stores them: SVG, 200 dpi PNG and its alt text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.presentation import plots

    fig, ax = plt.subplots(figsize=(4, 2.4))
    ax.bar(["A", "B", "C"], [3, 5, 2], color=colour)
    ax.set_xlabel(f"Axis {label}")
    bundle = plots.figure_bundle(fig, chart_alt(label))
    plt.close(fig)
    return bundle


def _markdown_output(text: str):
    return new_output(
        "display_data",
        data={"text/markdown": text, "text/plain": "<IPython.core.display.Markdown object>"},
    )


# The metadata papermill writes on every cell it runs (beside Jupyter's empty tag list).
PAPERMILL_CELL = {"papermill": {"exception": False, "status": "completed"}, "tags": []}


def _labelled(label: str, output, **options: str):
    lines = [f"#| label: {label}"] + [f'#| {key}: "{value}"' for key, value in options.items()]
    return new_code_cell(
        "\n".join([*lines, "display(...)"]),
        outputs=[output],
        execution_count=1,
        metadata=PAPERMILL_CELL,
    )


def _table_markdown(first: str, count: int, rows: int) -> str:
    lines = ["| Item | Count |", "|:--|--:|", f"| {first} | {count} |"]
    lines += [f"| Other {i} | {i} |" for i in range(1, rows)]
    return "\n".join(lines)


def write_stand_in_notebooks(staging: Path) -> None:
    """Executed notebooks as papermill leaves them: parameters cells, then labelled outputs."""
    cells: dict[str, list] = {name: [] for name in TEXT_CELLS}
    for name, labels in TEXT_CELLS.items():
        for label, (token, _) in labels.items():
            cells[name].append(_labelled(label, _markdown_output(f"Stand-in text {token}.")))
    for colour, (name, label, caption) in zip(
        ["#1f2a44", "#555555", "#888888", "#444444", "#333333", "#222222", "#666666", "#777777"],
        FIGURES,
        strict=True,
    ):
        image = new_output("display_data", data=_chart(colour, label))
        cells[name].append(_labelled(label, image, **{"fig-cap": caption}))
    for name, label, caption, first, count in TABLES:
        rows = 9 if label == "tbl-attention" else 3
        table = _markdown_output(_table_markdown(first, count, rows))
        cells[name].append(_labelled(label, table, **{"tbl-cap": caption}))

    notebooks = staging / "notebooks"
    notebooks.mkdir(parents=True)
    for name, body in cells.items():
        parameters = new_code_cell('quarter = "2019-20-Q1"', metadata={"tags": ["parameters"]})
        injected = new_code_cell(
            'quarter = "2019-20-Q1"', metadata={"tags": ["injected-parameters"]}
        )
        chatter = new_code_cell(
            "print('loading')", outputs=[new_output("stream", name="stdout", text="loading\n")]
        )
        notebook = new_notebook(
            cells=[new_markdown_cell(f"# {name}"), parameters, injected, chatter, *body]
        )
        nbformat.write(notebook, notebooks / name)
    (staging / "figures.json").write_text(json.dumps({"schema": 1, "paper": PAPER}))


# --------------------------------------------------------------------------- reading outputs


def docx_blocks(path: Path) -> list[tuple[str, str]]:
    """(style, text) for every paragraph in body order, table cells included."""
    document = docx.Document(str(path))
    blocks: list[tuple[str, str]] = []

    def walk(container) -> None:
        for child in container.iterchildren():
            if child.tag.endswith("}p"):
                paragraph = Paragraph(child, document)
                text = " ".join(paragraph.text.replace("\u2019", "'").split())
                if text:
                    blocks.append((paragraph.style.name if paragraph.style else "", text))
            elif child.tag.endswith("}tbl"):
                for row in Table(child, document).rows:
                    for cell in row.cells:
                        walk(cell._tc)

    walk(document.element.body)
    return blocks


def section_of_each_block(blocks: list[tuple[str, str]]) -> list[tuple[str | None, str]]:
    current = None
    placed = []
    for style, text in blocks:
        if style == "Heading 1":
            current = text
        placed.append((current, text))
    return placed


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value is not None:
                self.references.append((tag, name, value))


def external_references(page: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(page)
    return [
        ref
        for ref in parser.references
        if not ref[2].startswith(("#", "data:"))
        and not re.fullmatch(r"(\./)?notebooks/[a-z_]+\.ipynb", ref[2])
    ]


# --------------------------------------------------------------------------- fixtures


def _staging(root: Path) -> Path:
    staging = root / "2019-20-Q1"
    write_stand_in_notebooks(staging)
    return staging


@pytest.fixture(scope="module")
def fallback(tmp_path_factory) -> render.RenderResult:
    return render_paper(_staging(tmp_path_factory.mktemp("fallback")), renderer="pandoc")


@pytest.fixture(scope="module", params=RENDERERS)
def rendered(request, tmp_path_factory, fallback) -> render.RenderResult:
    if request.param == "pandoc":
        return fallback
    return render_paper(_staging(tmp_path_factory.mktemp("quarto")), renderer="quarto")


# --------------------------------------------------------------------------- unit tests


def test_quarto_renderer_without_quarto_says_where_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert registry.resolve("auto").name == "pandoc"
    assert "Quarto CLI not on PATH" in registry.describe()
    with pytest.raises(RenderError, match=r"environment\.yml.*quarto\.org"):
        render_paper(tmp_path, renderer="quarto")


# --------------------------------------------------------------------------- rendered paper


@pytest.mark.slow
def test_fallback_reports_its_tools(fallback):
    assert fallback.renderer == "pandoc"
    assert set(fallback.versions) == {"pandoc", "typst"}
    assert set(fallback.outputs) == {"docx", "pdf", "html"}
    assert fallback.warnings == ()


@pytest.mark.slow
def test_docx_sections_come_in_the_seed_papers_order(rendered):
    headings = [
        text for style, text in docx_blocks(rendered.outputs["docx"]) if style == "Heading 1"
    ]
    assert headings == TOP_HEADINGS


@pytest.mark.slow
def test_docx_puts_every_output_in_its_section(rendered):
    placed = section_of_each_block(docx_blocks(rendered.outputs["docx"]))
    for labels in TEXT_CELLS.values():
        for token, section in labels.values():
            visible = token.replace("@fig-groups", "Figure 1")
            hits = [where for where, text in placed if visible in text]
            assert hits == [section], (token, hits)


@pytest.mark.slow
def test_docx_numbers_figures_and_tables_with_their_captions(rendered):
    texts = [text for _, text in docx_blocks(rendered.outputs["docx"])]
    figure_captions = [t for t in texts if re.match(r"Figure \d+: ", t)]
    table_captions = [t for t in texts if re.match(r"Table \d+: ", t)]
    assert figure_captions == EXPECTED_FIGURE_CAPTIONS
    assert table_captions == EXPECTED_TABLE_CAPTIONS
    for _, _, _, first, count in TABLES:
        row = texts.index(first)
        assert texts[row + 1] == str(count)


@pytest.mark.slow
def test_docx_is_a4_with_the_marking_in_header_and_footer(rendered):
    section = docx.Document(str(rendered.outputs["docx"])).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert MARKING in " ".join(p.text for p in section.header.paragraphs)
    footer = " ".join(p.text for p in section.footer.paragraphs)
    assert MARKING in footer and "Page" in footer


@pytest.mark.slow
def test_pdf_pages_are_a4_marked_and_numbered(rendered):
    reader = PdfReader(rendered.outputs["pdf"])
    pages = len(reader.pages)
    assert pages >= 2
    for number, page in enumerate(reader.pages, 1):
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=1)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=1)
        text = page.extract_text()
        assert text.count(MARKING) >= 2, f"page {number}: marking not in header and footer"
        assert f"Page {number} of {pages}" in text


@pytest.mark.slow
def test_pdf_carries_the_numbers_and_captions(rendered):
    text = " ".join(page.extract_text() for page in PdfReader(rendered.outputs["pdf"]).pages)
    text = " ".join(text.replace("\u2019", "'").split())
    for caption in EXPECTED_FIGURE_CAPTIONS + EXPECTED_TABLE_CAPTIONS:
        assert caption in text
    assert "1 HMICFRS update" in text and "2.1" in text
    assert "The portal shows 88 open recommendations" in text


@pytest.mark.slow
def test_html_is_one_self_contained_file(rendered):
    page = rendered.outputs["html"].read_text(encoding="utf-8")
    assert external_references(page) == []
    assert page.count("data:image/svg+xml;base64,") >= len(FIGURES)
    assert 'href="notebooks/dara_actions.ipynb"' in page
    assert "panel-table-filter" in page  # the table script travelled inside the file


@pytest.mark.slow
def test_html_shows_each_chart_as_svg_with_its_alt_text(rendered):
    page = rendered.outputs["html"].read_text(encoding="utf-8")
    images = re.findall(r"<img\b[^>]*>", page)
    charts = [tag for tag in images if "Stand-in fig-" in tag]
    assert len(charts) == len(FIGURES)
    for (_, label, _), tag in zip(FIGURES, charts, strict=True):
        assert 'src="data:image/svg+xml;base64,' in tag
        assert f'alt="{html.escape(chart_alt(label), quote=True)}"' in tag
        svg = base64.b64decode(re.search(r'base64,([^"]+)"', tag)[1]).decode()
        assert "<image" not in svg and f"Axis {label}" in svg  # vector, text as text


@pytest.mark.slow
def test_pdf_draws_charts_as_vectors_with_their_alt_text(rendered):
    reader = PdfReader(rendered.outputs["pdf"])
    assert [image.name for page in reader.pages for image in page.images] == []  # no raster
    text = " ".join(page.extract_text() for page in reader.pages)
    for _, label, _ in FIGURES:
        assert f"Axis {label}" in text  # the chart's own text, drawn as text in the PDF
    alts = set()
    for obj in _pdf_objects(reader):
        if obj.get("/S") == "/Figure" and "/Alt" in obj:
            alts.add(str(obj["/Alt"]))
    assert {chart_alt(label) for _, label, _ in FIGURES} <= alts


def _pdf_objects(reader: PdfReader):
    for number in range(1, reader.trailer["/Size"]):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if hasattr(obj, "get"):
            yield obj


@pytest.mark.slow
def test_docx_charts_are_png_of_200_dpi_or_more_with_their_alt_text(rendered):
    from PIL import Image

    document = docx.Document(str(rendered.outputs["docx"]))
    body = document.element.body
    pictures = body.findall(".//{*}inline") + body.findall(".//{*}anchor")
    assert len(pictures) == len(FIGURES)
    for (_, label, _), picture in zip(FIGURES, pictures, strict=True):
        assert picture.find("{*}docPr").get("descr") == chart_alt(label)
        blip = picture.find(".//{*}blip")
        part = document.part.related_parts[blip.get(docx.oxml.ns.qn("r:embed"))]
        assert part.content_type == "image/png"
        image = Image.open(io.BytesIO(part.blob))
        shown_inches = int(picture.find("{*}extent").get("cx")) / 914400
        assert image.width / shown_inches >= 199.9  # dots per inch as Word shows it


@pytest.mark.slow
def test_html_carries_the_captions_and_numbers(rendered):
    page = rendered.outputs["html"].read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u2019", "'").split())
    for caption in EXPECTED_FIGURE_CAPTIONS + EXPECTED_TABLE_CAPTIONS:
        assert caption in text
    assert "95 outstanding actions, see Figure 1" in text


@pytest.mark.slow
def test_html_leaves_the_cells_metadata_out(rendered):
    """Quarto copied papermill's record and the tags of each cell onto its div, and wrote a
    table's attributes in an order that changed from one render to the next: a rerun of a
    quarter must give the published bytes back, so the page carries none of it, and no
    figure or table keeps more than one attribute whose order could vary."""
    page = rendered.outputs["html"].read_text(encoding="utf-8")
    assert "papermill" not in page
    assert "data-tags" not in page and "quarto-private" not in page
    floats = re.findall(r'<div id="(?:fig|tbl)-[^"]*"([^>]*)>', page)
    if rendered.renderer == "quarto":
        assert len(floats) == len(FIGURES) + len(TABLES)
    for attributes in floats:
        assert len(re.findall(r'\s[\w-]+="', attributes)) <= 2, attributes  # class, one more


@pytest.mark.slow
@NEEDS_CHROMIUM
def test_html_opens_in_headless_chromium_without_script_errors(fallback, tmp_path):
    common = chromium_command(tmp_path / "profile")
    page = fallback.outputs["html"].as_uri()
    screenshot = tmp_path / "paper.png"
    shot = subprocess.run(
        [*common, "--window-size=1200,1600", f"--screenshot={screenshot}", page],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert screenshot.is_file() and screenshot.stat().st_size > 10_000, shot.stderr[-2000:]
    assert "Uncaught" not in shot.stderr, shot.stderr[-2000:]
    # The DOM after the scripts ran: only the long table (nine rows) gained the controls.
    dom = subprocess.run([*common, "--dump-dom", page], capture_output=True, text=True, timeout=120)
    assert "Uncaught" not in dom.stderr, dom.stderr[-2000:]
    assert dom.stdout.count('class="panel-table-filter"') == 1
    assert dom.stdout.count('<button type="button" class="panel-sort">') == 2  # both columns
    assert dom.stdout.count('<label for="panel-filter-1">') == 1


@pytest.mark.slow
@pytest.mark.parametrize("renderer", RENDERERS)
def test_an_empty_markdown_output_adds_nothing_to_the_paper(renderer, tmp_path) -> None:
    """A quarter without the force's own tracker: its reconciliation cell outputs empty
    Markdown (Quarto refuses a cell with no output at all), and the paper goes straight from the
    movement table to the DARA update."""
    staging = _staging(tmp_path)
    path = staging / "notebooks" / "hmicfrs.ipynb"
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [c for c in notebook.cells if "label: reconciliation" in c.source]
    cell.outputs = [_markdown_output("")]
    nbformat.write(notebook, path)
    result = render_paper(staging, renderer=renderer)
    page = result.outputs["html"].read_text(encoding="utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "RCN-8804" not in text
    movement = text.index("Stand-in text MOV-8803.")
    between = text[movement : text.index("DARA update", movement)]
    assert "Stand-in" not in between.replace("Stand-in text MOV-8803.", "")
