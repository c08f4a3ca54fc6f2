"""``panelpaper run``: the recipe from a validated snapshot to a published quarter.

Read :func:`run_quarter` and :func:`build_quarter` top to bottom for the whole run; each step
is one call to the module that owns it:

1. reuse or refuse an unchanged or changed publication  (:mod:`analysis.publishing.record.reuse`)
2. validate the snapshot                                 (:func:`validate`)
3. figures.json and the paper staged, while the notebooks run on warm kernels
                                                         (:mod:`analysis.engine.execute`)
4. draw the paper once the notebooks are done            (:mod:`analysis.publishing.render.paper`)
5. write the manifest                                    (:mod:`analysis.publishing.record.manifest`)
6. publish in one step, or quarantine the staging folder (:mod:`analysis.publishing.record.publish`)

Ctrl-C is handled by :mod:`analysis.engine.interrupt`, progress lines are formatted by
:mod:`analysis.publishing.progress`, locks are described in :mod:`analysis.publishing.record.locking`.
Every choice a caller can make is in one :class:`analysis.publishing.options.Options`, the
same type ``verify`` takes.  The steps under "the steps a test may replace" are looked up
here at each call, so a test replaces one with ``monkeypatch.setattr(run, name, stand_in)``.

The paper's notebooks are :data:`analysis.publishing.notebooks.PAPER_NOTEBOOKS`, in that
order; anything else in ``notebooks/`` (``explore.ipynb``) is never run.  A list, not
discovery, so adding a scratch notebook cannot change the paper.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.engine import execute, interrupt
from analysis.engine.execute import NotebookRun
from analysis.engine.interrupt import INTERRUPTED
from analysis.engine.kernels import KernelPool
from analysis.engine.lazy import lazy_import
from analysis.figures.cached import cached_record_text
from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.settings import load_settings
from analysis.inputs.snapshot_cache import cached_findings
from analysis.paths import PROJECT_ROOT
from analysis.publishing.notebooks import PAPER_NOTEBOOKS
from analysis.publishing.options import Options
from analysis.publishing.progress import Reporter, locked
from analysis.publishing.record import manifest as mf
from analysis.publishing.record import publish, recorded_settings, reuse
from analysis.publishing.record.locking import quarter_lock
from analysis.quarters import Quarter

# Loaded on first use (measured: the loader and the figures bring pandas, about 1 s, and the
# renderers nbformat and jsonschema, 0.5 s): an unchanged rerun needs none of them, and a run
# whose snapshot and figures are cached needs only the renderers.
snapshots = lazy_import("analysis.inputs.snapshots")
record = lazy_import("analysis.figures.record")
paper = lazy_import("analysis.publishing.render.paper")


# --- the steps a test may replace ----------------------------------------------------------------
def snapshot_findings(data_dir: Path, quarter: Quarter) -> tuple[object, list[Finding]]:
    """The snapshot's findings.  One validated before from the same files, settings and code is
    answered from the cache without importing pandas (the snapshot itself is not needed here),
    so the kernels, which may only start once the data is known to be valid, start sooner."""
    findings = cached_findings(data_dir, quarter)
    if findings is not None:
        return None, findings
    return snapshots.check_snapshot(data_dir, quarter)


def compute_figures(data_dir: Path, quarter: Quarter) -> str:
    """figures.json.  A record already in the cache (the notebooks of an earlier run, or
    ``panelpaper figures``, built it from these files, settings and code) is read without
    importing pandas: this process then leaves the cores to the kernels warming up."""
    text = cached_record_text(data_dir, quarter)
    if text is not None:
        return text
    return record.to_json(record.figures_for_quarter(data_dir, quarter))


def stage_paper(staging: Path, renderer: str) -> Any:
    return paper.stage_paper(staging, renderer=renderer)


def render_paper(staging: Path, renderer: str, staged: Any = None) -> Any:
    return paper.draw_paper(
        staged if staged is not None else paper.stage_paper(staging, renderer=renderer)
    )


class RunError(RuntimeError):
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


class StepFailed(Exception):
    """A step of a quarter's build failed: the staging folder is quarantined with ``reason``."""

    def __init__(self, reason: str, notebooks: list[NotebookRun] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.notebooks = notebooks or []


@dataclass
class Run:
    """One invocation's state: its options (folders made absolute), the notebooks it runs,
    how it reports, and whether Ctrl-C has been pressed."""

    options: Options
    notebooks: list[Path]
    report: Reporter
    jobs: int
    interrupted: threading.Event = field(default_factory=threading.Event)

    @classmethod
    def start(cls, options: Options, *, all_quarters: bool = False) -> Run:
        options = options.resolved()
        return cls(
            options,
            paper_notebooks(options.notebooks_dir, options.notebooks),
            Reporter(locked(options.progress), all_quarters=all_quarters),
            max(1, options.jobs or execute.default_jobs()),
        )


# --- the entry points --------------------------------------------------------------------------
def run_quarter(quarter: Quarter, options: Options) -> QuarterResult:
    """Run one quarter: reuse, refuse, or validate, execute, render and publish.

    Raises :class:`SnapshotError` (subclass :class:`InvalidSnapshots`) when the snapshot has
    errors, before any kernel starts or anything is written under ``reports_dir``.
    """
    started = time.perf_counter()
    run = Run.start(options)
    plan = _plan(run, quarter)
    if plan.decision == reuse.REFUSE:
        validate(run, [], refused=[plan])  # bad data is said before any advice about --force
    if plan.decision != reuse.RUN:
        return _kept(run, plan, started)
    validate(run, [plan])
    with _warm_kernels(run, len(run.notebooks)) as (pool, kernels):
        return build_quarter(run, plan, pool, kernels)


def run_all(options: Options, quarters: Sequence[Quarter] | None = None) -> list[QuarterResult]:
    """Every quarter (default: every snapshot), validated first, built in parallel.

    All quarters' notebooks share one pool of ``jobs`` kernels, so the machine stays busy
    across quarter boundaries instead of idling while one quarter renders.
    """
    started = time.perf_counter()
    run = Run.start(options, all_quarters=True)
    if quarters is None:
        quarters = snapshots.list_quarters(run.options.data_dir)
    plans = [_plan(run, q) for q in quarters]
    to_build = [p for p in plans if p.decision == reuse.RUN]
    validate(run, to_build, refused=[p for p in plans if p.decision == reuse.REFUSE])
    results = {
        p.quarter: _kept(run, p, time.perf_counter()) for p in plans if p.decision != reuse.RUN
    }
    if to_build:
        with (
            _warm_kernels(run, len(run.notebooks) * len(to_build)) as (pool, kernels),
            ThreadPoolExecutor(len(to_build), thread_name_prefix="quarter") as quarters_pool,
        ):
            built = [quarters_pool.submit(build_quarter, run, p, pool, kernels) for p in to_build]
            try:
                for future in built:
                    result = future.result()
                    results[result.quarter] = result
            except KeyboardInterrupt:
                # Each quarter's thread then fails its build and quarantines its staging as
                # interrupted.
                interrupt.stop(run.interrupted, built, kernels)
                raise
    ordered = [results[p.quarter] for p in plans]
    run.report.summary(ordered, time.perf_counter() - started)
    return ordered


# --- the recipe for one quarter ------------------------------------------------------------------
def build_quarter(
    run: Run, plan: reuse.Plan, pool: ThreadPoolExecutor, kernels: KernelPool
) -> QuarterResult:
    """Stage, publish or quarantine one quarter; the caller has validated its snapshot."""
    started = time.perf_counter()
    q, reports_dir = plan.quarter, run.options.reports_dir
    timeout = run.options.lock_timeout
    with quarter_lock(reports_dir, q, timeout=timeout, progress=run.report.say):
        publish.recover(reports_dir, q, run.report)
        # Another run may have published while this one waited for the lock.
        reuse.decide(plan, reports_dir, renderer=run.options.renderer, force=run.options.force)
        if plan.decision != reuse.RUN:
            return _kept(run, plan, started)
        if run.interrupted.is_set():  # Ctrl-C while this quarter waited for its turn
            return QuarterResult(q, "failed", time.perf_counter() - started, reason=INTERRUPTED)
        staging = publish.new_staging(reports_dir, q)
        began = publish.utc_now()
        runs: list[NotebookRun] = []
        try:
            runs, draw = figures_and_notebooks(run, q, staging, pool, kernels)
            rendered = render(run, q, draw, pool)
            write_manifest(run, plan, staging, runs, rendered, began, started)
            folder = publish_staging(run, q, staging)
        except StepFailed as failure:
            return _failed(run, q, staging, failure, failure.notebooks or runs, started)
        except KeyboardInterrupt:
            run.interrupted.set()
            if staging.exists():
                moved = publish.quarantine(reports_dir, q, staging, f"{q.id}: {INTERRUPTED}")
                run.report.quarter(q, f"{INTERRUPTED}; staging kept in {moved}")
            raise
        except BaseException:
            if staging.exists():
                publish.quarantine(reports_dir, q, staging, f"{q.id}: {traceback.format_exc()}")
            raise
        finally:
            publish.tidy(reports_dir)
        seconds = time.perf_counter() - started
        superseded = " (previous publication moved to history/)" if plan.changes else ""
        run.report.step("publish", "ok", quarter=q, detail=f"{folder}{superseded}")
        run.report.quarter(q, f"published to {folder} in {seconds:.1f} s")
        run.report.paper(folder)
        return QuarterResult(q, "published", seconds, folder=folder, notebooks=runs)


def validate(run: Run, plans: Sequence[reuse.Plan], *, refused: Sequence[reuse.Plan] = ()) -> None:
    """Every error of every quarter about to run, before any kernel or any file under reports/.

    ``refused`` are quarters whose changed inputs will be refused: their data is checked too,
    so that broken data is reported as errors (exit 2) before any advice to run with
    ``--force``, which would only fail on them."""
    bad: dict[Quarter, list[Finding]] = {}
    for plan in [*plans, *refused]:
        _, findings = snapshot_findings(run.options.data_dir, plan.quarter)
        errors = [f for f in findings if f.severity == "error"]
        warnings = len(findings) - len(errors)
        if errors:
            bad[plan.quarter] = list(findings)
        elif warnings and plan in plans:
            run.report.quarter(plan.quarter, f"{warnings} warning(s) in the data (see the annex)")
    if bad:
        raise InvalidSnapshots(bad)


def figures_and_notebooks(
    run: Run, quarter: Quarter, staging: Path, pool: ThreadPoolExecutor, kernels: KernelPool
) -> tuple[list[NotebookRun], Callable[[], Any]]:
    """figures.json, then the paper staged, in this thread while the notebooks run on the
    warm kernels; the first failure of either cancels the notebooks not yet started.  Returns
    the notebooks' runs and the call that draws the paper."""
    notebooks = execute.start_notebooks(
        run.notebooks,
        staging / "notebooks",
        notebook_parameters(run, quarter),
        pool=pool,
        kernels=kernels,
        execution_timeout=run.options.execution_timeout,
        interrupted=run.interrupted,
        done=lambda nb: run.report.step(
            nb.name, nb.status, quarter=quarter, seconds=nb.seconds, error=nb.error
        ),
    )
    draw: Callable[[], Any] | None = None
    try:
        failure = write_figures(run, quarter, staging)
        if failure:
            notebooks.cancel()
        else:
            draw = stage_render(run, staging)
        runs, failure = notebooks.finish(failure)
    except KeyboardInterrupt:
        interrupt.stop(run.interrupted, [future for _, future in notebooks.futures], kernels)
        raise
    if failure or draw is None:
        raise StepFailed(failure or "the paper was not staged", runs)
    return runs, draw


def stage_render(run: Run, staging: Path) -> Callable[[], Any]:
    """Stage the paper now, while the notebooks execute (see
    :func:`analysis.publishing.render.paper.stage_paper`), and return the call that draws it once
    they are done.  A staging failure is kept for that call to raise, so it is reported and
    quarantined as the render's failure, as it was when both happened together."""
    renderer = run.options.renderer
    try:
        staged = stage_paper(staging, renderer)
    except Exception as exc:
        failure = exc

        def fail() -> Any:
            raise failure

        return fail
    return functools.partial(render_paper, staging, renderer, staged)


def write_figures(run: Run, quarter: Quarter, staging: Path) -> str | None:
    """Write figures.json into the staging folder; why it failed, or None."""
    try:
        text = compute_figures(run.options.data_dir, quarter)
        (staging / "figures.json").write_bytes(text.encode("utf-8"))
    except Exception as exc:
        return f"figures.json: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
    return None


def render(run: Run, quarter: Quarter, draw: Callable[[], Any], pool: ThreadPoolExecutor) -> Any:
    """The paper in every format, drawn in a worker thread so Ctrl-C reaches this one."""
    started = time.perf_counter()
    future = pool.submit(draw)
    try:
        try:
            result = future.result()
        except KeyboardInterrupt:
            # The renderer's own children got the Ctrl-C too; let the thread finish before
            # the staging folder it writes into is moved.
            run.interrupted.set()
            wait([future], timeout=60)
            raise
        missing = [str(p) for p in result.outputs.values() if not Path(p).is_file()]
        if missing:
            raise RunError(f"the renderer reported files it did not write: {missing}")
    except Exception as exc:
        run.report.step("render", "failed", quarter=quarter, seconds=time.perf_counter() - started)
        raise StepFailed(
            f"render: {type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"
        ) from exc
    run.report.step(
        f"render ({result.renderer})",
        "ok",
        quarter=quarter,
        seconds=time.perf_counter() - started,
        detail=", ".join(sorted(Path(p).name for p in result.outputs.values())),
    )
    return result


def write_manifest(
    run: Run,
    plan: reuse.Plan,
    staging: Path,
    runs: list[NotebookRun],
    rendered: Any,
    began: Any,
    started: float,
) -> None:
    """manifest.json: what was published, from which inputs, by which tools (see
    :mod:`analysis.publishing.record.manifest`)."""
    try:
        recorded = recorded_settings.record_settings(run.options.data_dir, staging, plan.files)
    except (OSError, RuntimeError) as exc:
        raise StepFailed(f"settings: {type(exc).__name__}: {exc}") from exc
    finished = publish.utc_now()
    document = mf.build_manifest(
        quarter=plan.quarter,
        files=plan.files,
        parameters=plan.parameters,
        notebooks=[p.name for p in run.notebooks],
        renderer=rendered.renderer,
        renderer_versions=dict(rendered.versions),
        outputs=mf.output_hashes(staging),
        column_map=load_settings(run.options.data_dir).columns,
        settings_recorded=recorded,
        volatile={
            "started_utc": began.isoformat(timespec="seconds"),
            "finished_utc": finished.isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 2),
            "notebook_seconds": {r.name: round(r.seconds, 2) for r in runs},
            "render_seconds": getattr(rendered, "seconds", None),
            "notebook_parameters": notebook_parameters(run, plan.quarter),
            "renderer_requested": run.options.renderer,
            "git": mf.git_state(PROJECT_ROOT),
        },
    )
    mf.write_manifest(staging, document)


