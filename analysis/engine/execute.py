"""The paper's notebooks executed by papermill on the run's warm kernels.

Why this is its own step, and what it promises:

- Notebooks run with the kernel's working folder set to the notebooks' own folder, as in
  JupyterLab, with ``data_dir`` passed relative to that folder and ``quarter`` as the canonical
  id.  The working folder is given to the kernel, not through papermill's ``cwd`` option,
  which changes the whole process's folder and is unsafe with notebooks running in threads.
- Several notebooks run at once, one warm kernel per core by default (see
  :mod:`analysis.engine.kernels`), the largest first so no kernel is left with a long
  notebook at the end.
- A failing cell is numbered from 1 in the source notebook, as a reader counts it.
- An executed notebook is settled: the clock times and absolute paths papermill stamps on it
  are dropped, so two runs of a quarter publish the same bytes and no machine's paths.

``panelpaper verify`` reruns archived notebooks through :func:`execute_notebook` too, so a
verification executes them exactly as a run does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from analysis.engine.interrupt import INTERRUPTED
from analysis.engine.kernels import KernelPool, engine_name
from analysis.engine.lazy import import_nbformat, import_papermill
from analysis.quarters import Quarter

KERNEL = "python3"

PRELOAD = (
    "import IPython.display, pandas, seaborn, matplotlib.pyplot\n"
    "import analysis.presentation.paper, analysis.presentation.plots\n"
    "import analysis.engine.lazy\n"
    "analysis.engine.lazy.import_jsonschema()\n"
)
"""What every paper notebook imports: loaded once in the factory the kernels are forked from
(analysis.engine.kernel_factory), and again by each kernel's warm-up where kernels cannot
be forked.  jsonschema too: every notebook checks its settings and rules files with it
(:mod:`analysis.inputs.declared`), and its import (measured: 0.5 s in a fresh process) belongs
in the warm-up, not in each notebook's own run."""

WARM_UP = (
    "import gc\n"
    "gc.disable()\n" + PRELOAD + "import io\n"
    "analysis.presentation.plots.use_house_style()\n"
    "fig, ax = matplotlib.pyplot.subplots(layout='constrained')\n"
    "ax.barh(['warm'], [1])\n"
    "fig.savefig(io.BytesIO(), format='png')\n"
    "matplotlib.pyplot.close(fig)\n"
    "gc.enable()\n"
    "gc.freeze()\n"
)
"""What every paper notebook imports, loaded once per kernel (see analysis.engine.kernels),
and one chart drawn and thrown away so that the first real chart does not pay for loading fonts
and the renderer.  The kernel's namespace is reset after this, before any notebook runs.

The garbage collector is off while the modules load (collecting in the middle of imports finds
nothing to free and cost 0.06 s per kernel), and what they loaded is then frozen
(:func:`gc.freeze`): later collections skip those objects, which never become garbage.  The
reset before each notebook ends in a full collection (IPython's ``reset``), which fell from
about 70 ms to under 10 ms, and the notebooks' own collections are as much shorter."""

VOLATILE_TIMES = ("start_time", "end_time", "duration")


@dataclass
class NotebookRun:
    """How one notebook went."""

    name: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str | None = None


def default_jobs() -> int:
    """One warm kernel per core: a kernel's work is CPU-bound, and each extra kernel costs its
    own start-up and imports."""
    return os.cpu_count() or 1


@contextlib.contextmanager
def warm_kernels(
    notebooks_dir: Path, on_ready: Callable[[int, float], None] | None = None
) -> Iterator[KernelPool]:
    """The run's warm kernels, one per notebook thread, in the notebooks' folder (the working
    folder their relative ``data_dir`` parameter is written for).  Their connection files and
    IPC sockets are in a short private folder (a Unix socket path must stay under about 100
    characters), removed with the kernels at the end."""
    kernel_dir = Path(tempfile.mkdtemp(prefix="pp-kernels-"))
    kernels = KernelPool(
        kernel_dir,
        notebooks_dir,
        kernel_name=KERNEL,
        warm_up=WARM_UP,
        preload=PRELOAD,
        on_ready=on_ready,
    )
    try:
        yield kernels
    finally:
        kernels.shutdown()
        shutil.rmtree(kernel_dir, ignore_errors=True)


def notebook_parameters(data_dir: Path, notebooks_dir: Path, quarter: Quarter) -> dict[str, str]:
    """What papermill injects.  ``data_dir`` is written relative to the notebooks' folder (the
    kernel's working folder) so that the published notebooks carry no machine's absolute path
    and a fresh clone anywhere reruns them to the same outputs."""
    return {
        "quarter": quarter.id,
        "data_dir": Path(os.path.relpath(data_dir, notebooks_dir)).as_posix(),
    }


def execute_notebook(
    source: Path,
    output: Path,
    parameters: dict[str, str],
    kernels: KernelPool,
    execution_timeout: float | None,
) -> None:
    """papermill executing ``source`` into ``output`` on this thread's warm kernel."""
    papermill = import_papermill()
    engine = engine_name()
    with kernels.lease() as kernel:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            engine_name=engine,
            warm_kernel=kernel,
            # Written once at the end (or where it stopped, on failure) rather than twice
            # per cell: the notebooks are short, and each write is the whole notebook.
            request_save_on_cell_execute=False,
            failure_output=str(output),
            kernel_name=KERNEL,
            progress_bar=False,
            log_output=False,
            execution_timeout=execution_timeout,
        )


