"""Render the panel paper (every format of :mod:`analysis.publishing.render.formats`: DOCX,
PDF, HTML) from a quarter's papermill-executed notebooks.

:func:`render_paper` chooses the renderer (:mod:`analysis.publishing.render.registry`), stages
the sources (:mod:`analysis.publishing.render.paper_sources`), has the renderer draw every
format, checks they were all written and says which renderer drew them, since the run
manifest and the paper's annex both record it.  It is two steps, :func:`stage_paper` and :func:`draw_paper`,
because only the second reads the executed notebooks: ``panelpaper run`` stages the paper
while the notebooks execute.  The registered renderers
(:class:`analysis.publishing.render.renderer.Renderer`) read the same staged sources:

* ``quarto`` (:mod:`analysis.publishing.render.quarto`): the Quarto CLI, when it is on PATH.
* ``pandoc`` (:mod:`analysis.publishing.render.pandoc_typst`): a fallback for machines without
  Quarto, Pandoc and Typst doing what Quarto adds to Pandoc for this paper
  (:mod:`analysis.publishing.render.embeds`).

Nothing here asks which renderer it holds: what differs between them is behind the interface.

Whichever drew it, the Word file is then given what its styles cannot carry
(:mod:`analysis.publishing.render.word_access`: rows that do not split, table titles, pictures kept
with their captions).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from analysis.publishing.render import registry
from analysis.publishing.render.chart_assets import prepare_charts
from analysis.publishing.render.formats import FORMATS, PAPER_FORMATS
from analysis.publishing.render.page_structure import structure_html
from analysis.publishing.render.paper_sources import (
    RenderError,
    protect_html,
    remove_working_files,
    stage_sources,
)
from analysis.publishing.render.word_access import make_word_accessible

__all__ = ["FORMATS", "RenderResult", "StagedPaper", "draw_paper", "render_paper", "stage_paper"]


@dataclass(frozen=True)
class RenderResult:
    """What a render produced and with which tools, for the run manifest and the CLI."""

    renderer: str
    versions: dict[str, str]
    outputs: dict[str, Path]
    seconds: float
    warnings: tuple[str, ...] = ()


def _outputs(staging: Path) -> dict[str, Path]:
    outputs = {fmt.name: staging / fmt.file for fmt in PAPER_FORMATS}
    missing = [str(path) for path in outputs.values() if not path.is_file()]
    if missing:
        raise RenderError(f"render finished without writing {', '.join(missing)}")
    return outputs


@dataclass(frozen=True)
class StagedPaper:
    """A staging folder made ready to draw: the renderer chosen and its versions asked, the
    sources copied and reference.docx built with the paper's marking.  None of it needs the
    executed notebooks, so a run stages the paper while they execute (:func:`stage_paper`)
    and only draws it once they are done (:func:`draw_paper`).  ``renderer`` is the
    registered name of the renderer that will draw it."""

    staging: Path
    renderer: str
    versions: dict[str, str]
    warnings: tuple[str, ...]
    seconds: float


def stage_paper(staging: Path, renderer: str = registry.AUTO) -> StagedPaper:
    """Everything a render does before it reads a notebook (needs figures.json only)."""
    staging = Path(staging).resolve()
    started = time.perf_counter()
    chosen = registry.resolve(renderer)
    warnings = stage_sources(staging, chosen.annex_text())
    for fmt in PAPER_FORMATS:
        (staging / fmt.file).unlink(missing_ok=True)
    return StagedPaper(
        staging=staging,
        renderer=chosen.name,
        versions=chosen.versions(),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def draw_paper(staged: StagedPaper) -> RenderResult:
    """Draw every format from a staged folder whose notebooks have been executed."""
    started = time.perf_counter()
    staging = staged.staging
    warnings = list(staged.warnings)
    prepare_charts(staging)
    warnings += registry.get(staged.renderer).draw(staging)
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


def render_paper(staging: Path, renderer: str = registry.AUTO) -> RenderResult:
    """Render every format of the paper into ``staging`` (see module docstring)."""
    return draw_paper(stage_paper(staging, renderer))