def publish_staging(run: Run, quarter: Quarter, staging: Path) -> Path:
    """The staging folder becomes reports/<quarter> in one step (see
    :func:`analysis.publishing.record.publish.publish`)."""
    try:
        return publish.publish(run.options.reports_dir, quarter, staging, run.report)
    except OSError as exc:  # a full disk, say; the old publication is back in place
        raise StepFailed(f"publish: {type(exc).__name__}: {exc}") from exc


# --- small pieces --------------------------------------------------------------------------------
def paper_notebooks(notebooks_dir: Path, names: Sequence[str] | None = None) -> list[Path]:
    """Paths of the paper's notebooks (``names``, default :data:`PAPER_NOTEBOOKS`); a missing
    one is a broken project, said before any work."""
    names = PAPER_NOTEBOOKS if names is None else names
    paths = [Path(notebooks_dir) / f"{name.removesuffix('.ipynb')}.ipynb" for name in names]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise RunError(f"paper notebook(s) missing from {notebooks_dir}: {', '.join(missing)}")
    return paths


def notebook_parameters(run: Run, quarter: Quarter) -> dict[str, str]:
    return execute.notebook_parameters(run.options.data_dir, run.options.notebooks_dir, quarter)


def _plan(run: Run, quarter: Quarter) -> reuse.Plan:
    """Finish an interrupted publish first (so a reused quarter still files a parked old
    publication under history/), then hash the inputs and decide."""
    options = run.options
    publish.recover_parked(
        options.reports_dir, quarter, run.report, lock_timeout=options.lock_timeout
    )
    return reuse.plan_quarter(
        options.data_dir,
        options.reports_dir,
        quarter,
        run.notebooks,
        renderer=options.renderer,
        force=options.force,
    )