def settle_notebook(path: Path, name: str) -> None:
    """Drop what only says when and where a run happened from an executed notebook.

    papermill and nbclient stamp every cell with clock times and the notebook with the staging
    folder's absolute path; none of it is analysis, and it would make two runs of the same
    quarter differ byte for byte and put a machine's paths in the publication.  Run times are
    kept in the manifest instead, and the injected parameters cell gets a fixed id in place of
    papermill's random one.  Failed runs keep everything, for debugging."""
    nbformat = import_nbformat()

    notebook = nbformat.read(path, as_version=4)
    papermill = notebook.metadata.get("papermill", {})
    for key in VOLATILE_TIMES:
        papermill.pop(key, None)
    if papermill:
        papermill["input_path"] = papermill["output_path"] = f"notebooks/{name}"
    for cell in notebook.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill gives it a random id on every run
        cell.metadata.pop("execution", None)
        for key in VOLATILE_TIMES:
            cell.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(notebook, path)


def longest_first(notebooks: Sequence[Path]) -> list[Path]:
    """The order to start notebooks in: the largest stored notebook first.

    A stored notebook's size is mostly its reference outputs, charts above all, so it ranks
    notebooks by how long they take; starting the long ones first keeps every kernel busy to
    the end (longest-processing-time-first scheduling) instead of leaving one long notebook
    to run alone.  Ties keep the given order."""
    return sorted(notebooks, key=lambda path: -path.stat().st_size)


# --- saying where a notebook failed ------------------------------------------------------------
def _source_cell(cells: list[dict], executed_index: int) -> tuple[int, str]:
    """Number (from 1) in the source notebook and first line of an executed notebook's cell,
    skipping what papermill added (the injected parameters, its error markers)."""
    number = 0
    for index, cell in enumerate(cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        number += 1
        if index == executed_index:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            first = next((ln for ln in source.splitlines() if ln.strip()), "")
            return number, first.strip()
    return executed_index + 1, ""


def _last_started_cell(output: Path) -> tuple[int, str] | None:
    """The cell a kernel was running when it died: the last one papermill stamped a start on."""
    nbformat = import_nbformat()

    try:
        nb = nbformat.read(output, as_version=4)
    except Exception:
        return None
    started = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    return _source_cell(nb.cells, started[-1]) if started else None


def describe_failure(exc: BaseException, source: Path, output: Path) -> str:
    """``cell N (In [k]) `first line`: Error: message``, counting cells as a reader does."""
    from papermill.exceptions import PapermillExecutionError  # measured: papermill 0.6-2 s

    if isinstance(exc, PapermillExecutionError):
        # cell_index counts the notebook as executed: the source plus the injected cell.
        nbformat = import_nbformat()

        cells = nbformat.read(source, as_version=4).cells
        injected_at = next(
            (i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])), -1
        )
        source_index = exc.cell_index - (1 if exc.cell_index > injected_at else 0)
        number, first = _source_cell(cells, source_index)
        return f"cell {number} (In [{exc.exec_count}]) `{first}`: {exc.ename}: {exc.evalue}"
    cell = _last_started_cell(output)
    where = f"cell {cell[0]} `{cell[1]}`: " if cell else ""
    return f"{where}{type(exc).__name__}: {exc}"


# --- a quarter's notebooks ---------------------------------------------------------------------
@dataclass
class QuarterNotebooks:
    """One quarter's notebooks as submitted to the shared kernel pool, in the paper's order."""

    futures: list[tuple[Path, Future[NotebookRun]]]
    interrupted: threading.Event

    def cancel(self) -> None:
        """Start none of the notebooks that have not started yet."""
        for _, future in self.futures:
            future.cancel()

    def finish(self, failure: str | None = None) -> tuple[list[NotebookRun], str | None]:
        """Wait for every notebook; (how each went, why the quarter failed or None).

        ``failure``: the quarter already failed (its figures, say), and the notebooks not yet
        started were cancelled.  The first notebook to fail cancels those after it."""
        runs: list[NotebookRun] = []
        for path, future in self.futures:
            if future.cancelled():
                runs.append(NotebookRun(path.name, "skipped"))
                continue
            run = future.result()
            runs.append(run)
            if run.status == "failed" and failure is None:
                failure = f"{run.name} failed at {run.error}"
                self.cancel()
        if failure is None and self.interrupted.is_set():
            failure = INTERRUPTED
        return runs, failure


def start_notebooks(
    notebooks: Sequence[Path],
    out_dir: Path,
    parameters: dict[str, str],
    *,
    pool: ThreadPoolExecutor,
    kernels: KernelPool,
    execution_timeout: float | None,
    interrupted: threading.Event,
    done: Callable[[NotebookRun], None],
) -> QuarterNotebooks:
    """Submit every notebook to ``pool``, the largest first, each executed into ``out_dir`` on
    a warm kernel; ``done`` hears of each as it finishes (in its kernel's thread)."""
    out_dir.mkdir()
    import_papermill()  # here, once, before any worker thread imports it

    def run(source: Path) -> NotebookRun:
        started = time.perf_counter()
        output = out_dir / source.name
        if interrupted.is_set():
            return NotebookRun(source.name, "skipped", error=INTERRUPTED)
        try:
            execute_notebook(source, output, parameters, kernels, execution_timeout)
        except Exception as exc:
            outcome = NotebookRun(
                source.name,
                "failed",
                time.perf_counter() - started,
                describe_failure(exc, source, output),
            )
        else:
            settle_notebook(output, source.name)
            outcome = NotebookRun(source.name, "ok", time.perf_counter() - started)
        done(outcome)
        return outcome

    submitted = {path: pool.submit(run, path) for path in longest_first(notebooks)}
    return QuarterNotebooks([(path, submitted[path]) for path in notebooks], interrupted)
