"""The Quarto renderer: ``quarto render`` of the staged project, one process per format.

Quarto embeds the stored cell outputs (``{{< embed >}}``), numbers figures, tables and
sections, and draws the PDF with Typst.  It only reads the notebooks' stored outputs:
papermill is the one engine that runs code (``execute: enabled: false`` in ``_quarto.yml``).

Each format is drawn by its own ``quarto render --to FORMAT``, the three side by side.  One
process drawing all three works through them one after another on one core, and nearly all
of its time is each format's Pandoc pass, in which Quarto's seventy-odd Lua filters walk the
whole paper (about 0.8 s of CPU per format for this paper, measured filter by filter), not
Deno's start-up: the same paper with its outputs already inlined renders no faster.  Side by
side on two cores the three finish in 3.7 s where one process took 4.4 s, although each pays
Deno's start-up again (benchmarks/RENDERERS_RESULTS.md).  The three write the same files as
one process would (compared byte for byte): each writes only its own output and its own
``paper_files/figure-FORMAT`` folder.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from analysis.publishing.render.formats import PAPER_FORMATS
from analysis.publishing.render.paper_sources import reproducible_env
from analysis.publishing.render.renderer import Renderer, RenderError

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


class QuartoRenderer(Renderer):
    """The Quarto CLI, preferred by ``--renderer auto`` wherever it is on PATH."""

    auto_rank = 0
    missing_help = QUARTO_HELP

    def available(self) -> bool:
        return quarto_path() is not None

    def versions(self) -> dict[str, str]:
        return {"quarto": quarto_version(quarto_path() or "quarto")}

    def describe(self, requested: bool) -> str:
        return f"Quarto {self.versions()['quarto']} ({quarto_path()})"

    def annex_text(self) -> str:
        return f"Quarto {self.versions().get('quarto', 'unknown version')}"

    def draw(self, staging: Path) -> list[str]:
        render_with_quarto(staging)
        return []


def render_with_quarto(staging: Path) -> None:
    """Render the staged project with Quarto, each format of
    :mod:`~analysis.publishing.render.formats` in its own process, side by side (see the module
    docstring); the first failure is reported.  Each process's messages go to a file rather
    than a pipe, so that none can stall on a full pipe while another is being waited for."""
    quarto = quarto_path() or "quarto"
    env = reproducible_env(staging)
    formats = [fmt.quarto for fmt in PAPER_FORMATS]
    deadline = time.monotonic() + QUARTO_TIMEOUT
    with contextlib.ExitStack() as stack:
        running = []
        for fmt in formats:
            log = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            process = subprocess.Popen(
                [quarto, "render", "--to", fmt],
                cwd=staging,
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
            )
            stack.callback(_stop, process)
            running.append((fmt, process, log))
        failures = []
        for fmt, process, log in running:
            try:
                status = process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise RenderError(f"quarto render took longer than {QUARTO_TIMEOUT} s") from None
            if status != 0:
                log.seek(0)
                failures.append(f"quarto render --to {fmt} failed ({status}):\n{log.read()}")
    if failures:
        raise RenderError(failures[0])
    _forget_staging_path(staging / "paper.html", staging)


def _stop(process: subprocess.Popen) -> None:
    """A render left running (timeout, Ctrl-C, another format's failure to start) is killed."""
    if process.poll() is None:
        process.kill()
        process.wait()


def _forget_staging_path(page: Path, staging: Path) -> None:
    """Quarto marks each embedded cell with its notebook's absolute path (``data-notebook``),
    which would publish the staging folder's random name and the publisher's file system,
    and make no two renders of a quarter alike.  The notebooks are published beside the
    paper, so the path relative to it is the true one."""
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f"{staging.as_posix()}/", ""), encoding="utf-8")
