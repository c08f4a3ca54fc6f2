"""Render the panel paper (DOCX, PDF, HTML) from a quarter's papermill-executed notebooks.

A quarter is rendered in its own staging folder, laid out as::

    <staging>/notebooks/<name>.ipynb   executed by papermill, outputs stored
    <staging>/figures.json             its "paper" object names the paper

:func:`render_paper` copies the project's Quarto sources (``_quarto.yml``, ``paper.qmd``,
``paper/``) into the folder, writes ``_paper-meta.yml`` from the "paper" object and renders
``paper.docx``, ``paper.pdf`` and ``paper.html`` beside them.

Two renderers read the same sources:

* ``quarto``: the Quarto CLI, when it is on PATH.  Quarto embeds the stored cell outputs
  (``{{< embed >}}``), numbers figures, tables and sections, and draws the PDF with Typst.
* ``pandoc``: a fallback for machines without Quarto.  It does the few things Quarto adds to
  Pandoc for this paper by itself: it resolves the embed and meta shortcodes from the
  executed notebooks, numbers figures and tables in document order and writes "Figure N:" /
  "Table N:" into captions and references, then runs the bundled Pandoc (pypandoc-binary)
  with the same reference.docx, CSS, table script and Typst partials, and compiles the Typst
  source with the ``typst`` package.  Format options are read from ``_quarto.yml`` so the
  two renderers cannot drift apart on page size, margins or numbering.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
import yaml

from analysis.paths import PROJECT_ROOT
from analysis.presentation.markup import literal, literals
from analysis.publishing.content_policy import script_texts, with_content_policy

Renderer = Literal["quarto", "pandoc"]
FORMATS = ("docx", "pdf", "html")
QUARTO_SOURCES = ("_quarto.yml", "paper.qmd", "paper")
META_FILE = "_paper-meta.yml"
NOTEBOOK_LINKS_FILE = "_notebook-links.html"
PAPER_KEYS = (
    "title",
    "panel",
    "panel_date_text",
    "marking",
    "marking_text",
    "quarter_label",
    "authors",
    "contact",
)
QUARTO_HELP = (
    "the Quarto CLI is not on PATH: create the conda environment from environment.yml "
    "(`conda env create -f environment.yml`, it installs Quarto from conda-forge) or install "
    "Quarto for your user from https://quarto.org/docs/get-started/"
)
FALLBACK_DIR = "paper_files"
QUARTO_TIMEOUT = 900

EMBED = re.compile(r"\{\{<\s*embed\s+(?P<target>[^\s>]+)(?P<options>[^>]*)>\}\}")
META = re.compile(r"\{\{<\s*meta\s+(?P<key>[^\s>]+)\s*>\}\}")
CROSSREF = re.compile(
    r"(?P<open>\[)?(?P<suppress>-)?(?<![\w@\\])@(?P<label>(?:fig|tbl)-[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)"
    r"(?(open)\])"
)
FRONT_MATTER = re.compile(r"\A---\s*\n(?P<yaml>.*?)\n---\s*\n", re.DOTALL)
CELL_OPTION = re.compile(r"^#\|\s?(?P<option>.*)$")


class RenderError(RuntimeError):
    """The paper could not be rendered; the message carries the tool's own report."""


@dataclass(frozen=True)
class RenderResult:
    """What a render produced and with which tools, for the run manifest and the CLI."""

    renderer: Renderer
    versions: dict[str, str]
    outputs: dict[str, Path]
    seconds: float
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- renderer choice


def quarto_path() -> str | None:
    """The Quarto CLI on PATH, if any."""
    return shutil.which("quarto")


def available_renderer() -> Renderer:
    """The renderer ``renderer="auto"`` picks on this machine."""
    return "quarto" if quarto_path() else "pandoc"


def _resolve_renderer(renderer: str) -> Renderer:
    if renderer == "auto":
        return available_renderer()
    if renderer == "quarto":
        if quarto_path() is None:
            raise RenderError(f"renderer 'quarto' requested but {QUARTO_HELP}")
        return "quarto"
    if renderer == "pandoc":
        return "pandoc"
    raise RenderError(f"unknown renderer {renderer!r}: use 'auto', 'quarto' or 'pandoc'")


