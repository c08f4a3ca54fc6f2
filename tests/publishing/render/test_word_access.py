"""The Word paper is accessible, in both renderers: read from its document.xml and styles.xml.

The seed quarter's paper is rendered from the committed record by the fallback and, where
installed, by Quarto (the ``record_paper`` fixture of tests/conftest.py).  Each check reads
the file as Word does: a table's header row repeats (``w:tblHeader``), its rows do not split
across pages (``w:cantSplit``) and it has a title (``w:tblCaption``, from the caption before
it); every picture is kept with its caption (``w:keepNext``); body text is at least 12 pt;
links are underlined and at least 4.5:1 against white; the footer is in one size; headings
carry no tab.  Then :mod:`analysis.publishing.render.word_access` itself, on a small document.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from analysis.publishing.render.word_access import accessible_document_xml, make_word_accessible
from tests.conftest import RENDERERS, RecordPaper

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BODY_STYLES = ("Normal", "BodyText", "FirstParagraph", "Compact")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


@pytest.fixture(params=RENDERERS)
def word(request, record_paper) -> dict[str, etree._Element]:
    """The rendered paper's XML parts: document, styles and footers."""
    paper: RecordPaper = record_paper(request.param)
    with zipfile.ZipFile(paper.outputs["docx"]) as docx:
        parts = {
            name: etree.fromstring(docx.read(name))
            for name in docx.namelist()
            if name in ("word/document.xml", "word/styles.xml") or name.startswith("word/footer")
        }
    return parts


class Styles:
    """Run properties of styles.xml, followed along ``basedOn`` as Word resolves them."""

    def __init__(self, styles: etree._Element) -> None:
        self.by_id = {s.get(_w("styleId")): s for s in styles.iterfind("w:style", NS)}
        default = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        self.default = default if default is not None else etree.Element(_w("rPr"))

    def prop(self, style_id: str | None, name: str) -> etree._Element | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                break
            found = style.find(f"w:rPr/w:{name}", NS)
            if found is not None:
                return found
            based = style.find("w:basedOn", NS)
            style_id = None if based is None else based.get(_w("val"))
        return self.default.find(f"w:{name}", NS)

    def size_pt(self, style_id: str | None) -> float:
        size = self.prop(style_id, "sz")
        return int(size.get(_w("val"))) / 2 if size is not None else 10.0  # Word's own default

    def paragraph_keeps_next(self, style_id: str | None) -> bool:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                return False
            if style.find("w:pPr/w:keepNext", NS) is not None:
                return True
            based = style.find("w:basedOn", NS)
            style_id = None if based is None else based.get(_w("val"))
        return False


def _style_of(paragraph: etree._Element) -> str | None:
    style = paragraph.find("w:pPr/w:pStyle", NS)
    return None if style is None else style.get(_w("val"))


def _neighbour(element: etree._Element, step: str) -> etree._Element | None:
    sibling = getattr(element, step)()
    while sibling is not None and sibling.tag in (_w("bookmarkStart"), _w("bookmarkEnd")):
        sibling = getattr(sibling, step)()
    return sibling


