"""Render the panel paper (DOCX, PDF, HTML) from a quarter's papermill-executed notebooks.

:func:`render_paper` chooses the renderer, stages the sources
(:mod:`analysis.publishing.render.paper_sources`), has the renderer draw the three formats, checks
they were all written and says which renderer drew them, since the run manifest and the
paper's annex both record it.  It is two steps, :func:`stage_paper` and :func:`draw_paper`,
because only the second reads the executed notebooks: ``panelpaper run`` stages the paper
while the notebooks execute.  Two renderers read the same staged sources:

* ``quarto`` (:mod:`analysis.publishing.render.quarto`): the Quarto CLI, when it is on PATH.
* ``pandoc`` (:mod:`analysis.publishing.render.pandoc_typst`): a fallback for machines without
  Quarto, Pandoc and Typst doing what Quarto adds to Pandoc for this paper
  (:mod:`analysis.publishing.render.embeds`).

Whichever drew it, the Word file is then given what its styles cannot carry
(:mod:`analysis.publishing.render.word_access`: rows that do not split, table titles, pictures kept
with their captions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pypandoc
import typst

from analysis.publishing.render.chart_assets import prepare_charts
from analysis.publishing.render.page_structure import structure_html
from analysis.publishing.render.pandoc_typst import render_with_pandoc
from analysis.publishing.render.paper_sources import (
    RenderError,
    protect_html,
    remove_working_files,
    stage_sources,
)
from analysis.publishing.render.quarto import (
    QUARTO_HELP,
    quarto_path,
    quarto_version,
    render_with_quarto,
)
from analysis.publishing.render.word_access import make_word_accessible

Renderer = Literal["quarto", "pandoc"]
FORMATS = ("docx", "pdf", "html")


@dataclass(frozen=True)
class RenderResult:
    """What a render produced and with which tools, for the run manifest and the CLI."""

    renderer: Renderer
    versions: dict[str, str]
    outputs: dict[str, Path]
    seconds: float
    warnings: tuple[str, ...] = ()


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
        return {"quarto": quarto_version(quarto_path() or "quarto")}
    return {"pandoc": pypandoc.get_pandoc_version(), "typst": typst.__version__}


def describe_renderer(renderer: str = "auto") -> str:
    """One line for the CLI saying which renderer will draw the paper, and why."""
    chosen = _resolve_renderer(renderer)
    versions = renderer_versions(chosen)
    if chosen == "quarto":
        return f"Quarto {versions['quarto']} ({quarto_path()})"
    reason = "requested" if renderer == "pandoc" else "Quarto CLI not on PATH"
    return f"Pandoc {versions['pandoc']} + Typst {versions['typst']} (fallback renderer: {reason})"


def renderer_text(renderer: Renderer) -> str:
    """How the annex names the renderer: the tools and their versions."""
    versions = renderer_versions(renderer)
    if renderer == "quarto":
        return f"Quarto {versions.get('quarto', 'unknown version')}"
    return (
        f"Pandoc {versions.get('pandoc', '?')} and Typst {versions.get('typst', '?')} "
        "(the fallback used where Quarto is not installed)"
    )


def _outputs(staging: Path) -> dict[str, Path]:
    outputs = {fmt: staging / f"paper.{fmt}" for fmt in FORMATS}
    missing = [str(path) for path in outputs.values() if not path.is_file()]
    if missing:
        raise RenderError(f"render finished without writing {', '.join(missing)}")
    return outputs


@dataclass(frozen=True)
class StagedPaper:
    """A staging folder made ready to draw: the renderer chosen and its versions asked, the
    sources copied and reference.docx built with the paper's marking.  None of it needs the
    executed notebooks, so a run stages the paper while they execute (:func:`stage_paper`)
    and only draws it once they are done (:func:`draw_paper`)."""

    staging: Path
    renderer: Renderer
    versions: dict[str, str]
    warnings: tuple[str, ...]
    seconds: float


def stage_paper(staging: Path, renderer: str = "auto") -> StagedPaper:
    """Everything a render does before it reads a notebook (needs figures.json only)."""
    staging = Path(staging).resolve()
    started = time.perf_counter()
    chosen = _resolve_renderer(renderer)
    warnings = stage_sources(staging, renderer_text(chosen))
    for fmt in FORMATS:
        (staging / f"paper.{fmt}").unlink(missing_ok=True)
    return StagedPaper(
        staging=staging,
        renderer=chosen,
        versions=renderer_versions(chosen),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def draw_paper(staged: StagedPaper) -> RenderResult:
    """Draw the three formats from a staged folder whose notebooks have been executed."""
    started = time.perf_counter()
    staging = staged.staging
    warnings = list(staged.warnings)
    prepare_charts(staging)
    if staged.renderer == "quarto":
        render_with_quarto(staging)
    else:
        warnings += render_with_pandoc(staging)
    outputs = _outputs(staging)
    make_word_accessible(outputs["docx"])
    structure_html(staging)
    protect_html(staging)
    remove_working_files(staging)
    return RenderResult(
        renderer=staged.renderer,
        versions=staged.versions,
        outputs=outputs,
        seconds=round(staged.seconds + time.perf_counter() - started, 3),
        warnings=tuple(warnings),
    )


def render_paper(staging: Path, renderer: str = "auto") -> RenderResult:
    """Render paper.docx, paper.pdf and paper.html into ``staging`` (see module docstring)."""
    return draw_paper(stage_paper(staging, renderer))
