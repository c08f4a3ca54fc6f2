"""Build ``paper/reference.docx``, the Word style sheet both renderers hand to Pandoc.

Pandoc only honours its own named styles (Title, Heading 1..3, Body Text, Table, Caption,
Image Caption, Table Caption), so the panel look is put on those styles rather than on the
content.  The file is derived from Pandoc's own default reference document so that every
style Pandoc expects is present, then restyled with python-docx: A4 pages, a sober sans
serif, dark headings, a ruled "Table" style, and the protective marking in the page header
and footer with "Page x of y" fields.

Accessibility (the Public Sector Bodies Accessibility Regulations; tests/publishing/
test_word_access.py): body text 12 pt; links dark blue (#1D70B8, GOV.UK's link colour,
5.2:1 against white) and underlined; header and footer set in one "Header"/"Footer" style,
so the page number fields print at the size of "Page ... of".  The body font is Arial: a
plain sans serif that every copy of Word has (Liberation Sans, its metric twin, stands in
on Linux), where DejaVu Sans, the charts' and the PDF's typeface, is not installed with
Windows or Office and would be substituted unseen.  The charts reach Word as pictures,
their DejaVu Sans drawn in.  What a style cannot carry (rows that do not split across
pages, table titles, figures kept with their captions) is set on the paper itself by
analysis/publishing/render/word_access.py.

Section numbers are not Word list numbering: Quarto and ``pandoc --number-sections`` both
write the number into the heading text, so numbered styles here would number twice.

Run ``python paper/make_reference_docx.py`` to rebuild the committed file; the renderer
calls :func:`build_reference_docx` to stamp each paper's own marking.  The output is
byte-for-byte reproducible for the same Pandoc version and marking (fixed zip timestamps).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import zipfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

DEFAULT_MARKING = "OFFICIAL"
BODY_FONT = "Arial"
INK = RGBColor(0x1A, 0x1A, 0x1A)
HEADING_INK = RGBColor(0x1F, 0x2A, 0x44)
LINK_INK = RGBColor(0x1D, 0x70, 0xB8)
BODY_PT = 12
FURNITURE_PT = 10
RULE_COLOUR = "808080"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def pandoc_default_reference() -> bytes:
    """Pandoc's own reference.docx, the base that guarantees every style Pandoc writes."""
    import pypandoc

    result = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True,
        check=True,
    )
    return result.stdout


def _font(style, size: float, *, bold: bool | None = None, colour: RGBColor = INK) -> None:
    style.font.name = BODY_FONT
    style.font.size = Pt(size)
    style.font.color.rgb = colour
    style.font.italic = False
    if bold is not None:
        style.font.bold = bold
    # East-Asian and complex-script slots too, or Word falls back to the theme font there.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), BODY_FONT)
    for theme_slot in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme_slot), None)


def _spacing(style, before: float, after: float) -> None:
    style.paragraph_format.space_before = Pt(before)
    style.paragraph_format.space_after = Pt(after)


def _styles(document) -> dict:
    """Styles by their displayed name (python-docx's own lookup renames a few built-ins)."""
    return {style.name: style for style in document.styles}


def _style_text(document) -> None:
    styles = _styles(document)
    for name in ("Normal", "Body Text", "First Paragraph", "Compact", "Block Text"):
        _font(styles[name], BODY_PT)
    _spacing(styles["Body Text"], 3, 6)
    _spacing(styles["Compact"], 0, 2)
    _font(styles["Title"], 20, bold=True, colour=HEADING_INK)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _spacing(styles["Title"], 6, 6)
    _font(styles["Subtitle"], 14, bold=False, colour=HEADING_INK)
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for name in ("Author", "Date"):
        _font(styles[name], BODY_PT, bold=False)
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for level, size in ((1, 16), (2, 14), (3, 12), (4, 12)):
        heading = styles[f"Heading {level}"]
        _font(heading, size, bold=True, colour=HEADING_INK)
        _spacing(heading, 18 if level == 1 else 12, 6)
        heading.paragraph_format.keep_with_next = True
    for name in ("Caption", "Image Caption", "Table Caption"):
        _font(styles[name], 11, bold=True, colour=HEADING_INK)
        _spacing(styles[name], 4, 8)
    styles["Table Caption"].paragraph_format.keep_with_next = True
    # Links: dark blue and underlined, told apart from the text by more than colour.
    link = styles["Hyperlink"]
    link.font.color.rgb = LINK_INK
    link.font.underline = True
    # Header and footer: one size for the marking, "Page", the page number and "of".
    for name in ("Header", "Footer"):
        if name not in styles:
            furniture = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            furniture.base_style = styles["Normal"]
            styles = _styles(document)
        _font(styles[name], FURNITURE_PT)
        _spacing(styles[name], 0, 0)
    # Table cells (paper/docx-table-text.lua): 10 pt, the size analysis/presentation/tables.py sizes
    # columns for; header bold comes from the "Table" style's first-row formatting.
    if "Table Text" not in styles:
        table_text = document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = styles["Compact"]
        table_text.quick_style = True
        styles = _styles(document)
    _font(styles["Table Text"], 10)
    _spacing(styles["Table Text"], 0, 2)


