"""The Quarto renderer: one ``quarto render`` of the staged project draws all three formats.

Quarto embeds the stored cell outputs (``{{< embed >}}``), numbers figures, tables and
sections, and draws the PDF with Typst.  It only reads the notebooks' stored outputs:
papermill is the one engine that runs code (``execute: enabled: false`` in ``_quarto.yml``).

One process for the three formats, because each Quarto process pays about a CPU second of its
own (Deno, Quarto's modules, the project) before any format is drawn: three processes side by
side used about 60 % more CPU than one and were no faster on two cores
(benchmarks/RENDERERS_RESULTS.md).  Where the time goes is each format's Pandoc pass, in
which Quarto's seventy-odd Lua filters walk the whole paper (about a CPU second per format for
this paper, measured filter by filter), not the embeds: the same paper with its outputs
already inlined renders no faster.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from analysis.publishing.paper_sources import RenderError, reproducible_env

QUARTO_HELP = (
    "the Quarto CLI is not on PATH: create the conda environment from environment.yml "
    "(`conda env create -f environment.yml`, it installs Quarto from conda-forge) or install "
    "Quarto for your user from https://quarto.org/docs/get-started/"
)
QUARTO_TIMEOUT = 900


def quarto_path() -> str | None:
    """The Quarto CLI on PATH, if any."""
    return shutil.which("quarto")


@functools.cache
def quarto_version(quarto: str) -> str:
    """``quarto --version``, asked once per Quarto and process: each call starts Deno (about
    a second), and a render asks for it twice (the annex, then the manifest)."""
    result = subprocess.run([quarto, "--version"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def render_with_quarto(staging: Path) -> None:
    """Render the staged project with Quarto, all formats in one process (one Deno start)."""
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
