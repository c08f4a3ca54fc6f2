"""The fallback renderer: Pandoc and Typst draw the paper where Quarto is not installed.

It does for this paper what Quarto adds to Pandoc: :mod:`analysis.publishing.render.embeds` resolves
the embed and meta shortcodes and the cross-references, then the bundled Pandoc
(pypandoc-binary) writes every format with the same reference.docx, CSS, table script and
Typst partials Quarto uses, and the ``typst`` package compiles the PDF.  Format options (page
size, margins, numbering, filters) are read from the staged ``_quarto.yml``, so the two
renderers cannot drift apart on them.

The render is a few readable steps: :func:`prepare` resolves the paper's Markdown and what
every format's Pandoc run shares (a :class:`PandocJob`); for each format of
:mod:`analysis.publishing.render.formats` the function registered for it with :func:`writes`
turns its ``_quarto.yml`` options into the run that writes it; :func:`run_side_by_side` runs
them together.  A new format needs one such function here, nothing else in this module.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypandoc
import typst
import yaml

from analysis.publishing.render.embeds import FALLBACK_DIR, ResolvedPaper, resolve_paper
from analysis.publishing.render.formats import PAPER_FORMATS, Format
from analysis.publishing.render.paper_sources import (
    META_FILE,
    RenderError,
    as_list,
    quarto_config,
    reproducible_env,
)
from analysis.publishing.render.renderer import Renderer

FALLBACK_REASON = "Quarto CLI not on PATH"
"""Why ``--renderer auto`` falls back to this renderer (the one ranked before it is missing)."""


class PandocTypstRenderer(Renderer):
    """Pandoc (pypandoc-binary) and the ``typst`` package: installed with the project's Python
    dependencies, so available everywhere, and ``auto``'s choice where Quarto is not."""

    auto_rank = 1

    def available(self) -> bool:
        return True

    def versions(self) -> dict[str, str]:
        return {"pandoc": pypandoc.get_pandoc_version(), "typst": typst.__version__}

    def describe(self, requested: bool) -> str:
        versions = self.versions()
        reason = "requested" if requested else FALLBACK_REASON
        return (
            f"Pandoc {versions['pandoc']} + Typst {versions['typst']} (fallback renderer: {reason})"
        )

    def annex_text(self) -> str:
        versions = self.versions()
        return (
            f"Pandoc {versions.get('pandoc', '?')} and Typst {versions.get('typst', '?')} "
            "(the fallback used where Quarto is not installed)"
        )

    def draw(self, staging: Path) -> list[str]:
        return render_with_pandoc(staging)


def _typst_with_alt_text(source: str, alt_texts: dict[str, str]) -> str:
    """Pandoc's Typst writer drops alt text; put each figure's back on its image."""
    for path, alt in alt_texts.items():
        quoted = json.dumps(alt, ensure_ascii=False)
        source = source.replace(f'image("{path}")', f'image("{path}", alt: {quoted})')
    return source


def compile_pdf(typ: Path, staging: Path, options: dict[str, Any]) -> Path:
    """Typst draws ``staging/paper.pdf`` from ``typ`` with the typst format's ``options`` from
    _quarto.yml, as Quarto passes them: its font folders (the charts' DejaVu Sans) and its
    PDF standards.  PDF/UA-1 makes Typst check the paper's accessibility as it compiles (alt
    text on every image, a document title...) and fail the render on what it finds."""
    output = staging / "paper.pdf"
    try:
        typst.compile(
            str(typ),
            output=str(output),
            root=str(staging),
            font_paths=[str(staging / path) for path in as_list(options.get("font-paths"))],
            ignore_system_fonts=True,
            pdf_standards=[str(name) for name in as_list(options.get("pdf-standard"))],
        )
    except Exception as exc:  # typst.TypstError and friends carry the compiler's report
        raise RenderError(f"typst compile {typ} failed:\n{exc}") from exc
    return output


def own_filters(options: dict[str, Any]) -> list[str]:
    """The Lua filters _quarto.yml gives a format, less Quarto's own and those written for
    Quarto's output (paper/quarto-*.lua), which have nothing to act on here."""
    return [
        name
        for name in as_list(options.get("filters", []))
        if isinstance(name, str) and name != "quarto" and not Path(name).name.startswith("quarto-")
    ]


def render_with_pandoc(staging: Path) -> list[str]:
    """The fallback renderer: same sources, same assets, Pandoc and Typst instead of Quarto.
    Returns the warnings met resolving the paper's embeds."""
    job = prepare(staging)
    run_side_by_side([writer_of(fmt)(job, job.options(fmt)) for fmt in PAPER_FORMATS])
    return list(job.paper.warnings)


@dataclass(frozen=True)
class PandocJob:
    """What every format's Pandoc run shares: the staged folder, its ``_quarto.yml``, the
    paper resolved to plain Pandoc Markdown (written to ``paper_files/paper.md``), and the
    arguments and metadata common to all formats."""

    staging: Path
    config: dict[str, Any]
    paper: ResolvedPaper

    @property
    def work(self) -> Path:
        return self.staging / FALLBACK_DIR

    @property
    def common(self) -> list[str]:
        """Every format's first arguments: the resolved Markdown and the paper's metadata."""
        return ["paper_files/paper.md", "--from=markdown", f"--metadata-file={META_FILE}"]

    @property
    def numbered(self) -> list[str]:
        return ["--number-sections"] if self.config.get("number-sections", True) else []

    def options(self, fmt: Format) -> dict[str, Any]:
        """The format's options under ``format:`` in _quarto.yml."""
        return self.config.get("format", {}).get(fmt.quarto, {})

    def meta_file(self, name: str, values: dict[str, Any]) -> str:
        """A metadata file for one format (the paper's front matter and language, and
        ``values``), as the ``--metadata-file`` argument that reads it."""
        path = self.work / f"{name}-meta.yml"
        common_meta = {"lang": self.config.get("lang", "en-GB"), **self.paper.front_matter}
        path.write_text(yaml.safe_dump({**common_meta, **values}, allow_unicode=True))
        return f"--metadata-file={path.relative_to(self.staging).as_posix()}"

    def pandoc(self, args: list[str]) -> Callable[[], None]:
        """The run of Pandoc with ``args``, to be started by :func:`run_side_by_side`."""
        return lambda: _run_pandoc(self.staging, args)


