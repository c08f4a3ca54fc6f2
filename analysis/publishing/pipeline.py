"""``panelpaper run``: from a validated snapshot to a published quarter, all or nothing.

A quarter is built in ``reports/.staging/<quarter-id>-run-<random>/`` (executed notebooks,
``figures.json``, the rendered paper, ``manifest.json``) and published by renaming that folder
to ``reports/<quarter-id>/``: on one file system the rename is atomic, so a reader sees the old
publication or the new one, never half of either.  A run that fails moves its staging folder to
``reports/.failed/<quarter-id>-<UTC time>/`` with a ``REASON.txt`` and leaves the publication
alone.

Decisions worth knowing:

- The paper's notebooks are :data:`PAPER_NOTEBOOKS`, in that order; anything else in
  ``notebooks/`` (``explore.ipynb``) is never run.  A list, not discovery, so adding a scratch
  notebook cannot change the paper.
- Reuse is decided before anything heavy is imported: if the SHA-256 of every input (this and
  all earlier snapshots, the data folder's settings, the paper notebooks, every file of the
  ``analysis`` package and the Quarto sources) and the quarter parameter equal the published
  manifest's, the publication is kept and no kernel starts.  ``--renderer auto`` accepts
  whatever renderer the publication used; naming a different one counts as a change.
- A changed input without ``--force`` is refused with exit status 1 (the data may be fine; the
  refusal protects a paper that may already have gone to the panel).  With ``--force`` the old
  publication moves to ``reports/<quarter-id>/history/<UTC time>/``, earlier history kept.
- Notebooks run with the kernel's working folder set to the notebooks' own folder, as in
  JupyterLab, with ``data_dir`` passed relative to that folder and ``quarter`` as the canonical id.
  The working folder is given to the kernel, not through papermill's ``cwd`` option, which
  changes the whole process's folder and is unsafe with notebooks running in threads.
- Kernels talk to us over IPC sockets in a private temporary folder instead of TCP ports: the
  port race between kernels started at the same moment (papermill #511, jupyter_client #487)
  cannot happen when there are no ports.
- Several notebooks run at once, ``cpu_count() + 1`` kernels by default: a kernel spends part of
  its start waiting, so one more kernel than cores keeps both cores busy.
- Failing cells are numbered from 1 in the source notebook, as a reader counts them.
- Locks are described in :mod:`analysis.publishing.locking`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.settings import load_settings
from analysis.paths import NOTEBOOKS, PROJECT_ROOT
from analysis.publishing import manifest as mf
from analysis.publishing.kernels import KernelPool, engine_name
from analysis.publishing.locking import DEFAULT_TIMEOUT, quarter_lock
from analysis.publishing.notebooks import PAPER_NOTEBOOKS
from analysis.quarters import Quarter

NOTEBOOKS_DIR = NOTEBOOKS
STAGING = ".staging"
FAILED = ".failed"
RENDERERS = ("auto", "quarto", "pandoc")
KERNEL = "python3"

Progress = Callable[[str], None]
RenderFn = Callable[[Path, str], Any]
FiguresFn = Callable[[Path, Quarter], str]
CheckFn = Callable[[Path, Quarter], tuple[object, list[Finding]]]


class PipelineError(RuntimeError):
    """The project itself is not in a state to run (a paper notebook missing, say)."""


class InvalidSnapshots(SnapshotError):
    """Errors in one or more snapshots, grouped by quarter so ``--all`` says which is which."""

    def __init__(self, by_quarter: dict[Quarter, list[Finding]]) -> None:
        super().__init__([f for findings in by_quarter.values() for f in findings])
        self.by_quarter = by_quarter
        parts = []
        for quarter, findings in by_quarter.items():
            errors = [f for f in findings if f.severity == "error"]
            parts.append(f"{quarter.id}: {len(errors)} error(s) in the input data:")
            parts.extend(f"  {f}" for f in errors)
        self.args = ("\n".join(parts),)

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class NotebookRun:
    """How one notebook went."""

    name: str
    status: str  # ok, failed, skipped
    seconds: float = 0.0
    error: str | None = None


@dataclass
class QuarterResult:
    """The outcome of running one quarter, for the CLI's exit status and for tests."""

    quarter: Quarter
    status: str  # published, reused, refused, failed
    seconds: float
    folder: Path | None = None
    failed_folder: Path | None = None
    changes: mf.Changes | None = None
    notebooks: list[NotebookRun] = field(default_factory=list)
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("published", "reused")


