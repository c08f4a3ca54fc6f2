"""The HTML paper's page structure, made the same whichever renderer drew it.

Quarto's minimal HTML and Pandoc's plain template lay out the paper as a title, a contents box
and the text, with no landmarks, the title and every section as ``<h1>``, and (Quarto) tables
named only by a ``<figcaption>`` outside them.  WCAG 2.2 AA and the Public Sector Bodies
Accessibility Regulations ask more of a public body's page, so after either renderer has
drawn ``paper.html`` :func:`accessible_page` gives it, in one place for both:

* **landmarks**: a banner (``<header>``) with the marking and then the title, the contents
  (``<nav>``), the paper in ``<main>``, the notebooks' links (``<nav>``), and a footer
  (``<footer>``, ``contentinfo``) that repeats the marking, so the marking opens and closes
  the page as it heads and foots every printed page;
* **one ``<h1>``**, the title: every heading of the paper moves down one level (a section
  ``<h1>`` becomes ``<h2>``), which keeps their order and their numbers;
* **every table named** by its caption (``aria-labelledby``), set out alike for both: Quarto
  captions a table in the ``<figcaption>`` of a ``<figure>``, and Pandoc's ``<caption>``
  becomes one too; and
* **wide tables scroll on their own**: each table sits in a labelled, focusable region
  (``role="region"``, ``tabindex="0"``), so on a phone the table scrolls sideways, never the
  page, and a keyboard can scroll it too.

The renderers' output is parsed by the few markers both write (the title block's ``<header
id="title-block-header">``, the ``<nav id="TOC">``, the paper's ``<div class="paper-header">``)
and by the notebook links the project itself adds after the paper
(:func:`analysis.publishing.render.paper_sources.notebook_links`).  A page without them is refused
with :class:`~analysis.publishing.render.paper_sources.RenderError` rather than published without its
landmarks.  Document text is escaped before it reaches the page
(:mod:`analysis.presentation.markup`), so the tags matched here are the renderers' own.
"""

from __future__ import annotations

import re
from pathlib import Path

from analysis.publishing.render.paper_sources import NOTEBOOK_LINKS_CLASS
from analysis.publishing.render.renderer import RenderError

BODY = re.compile(r"(<body\b[^>]*>)(?P<body>.*)(</body\s*>)", re.S | re.I)
TITLE_BLOCK = re.compile(r'<header id="title-block-header"[^>]*>(?P<inner>.*?)</header>\s*', re.S)
CONTENTS = re.compile(r'<nav id="TOC"(?P<attributes>[^>]*)>(?P<inner>.*?)</nav>\s*', re.S)
PAPER_HEADER = re.compile(r'<div class="paper-header">(?P<inner>.*?)</div>\s*', re.S)
MARKING_LINE = re.compile(r'<p>\s*<span class="marking">.*?</p>', re.S)
NOTEBOOK_LINKS = re.compile(rf'<nav class="{NOTEBOOK_LINKS_CLASS}"')
HEADING_TAG = re.compile(r"<(?P<close>/?)h(?P<level>[1-5])(?=[\s>])")
TABLE = re.compile(r"<table\b(?P<attributes>[^>]*)>(?P<inner>.*?)</table>", re.S)
CAPTION = re.compile(r"<caption\b[^>]*>(?P<text>.*?)</caption>\s*", re.S)
FIGCAPTION_ID = re.compile(r'<figcaption\b[^>]*\bid="(?P<id>tbl-[^"]+)"')

MAIN_ID = "paper"
TABLE_REGION_CLASS = "table-scroll"


def _find(pattern: re.Pattern[str], text: str, what: str) -> re.Match[str]:
    match = pattern.search(text)
    if match is None:
        raise RenderError(f"paper.html: {what} not found, so the page's landmarks cannot be set")
    return match


def shift_headings(markup: str) -> str:
    """Every ``<h1>`` to ``<h5>`` in ``markup`` one level down (``<h1>`` becomes ``<h2>``)."""
    return HEADING_TAG.sub(lambda m: f"<{m['close']}h{int(m['level']) + 1}", markup)


