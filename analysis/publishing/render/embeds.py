"""The fallback's Quarto steps: paper.qmd's shortcodes and cross-references resolved by hand.

Quarto embeds stored cell outputs (``{{< embed notebook#label >}}``), fills in ``{{< meta >}}``
shortcodes and numbers figures and tables before Pandoc ever sees the document.  Pandoc alone
does none of that, so the fallback renderer (:mod:`analysis.publishing.render.pandoc_typst`) first
asks :func:`resolve_paper` for plain Pandoc Markdown: every embed replaced by the cell's
outputs, figures and tables captioned "Figure N:" / "Table N:" in document order, and every
``@fig-``/``@tbl-`` reference turned into a link with that number.  It picks cells the way
Quarto's embed does (cell id, then ``label`` option, then tag), so one paper.qmd serves both.
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.engine.lazy import import_nbformat
from analysis.publishing.render.paper_sources import EMBED
from analysis.publishing.render.renderer import RenderError

nbformat = import_nbformat()

FALLBACK_DIR = "paper_files"
META = re.compile(r"\{\{<\s*meta\s+(?P<key>[^\s>]+)\s*>\}\}")
CROSSREF = re.compile(
    r"(?P<open>\[)?(?P<suppress>-)?(?<![\w@\\])@(?P<label>(?:fig|tbl)-[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)"
    r"(?(open)\])"
)
TABLE_CAPTION = re.compile(
    r"^(?P<lead>: )(?P<caption>\S.*?) \{#(?P<label>tbl-[A-Za-z0-9_-]+)\}[ \t]*$", re.MULTILINE
)
FRONT_MATTER = re.compile(r"\A---\s*\n(?P<yaml>.*?)\n---\s*\n", re.DOTALL)
CELL_OPTION = re.compile(r"^#\|\s?(?P<option>.*)$")
IMAGE_TYPES = frozenset({"image/svg+xml", "image/png"})


def cell_options(source: str) -> dict[str, Any]:
    """The Quarto cell options (``#| key: value`` lines) that open a code cell."""
    return dict(_parsed_cell_options(source))


@functools.lru_cache(maxsize=1024)
def _parsed_cell_options(source: str) -> dict[str, Any]:
    """Parsed once per cell source: every embed looks for its label among all the cells of
    its notebook, and YAML parsing them again for each was most of the embeds' time."""
    lines = []
    for line in source.splitlines():
        match = CELL_OPTION.match(line)
        if match is None:
            break
        lines.append(match["option"])
    options = yaml.safe_load("\n".join(lines)) if lines else None
    return options if isinstance(options, dict) else {}


def find_cell(notebook: nbformat.NotebookNode, identifier: str) -> nbformat.NotebookNode:
    """The cell Quarto's embed would pick: by cell id, then ``label`` option, then tag."""
    cells = notebook.cells
    for matches in (
        lambda cell: cell.get("id") == identifier,
        lambda cell: (
            cell.cell_type == "code" and str(cell_options(cell.source).get("label")) == identifier
        ),
        lambda cell: identifier in cell.get("metadata", {}).get("tags", []),
    ):
        found = [cell for cell in cells if matches(cell)]
        if found:
            return found[0]
    raise KeyError(identifier)


@dataclass
class Floats:
    """Figure and table numbers handed out in document order, as Quarto numbers them."""

    titles: dict[str, str]
    numbers: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"fig": 0, "tbl": 0})

    def number(self, label: str) -> str:
        kind = label.split("-", 1)[0]
        self.counts[kind] += 1
        self.numbers[label] = self.counts[kind]
        return f"{self.titles[kind]} {self.counts[kind]}"


