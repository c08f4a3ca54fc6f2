"""Stage a quarter's paper: the project's Quarto sources copied beside its executed notebooks.

A quarter is rendered in its own staging folder, laid out as::

    <staging>/notebooks/<name>.ipynb   executed by papermill, outputs stored
    <staging>/figures.json             its "paper" object names the paper

:func:`stage_sources` copies ``_quarto.yml``, ``paper.qmd`` and ``paper/`` into it, writes
``_paper-meta.yml`` from the "paper" object and the HTML's list of notebooks, and rebuilds the
reference document with the paper's marking.  Both renderers (:mod:`analysis.publishing.render.quarto`
and :mod:`analysis.publishing.render.pandoc_typst`) read exactly these files, which is why staging is
its own step: what one renderer is given, the other is given too.  The module also holds what
both renderers do to the staging folder after they have drawn the paper (the page's
Content-Security-Policy, removing the working files) and the environment they run in.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from analysis.paths import PROJECT_ROOT
from analysis.presentation.markup import literal, literals
from analysis.publishing.render.content_policy import script_texts, with_content_policy
from analysis.publishing.render.renderer import RenderError

QUARTO_SOURCES = ("_quarto.yml", "paper.qmd", "paper")
META_FILE = "_paper-meta.yml"
NOTEBOOK_LINKS_FILE = "_notebook-links.html"
NOTEBOOK_LINKS_CLASS = "notebook-links"
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

EMBED = re.compile(r"\{\{<\s*embed\s+(?P<target>[^\s>]+)(?P<options>[^>]*)>\}\}")


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


def stage_sources(staging: Path, renderer_text: str | None = None) -> list[str]:
    """Copy the Quarto sources into ``staging`` and write the paper's metadata file.

    The reference document is rebuilt with the paper's own marking in header and footer,
    so a paper marked above OFFICIAL never goes out with the default marking.
    ``renderer_text`` is how the annex names the renderer (the paper says what drew it).
    """
    warnings: list[str] = []
    meta = paper_metadata(staging)
    if renderer_text is not None:
        meta["renderer"] = renderer_text
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
    stage_fonts(staging / TYPST_FONT_DIR)
    builder = _load_reference_builder()
    if builder is None:
        warnings.append("python-docx not installed: reference.docx keeps its default marking")
    else:
        builder(staging / "paper" / "reference.docx", str(meta["marking"]))
    return warnings


TYPST_FONT_DIR = "paper/fonts"
"""Where the PDF's typeface is staged (``font-paths`` of the typst format in _quarto.yml)."""
TYPST_FONT_FILES = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSans-BoldOblique.ttf",
)


def matplotlib_font_dir() -> Path:
    """matplotlib's own font folder, which holds DejaVu Sans, the typeface of every chart."""
    import matplotlib  # measured: 0.4-1.3 s, and the run's process needs only this folder

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def stage_fonts(target: Path) -> None:
    """Copy DejaVu Sans from matplotlib into ``target`` for Typst, so text and charts share
    one typeface whatever fonts the machine has (both renderers read the same folder)."""
    target.mkdir(parents=True, exist_ok=True)
    source = matplotlib_font_dir()
    for name in TYPST_FONT_FILES:
        shutil.copyfile(source / name, target / name)


WORKING_FILES = (
    *QUARTO_SOURCES,
    META_FILE,
    NOTEBOOK_LINKS_FILE,
    "paper_files",  # Quarto's figure folder, and the fallback's working folder
    "_word-figures",  # the charts' PNGs for Word (analysis/publishing/render/chart_assets.py)
    ".quarto",
    ".gitignore",  # Quarto writes one into every project folder it renders
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


def protect_html(staging: Path) -> None:
    """Give paper.html its Content-Security-Policy (see :mod:`analysis.publishing.render.content_policy`): the
    scripts of the project's own HTML includes and the renderer's own may run, nothing else."""
    page_options = quarto_config(staging).get("format", {}).get("html", {})
    own = [
        text
        for part in as_list(page_options.get("include-after-body", []))
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


def quarto_config(staging: Path) -> dict[str, Any]:
    """The staged ``_quarto.yml``: the one place both renderers take format options from."""
    return yaml.safe_load((staging / "_quarto.yml").read_text(encoding="utf-8")) or {}


def as_list(value: Any) -> list[Any]:
    """A YAML option that may be one string or a list of them, as a list."""
    return [value] if isinstance(value, str) else list(value or [])


def embedded_notebooks(qmd: str) -> tuple[str, ...]:
    """The notebooks ``qmd`` embeds outputs from, in the order it first embeds them."""
    found = (match["target"].partition("#")[0] for match in EMBED.finditer(qmd))
    return tuple(dict.fromkeys(found))


def notebook_links(notebooks: tuple[str, ...]) -> str:
    """The HTML edition's list of the executed notebooks published beside it.

    Written here rather than left to Quarto's ``notebook-links``, which the minimal
    HTML leaves out, so that both renderers end the page with the same list."""
    items = "\n".join(
        f'<li><a href="{html.escape(path)}">{html.escape(Path(path).name)}</a></li>'
        for path in notebooks
    )
    return (
        f'<nav class="{NOTEBOOK_LINKS_CLASS}" aria-label="Notebooks">\n'
        "<h2>Notebooks</h2>\n<p>The executed analysis notebooks behind this paper:</p>\n"
        f"<ul>\n{items}\n</ul>\n</nav>\n"
    )