def _kept(run: Run, plan: reuse.Plan, started: float) -> QuarterResult:
    """The publication stays as it is: reused (unchanged) or refused (changed, no --force)."""
    q = plan.quarter
    folder = run.options.reports_dir / q.id
    seconds = time.perf_counter() - started
    if plan.decision == reuse.REUSE:
        when = plan.published_when()
        note = plan.settings_note()
        unchanged = "inputs unchanged" if note is None else "data, code and notebooks unchanged"
        run.report.quarter(q, f"{unchanged} since {when}; reused {folder} (no kernel started)")
        if note is not None:
            run.report.quarter(q, note)
        run.report.paper(folder)
        return QuarterResult(q, "reused", seconds, folder=folder)
    run.report.quarter(q, plan.refusal(folder))
    return QuarterResult(
        q, "refused", seconds, folder=folder, changes=plan.changes, reason="inputs changed"
    )


def _failed(
    run: Run,
    q: Quarter,
    staging: Path,
    failure: StepFailed,
    runs: list[NotebookRun],
    started: float,
) -> QuarterResult:
    """Quarantine the staging folder with the reason, and say where it went."""
    if run.interrupted.is_set() and failure.reason != INTERRUPTED:
        failure.reason = f"{INTERRUPTED}\n\n{failure.reason}"
    moved = publish.quarantine(run.options.reports_dir, q, staging, f"{q.id}: {failure.reason}")
    run.report.quarter(q, f"FAILED: {failure.reason.splitlines()[0]}")
    run.report.note(f"staging kept in {moved} (see REASON.txt); publication untouched")
    return QuarterResult(
        q,
        "failed",
        time.perf_counter() - started,
        failed_folder=moved,
        notebooks=runs,
        reason=failure.reason,
    )


@contextlib.contextmanager
def _warm_kernels(run: Run, notebooks: int) -> Iterator[tuple[ThreadPoolExecutor, KernelPool]]:
    """``jobs`` threads, each with its warm kernel, started in the background at once."""

    def ready(number: int, seconds: float) -> None:
        run.report.step(f"kernel {number} (warm-up)", "ok", seconds=seconds)

    with (
        execute.warm_kernels(run.options.notebooks_dir, on_ready=ready) as kernels,
        ThreadPoolExecutor(run.jobs, thread_name_prefix="kernel") as pool,
    ):
        kernels.start_in(pool, min(run.jobs, notebooks))
        yield pool, kernels
