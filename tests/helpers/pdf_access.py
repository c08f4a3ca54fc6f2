"""What a PDF offers a reader who cannot see it, and how much of each page is left blank.

:func:`structure` reads the tagged PDF's structure tree (the headings, figures and tables a
screen reader announces) with pikepdf; :func:`blank_runs` draws each page at low resolution
(``pdftoppm``, poppler) and measures the longest empty band in its text area.  Drawing the page
rather than reading its objects counts everything a reader sees alike (text, raster and vector
charts, table rules), whatever the renderer made of it.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

DPI = 36
INK = 200
"""A pixel darker than this (0 black, 255 white) is ink: light table rules count, paper
white and anti-aliasing fringes do not."""


@dataclass(frozen=True)
class Element:
    """One structure element: its tag (``H1``, ``Figure``, ``TH``...), its ``/T`` (a heading's
    text, as Typst writes it), its ``/Alt`` and its child elements."""

    tag: str
    title: str | None
    alt: str | None
    children: tuple[Element, ...] = field(default_factory=tuple)

    def walk(self):
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, tag: str) -> list[Element]:
        return [element for element in self.walk() if element.tag == tag]


def _element(node: pikepdf.Dictionary) -> Element:
    kids = node.get("/K")
    kids = [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    children = tuple(
        _element(kid) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
    )
    title, alt = node.get("/T"), node.get("/Alt")
    return Element(
        tag=str(node.get("/S", "/")).lstrip("/"),
        title=None if title is None else str(title),
        alt=None if alt is None else str(alt),
        children=children,
    )


@dataclass(frozen=True)
class PdfAccess:
    """The document-level accessibility settings of a PDF and its structure tree."""

    title: str | None
    lang: str | None
    display_doc_title: bool
    pdfua_part: str | None
    creator_tool: str | None
    fonts: frozenset[str]
    root: Element


def structure(pdf: Path) -> PdfAccess:
    """Read ``pdf``'s title, language, viewer preferences, XMP identification, fonts and tags."""
    with pikepdf.open(pdf) as document:
        catalog = document.Root
        preferences = catalog.get("/ViewerPreferences", pikepdf.Dictionary())
        metadata = document.open_metadata()
        fonts = {
            str(font.get("/BaseFont", "")).lstrip("/").partition("+")[2]
            for page in document.pages
            for font in page.Resources.get("/Font", pikepdf.Dictionary()).values()
        }
        title = document.docinfo.get("/Title")
        lang = catalog.get("/Lang")
        return PdfAccess(
            title=None if title is None else str(title),
            lang=None if lang is None else str(lang),
            display_doc_title=bool(preferences.get("/DisplayDocTitle", False)),
            pdfua_part=metadata.get("pdfuaid:part"),
            creator_tool=metadata.get("xmp:CreatorTool"),
            fonts=frozenset(fonts),
            root=_element(catalog.StructTreeRoot),
        )


def _pages(pdf: Path, folder: Path) -> list[Path]:
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")],
        check=True,
        capture_output=True,
    )
    return sorted(folder.glob("page-*.png"), key=lambda path: int(path.stem.split("-")[-1]))


def blank_runs(pdf: Path, margin_top_cm: float = 2.5, margin_bottom_cm: float = 2.5) -> list[float]:
    """For each page, the longest run of empty rows inside the text area (between the top and
    bottom margins, where the marking and page number are left out), as a fraction of the text
    area's height: 0 for no empty band, 1 for an empty page."""
    from PIL import Image

    fractions = []
    with tempfile.TemporaryDirectory() as folder:
        for page in _pages(Path(pdf), Path(folder)):
            image = Image.open(page).convert("L")
            width, height = image.size
            top = round(margin_top_cm / 2.54 * DPI)
            bottom = height - round(margin_bottom_cm / 2.54 * DPI)
            pixels = image.load()
            longest = current = 0
            for y in range(top, bottom):
                if all(pixels[x, y] >= INK for x in range(width)):
                    current += 1
                    longest = max(longest, current)
                else:
                    current = 0
            fractions.append(longest / (bottom - top))
    return fractions
