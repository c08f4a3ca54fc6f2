"""The formats the paper is published in, declared here and nowhere else.

Each format is the file a reader gets (``paper.<name>``) and the ``format:`` entry of
``_quarto.yml`` that configures it (the PDF is Quarto's ``typst`` format).  The renderers draw
every format listed here, the run checks each was written and prints where it is, and
``tests/publishing/render/test_formats.py`` holds ``_quarto.yml``'s ``format:`` keys equal to
these, in this order, so that adding a format is one line here plus its options there (and,
for the fallback renderer, how Pandoc writes it: see docs/layout.md, "A new output format").

This module imports nothing heavy: ``panelpaper run`` reads it before any kernel starts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One output format: ``name`` is the published file's extension, ``quarto`` the key of
    its options under ``format:`` in ``_quarto.yml`` (what ``quarto render --to`` is given)."""

    name: str
    quarto: str

    @property
    def file(self) -> str:
        """The published file's name."""
        return f"paper.{self.name}"


PAPER_FORMATS: tuple[Format, ...] = (
    Format("docx", quarto="docx"),
    Format("pdf", quarto="typst"),
    Format("html", quarto="html"),
)
"""Every format the paper is published in, in the order the run lists them."""

FORMATS: tuple[str, ...] = tuple(fmt.name for fmt in PAPER_FORMATS)
"""The formats' names (``RenderResult.outputs`` is keyed by these)."""

PAPER_FILES: tuple[str, ...] = tuple(fmt.file for fmt in PAPER_FORMATS)
"""The published paper's files, one per format."""