class _StageFailure(Exception):
    def __init__(self, reason: str, notebooks: list[NotebookRun] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.notebooks = notebooks or []


@dataclass
class _Context:
    data_dir: Path
    """Absolute; notebooks receive it relative to their own folder (see notebook_parameters)."""
    reports_dir: Path
    notebooks_dir: Path
    notebook_paths: list[Path]
    renderer: str
    force: bool
    render: RenderFn
    figures: FiguresFn
    check: CheckFn
    progress: Progress
    jobs: int
    lock_timeout: float
    execution_timeout: float | None
    prefix_quarter: bool = False
    interrupted: threading.Event = field(default_factory=threading.Event)
    """Set on Ctrl-C: notebooks not yet started are skipped and failures say why."""


@dataclass
class _Plan:
    quarter: Quarter
    files: dict[str, str]
    parameters: dict[str, str]
    decision: str  # reuse, refuse, run
    changes: mf.Changes | None = None
    published: dict | None = None


# --- defaults for the injectable steps --------------------------------------------------------
def _default_check(data_dir: Path, quarter: Quarter) -> tuple[object, list[Finding]]:
    from analysis.inputs.snapshots import check_snapshot

    return check_snapshot(data_dir, quarter)


def _default_figures(data_dir: Path, quarter: Quarter) -> str:
    from analysis.figures.record import figures_for_quarter, to_json

    return to_json(figures_for_quarter(data_dir, quarter))


def _default_render(staging: Path, renderer: str) -> Any:
    from analysis.publishing.render import render_paper

    return render_paper(staging, renderer=renderer)


# --- small helpers ---------------------------------------------------------------------------
def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime | None = None) -> str:
    """A UTC time usable as a folder name everywhere (no colons)."""
    return (moment or _utc_now()).strftime("%Y%m%dT%H%M%SZ")


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate


def _locked_progress(progress: Progress) -> Progress:
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            progress(line)

    return say


def default_jobs() -> int:
    """One warm kernel per core: a kernel's work is CPU-bound, and each extra kernel costs its
    own start-up and imports."""
    return os.cpu_count() or 1


