"""What a reader sees of a rendered paper, as plain lists, so two renderings can be compared.

Each function reduces one format to the things a reader can tell apart (headings with their
numbers, captions, table cells, the text of each page, the section tree) and drops what only
the file format differs in (XML ids, styles' internal names, whitespace).  :func:`first_difference`
then says where two such lists part, with a little context either side.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

WHO_RENDERED = re.compile(r"This paper was rendered from the executed analysis notebooks with .*")


def _clean(text: str) -> str:
    text = " ".join(text.replace("\u2019", "'").replace("\u00a0", " ").split())
    return WHO_RENDERED.sub("This paper was rendered from the executed analysis notebooks.", text)


def docx_structure(path: Path) -> list[str]:
    """Headings (style and text), captions (style and text), every table row's cells, and
    every picture with its description, in body order.  Body paragraphs are kept as text."""
    document = docx.Document(str(path))
    items: list[str] = []

    def walk(container) -> None:
        for child in container.iterchildren():
            if child.tag.endswith("}p"):
                paragraph = Paragraph(child, document)
                style = paragraph.style.name if paragraph.style is not None else ""
                text = _clean(paragraph.text)
                pictures = child.findall(".//{*}docPr")
                for picture in pictures:
                    items.append(f"picture | alt: {_clean(picture.get('descr', ''))}")
                if text:
                    kind = style if style.startswith(("Heading", "Title")) else "text"
                    if "Caption" in style:
                        kind = style
                    items.append(f"{kind} | {text}")
            elif child.tag.endswith("}tbl"):
                table = Table(child, document)
                items.append(f"table | {len(table.columns)} columns")
                for row in table.rows:
                    items.append("row | " + " | ".join(_clean(cell.text) for cell in row.cells))

    walk(document.element.body)
    return items


def pdf_pages(path: Path) -> list[list[str]]:
    """The words on each page, in reading order, page by page."""
    return [_clean(page.extract_text() or "").split() for page in PdfReader(path).pages]


class _Sections(HTMLParser):
    """Headings (level, text) and figure/table captions, in document order, from the body."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._open: str | None = None
        self._text: list[str] = []
        self._skip = 0  # inside the table of contents or a script

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "style") or (tag == "nav" and attributes.get("id") in ("TOC",)):
            self._skip += 1
        elif self._skip:
            return
        elif re.fullmatch(r"h[1-6]", tag) or tag in ("figcaption", "caption"):
            self._open, self._text = tag, []
        elif tag == "img":
            self.items.append(f"img | alt: {_clean(attributes.get('alt') or '')}")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "nav") and self._skip:
            self._skip -= 1
        elif tag == self._open:
            # Quarto captions a table in a <figcaption>, Pandoc in a <caption>; paper.css
            # styles both alike, so only the words count.
            kind = "caption" if tag in ("figcaption", "caption") else tag
            self.items.append(f"{kind} | {_clean(''.join(self._text))}")
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def html_sections(path: Path) -> list[str]:
    """The HTML edition's section tree: each heading with its level and number, and each
    figure or table caption, in document order (the table of contents left out)."""
    parser = _Sections()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.items


class _Contents(HTMLParser):
    """The link texts of the table of contents (``<nav id="TOC">``), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self._depth = 0  # <nav> nesting inside the contents
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "nav" and (self._depth or dict(attrs).get("id") == "TOC"):
            self._depth += 1
        elif tag == "a" and self._depth:
            self._link = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._depth:
            self._depth -= 1
        elif tag == "a" and self._link is not None:
            self.items.append(f"contents | {_clean(''.join(self._link))}")
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)


def html_contents(path: Path) -> list[str]:
    """The HTML edition's table of contents, entry by entry."""
    parser = _Contents()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.items


def first_difference(left: list, right: list, context: int = 3) -> str | None:
    """None when the two lists are equal; otherwise where they first differ, with context."""
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            before = left[max(0, index - context) : index]
            return (
                f"item {index} differs:\n  quarto:   {a!r}\n  fallback: {b!r}\n  after: {before!r}"
            )
    if len(left) != len(right):
        shorter = min(len(left), len(right))
        extra = (left if len(left) > shorter else right)[shorter : shorter + context]
        side = "quarto" if len(left) > shorter else "fallback"
        return f"{side} has {abs(len(left) - len(right))} more items from {shorter}: {extra!r}"
    return None