def prepare(staging: Path) -> PandocJob:
    """Resolve the staged paper.qmd to plain Pandoc Markdown (embeds, meta shortcodes and
    cross-references, with _quarto.yml's caption titles) and write it where every format's
    Pandoc run reads it."""
    config = quarto_config(staging)
    crossref = config.get("crossref", {})
    titles = {"fig": crossref.get("fig-title", "Figure"), "tbl": crossref.get("tbl-title", "Table")}
    meta = yaml.safe_load((staging / META_FILE).read_text(encoding="utf-8"))
    paper = resolve_paper(
        (staging / "paper.qmd").read_text(encoding="utf-8"), staging, meta, titles
    )
    job = PandocJob(staging, config, paper)
    job.work.mkdir(exist_ok=True)
    (job.work / "paper.md").write_text(paper.markdown, encoding="utf-8")
    return job


Writer = Callable[[PandocJob, dict[str, Any]], Callable[[], None]]
"""Given the job and a format's _quarto.yml options, the run that writes that format."""

_WRITERS: dict[str, Writer] = {}


def writes(name: str) -> Callable[[Writer], Writer]:
    """Register the function that writes the format called ``name``
    (:mod:`analysis.publishing.render.formats`)."""

    def register(writer: Writer) -> Writer:
        _WRITERS[name] = writer
        return writer

    return register


def writer_of(fmt: Format) -> Writer:
    """How this renderer writes ``fmt``, refused by name when it has no way to."""
    try:
        return _WRITERS[fmt.name]
    except KeyError:
        raise RenderError(
            f"the Pandoc + Typst renderer cannot write {fmt.file}: register a writer for "
            f"{fmt.name!r} in analysis/publishing/render/pandoc_typst.py"
        ) from None


@writes("docx")
def docx_run(job: PandocJob, docx: dict[str, Any]) -> Callable[[], None]:
    """paper.docx: Pandoc's Word writer with Quarto's reference document and the format's
    own Lua filters."""
    return job.pandoc(
        [
            *job.common,
            job.meta_file("docx", {}),
            "--to=docx",
            *[f"--lua-filter={name}" for name in own_filters(docx)],
            f"--reference-doc={docx.get('reference-doc', 'paper/reference.docx')}",
            *job.numbered,
            *(["--toc"] if docx.get("toc") else []),
            "--output=paper.docx",
        ]
    )


@writes("html")
def html_run(job: PandocJob, page: dict[str, Any]) -> Callable[[], None]:
    """paper.html: one standalone page with the format's style sheets and includes."""
    return job.pandoc(
        [
            *job.common,
            job.meta_file("html", {"toc-title": page.get("toc-title", "Contents")}),
            "--to=html5",
            "--standalone",
            "--embed-resources",
            *[f"--css={sheet}" for sheet in as_list(page.get("css", []))],
            *[
                f"--include-after-body={part}"
                for part in as_list(page.get("include-after-body", []))
            ],
            *job.numbered,
            *(["--toc", f"--toc-depth={page.get('toc-depth', 3)}"] if page.get("toc") else []),
            "--output=paper.html",
        ]
    )


@writes("pdf")
def pdf_run(job: PandocJob, pdf: dict[str, Any]) -> Callable[[], None]:
    """paper.pdf: Pandoc writes Typst source with the project's template, each figure's alt
    text is put back on its image, and the ``typst`` package compiles it."""
    typst_options = {
        key: pdf[key]
        for key in ("papersize", "margin", "fontsize", "section-numbering")
        if key in pdf
    }
    typ = job.staging / "paper.typ"
    args = [
        *job.common,
        job.meta_file("typst", typst_options),
        "--to=typst",
        "--template=paper/pandoc-typst.typ",
        *[f"--lua-filter={name}" for name in own_filters(pdf)],
        *job.numbered,
        f"--output={typ.name}",
    ]

    def pdf_from_typst() -> None:
        _run_pandoc(job.staging, args)
        typ.write_text(_typst_with_alt_text(typ.read_text(encoding="utf-8"), job.paper.alt_texts))
        compile_pdf(typ, job.staging, pdf)
        typ.unlink()

    return pdf_from_typst


def run_side_by_side(runs: Sequence[Callable[[], None]]) -> None:
    """The formats are independent processes over the same sources: run them side by side
    (the PDF, Pandoc then Typst, is the longest), and report the first failure."""
    with ThreadPoolExecutor(len(runs), thread_name_prefix="render") as formats_pool:
        done = [formats_pool.submit(run) for run in runs]
    for future in done:
        future.result()


def _run_pandoc(staging: Path, args: list[str]) -> None:
    result = subprocess.run(
        [pypandoc.get_pandoc_path(), *args],
        cwd=staging,
        capture_output=True,
        text=True,
        env=reproducible_env(staging),
    )
    if result.returncode != 0:
        raise RenderError(f"pandoc {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