def name_tables(markup: str) -> str:
    """Each table named by its caption and set in its own labelled, focusable scroll region.

    A table Quarto captions (a ``<figcaption>`` with an id in the float before it, after the
    previous table) is labelled by that caption.  A table Pandoc captions (its own
    ``<caption>``) is set out the same way: the caption becomes the ``<figcaption>`` of a
    ``<figure>`` around the region, so that on a narrow screen it wraps to the screen's
    width instead of running off with the scrolled table.  A table with neither stays
    unnamed (the tests say so); its region is then named "Table"."""
    pieces: list[str] = []
    position = 0
    for number, match in enumerate(TABLE.finditer(markup), 1):
        before = markup[position : match.start()]
        attributes, inner = match["attributes"], match["inner"]
        label: str | None = None
        opening = ""
        closing = ""
        caption = CAPTION.search(inner)
        if caption is not None:
            table_id = re.search(r'\bid="([^"]+)"', attributes)
            label = f"{table_id[1] if table_id else f'table-{number}'}-caption"
            opening = (
                f'<figure class="table-figure">\n'
                f'<figcaption id="{label}">{caption["text"].strip()}</figcaption>\n'
            )
            closing = "\n</figure>"
            inner = inner[: caption.start()] + inner[caption.end() :]
        else:
            figcaptions = list(FIGCAPTION_ID.finditer(before))
            if figcaptions:
                label = figcaptions[-1]["id"]
        if label and "aria-labelledby=" not in attributes:
            attributes += f' aria-labelledby="{label}"'
        name = f'aria-labelledby="{label}"' if label else 'aria-label="Table"'
        pieces.append(before)
        pieces.append(
            f'{opening}<div class="{TABLE_REGION_CLASS}" role="region" tabindex="0" {name}>'
            f"<table{attributes}>{inner}</table></div>{closing}"
        )
        position = match.end()
    pieces.append(markup[position:])
    return "".join(pieces)


def accessible_page(page: str) -> str:
    """``page`` (a rendered paper.html) with the structure the module docstring describes."""
    body_match = _find(BODY, page, "<body>")
    body = body_match["body"]

    title = _find(TITLE_BLOCK, body, 'the title block (<header id="title-block-header">)')
    contents = _find(CONTENTS, body, 'the contents (<nav id="TOC">)')
    paper_header = _find(PAPER_HEADER, body, 'the paper\'s header (<div class="paper-header">)')
    marking = _find(MARKING_LINE, paper_header["inner"], "the marking in the paper's header")
    links = _find(NOTEBOOK_LINKS, body, "the notebooks' links")
    if not title.end() <= contents.start() < contents.end() <= paper_header.start():
        raise RenderError("paper.html: title, contents and paper header are not in that order")

    before = body[: title.start()]
    text = body[contents.end() : paper_header.start()] + body[paper_header.end() : links.start()]
    after = body[links.start() :]

    contents_attributes = contents["attributes"]
    if "aria-labelledby" not in contents_attributes and 'id="toc-title"' in contents["inner"]:
        contents_attributes += ' aria-labelledby="toc-title"'
    banner = (
        '<header id="title-block-header">\n'
        f'<div class="paper-header">{paper_header["inner"].strip()}</div>\n'
        f"{title['inner'].strip()}\n</header>\n"
    )
    footer = f'<footer class="paper-footer">\n{marking[0]}\n</footer>\n'
    body = (
        before
        + banner
        + f'<nav id="TOC"{contents_attributes}>{contents["inner"]}</nav>\n'
        + f'<main id="{MAIN_ID}">\n{name_tables(shift_headings(text))}</main>\n'
        + after
        + footer
    )
    return page[: body_match.start("body")] + body + page[body_match.end("body") :]


def structure_html(staging: Path) -> None:
    """Give the staged ``paper.html`` its landmarks, one ``<h1>`` and named tables."""
    page = Path(staging) / "paper.html"
    page.write_text(accessible_page(page.read_text(encoding="utf-8")), encoding="utf-8")
