"""What both renderers need from the paper's charts beyond the picture Quarto picks.

A paper chart is one output of its ``fig-`` cell holding three forms
(:func:`analysis.presentation.plots.show`): SVG, which the HTML and the PDF show; a 200 dpi
PNG, for Word, the one format that needs a raster (Pandoc writes an SVG into a Word file only
with a PNG beside it, which it can make only with ``rsvg-convert``, and Word before 2016 shows
nothing without it); and the alt text, as the output's plain-text form, written from the
quarter's figures by :mod:`analysis.presentation.chart_text`.

Quarto chooses SVG over PNG for every format and takes alt text only from the cell's
``fig-alt`` option, which is fixed text in the notebook's source.  So, after the notebooks
have run and before either renderer starts, :func:`prepare_charts`

* writes each chart's PNG to ``_word-figures/<label>.png``, where the Word filter
  ``paper/word-figures.lua`` swaps it in for the SVG, in both renderers; and
* writes each chart's alt text into its cell's ``fig-alt`` option in the staged copy of the
  executed notebook, which both renderers read it from.  The published notebook therefore
  states the alt text the paper carries, beside the output it was written from.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from analysis.engine.lazy import import_nbformat
from analysis.publishing.render.paper_sources import embedded_notebooks

WORD_FIGURES = "_word-figures"
"""The staging folder of the charts' PNGs for Word (a working folder, not published)."""

_OPTION = re.compile(r"^#\|\s?(?P<key>[\w-]+)\s*:")


def _label(source: str) -> str | None:
    for line in source.splitlines():
        match = re.match(r"^#\|\s?label:\s*(?P<label>\S+)\s*$", line)
        if match:
            return match["label"]
        if not line.startswith("#|"):
            return None
    return None


def with_alt_option(source: str, alt: str) -> str:
    """``source`` with its ``#| fig-alt:`` option set to ``alt`` (replaced, or added after the
    other options).  The value is a JSON string, which YAML reads as the same string."""
    lines = source.splitlines()
    option = f"#| fig-alt: {json.dumps(alt, ensure_ascii=False)}"
    end = 0
    for index, line in enumerate(lines):
        match = _OPTION.match(line)
        if match is None:
            break
        end = index + 1
        if match["key"] == "fig-alt":
            lines[index] = option
            return "\n".join(lines)
    lines.insert(end, option)
    return "\n".join(lines)


def _text(value: object) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def prepare_charts(staging: Path) -> dict[str, str]:
    """Write every embedded chart's PNG for Word and its alt text into its cell's options
    (see the module docstring); returns each chart's alt text by label."""
    nbformat = import_nbformat()
    qmd = (staging / "paper.qmd").read_text(encoding="utf-8")
    out = staging / WORD_FIGURES
    alt_texts: dict[str, str] = {}
    for relative in embedded_notebooks(qmd):
        path = staging / relative
        if not path.is_file():
            continue  # the renderer reports the missing notebook
        notebook = nbformat.read(path, as_version=4)
        changed = False
        for cell in notebook.cells:
            label = _label(cell.source) if cell.cell_type == "code" else None
            if not label or not label.startswith("fig-"):
                continue
            shown = [o for o in cell.get("outputs", []) if "data" in o]
            if len(shown) != 1:
                continue  # the renderer reports a figure cell without exactly one output
            data = shown[0]["data"]
            if "image/png" in data:
                out.mkdir(exist_ok=True)
                (out / f"{label}.png").write_bytes(base64.b64decode(_text(data["image/png"])))
            alt = _text(data.get("text/plain", "")).strip()
            if alt and not alt.startswith("<Figure"):
                alt_texts[label] = alt
                source = with_alt_option(cell.source, alt)
                if source != cell.source:
                    cell.source = source
                    changed = True
        if changed:
            nbformat.write(notebook, path)
    return alt_texts