def paper_notebooks(notebooks_dir: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Paths of the paper's notebooks; a missing one is a broken project, said before any work."""
    names = list(names) if names is not None else list(PAPER_NOTEBOOKS)
    paths = [Path(notebooks_dir) / f"{name.removesuffix('.ipynb')}.ipynb" for name in names]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise PipelineError(f"paper notebook(s) missing from {notebooks_dir}: {', '.join(missing)}")
    return paths


def _context(
    data_dir: Path,
    reports_dir: Path,
    *,
    force: bool,
    renderer: str,
    notebooks_dir: Path | None,
    notebooks: Sequence[str] | None,
    render: RenderFn | None,
    figures: FiguresFn | None,
    check: CheckFn | None,
    progress: Progress,
    jobs: int | None,
    lock_timeout: float,
    execution_timeout: float | None,
) -> _Context:
    if renderer not in RENDERERS:
        raise ValueError(f"renderer must be one of {', '.join(RENDERERS)}, not {renderer!r}")
    notebooks_dir = Path(notebooks_dir or NOTEBOOKS_DIR).resolve()
    return _Context(
        data_dir=Path(data_dir).resolve(),
        reports_dir=Path(reports_dir).resolve(),
        notebooks_dir=notebooks_dir,
        notebook_paths=paper_notebooks(notebooks_dir, notebooks),
        renderer=renderer,
        force=force,
        render=render or _default_render,
        figures=figures or _default_figures,
        check=check or _default_check,
        progress=_locked_progress(progress),
        jobs=max(1, jobs or default_jobs()),
        lock_timeout=lock_timeout,
        execution_timeout=execution_timeout,
    )


# --- deciding: reuse, refuse or run ----------------------------------------------------------
def _plan(ctx: _Context, quarter: Quarter) -> _Plan:
    # Only the paper notebooks themselves: their .py pairs hold the same cells, logic lives in
    # analysis/ (hashed as code), and the exploration notebook never reaches the paper.
    files = mf.collect_inputs(ctx.data_dir, quarter, ctx.notebook_paths)
    parameters = {"quarter": quarter.id}
    plan = _Plan(quarter, files, parameters, decision="run")
    _decide(ctx, plan)
    return plan


def _decide(ctx: _Context, plan: _Plan) -> None:
    published = mf.read_manifest(ctx.reports_dir / plan.quarter.id)
    plan.published = published
    if not (ctx.reports_dir / plan.quarter.id).exists():
        plan.decision, plan.changes = "run", None
        return
    if published is None:
        changes = mf.Changes(other=["the published folder has no readable manifest.json"])
    else:
        changes = mf.compare_inputs(published, plan.files, plan.parameters, ctx.renderer)
    plan.changes = changes
    if not changes:
        plan.decision = "reuse"
    elif ctx.force:
        plan.decision = "run"
    else:
        plan.decision = "refuse"


def _reused(ctx: _Context, plan: _Plan, started: float) -> QuarterResult:
    folder = ctx.reports_dir / plan.quarter.id
    when = (plan.published or {}).get("volatile", {}).get("finished_utc", "an earlier run")
    ctx.progress(
        f"{plan.quarter.id}: inputs unchanged since {when}; reused {folder} (no kernel started)"
    )
    _say_paper(ctx, folder)
    return QuarterResult(plan.quarter, "reused", time.perf_counter() - started, folder=folder)


PAPER_FILES = ("paper.docx", "paper.pdf", "paper.html")


def _say_paper(ctx: _Context, folder: Path) -> None:
    """Where the paper is: the last thing a person running the quarter needs to know."""
    if ctx.prefix_quarter:  # --all prints one summary table instead
        return
    for name in PAPER_FILES:
        if (folder / name).is_file():
            ctx.progress(f"  {folder / name}")


def _refused(ctx: _Context, plan: _Plan, started: float) -> QuarterResult:
    folder = ctx.reports_dir / plan.quarter.id
    lines = plan.changes.lines() if plan.changes else []
    ctx.progress(
        f"{plan.quarter.id}: refused: {folder} was published from different inputs:\n"
        + "\n".join(f"  {line}" for line in lines)
        + "\nRun again with --force to publish anew; the current publication then moves to"
        f" {folder / mf.HISTORY_DIR}/."
    )
    return QuarterResult(
        plan.quarter,
        "refused",
        time.perf_counter() - started,
        folder=folder,
        changes=plan.changes,
        reason="inputs changed",
    )


def _validate(ctx: _Context, plans: Iterable[_Plan]) -> None:
    """Every error of every quarter about to run, before any kernel or any file under reports/."""
    bad: dict[Quarter, list[Finding]] = {}
    for plan in plans:
        _, findings = ctx.check(ctx.data_dir, plan.quarter)
        errors = [f for f in findings if f.severity == "error"]
        warnings = len(findings) - len(errors)
        if errors:
            bad[plan.quarter] = list(findings)
        elif warnings:
            ctx.progress(f"{plan.quarter.id}: {warnings} warning(s) in the data (see the annex)")
    if bad:
        raise InvalidSnapshots(bad)


# --- staging, failing, publishing ------------------------------------------------------------
def _new_staging(reports_dir: Path, quarter: Quarter) -> Path:
    root = reports_dir / STAGING
    for _ in range(10):
        root.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{quarter.id}-run-", dir=root))
        except FileNotFoundError:  # another run tidied the empty root away just now
            continue
    raise PipelineError(f"could not create a staging folder under {root}")


def _tidy(reports_dir: Path) -> None:
    """Remove ``.staging`` when nothing is left in it, so a failed run leaves no trace there."""
    with contextlib.suppress(OSError):
        (reports_dir / STAGING).rmdir()


def _quarantine(reports_dir: Path, quarter: Quarter, staging: Path, reason: str) -> Path:
    # On a full disk REASON.txt may not fit; the folder must still leave .staging, and the
    # reason is printed all the same.
    with contextlib.suppress(OSError):
        (staging / "REASON.txt").write_text(reason.rstrip() + "\n", encoding="utf-8")
    root = reports_dir / FAILED
    root.mkdir(parents=True, exist_ok=True)
    target = _unique(root / f"{quarter.id}-{_stamp()}")
    os.rename(staging, target)
    return target


def _file_history(aside: Path, target: Path, stamp: str) -> Path:
    """Move a superseded publication (parked at ``aside``) into ``target/history/<stamp>``,
    carrying its own history along.  Each step is one rename, and repeating the whole function
    after an interruption finishes the job."""
    history = target / mf.HISTORY_DIR
    history.mkdir(exist_ok=True)
    old_history = aside / mf.HISTORY_DIR
    if old_history.is_dir():
        for entry in sorted(old_history.iterdir()):
            os.rename(entry, _unique(history / entry.name))
        old_history.rmdir()
    destination = _unique(history / stamp)
    os.rename(aside, destination)
    return destination


def _recover(reports_dir: Path, quarter: Quarter, progress: Progress) -> None:
    """Finish what an interrupted run of this quarter left half done.  Called with the quarter's
    lock held, so every staging folder of this quarter belongs to a run that is gone."""
    root = reports_dir / STAGING
    if not root.is_dir():
        return
    target = reports_dir / quarter.id
    for aside in sorted(root.glob(f"{quarter.id}-previous-*")):
        stamp = aside.name.removeprefix(f"{quarter.id}-previous-")
        if target.exists():
            _file_history(aside, target, stamp)
            progress(
                f"  recovered: filed an interrupted run's old publication under history/{stamp}"
            )
        else:
            os.rename(aside, target)
            progress(f"  recovered: restored {target} after an interrupted publish")
    for stale in sorted(root.glob(f"{quarter.id}-run-*")):
        moved = _quarantine(
            reports_dir, quarter, stale, "The run that staged this was interrupted."
        )
        progress(f"  recovered: moved an interrupted run's staging to {moved}")


def _publish(
    reports_dir: Path, quarter: Quarter, staging: Path, progress: Progress | None = None
) -> Path:
    """Rename the staged quarter into place; an existing publication goes to its history.

    Order: park the old one in ``.staging``, rename the new one in, then file the old one under
    the new one's ``history/``.  Between the renames the quarter is briefly absent, never mixed;
    an interruption anywhere is finished by :func:`_recover` on the next run.

    An error (a full disk) before the new one is in place puts the old one back and raises, so
    the caller quarantines the staging folder.  Once the new one is in place the quarter is
    published: failing to file the old one is said, and the parked folder is filed by the next
    run of the quarter (reused or not, see :func:`_recover_parked`).
    """
    target = reports_dir / quarter.id
    if not target.exists():
        os.rename(staging, target)
        return target
    stamp = _stamp()
    aside = _unique(reports_dir / STAGING / f"{quarter.id}-previous-{stamp}")
    os.rename(target, aside)
    try:
        os.rename(staging, target)
    except BaseException:
        os.rename(aside, target)
        raise
    try:
        _file_history(aside, target, aside.name.removeprefix(f"{quarter.id}-previous-"))
    except OSError as exc:
        if progress is not None:
            progress(
                f"  {quarter.id}: the previous publication could not be filed under history/"
                f" ({exc}); it is kept whole in {aside} and the next run files it"
            )
    return target


def _recover_parked(ctx: _Context, quarter: Quarter) -> None:
    """Finish an interrupted publish before deciding anything, so a rerun that reuses the
    publication (and so never builds) still files a parked old publication under history/."""
    if not any((ctx.reports_dir / STAGING).glob(f"{quarter.id}-previous-*")):
        return
    with quarter_lock(ctx.reports_dir, quarter, timeout=ctx.lock_timeout, progress=ctx.progress):
        _recover(ctx.reports_dir, quarter, ctx.progress)
        _tidy(ctx.reports_dir)


# --- executing -------------------------------------------------------------------------------
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
    import nbformat

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


def _describe_failure(exc: BaseException, source: Path, output: Path) -> str:
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        # cell_index counts the notebook as executed: the source plus the injected cell.
        import nbformat

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


_PAPERMILL_LOCK = threading.Lock()


def import_papermill() -> Any:
    """papermill, after jsonschema has been loaded the quick way (see analysis.lazy).

    Serialised: notebooks start in several threads at once, and concurrent first imports of
    the same modules deadlock on Python's module locks."""
    from analysis.lazy import import_jsonschema

    with _PAPERMILL_LOCK:
        import_jsonschema()
        import papermill

    return papermill


WARM_UP = (
    "import IPython.display, pandas, seaborn, matplotlib.pyplot\n"
    "import analysis.presentation.paper, analysis.presentation.plots\n"
    "import io\n"
    "analysis.presentation.plots.use_house_style()\n"
    "fig, ax = matplotlib.pyplot.subplots(layout='constrained')\n"
    "ax.barh(['warm'], [1])\n"
    "fig.savefig(io.BytesIO(), format='png')\n"
    "matplotlib.pyplot.close(fig)\n"
)
"""What every paper notebook imports, loaded once per kernel (see analysis.publishing.kernels), and one
chart drawn and thrown away so that the first real chart does not pay for loading fonts and
the renderer.  The kernel's namespace is reset after this, before any notebook runs."""


def execute_notebook(
    source: Path,
    output: Path,
    parameters: dict[str, str],
    kernels: KernelPool,
    execution_timeout: float | None,
) -> None:
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


def notebook_parameters(ctx: _Context, quarter: Quarter) -> dict[str, str]:
    """What papermill injects.  ``data_dir`` is written relative to the notebooks' folder (the
    kernel's working folder) so that the published notebooks carry no machine's absolute path
    and a fresh clone anywhere reruns them to the same outputs."""
    return {
        "quarter": quarter.id,
        "data_dir": Path(os.path.relpath(ctx.data_dir, ctx.notebooks_dir)).as_posix(),
    }


def _run_notebook(
    ctx: _Context, quarter: Quarter, source: Path, out_dir: Path, kernels: KernelPool
) -> NotebookRun:
    started = time.perf_counter()
    output = out_dir / source.name
    parameters = notebook_parameters(ctx, quarter)
    if ctx.interrupted.is_set():
        return NotebookRun(source.name, "skipped", error=INTERRUPTED)
    try:
        execute_notebook(source, output, parameters, kernels, ctx.execution_timeout)
    except Exception as exc:
        run = NotebookRun(
            source.name,
            "failed",
            time.perf_counter() - started,
            _describe_failure(exc, source, output),
        )
    else:
        settle_notebook(output, source.name)
        run = NotebookRun(source.name, "ok", time.perf_counter() - started)
    _say_notebook(ctx, quarter, run)
    return run


VOLATILE_TIMES = ("start_time", "end_time", "duration")


def settle_notebook(path: Path, name: str) -> None:
    """Drop what only says when and where a run happened from an executed notebook.

    papermill and nbclient stamp every cell with clock times and the notebook with the staging
    folder's absolute path; none of it is analysis, and it would make two runs of the same
    quarter differ byte for byte and put a machine's paths in the publication.  Run times are
    kept in the manifest instead, and the injected parameters cell gets a fixed id in place of
    papermill's random one.  Failed runs keep everything, for debugging."""
    import nbformat

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


def _say_notebook(ctx: _Context, quarter: Quarter, run: NotebookRun) -> None:
    lead = f"  {quarter.id}  " if ctx.prefix_quarter else "  "
    line = f"{lead}{run.name:<24} {run.status:<7} {run.seconds:5.1f} s"
    if run.error:
        line += f"\n{lead}    {run.error}"
    ctx.progress(line)


def longest_first(notebooks: Sequence[Path]) -> list[Path]:
    """The order to start notebooks in: the largest stored notebook first.

    A stored notebook's size is mostly its reference outputs, charts above all, so it ranks
    notebooks by how long they take; starting the long ones first keeps every kernel busy to
    the end (longest-processing-time-first scheduling) instead of leaving one long notebook
    to run alone.  Ties keep the given order."""
    return sorted(notebooks, key=lambda path: -path.stat().st_size)


def _execute(
    ctx: _Context, plan: _Plan, staging: Path, pool: ThreadPoolExecutor, kernels: KernelPool
) -> list[NotebookRun]:
    """Every notebook through the shared kernel pool, figures.json meanwhile in this thread."""
    out_dir = staging / "notebooks"
    out_dir.mkdir()
    import_papermill()  # here, once, before any worker thread imports it
    submitted = {
        path: pool.submit(_run_notebook, ctx, plan.quarter, path, out_dir, kernels)
        for path in longest_first(ctx.notebook_paths)
    }
    futures = [(path, submitted[path]) for path in ctx.notebook_paths]
    try:
        return _collect(ctx, plan, staging, futures)
    except KeyboardInterrupt:
        _stop(ctx, [future for _, future in futures], kernels)
        raise


def _collect(
    ctx: _Context, plan: _Plan, staging: Path, futures: list[tuple[Path, Future[NotebookRun]]]
) -> list[NotebookRun]:
    failure: str | None = None
    try:
        text = ctx.figures(ctx.data_dir, plan.quarter)
        (staging / "figures.json").write_bytes(text.encode("utf-8"))
    except Exception as exc:
        failure = f"figures.json: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        for _, future in futures:
            future.cancel()
    runs: list[NotebookRun] = []
    for path, future in futures:
        if future.cancelled():
            runs.append(NotebookRun(path.name, "skipped"))
            continue
        run = future.result()
        runs.append(run)
        if run.status == "failed" and failure is None:
            failure = f"{run.name} failed at {run.error}"
            for _, later in futures:
                later.cancel()
    if failure is None and ctx.interrupted.is_set():
        failure = INTERRUPTED
    if failure:
        raise _StageFailure(failure, runs)
    return runs


INTERRUPTED = "interrupted (Ctrl-C) before the run finished; nothing was published"


def _stop(ctx: _Context, futures: Sequence[Future[Any]], kernels: KernelPool) -> None:
    """After Ctrl-C: start no more notebooks or kernels, end this run's kernels (they run in
    sessions of their own, so the terminal's Ctrl-C never reached them) and wait for the
    threads that drove them, so nothing writes into the staging folder once it is
    quarantined."""
    ctx.interrupted.set()
    kernels.close()
    for future in futures:
        future.cancel()
    pending = [f for f in futures if not f.done()]
    while pending:
        _stop_kernels(kernels.kernel_dir)
        pending = [f for f in futures if not f.done()]
        if pending:
            wait(pending, timeout=0.5)


def _stop_kernels(kernel_dir: Path) -> None:
    """Kill the kernels this process started for this run: those whose command line names
    ``kernel_dir`` (their connection file is there)."""
    import psutil

    marker = str(kernel_dir)
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if any(marker in part for part in child.cmdline()):
                child.kill()


def _render(ctx: _Context, plan: _Plan, staging: Path, pool: ThreadPoolExecutor) -> Any:
    started = time.perf_counter()
    lead = f"  {plan.quarter.id}  " if ctx.prefix_quarter else "  "
    future = pool.submit(ctx.render, staging, ctx.renderer)
    try:
        try:
            result = future.result()
        except KeyboardInterrupt:
            # The renderer's own children got the Ctrl-C too; let the thread finish before
            # the staging folder it writes into is moved.
            ctx.interrupted.set()
            wait([future], timeout=60)
            raise
        missing = [str(p) for p in result.outputs.values() if not Path(p).is_file()]
        if missing:
            raise PipelineError(f"the renderer reported files it did not write: {missing}")
    except Exception as exc:
        ctx.progress(f"{lead}{'render':<24} failed  {time.perf_counter() - started:5.1f} s")
        raise _StageFailure(
            f"render: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        ) from exc
    names = ", ".join(sorted(Path(p).name for p in result.outputs.values()))
    ctx.progress(
        f"{lead}{'render (' + result.renderer + ')':<24} ok      "
        f"{time.perf_counter() - started:5.1f} s  {names}"
    )
    return result


def _build(
    ctx: _Context, plan: _Plan, pool: ThreadPoolExecutor, kernels: KernelPool
) -> QuarterResult:
    """Stage, publish or quarantine one quarter; the caller has validated its snapshot."""
    started = time.perf_counter()
    q = plan.quarter
    with quarter_lock(ctx.reports_dir, q, timeout=ctx.lock_timeout, progress=ctx.progress):
        _recover(ctx.reports_dir, q, ctx.progress)
        _decide(ctx, plan)  # another run may have published while we waited for the lock
        if plan.decision == "reuse":
            return _reused(ctx, plan, started)
        if plan.decision == "refuse":
            return _refused(ctx, plan, started)
        if ctx.interrupted.is_set():  # Ctrl-C while this quarter waited for its turn
            return QuarterResult(q, "failed", time.perf_counter() - started, reason=INTERRUPTED)
        staging = _new_staging(ctx.reports_dir, q)
        began = _utc_now()
        runs: list[NotebookRun] = []
        try:
            runs = _execute(ctx, plan, staging, pool, kernels)
            result = _render(ctx, plan, staging, pool)
            finished = _utc_now()
            document = mf.build_manifest(
                quarter=q,
                files=plan.files,
                parameters=plan.parameters,
                notebooks=[p.name for p in ctx.notebook_paths],
                renderer=result.renderer,
                renderer_versions=dict(result.versions),
                outputs=mf.output_hashes(staging),
                column_map=load_settings(ctx.data_dir).columns,
                volatile={
                    "started_utc": began.isoformat(timespec="seconds"),
                    "finished_utc": finished.isoformat(timespec="seconds"),
                    "seconds": round(time.perf_counter() - started, 2),
                    "notebook_seconds": {r.name: round(r.seconds, 2) for r in runs},
                    "render_seconds": getattr(result, "seconds", None),
                    "notebook_parameters": notebook_parameters(ctx, q),
                    "renderer_requested": ctx.renderer,
                    "git": mf.git_state(PROJECT_ROOT),
                },
            )
            mf.write_manifest(staging, document)
            try:
                folder = _publish(ctx.reports_dir, q, staging, ctx.progress)
            except OSError as exc:  # a full disk, say; the old publication is back in place
                raise _StageFailure(f"publish: {type(exc).__name__}: {exc}") from exc
        except _StageFailure as failure:
            runs = failure.notebooks or runs
            if ctx.interrupted.is_set() and failure.reason != INTERRUPTED:
                failure.reason = f"{INTERRUPTED}\n\n{failure.reason}"
            moved = _quarantine(ctx.reports_dir, q, staging, f"{q.id}: {failure.reason}")
            ctx.progress(f"{q.id}: FAILED: {failure.reason.splitlines()[0]}")
            ctx.progress(f"  staging kept in {moved} (see REASON.txt); publication untouched")
            return QuarterResult(
                q,
                "failed",
                time.perf_counter() - started,
                failed_folder=moved,
                notebooks=runs,
                reason=failure.reason,
            )
        except KeyboardInterrupt:
            ctx.interrupted.set()
            if staging.exists():
                moved = _quarantine(ctx.reports_dir, q, staging, f"{q.id}: {INTERRUPTED}")
                ctx.progress(f"{q.id}: {INTERRUPTED}; staging kept in {moved}")
            raise
        except BaseException:
            if staging.exists():
                _quarantine(ctx.reports_dir, q, staging, f"{q.id}: {traceback.format_exc()}")
            raise
        finally:
            _tidy(ctx.reports_dir)
        seconds = time.perf_counter() - started
        superseded = " (previous publication moved to history/)" if plan.changes else ""
        lead = f"  {q.id}  " if ctx.prefix_quarter else "  "
        ctx.progress(f"{lead}{'publish':<24} ok      {folder}{superseded}")
        ctx.progress(f"{q.id}: published to {folder} in {seconds:.1f} s")
        _say_paper(ctx, folder)
        return QuarterResult(q, "published", seconds, folder=folder, notebooks=runs)


def _kernel_dir() -> Path:
    """Short private folder for kernel connection files and IPC sockets (a Unix socket path
    must stay under about 100 characters)."""
    return Path(tempfile.mkdtemp(prefix="pp-kernels-"))


def _kernel_pool(ctx: _Context, kernel_dir: Path) -> KernelPool:
    """The run's warm kernels, one per notebook thread, in the notebooks' folder (the working
    folder their relative ``data_dir`` parameter is written for)."""

    def ready(number: int, seconds: float) -> None:
        ctx.progress(f"  {f'kernel {number} (warm-up)':<24} ok      {seconds:5.1f} s")

    return KernelPool(
        kernel_dir, ctx.notebooks_dir, kernel_name=KERNEL, warm_up=WARM_UP, on_ready=ready
    )


# --- public entry points ---------------------------------------------------------------------
def run_quarter(
    data_dir: Path,
    reports_dir: Path,
    quarter: Quarter | str,
    *,
    force: bool = False,
    renderer: str = "auto",
    notebooks_dir: Path | None = None,
    notebooks: Sequence[str] | None = None,
    render: RenderFn | None = None,
    figures: FiguresFn | None = None,
    check: CheckFn | None = None,
    progress: Progress = print,
    jobs: int | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
    execution_timeout: float | None = None,
) -> QuarterResult:
    """Run one quarter: reuse, refuse, or validate, execute, render and publish.

    Raises :class:`SnapshotError` (subclass :class:`InvalidSnapshots`) when the snapshot has
    errors, before any kernel starts or anything is written under ``reports_dir``.
    """
    started = time.perf_counter()
    quarter = Quarter.parse(quarter)
    ctx = _context(
        data_dir,
        reports_dir,
        force=force,
        renderer=renderer,
        notebooks_dir=notebooks_dir,
        notebooks=notebooks,
        render=render,
        figures=figures,
        check=check,
        progress=progress,
        jobs=jobs,
        lock_timeout=lock_timeout,
        execution_timeout=execution_timeout,
    )
    _recover_parked(ctx, quarter)
    plan = _plan(ctx, quarter)
    if plan.decision == "reuse":
        return _reused(ctx, plan, started)
    if plan.decision == "refuse":
        return _refused(ctx, plan, started)
    _validate(ctx, [plan])
    kernel_dir = _kernel_dir()
    kernels = _kernel_pool(ctx, kernel_dir)
    try:
        with ThreadPoolExecutor(ctx.jobs, thread_name_prefix="kernel") as pool:
            kernels.start_in(pool, min(ctx.jobs, len(ctx.notebook_paths)))
            return _build(ctx, plan, pool, kernels)
    finally:
        kernels.shutdown()
        shutil.rmtree(kernel_dir, ignore_errors=True)


def run_all(
    data_dir: Path,
    reports_dir: Path,
    *,
    quarters: Sequence[Quarter] | None = None,
    force: bool = False,
    renderer: str = "auto",
    notebooks_dir: Path | None = None,
    notebooks: Sequence[str] | None = None,
    render: RenderFn | None = None,
    figures: FiguresFn | None = None,
    check: CheckFn | None = None,
    progress: Progress = print,
    jobs: int | None = None,
    lock_timeout: float = DEFAULT_TIMEOUT,
    execution_timeout: float | None = None,
) -> list[QuarterResult]:
    """Every quarter (default: every snapshot), validated first, built in parallel.

    All quarters' notebooks share one pool of ``jobs`` kernels, so the machine stays busy
    across quarter boundaries instead of idling while one quarter renders.
    """
    started = time.perf_counter()
    ctx = _context(
        data_dir,
        reports_dir,
        force=force,
        renderer=renderer,
        notebooks_dir=notebooks_dir,
        notebooks=notebooks,
        render=render,
        figures=figures,
        check=check,
        progress=progress,
        jobs=jobs,
        lock_timeout=lock_timeout,
        execution_timeout=execution_timeout,
    )
    ctx.prefix_quarter = True
    if quarters is None:
        from analysis.inputs.snapshots import list_quarters

        quarters = list_quarters(ctx.data_dir)
    for q in quarters:
        _recover_parked(ctx, Quarter.parse(q))
    plans = [_plan(ctx, Quarter.parse(q)) for q in quarters]
    _validate(ctx, [p for p in plans if p.decision == "run"])
    results: dict[Quarter, QuarterResult] = {}
    for plan in plans:
        if plan.decision == "reuse":
            results[plan.quarter] = _reused(ctx, plan, time.perf_counter())
        elif plan.decision == "refuse":
            results[plan.quarter] = _refused(ctx, plan, time.perf_counter())
    to_build = [p for p in plans if p.decision == "run"]
    if to_build:
        kernel_dir = _kernel_dir()
        kernels = _kernel_pool(ctx, kernel_dir)
        try:
            with (
                ThreadPoolExecutor(ctx.jobs, thread_name_prefix="kernel") as pool,
                ThreadPoolExecutor(len(to_build), thread_name_prefix="quarter") as quarters_pool,
            ):
                kernels.start_in(pool, min(ctx.jobs, len(ctx.notebook_paths) * len(to_build)))
                built = [quarters_pool.submit(_build, ctx, p, pool, kernels) for p in to_build]
                try:
                    for future in built:
                        result = future.result()
                        results[result.quarter] = result
                except KeyboardInterrupt:
                    # Each quarter's thread then fails its build and quarantines its staging
                    # as interrupted.
                    _stop(ctx, built, kernels)
                    raise
        finally:
            kernels.shutdown()
            shutil.rmtree(kernel_dir, ignore_errors=True)
    ordered = [results[p.quarter] for p in plans]
    ctx.progress(summary_table(ordered, time.perf_counter() - started))
    return ordered


def summary_table(results: Sequence[QuarterResult], seconds: float) -> str:
    lines = [f"{'quarter':<12} {'status':<10} {'seconds':>8}"]
    for r in results:
        lines.append(f"{r.quarter.id:<12} {r.status:<10} {r.seconds:8.1f}")
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results)} quarter(s), {failed} not published, {seconds:.1f} s in all")
    return "\n".join(lines)


def latest_snapshot(data_dir: Path) -> Quarter | None:
    """The newest snapshot by folder name, without importing the loader (and pandas) so that an
    unchanged rerun stays quick.  None when a folder name is not a canonical quarter id: the
    loader's ``latest_quarter`` then gives the proper error."""
    root = Path(data_dir) / "snapshots"
    found = []
    for child in root.iterdir() if root.is_dir() else ():
        if not child.is_dir() or child.name.startswith("."):
            continue
        try:
            quarter = Quarter.parse(child.name)
        except ValueError:
            return None
        if quarter.id != child.name:
            return None
        found.append(quarter)
    return max(found) if found else None