def _attribute(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@dataclass
class Embedder:
    """Turns embed shortcodes into Markdown built from the stored outputs of the cells."""

    staging: Path
    floats: Floats
    figure_dir: Path
    notebooks: list[str] = field(default_factory=list)
    alt_texts: dict[str, str] = field(default_factory=dict)
    _cache: dict[Path, nbformat.NotebookNode] = field(default_factory=dict)

    def notebook(self, relative: str) -> nbformat.NotebookNode:
        path = (self.staging / relative).resolve()
        if path not in self._cache:
            if not path.is_file():
                raise RenderError(f"embed: notebook {relative} not found in {self.staging}")
            self._cache[path] = nbformat.read(path, as_version=4)
            self.notebooks.append(relative)
        return self._cache[path]

    def __call__(self, match: re.Match[str]) -> str:
        target = match["target"]
        relative, _, identifiers = target.partition("#")
        notebook = self.notebook(relative)
        if not identifiers:
            raise RenderError(f"embed {target}: give a cell label after '#'")
        blocks = []
        for identifier in identifiers.split(","):
            try:
                cell = find_cell(notebook, identifier.strip())
            except KeyError:
                raise RenderError(f"embed {target}: no cell labelled {identifier!r}") from None
            blocks.append(self.cell_markdown(relative, cell))
        return "\n\n".join(blocks)

    def cell_markdown(self, relative: str, cell: nbformat.NotebookNode) -> str:
        options = cell_options(cell.source) if cell.cell_type == "code" else {}
        label = str(options.get("label", cell.get("id", "cell")))
        where = f"{relative}#{label}"
        if cell.cell_type == "markdown":
            return cell.source
        outputs = [out for out in cell.get("outputs", []) if out.output_type != "stream"]
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                raise RenderError(f"{where}: the cell stored an error ({out.get('ename')})")
        kind = label.split("-", 1)[0] if label.startswith(("fig-", "tbl-")) else None
        if kind and len(outputs) != 1:
            raise RenderError(
                f"{where}: a {kind}- cell needs exactly one output, has {len(outputs)}"
            )
        if kind == "fig":
            return self.figure(where, label, options, outputs[0])
        if kind == "tbl":
            return self.table(where, label, options, outputs[0])
        return "\n\n".join(self.plain(where, label, i, out) for i, out in enumerate(outputs))

    def _image(self, label: str, index: int, output: nbformat.NotebookNode) -> str:
        """The output's picture as a file: its SVG where it has one (vector, for the HTML and
        the PDF; Word takes the PNG instead, see ``paper/word-figures.lua``), else its PNG."""
        self.figure_dir.mkdir(parents=True, exist_ok=True)
        suffix = "" if index == 0 else f"-{index + 1}"
        data = output.data
        if "image/svg+xml" in data:
            path = self.figure_dir / f"{label}{suffix}.svg"
            svg = data["image/svg+xml"]
            path.write_text("".join(svg) if isinstance(svg, list) else svg, encoding="utf-8")
        else:
            path = self.figure_dir / f"{label}{suffix}.png"
            path.write_bytes(base64.b64decode(data["image/png"]))
        return path.relative_to(self.staging).as_posix()

    def figure(self, where: str, label: str, options: dict, output: nbformat.NotebookNode) -> str:
        if not IMAGE_TYPES & set(output.get("data", {})):
            raise RenderError(f"{where}: a figure cell must output an image/svg+xml or image/png")
        caption = str(options.get("fig-cap", "")).strip()
        if not caption:
            raise RenderError(f"{where}: no fig-cap")
        alt = str(options.get("fig-alt", caption))
        path = self._image(label, 0, output)
        self.alt_texts[path] = alt
        title = self.floats.number(label)
        return f'![{title}: {caption}]({path}){{#{label} alt="{_attribute(alt)}"}}'

    def table(self, where: str, label: str, options: dict, output: nbformat.NotebookNode) -> str:
        table = output.get("data", {}).get("text/markdown")
        if table is None:
            raise RenderError(f"{where}: a table cell must output text/markdown")
        caption = str(options.get("tbl-cap", "")).strip()
        if not caption:
            raise RenderError(f"{where}: no tbl-cap")
        title = self.floats.number(label)
        return f"{table.strip()}\n\n: {title}: {caption} {{#{label}}}"

    def number_captions(self, markdown: str) -> str:
        """A labelled table caption inside an output (``: words {#tbl-label}`` after a pipe
        table, :func:`analysis.presentation.tables.captioned_table`) numbered as Quarto's
        cross-referencing numbers it: "Table N: words", in document order among the rest."""

        def numbered(match: re.Match[str]) -> str:
            title = self.floats.number(match["label"])
            return f"{match['lead']}{title}: {match['caption']} {{#{match['label']}}}"

        return TABLE_CAPTION.sub(numbered, markdown)

    def plain(self, where: str, label: str, index: int, output: nbformat.NotebookNode) -> str:
        data = output.get("data", {})
        if "text/markdown" in data:
            return self.number_captions(data["text/markdown"].strip())
        if IMAGE_TYPES & set(data):
            return f"![]({self._image(label, index, output)})"
        if "text/plain" in data:
            return "```\n" + data["text/plain"].rstrip() + "\n```"
        raise RenderError(f"{where}: no Markdown, image or text output to embed")


def _meta_value(meta: dict[str, Any], key: str) -> str | None:
    value: Any = meta
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class ResolvedPaper:
    """paper.qmd with every shortcode and cross-reference replaced, ready for Pandoc."""

    markdown: str
    front_matter: dict[str, Any]
    notebooks: tuple[str, ...]
    numbers: dict[str, int]
    alt_texts: dict[str, str]
    warnings: tuple[str, ...]


def resolve_paper(
    qmd: str, staging: Path, meta: dict[str, Any], titles: dict[str, str]
) -> ResolvedPaper:
    """Do for ``qmd`` what Quarto's embed, meta and crossref steps do before Pandoc runs."""
    warnings: list[str] = []
    front = FRONT_MATTER.match(qmd)
    front_matter = (yaml.safe_load(front["yaml"]) or {}) if front else {}
    body = qmd[front.end() :] if front else qmd

    def meta_value(match: re.Match[str]) -> str:
        value = _meta_value(meta, match["key"])
        if value is None:
            warnings.append(f"meta shortcode: no metadata key {match['key']!r}")
            return f"?meta:{match['key']}"
        return value

    # Meta shortcodes are resolved in paper.qmd alone, before the notebooks' outputs come in:
    # nothing an output says is ever read as a shortcode.
    embedder = Embedder(staging, Floats(titles), staging / FALLBACK_DIR / "figure-fallback")
    body = META.sub(meta_value, body)
    body = EMBED.sub(embedder, body)
    numbers = embedder.floats.numbers

    def reference(match: re.Match[str]) -> str:
        label = match["label"]
        if label not in numbers:
            warnings.append(f"cross-reference @{label}: no figure or table with that label")
            return f"?@{label}"
        text = str(numbers[label])
        if not match["suppress"]:
            text = f"{titles[label.split('-', 1)[0]]} {text}"
        return f"[{text}](#{label})"

    body = CROSSREF.sub(reference, body)
    return ResolvedPaper(
        markdown=body,
        front_matter=front_matter,
        notebooks=tuple(embedder.notebooks),
        numbers=dict(numbers),
        alt_texts=dict(embedder.alt_texts),
        warnings=tuple(warnings),
    )