def _style_table(document) -> None:
    """A plain ruled table: rules above and below, hairlines between rows, no fills."""
    table = _styles(document)["Table"].element
    tbl_pr = table.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = parse_xml(f"<w:tblPr {nsdecls('w')}/>")
        table.append(tbl_pr)
    for old in tbl_pr.findall(qn("w:tblBorders")) + tbl_pr.findall(qn("w:tblCellMar")):
        tbl_pr.remove(old)
    tbl_pr.append(
        parse_xml(
            f"<w:tblBorders {nsdecls('w')}>"
            f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{RULE_COLOUR}"/>'
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{RULE_COLOUR}"/>'
            f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="D0D0D0"/>'
            "</w:tblBorders>"
        )
    )
    tbl_pr.append(
        parse_xml(
            f"<w:tblCellMar {nsdecls('w')}>"
            '<w:top w:w="40" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="100" w:type="dxa"/>'
            "</w:tblCellMar>"
        )
    )
    rpr = table.find(qn("w:rPr"))
    if rpr is None:
        rpr = parse_xml(f"<w:rPr {nsdecls('w')}/>")
        table.append(rpr)
    for old in list(rpr):
        rpr.remove(old)
    rpr.append(parse_xml(f'<w:rFonts {nsdecls("w")} w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}"/>'))
    rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="20"/>'))
    # The header row: bold, with a firmer rule beneath it.
    for old in table.findall(qn("w:tblStylePr")):
        table.remove(old)
    table.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            "<w:rPr><w:b/></w:rPr>"
            "<w:tcPr><w:tcBorders>"
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{RULE_COLOUR}"/>'
            "</w:tcBorders></w:tcPr>"
            "</w:tblStylePr>"
        )
    )


def _field(instruction: str, placeholder: str):
    return parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} ">'
        f'<w:r><w:t xml:space="preserve">{placeholder}</w:t></w:r></w:fldSimple>'
    )


def _marking_paragraph(paragraph, marking: str, style: str) -> None:
    paragraph.style = style
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(marking).bold = True


def _page_furniture(document, marking: str) -> None:
    """Marking centred in header and footer; "Page x of y" under the footer marking."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    section.header_distance = section.footer_distance = Mm(10)

    header = section.header
    header.is_linked_to_previous = False
    _marking_paragraph(header.paragraphs[0], marking, "Header")

    footer = section.footer
    footer.is_linked_to_previous = False
    _marking_paragraph(footer.paragraphs[0], marking, "Footer")
    # No run carries a size of its own: the words and the fields' results take the Footer
    # style's, so Word prints "Page 3 of 14" in one size whatever the fields hold.
    pages = footer.add_paragraph(style="Footer")
    pages.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, field in (("Page ", "PAGE"), (" of ", "NUMPAGES")):
        pages.add_run(text)
        pages._p.append(_field(field, "1"))


def _deterministic_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def build_reference_docx(target: Path, marking: str = DEFAULT_MARKING) -> Path:
    """Write the panel reference document to ``target`` with ``marking`` in header and footer."""
    document = docx.Document(io.BytesIO(pandoc_default_reference()))
    _style_text(document)
    _style_table(document)
    _page_furniture(document, marking)
    buffer = io.BytesIO()
    document.save(buffer)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_deterministic_zip(buffer.getvalue()))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("reference.docx"), help="file to write"
    )
    parser.add_argument("--marking", default=DEFAULT_MARKING, help="protective marking")
    args = parser.parse_args()
    print(build_reference_docx(args.out, args.marking))


if __name__ == "__main__":
    main()
