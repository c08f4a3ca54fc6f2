"""Text from the data written into the paper's Markdown so that it reads exactly as typed.

The paper's sentences and tables are Markdown (Pandoc's, which Quarto extends), and both
renderers read that Markdown as document source: an audit title typed into a tracker as
``<script>``, ``**bold**``, ``$x$``, ``@fig-groups`` or ``{{< include x >}}`` would otherwise
become a script, bold type, maths, a cross-reference or a shortcode in the paper.  Every string
that comes from the data (snapshot files, ``snapshot.yml``, settings) therefore passes through
:func:`literal` where it meets a template: the sentence builders in :mod:`analysis.presentation.paper`, the
table writer :func:`analysis.presentation.tables.markdown_table` and the metadata file
:func:`analysis.publishing.render.paper_sources.stage_sources` writes.  Notebooks never call it.

The one escape that works in every place is the backslash: Pandoc (``all_symbols_escapable``)
and CommonMark (JupyterLab) both read a backslash before any ASCII punctuation character as
that character, never as markup, and Pandoc's writers then escape it again for HTML, Typst
and Word.  So the function escapes every punctuation character that can start or end markup
anywhere in a line, and the few that are markup only in some positions (``-`` ``.`` ``(`` ``)``)
where they would be.  A cell is one line of text in a sentence or a table cell: line breaks,
tabs and other control characters are written as one space (a pipe-table cell cannot hold a
line break, and a break would let a cell start a heading, a list or a table).

The authored ``narrative.md`` is the one text the paper reads as Markdown: its author writes
it as Markdown, for the paper, and it goes through review with the quarter's data.
"""

from __future__ import annotations

import re

# Markup anywhere in a line: emphasis, code, links and images, raw HTML and autolinks,
# attributes and shortcodes, headings, maths, citations and cross-references, sub- and
# superscript, strikeout, tables and line blocks, definition lists, fenced divs and emoji,
# smart quotes, entities, footnotes, highlight, and the backslash itself.
_ALWAYS = frozenset("\\`*_{}[]<>#+$@~^|:\"'&=%")
_SEPARATORS = re.compile(r"[ \t\n\r\f\v\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Markup only in some positions: a run of dashes (smart dashes, rules, table lines) or dots
# (ellipsis), a full stop before a space (Pandoc would join "p. 3" or "Dr. X" with a
# non-breaking space), and at the start of a line a list marker such as "-", "1.", "(a)".
_RUNS = re.compile(r"-{2,}|\.{2,}|\.(?= )")
_LIST_MARKER = re.compile(r"^(\s*)(\()?([A-Za-z0-9]{1,9})([.)])")
# Explicit bidirectional controls: an unclosed right-to-left override would run on into the
# paper's own words after the cell, so a value holding one is isolated (U+2068 ... U+2069).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISOLATE = ("\u2068", "\u2069")


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _ALWAYS else ch for ch in text)


def one_line(value: object) -> str:
    """``value`` as it prints: line breaks, tabs and control characters as one space."""
    return "" if value is None else _SEPARATORS.sub(" ", str(value))


def literal(value: object) -> str:
    """``value`` as Pandoc Markdown that renders as exactly its characters.

    ``literal("£5m budget_v2 (*draft*) #3 <b>")`` gives ``£5m budget\\_v2 (\\*draft\\*) \\#3
    \\<b\\>``, which every renderer prints as typed.  ``None`` gives the empty string.
    """
    if value is None:
        return ""
    text = one_line(value)
    if _BIDI_CONTROLS.search(text):
        text = _ISOLATE[0] + text + _ISOLATE[1]
    marker = _LIST_MARKER.match(text)
    head = ""
    if marker:
        space, opening, label, closing = marker.groups()
        head = space + ("\\(" if opening else "") + _escape(label) + "\\" + closing
        text = text[marker.end() :]
    elif text.lstrip(" ").startswith("-"):
        start = text.index("-")
        head, text = text[:start] + "\\-", text[start + 1 :]
    pieces, last = [], 0
    for run in _RUNS.finditer(text):
        pieces.append(_escape(text[last : run.start()]))
        pieces.append("".join("\\" + ch for ch in run.group()))
        last = run.end()
    pieces.append(_escape(text[last:]))
    return head + "".join(pieces)


def literals(values: object) -> list[str]:
    """:func:`literal` of each value, for lists such as a paper's authors."""
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        return [literal(values)]
    return [literal(v) for v in values]
