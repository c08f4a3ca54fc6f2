"""The Word paper made accessible, whichever renderer wrote it.

Pandoc's Word writer (which both renderers end in) leaves a few things to the document that a
style in ``paper/reference.docx`` cannot carry, and that the Public Sector Bodies
Accessibility Regulations ask of a published Word file.  :func:`make_word_accessible` sets them
on ``paper.docx`` after it is written, the same way for Quarto's and the fallback's:

* every table row is kept from splitting across a page (``w:cantSplit``), so a cell's text
  ("Vulnerability and / safeguarding") never runs over a page break; the header row repeats
  on every page (``w:tblHeader``, which Pandoc writes already);
* every captioned table carries its caption as its title (``w:tblCaption``, what Word's
  "Alt Text" title and screen readers announce), which Quarto's Word output leaves out;
* every picture is kept on the page of the caption after it (``w:keepNext``);
* a numbered heading reads "2.3 Actions", not "2.3<tab>Actions": Pandoc's
  ``--number-sections`` puts a tab after the number, which Word draws as a wide gap.

The rest lives in the reference document (body text size, link colour and underline, the
footer's one size): see paper/make_reference_docx.py.  The file is rewritten entry by entry
with each entry's own zip settings, so the same input gives the same bytes (a rerun of a
quarter compares them).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"
TABLE_CAPTION_STYLES = ("TableCaption",)
FIGURE_CAPTION_STYLES = ("ImageCaption", "Caption")


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _style(paragraph: etree._Element) -> str:
    style = paragraph.find(f"{_w('pPr')}/{_w('pStyle')}")
    return "" if style is None else style.get(_w("val"), "")


def _text(paragraph: etree._Element) -> str:
    return "".join(paragraph.itertext()).strip()


def _neighbour(element: etree._Element, step: str) -> etree._Element | None:
    """The nearest paragraph or table before (``step="getprevious"``) or after the element,
    passing over bookmarks, which Pandoc puts between a caption and its float."""
    sibling = getattr(element, step)()
    while sibling is not None and sibling.tag in (_w("bookmarkStart"), _w("bookmarkEnd")):
        sibling = getattr(sibling, step)()
    return sibling


def _paragraph_properties(paragraph: etree._Element) -> etree._Element:
    properties = paragraph.find(_w("pPr"))
    if properties is None:
        properties = etree.Element(_w("pPr"))
        paragraph.insert(0, properties)
    return properties


def _keep_with_next(paragraph: etree._Element) -> None:
    properties = _paragraph_properties(paragraph)
    if properties.find(_w("keepNext")) is None:
        # keepNext follows pStyle in the schema's order of paragraph properties.
        style = properties.find(_w("pStyle"))
        properties.insert(
            0 if style is None else properties.index(style) + 1, etree.Element(_w("keepNext"))
        )


def _rows_unbroken(table: etree._Element) -> None:
    for row in table.iterchildren(_w("tr")):
        properties = row.find(_w("trPr"))
        if properties is None:
            properties = etree.Element(_w("trPr"))
            exceptions = row.find(_w("tblPrEx"))
            row.insert(0 if exceptions is None else row.index(exceptions) + 1, properties)
        if properties.find(_w("cantSplit")) is None:
            properties.insert(0, etree.Element(_w("cantSplit")))


def _titled(table: etree._Element) -> None:
    before = _neighbour(table, "getprevious")
    if before is None or before.tag != _w("p") or _style(before) not in TABLE_CAPTION_STYLES:
        return
    _keep_with_next(before)
    properties = table.find(_w("tblPr"))
    if properties is None or properties.find(_w("tblCaption")) is not None:
        return
    caption = etree.Element(_w("tblCaption"))
    caption.set(_w("val"), _text(before))
    description = properties.find(_w("tblDescription"))
    if description is None:
        properties.append(caption)
    else:
        description.addprevious(caption)


def _figures_with_captions(body: etree._Element) -> None:
    for paragraph in body.iter(_w("p")):
        if paragraph.find(f".//{_w('drawing')}") is None:
            continue
        after = _neighbour(paragraph, "getnext")
        if after is not None and after.tag == _w("p") and _style(after) in FIGURE_CAPTION_STYLES:
            _keep_with_next(paragraph)


def _headings_without_tabs(body: etree._Element) -> None:
    for paragraph in body.iter(_w("p")):
        if not _style(paragraph).startswith("Heading"):
            continue
        for run in paragraph.iterchildren(_w("r")):
            content = [child for child in run if child.tag != _w("rPr")]
            if len(content) == 1 and content[0].tag == _w("tab"):
                space = etree.Element(_w("t"))
                space.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                space.text = " "
                content[0].getparent().replace(content[0], space)


def accessible_document_xml(xml: bytes) -> bytes:
    """``word/document.xml`` with the settings of the module docstring applied."""
    root = etree.fromstring(xml)
    body = root.find(_w("body"))
    for table in body.iter(_w("tbl")):
        _rows_unbroken(table)
        _titled(table)
    _figures_with_captions(body)
    _headings_without_tabs(body)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def make_word_accessible(docx: Path) -> None:
    """Rewrite ``docx`` in place (through a temporary file: never half-written)."""
    docx = Path(docx)
    with zipfile.ZipFile(docx) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    handle, temporary = tempfile.mkstemp(prefix=".paper-", suffix=".docx", dir=docx.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as target:
            for info, data in entries:
                if info.filename == DOCUMENT:
                    data = accessible_document_xml(data)
                target.writestr(info, data)
        os.chmod(temporary, docx.stat().st_mode & 0o777)
        os.replace(temporary, docx)
    finally:
        Path(temporary).unlink(missing_ok=True)