def renderer_versions(renderer: Renderer) -> dict[str, str]:
    """Versions of the tools a renderer runs, as recorded with each paper."""
    if renderer == "quarto":
        return {"quarto": _quarto_version(quarto_path() or "quarto")}
    import pypandoc
    import typst

    return {"pandoc": pypandoc.get_pandoc_version(), "typst": typst.__version__}


@functools.cache
def _quarto_version(quarto: str) -> str:
    """``quarto --version``, asked once per Quarto and process: each call starts Deno (about
    a second), and a render asks for it twice (the annex, then the manifest)."""
    result = subprocess.run([quarto, "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def describe_renderer(renderer: str = "auto") -> str:
    """One line for the CLI saying which renderer will draw the paper, and why."""
    chosen = _resolve_renderer(renderer)
    versions = renderer_versions(chosen)
    if chosen == "quarto":
        return f"Quarto {versions['quarto']} ({quarto_path()})"
    reason = "requested" if renderer == "pandoc" else "Quarto CLI not on PATH"
    return f"Pandoc {versions['pandoc']} + Typst {versions['typst']} (fallback renderer: {reason})"


# --------------------------------------------------------------------------- staging


def paper_metadata(staging: Path) -> dict[str, Any]:
    """The "paper" object of figures.json, checked for the keys the paper prints."""
    figures_file = staging / "figures.json"
    try:
        paper = json.loads(figures_file.read_text(encoding="utf-8"))["paper"]
    except FileNotFoundError as exc:
        raise RenderError(f"{figures_file}: not found") from exc
    except (KeyError, TypeError, json.JSONDecodeError) as exc:
        raise RenderError(f"{figures_file}: no readable 'paper' object ({exc})") from exc
    missing = [key for key in PAPER_KEYS if key not in paper]
    if missing:
        raise RenderError(f"{figures_file}: 'paper' lacks {', '.join(missing)}")
    return dict(paper)


def _load_reference_builder() -> Callable[..., Path] | None:
    path = PROJECT_ROOT / "paper" / "make_reference_docx.py"
    spec = importlib.util.spec_from_file_location("make_reference_docx", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError:  # python-docx missing: keep the committed reference document
        return None
    return module.build_reference_docx


def renderer_text(renderer: Renderer) -> str:
    """How the annex names the renderer: the tools and their versions."""
    versions = renderer_versions(renderer)
    if renderer == "quarto":
        return f"Quarto {versions.get('quarto', 'unknown version')}"
    return (
        f"Pandoc {versions.get('pandoc', '?')} and Typst {versions.get('typst', '?')} "
        "(the fallback used where Quarto is not installed)"
    )


def stage_sources(staging: Path, renderer: Renderer | None = None) -> list[str]:
    """Copy the Quarto sources into ``staging`` and write the paper's metadata file.

    The reference document is rebuilt with the paper's own marking in header and footer,
    so a paper marked above OFFICIAL never goes out with the default marking.
    """
    warnings: list[str] = []
    meta = paper_metadata(staging)
    if renderer is not None:
        meta["renderer"] = renderer_text(renderer)
    for name in QUARTO_SOURCES:
        source, target = PROJECT_ROOT / name, staging / name
        if source.is_dir():
            shutil.copytree(
                source,
                target,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.py"),
            )
        else:
            shutil.copy2(source, target)
    # Pandoc and Quarto read every metadata string as Markdown: the values come from
    # snapshot.yml and the settings, so they are written as literal text.
    shown = {key: literals(v) if isinstance(v, list) else literal(v) for key, v in meta.items()}
    (staging / META_FILE).write_text(
        yaml.safe_dump(shown, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    qmd = (staging / "paper.qmd").read_text(encoding="utf-8")
    (staging / NOTEBOOK_LINKS_FILE).write_text(
        notebook_links(embedded_notebooks(qmd)), encoding="utf-8"
    )
    builder = _load_reference_builder()
    if builder is None:
        warnings.append("python-docx not installed: reference.docx keeps its default marking")
    else:
        builder(staging / "paper" / "reference.docx", str(meta["marking"]))
    return warnings


WORKING_FILES = (
    *QUARTO_SOURCES,
    META_FILE,
    NOTEBOOK_LINKS_FILE,
    FALLBACK_DIR,
    ".quarto",
    ".gitignore",  # Quarto writes one into every project folder it renders
    "paper_files",
)


def remove_working_files(staging: Path) -> None:
    """Leave only what is published: the sources Quarto or Pandoc worked from are copies of
    the repository's (the manifest hashes the originals), and their working folders are noise.
    Kept when rendering fails, so the failed staging shows what the renderer saw."""
    for name in dict.fromkeys(WORKING_FILES):
        path = staging / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _outputs(staging: Path) -> dict[str, Path]:
    outputs = {fmt: staging / f"paper.{fmt}" for fmt in FORMATS}
    missing = [str(path) for path in outputs.values() if not path.is_file()]
    if missing:
        raise RenderError(f"render finished without writing {', '.join(missing)}")
    return outputs


def render_paper(staging: Path, renderer: str = "auto") -> RenderResult:
    """Render paper.docx, paper.pdf and paper.html into ``staging`` (see module docstring)."""
    staging = Path(staging).resolve()
    chosen = _resolve_renderer(renderer)
    started = time.perf_counter()
    warnings = stage_sources(staging, chosen)
    for fmt in FORMATS:
        (staging / f"paper.{fmt}").unlink(missing_ok=True)
    if chosen == "quarto":
        _render_with_quarto(staging)
    else:
        warnings += render_with_pandoc(staging)
    outputs = _outputs(staging)
    protect_html(staging)
    remove_working_files(staging)
    return RenderResult(
        renderer=chosen,
        versions=renderer_versions(chosen),
        outputs=outputs,
        seconds=round(time.perf_counter() - started, 3),
        warnings=tuple(warnings),
    )


def protect_html(staging: Path) -> None:
    """Give paper.html its Content-Security-Policy (see :mod:`analysis.publishing.content_policy`): the
    scripts of the project's own HTML includes and the renderer's own may run, nothing else."""
    page_options = _quarto_config(staging).get("format", {}).get("html", {})
    own = [
        text
        for part in _as_list(page_options.get("include-after-body", []))
        for text in script_texts((staging / part).read_text(encoding="utf-8"))
    ]
    page = staging / "paper.html"
    page.write_text(with_content_policy(page.read_text(encoding="utf-8"), own), encoding="utf-8")


def reproducible_env(staging: Path) -> dict[str, str]:
    """The environment for the renderers, with SOURCE_DATE_EPOCH set to the quarter's as-at date.

    Pandoc stamps a Word file's creation and modification dates from the clock unless
    SOURCE_DATE_EPOCH is set; pinning it to the data's own date makes a rerun of the quarter
    write the same bytes, and the date it records is one that means something."""
    env = dict(os.environ)
    try:
        as_of = json.loads((staging / "figures.json").read_text(encoding="utf-8"))["as_of"]
        moment = dt.datetime.fromisoformat(as_of).replace(tzinfo=dt.UTC)
    except (OSError, KeyError, TypeError, ValueError):
        return env
    env["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    return env


def _render_with_quarto(staging: Path) -> None:
    try:
        result = subprocess.run(
            [quarto_path() or "quarto", "render"],
            cwd=staging,
            capture_output=True,
            text=True,
            timeout=QUARTO_TIMEOUT,
            env=reproducible_env(staging),
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"quarto render took longer than {QUARTO_TIMEOUT} s") from exc
    if result.returncode != 0:
        raise RenderError(f"quarto render failed ({result.returncode}):\n{result.stderr}")
    _forget_staging_path(staging / "paper.html", staging)


def _forget_staging_path(page: Path, staging: Path) -> None:
    """Quarto marks each embedded cell with its notebook's absolute path (``data-notebook``),
    which would publish the staging folder's random name and the publisher's file system,
    and make no two renders of a quarter alike.  The notebooks are published beside the
    paper, so the path relative to it is the true one."""
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f"{staging.as_posix()}/", ""), encoding="utf-8")


# --------------------------------------------------------------------------- notebooks


def cell_options(source: str) -> dict[str, Any]:
    """The Quarto cell options (``#| key: value`` lines) that open a code cell."""
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

    def _png(self, label: str, index: int, output: nbformat.NotebookNode) -> str:
        import base64

        self.figure_dir.mkdir(parents=True, exist_ok=True)
        suffix = "" if index == 0 else f"-{index + 1}"
        path = self.figure_dir / f"{label}{suffix}.png"
        path.write_bytes(base64.b64decode(output.data["image/png"]))
        return path.relative_to(self.staging).as_posix()

    def figure(self, where: str, label: str, options: dict, output: nbformat.NotebookNode) -> str:
        if "image/png" not in output.get("data", {}):
            raise RenderError(f"{where}: a figure cell must output an image/png")
        caption = str(options.get("fig-cap", "")).strip()
        if not caption:
            raise RenderError(f"{where}: no fig-cap")
        alt = str(options.get("fig-alt", caption))
        path = self._png(label, 0, output)
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

    def plain(self, where: str, label: str, index: int, output: nbformat.NotebookNode) -> str:
        data = output.get("data", {})
        if "text/markdown" in data:
            return data["text/markdown"].strip()
        if "image/png" in data:
            return f"![]({self._png(label, index, output)})"
        if "text/plain" in data:
            return "```\n" + data["text/plain"].rstrip() + "\n```"
        raise RenderError(f"{where}: no Markdown, PNG or text output to embed")


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


# --------------------------------------------------------------------------- pandoc fallback


def _quarto_config(staging: Path) -> dict[str, Any]:
    return yaml.safe_load((staging / "_quarto.yml").read_text(encoding="utf-8")) or {}


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value or [])


def _run_pandoc(staging: Path, args: list[str]) -> None:
    import pypandoc

    result = subprocess.run(
        [pypandoc.get_pandoc_path(), *args],
        cwd=staging,
        capture_output=True,
        text=True,
        env=reproducible_env(staging),
    )
    if result.returncode != 0:
        raise RenderError(f"pandoc {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")


def embedded_notebooks(qmd: str) -> tuple[str, ...]:
    """The notebooks ``qmd`` embeds outputs from, in the order it first embeds them."""
    found = (match["target"].partition("#")[0] for match in EMBED.finditer(qmd))
    return tuple(dict.fromkeys(found))


def notebook_links(notebooks: tuple[str, ...]) -> str:
    """The HTML edition's list of the executed notebooks published beside it.

    Written by render.py rather than left to Quarto's ``notebook-links``, which the minimal
    HTML leaves out, so that both renderers end the page with the same list."""
    items = "\n".join(
        f'<li><a href="{html.escape(path)}">{html.escape(Path(path).name)}</a></li>'
        for path in notebooks
    )
    return (
        '<nav class="notebook-links" aria-label="Notebooks">\n'
        "<h2>Notebooks</h2>\n<p>The executed analysis notebooks behind this paper:</p>\n"
        f"<ul>\n{items}\n</ul>\n</nav>\n"
    )


def _typst_with_alt_text(source: str, alt_texts: dict[str, str]) -> str:
    """Pandoc's Typst writer drops alt text; put each figure's back on its image."""
    for path, alt in alt_texts.items():
        quoted = json.dumps(alt, ensure_ascii=False)
        source = source.replace(f'image("{path}")', f'image("{path}", alt: {quoted})')
    return source


def render_with_pandoc(staging: Path) -> list[str]:
    """The fallback renderer: same sources, same assets, Pandoc and Typst instead of Quarto."""
    import typst

    config = _quarto_config(staging)
    formats = config.get("format", {})
    crossref = config.get("crossref", {})
    titles = {"fig": crossref.get("fig-title", "Figure"), "tbl": crossref.get("tbl-title", "Table")}
    meta = yaml.safe_load((staging / META_FILE).read_text(encoding="utf-8"))
    paper = resolve_paper(
        (staging / "paper.qmd").read_text(encoding="utf-8"), staging, meta, titles
    )

    work = staging / FALLBACK_DIR
    work.mkdir(exist_ok=True)
    (work / "paper.md").write_text(paper.markdown, encoding="utf-8")
    common_meta = {"lang": config.get("lang", "en-GB"), **paper.front_matter}
    common = ["paper_files/paper.md", "--from=markdown", f"--metadata-file={META_FILE}"]
    numbered = ["--number-sections"] if config.get("number-sections", True) else []

    def meta_file(name: str, values: dict[str, Any]) -> str:
        path = work / f"{name}-meta.yml"
        path.write_text(yaml.safe_dump({**common_meta, **values}, allow_unicode=True))
        return f"--metadata-file={path.relative_to(staging).as_posix()}"

    docx = formats.get("docx", {})
    # The Lua filters _quarto.yml gives Word, less Quarto's own and those written for
    # Quarto's output (paper/quarto-*.lua), which have nothing to act on here.
    docx_filters = [
        name
        for name in docx.get("filters", [])
        if isinstance(name, str) and name != "quarto" and not Path(name).name.startswith("quarto-")
    ]
    docx_args = [
        *common,
        meta_file("docx", {}),
        "--to=docx",
        *[f"--lua-filter={name}" for name in docx_filters],
        f"--reference-doc={docx.get('reference-doc', 'paper/reference.docx')}",
        *numbered,
        *(["--toc"] if docx.get("toc") else []),
        "--output=paper.docx",
    ]

    page = formats.get("html", {})
    after_body = page.get("include-after-body", [])
    after_body = [after_body] if isinstance(after_body, str) else list(after_body)
    css = page.get("css", [])
    css = [css] if isinstance(css, str) else list(css)
    html_args = [
        *common,
        meta_file("html", {"toc-title": page.get("toc-title", "Contents")}),
        "--to=html5",
        "--standalone",
        "--embed-resources",
        *[f"--css={sheet}" for sheet in css],
        *[f"--include-after-body={part}" for part in after_body],
        *numbered,
        *(["--toc", f"--toc-depth={page.get('toc-depth', 3)}"] if page.get("toc") else []),
        "--output=paper.html",
    ]

    pdf = formats.get("typst", {})
    typst_options = {
        key: pdf[key]
        for key in ("papersize", "margin", "fontsize", "section-numbering")
        if key in pdf
    }
    typ = staging / "paper.typ"
    typst_args = [
        *common,
        meta_file("typst", typst_options),
        "--to=typst",
        "--template=paper/pandoc-typst.typ",
        *[f"--lua-filter={name}" for name in _as_list(pdf.get("filters", []))],
        *numbered,
        f"--output={typ.name}",
    ]

    def pdf_from_typst() -> None:
        _run_pandoc(staging, typst_args)
        typ.write_text(_typst_with_alt_text(typ.read_text(encoding="utf-8"), paper.alt_texts))
        try:
            typst.compile(
                str(typ),
                output=str(staging / "paper.pdf"),
                root=str(staging),
                ignore_system_fonts=True,
            )
        except Exception as exc:  # typst.TypstError and friends carry the compiler's report
            raise RenderError(f"typst compile {typ} failed:\n{exc}") from exc
        typ.unlink()

    # The three formats are independent processes over the same sources: run them side by
    # side (the PDF, Pandoc then Typst, is the longest), and report the first failure.
    with ThreadPoolExecutor(3, thread_name_prefix="render") as formats_pool:
        done = [
            formats_pool.submit(_run_pandoc, staging, docx_args),
            formats_pool.submit(_run_pandoc, staging, html_args),
            formats_pool.submit(pdf_from_typst),
        ]
    for future in done:
        future.result()
    return list(paper.warnings)