def _contrast(hex_colour: str) -> float:
    """WCAG contrast ratio of a colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.slow
def test_every_table_repeats_its_header_keeps_rows_whole_and_has_a_title(word):
    body = word["word/document.xml"].find("w:body", NS)
    tables = body.findall(".//w:tbl", NS)
    assert len(tables) >= 10
    untitled = []
    for number, table in enumerate(tables, 1):
        rows = table.findall("w:tr", NS)
        assert rows[0].find("w:trPr/w:tblHeader", NS) is not None, f"table {number}: no header"
        split = [i for i, row in enumerate(rows) if row.find("w:trPr/w:cantSplit", NS) is None]
        assert not split, f"table {number}: rows {split} may split across pages"
        caption = table.find("w:tblPr/w:tblCaption", NS)
        before = _neighbour(table, "getprevious")
        if caption is None or not caption.get(_w("val"), "").strip():
            untitled.append(number)
        elif before is not None and _style_of(before) == "TableCaption":
            assert caption.get(_w("val")) == "".join(before.itertext()).strip()
    assert not untitled, f"tables without a title: {untitled}"


@pytest.mark.slow
def test_every_picture_stays_with_its_caption(word):
    styles = Styles(word["word/styles.xml"])
    body = word["word/document.xml"].find("w:body", NS)
    pictures = [p for p in body.iter(_w("p")) if p.find(".//w:drawing", NS) is not None]
    assert len(pictures) >= 7
    for picture in pictures:
        caption = _neighbour(picture, "getnext")
        assert caption is not None and _style_of(caption) in ("ImageCaption", "Caption")
        kept = picture.find("w:pPr/w:keepNext", NS) is not None
        assert kept or styles.paragraph_keeps_next(_style_of(picture)), "".join(caption.itertext())


@pytest.mark.slow
def test_table_captions_stay_with_their_tables(word):
    styles = Styles(word["word/styles.xml"])
    assert styles.paragraph_keeps_next("TableCaption")


@pytest.mark.slow
def test_body_text_is_at_least_12_pt(word):
    styles = Styles(word["word/styles.xml"])
    for style in BODY_STYLES:
        assert styles.size_pt(style) >= 12, style
    body = word["word/document.xml"].find("w:body", NS)
    in_tables = set(body.iterfind(".//w:tbl//w:p", NS))
    small = [
        "".join(p.itertext())[:40]
        for p in body.iter(_w("p"))
        if p not in in_tables
        and any(int(s.get(_w("val"))) < 24 for s in p.iterfind("w:r/w:rPr/w:sz", NS))
    ]
    assert not small, small


@pytest.mark.slow
def test_links_are_underlined_and_dark_enough(word):
    styles = Styles(word["word/styles.xml"])
    colour = styles.prop("Hyperlink", "color")
    underline = styles.prop("Hyperlink", "u")
    assert colour is not None and _contrast(colour.get(_w("val"))) >= 4.5, colour
    assert underline is not None and underline.get(_w("val")) == "single"
    body = word["word/document.xml"].find("w:body", NS)
    links = body.findall(".//w:hyperlink", NS)
    assert links
    for link in links:
        for run in link.iterfind("w:r", NS):
            assert run.find("w:rPr/w:rStyle", NS).get(_w("val")) == "Hyperlink"
            assert run.find("w:rPr/w:color", NS) is None


@pytest.mark.slow
def test_the_footer_prints_marking_and_page_numbers_in_one_size(word):
    styles = Styles(word["word/styles.xml"])
    footers = [part for name, part in word.items() if name.startswith("word/footer")]
    assert footers
    for footer in footers:
        sizes = set()
        for paragraph in footer.iter(_w("p")):
            style = _style_of(paragraph)
            for run in paragraph.iter(_w("r")):  # the fields' results included
                own = run.find("w:rPr/w:sz", NS)
                sizes.add(int(own.get(_w("val"))) / 2 if own is not None else styles.size_pt(style))
        text = "".join(footer.itertext())
        assert "Page" in text and " of " in text
        fields = {f.get(_w("instr")).strip() for f in footer.iter(_w("fldSimple"))}
        assert fields == {"PAGE", "NUMPAGES"}
        assert len(sizes) == 1, sizes


@pytest.mark.slow
def test_headings_carry_no_tab(word):
    body = word["word/document.xml"].find("w:body", NS)
    headings = [p for p in body.iter(_w("p")) if (_style_of(p) or "").startswith("Heading")]
    assert len(headings) >= 20
    tabbed = ["".join(p.itertext()) for p in headings if p.find(".//w:tab", NS) is not None]
    assert not tabbed, tabbed
    assert any("".join(p.itertext()).startswith("2.3 ") for p in headings)


# analysis.publishing.render.word_access on a small document ------------------------------------

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:rPr><w:rStyle w:val="SectionNumber"/></w:rPr><w:t>2.3</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>Actions</w:t></w:r></w:p>
<w:bookmarkStart w:id="1" w:name="tbl-one"/>
<w:p><w:pPr><w:pStyle w:val="TableCaption"/></w:pPr><w:r><w:t>Table 1: Actions by group</w:t></w:r></w:p>
<w:tbl><w:tblPr><w:tblStyle w:val="Table"/><w:tblLook w:firstRow="1"/></w:tblPr>
<w:tr><w:trPr><w:tblHeader w:val="on"/></w:trPr><w:tc><w:p><w:r><w:t>Group</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>Met HQ</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:bookmarkEnd w:id="1"/>
<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr><w:r><w:drawing/></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="ImageCaption"/></w:pPr><w:r><w:t>Figure 1: A chart</w:t></w:r></w:p>
<w:p><w:r><w:drawing/></w:r></w:p>
<w:p><w:r><w:t>A picture with no caption after it</w:t></w:r></w:p>
</w:body></w:document>""".encode()


def _done() -> etree._Element:
    return etree.fromstring(accessible_document_xml(DOCUMENT))


def test_rows_are_kept_whole_and_the_caption_becomes_the_tables_title():
    table = _done().find(".//w:tbl", NS)
    rows = table.findall("w:tr", NS)
    assert all(row.find("w:trPr/w:cantSplit", NS) is not None for row in rows)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    properties = table.find("w:tblPr", NS)
    assert properties[-1].tag == _w("tblCaption")  # after tblLook, as the schema orders them
    assert properties[-1].get(_w("val")) == "Table 1: Actions by group"


def test_a_picture_is_kept_with_its_caption_only_when_one_follows():
    paragraphs = _done().find("w:body", NS).findall("w:p", NS)
    captioned, lone = paragraphs[2], paragraphs[4]
    assert [child.tag for child in captioned.find("w:pPr", NS)] == [_w("pStyle"), _w("keepNext")]
    assert lone.find("w:pPr/w:keepNext", NS) is None


def test_a_numbered_heading_has_a_space_not_a_tab():
    heading = _done().find("w:body/w:p", NS)
    assert heading.find(".//w:tab", NS) is None
    assert "".join(heading.itertext()) == "2.3 Actions"


def test_the_rewrite_is_idempotent_and_leaves_other_parts_alone(tmp_path: Path):
    once = accessible_document_xml(DOCUMENT)
    assert accessible_document_xml(once) == once

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr(zipfile.ZipInfo("[Content_Types].xml", (1980, 1, 1, 0, 0, 0)), b"<Types/>")
        docx.writestr(zipfile.ZipInfo("word/document.xml", (1980, 1, 1, 0, 0, 0)), DOCUMENT)
    paper = tmp_path / "paper.docx"
    paper.write_bytes(buffer.getvalue())
    paper.chmod(0o644)
    make_word_accessible(paper)
    first = paper.read_bytes()
    assert paper.stat().st_mode & 0o777 == 0o644
    with zipfile.ZipFile(paper) as docx:
        assert docx.namelist() == ["[Content_Types].xml", "word/document.xml"]
        assert docx.read("[Content_Types].xml") == b"<Types/>"
        assert docx.read("word/document.xml") == once
    make_word_accessible(paper)
    assert paper.read_bytes() == first
