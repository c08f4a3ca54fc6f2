"""``panelpaper verify``: show that a published quarter still reruns to the same paper.

A publication is worth something to the panel only if anyone can later rebuild it from the
archived inputs and get the same numbers.  Verification checks four things, each against the
record the run left in ``manifest.json`` or against the publication itself:

1. **Inputs.**  Every file the manifest lists (snapshots up to the quarter, the quarter's
   settings, the paper notebooks and their ``*.py`` twins, every file of the ``analysis``
   package, the Quarto sources) is hashed again, with
   :func:`analysis.publishing.record.manifest.collect_inputs` called exactly as a run calls it, and
   compared by SHA-256.  The settings are the copies recorded with the quarter
   (:mod:`analysis.publishing.record.recorded_settings`), and the notebooks and figures.json below
   are computed under them too; today's settings differing from them is a note, never a
   failure.  A renderer here other than the record's is a note too: nothing is rendered.
2. **Outputs.**  Every published file (executed notebooks, ``figures.json``, the paper) is
   hashed against the manifest, so a file edited after publication is named.
3. **Notebooks.**  The archived executed notebooks are run again, in this process, on warm
   kernels and through papermill exactly as a run executes them
   (:mod:`analysis.publishing.proof.rerun`), and each code cell's fresh outputs are compared with
   the outputs stored in the archive under nbval's rules (:mod:`analysis.publishing.proof.compare`).
4. **figures.json.**  Recomputed in this process from the raw snapshot files and compared byte
   for byte; a difference is listed key by key.

This module is the verdict and the order of the checks; no subprocess is started and no other
process's report is read.  The user's disk cache of validated snapshots is never read: it is
switched off while figures are recomputed (for this thread only, :func:`analysis.engine.cache.disabled`)
and the rerun kernels get an empty cache made for this verification (in their own
environment): a cached snapshot would prove only that the cache agrees with itself.
``os.environ`` is left alone, since other threads are running meanwhile.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis.engine import cache
from analysis.engine.execute import default_jobs
from analysis.figures.record import figures_for_quarter, to_json
from analysis.inputs.snapshot_cache import named_quarters
from analysis.paths import NOTEBOOKS
from analysis.publishing.options import Options
from analysis.publishing.proof.rerun import Pending, start_reruns
from analysis.publishing.record import manifest as mf
from analysis.publishing.record import recorded_settings as rs
from analysis.publishing.record.locking import quarter_lock
from analysis.publishing.render import registry as renderers
from analysis.quarters import Quarter

NOTEBOOKS_DIR = NOTEBOOKS

HASH_PREFIX = 12
"""Characters of a SHA-256 shown in a report: plenty to tell two files apart by eye."""
MAX_FIGURE_LINES = 20


class VerifyError(RuntimeError):
    """Verification cannot start (nothing published): not a verdict."""


class NotPublished(VerifyError):
    """The quarter asked for has no publication with a manifest in the reports folder."""


@dataclass
class Tally:
    """One kind of check: how many items matched out of how many, and what differed."""

    matched: int = 0
    total: int = 0
    problems: list[str] = field(default_factory=list)
    of: int | None = None
    """When only some items were checked: how many there are in all."""
    notes: list[str] = field(default_factory=list)
    """Differences that do not by themselves fail verification (see :func:`check_inputs`)."""

    @property
    def ok(self) -> bool:
        return not self.problems and self.matched == self.total

    def __str__(self) -> str:
        return f"{self.matched}/{self.total}" + (f" of {self.of}" if self.of is not None else "")


@dataclass
class Verdict:
    """The outcome for one quarter, printable and testable."""

    quarter: Quarter
    inputs: Tally
    outputs: Tally
    notebooks: Tally | None
    """None when the notebooks were not rerun (``--no-notebooks``)."""
    figures: Tally
    seconds: float = 0.0
    other: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Said after the verdict, never failing it: today's settings that differ from the
    quarter's recorded ones, a renderer here other than the record's."""

    @property
    def ok(self) -> bool:
        checks = [self.inputs, self.outputs, self.figures]
        if self.notebooks is not None:
            checks.append(self.notebooks)
        return not self.other and all(t.ok for t in checks)

    @property
    def problems(self) -> list[str]:
        found = list(self.other) + self.inputs.problems + self.outputs.problems
        found += self.notebooks.problems if self.notebooks is not None else []
        return found + self.figures.problems

    def lines(self) -> list[str]:
        notebooks = f"notebooks {self.notebooks}" if self.notebooks else "notebooks not rerun"
        figures = "figures.json identical" if self.figures.ok else "figures.json differs"
        head = (
            f"{self.quarter.id}  {'VERIFIED' if self.ok else 'DIFFERS'}  "
            f"(data inputs {self.inputs}, outputs {self.outputs}, {notebooks}, {figures})  "
            f"{self.seconds:.1f} s"
        )
        notes = [f"note: {line}" for line in [*self.inputs.notes, *self.notes]]
        return [head, *(f"    {line}" for line in [*self.problems, *notes])]


# --- which quarters ----------------------------------------------------------------------------
def published_quarters(reports_dir: Path) -> list[Quarter]:
    """Quarters published in ``reports_dir``: folders named by a canonical quarter id (the rule
    of :func:`analysis.inputs.snapshot_cache.named_quarters`) that hold a manifest.  Staging,
    failed runs and stray folders are not publications."""
    root = Path(reports_dir)
    folders = root.iterdir() if root.is_dir() else ()
    return named_quarters(f for f in folders if (f / mf.MANIFEST_FILE).is_file())


def quarters_to_verify(
    reports_dir: Path, quarter: Quarter | None = None, *, all_quarters: bool = False
) -> list[Quarter]:
    """The quarters a command line names; :class:`NotPublished` when there is nothing to verify."""
    published = published_quarters(reports_dir)
    if all_quarters:
        if not published:
            raise NotPublished(f"no published quarter in {reports_dir}")
        return published
    if quarter is None:
        if not published:
            raise NotPublished(f"no published quarter in {reports_dir}")
        return [published[-1]]
    if quarter not in published:
        raise NotPublished(f"{quarter.id} is not published in {reports_dir} (no manifest.json)")
    return [quarter]


# --- hashes ------------------------------------------------------------------------------------
def _short(digest: str | None) -> str:
    return digest[:HASH_PREFIX] if digest else "(none)"


def compare_hashes(kind: str, expected: dict[str, str], actual: dict[str, str]) -> Tally:
    """Name by name, as the manifest records them, with both hash prefixes for each difference."""
    tally = Tally(total=len(set(expected) | set(actual)))
    changes = mf.diff_hashes(expected, actual)
    tally.matched = tally.total - len(changes.changed) - len(changes.added) - len(changes.removed)
    for name in changes.changed:
        tally.problems.append(
            f"{kind} changed: {name}  expected {_short(expected[name])}  "
            f"actual {_short(actual[name])}"
        )
    for name in changes.removed:
        tally.problems.append(
            f"{kind} missing: {name}  expected {_short(expected[name])}  actual (missing)"
        )
    for name in changes.added:
        tally.problems.append(
            f"{kind} added:   {name}  expected (none)  actual {_short(actual[name])}"
        )
    return tally


def current_inputs(
    manifest: dict, data_dir: Path, quarter: Quarter, notebooks_dir: Path
) -> dict[str, str]:
    """The inputs as they are now, hashed by :func:`analysis.publishing.record.manifest.collect_inputs`.

    Snapshots, settings, the package and the Quarto sources are discovered afresh, so a file
    added to any of them shows.  Files from ``notebooks/`` are the ones the manifest recorded
    (the paper notebooks, and any ``*.py`` an earlier version of the run hashed beside them):
    which files of that folder count is the run's policy at publication time, and the
    manifest is its record.  A recorded file that is gone is left out and shows as missing.
    """
    recorded = {
        key.removeprefix("notebooks/")
        for key in manifest.get("inputs", {}).get("files", {})
        if key.startswith("notebooks/")
    }
    paper = list(manifest.get("notebooks", []))
    extra = sorted(recorded - set(paper))
    return mf.collect_inputs(
        data_dir,
        quarter,
        [notebooks_dir / n for n in paper if (notebooks_dir / n).is_file()],
        extra_code=[notebooks_dir / n for n in extra if (notebooks_dir / n).is_file()],
    )


DATA_PREFIXES = ("snapshots/", "settings/")
"""Inputs that are the quarter's record: any difference fails verification."""


def check_inputs(
    manifest: dict, data_dir: Path, quarter: Quarter, notebooks_dir: Path = NOTEBOOKS_DIR
) -> Tally:
    """The data must be exactly what was published from; code may have moved on.

    A changed snapshot or settings file fails verification, named with both hashes.  A change
    in the code, the notebooks or the Quarto sources since publication is listed as a note
    only: whether it changes the paper is what the rerun of the notebooks and the recomputed
    figures.json decide, and they fail when it does.
    """
    inputs = manifest.get("inputs", {})
    now = current_inputs(manifest, data_dir, quarter, notebooks_dir)
    recorded = inputs.get("files", {})

    def data(hashes: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in hashes.items() if k.startswith(DATA_PREFIXES)}

    def code(hashes: dict[str, str]) -> dict[str, str]:
        return {k: v for k, v in hashes.items() if not k.startswith(DATA_PREFIXES)}

    tally = compare_hashes("input", data(recorded), data(now))
    moved = compare_hashes("code", code(recorded), code(now))
    tally.notes = [
        f"{line} (since publication; the reruns below decide whether the paper changes)"
        for line in moved.problems
    ]
    recorded_quarter = inputs.get("parameters", {}).get("quarter")
    if recorded_quarter != quarter.id:
        tally.problems.append(
            f"parameter quarter: recorded {recorded_quarter!r}, verifying {quarter.id}"
        )
    return tally


def check_outputs(folder: Path, manifest: dict) -> Tally:
    return compare_hashes("output", manifest.get("outputs", {}), mf.output_hashes(folder))


# --- figures.json ------------------------------------------------------------------------------
def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def json_differences(published: Any, recomputed: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """Every leaf where two JSON documents disagree, as (dotted path, published, recomputed).

    A key present on one side only is reported with ``<absent>`` on the other; lists are
    compared position by position, extra items reported the same way.  Key order counts, since
    figures.json promises the same bytes for the same inputs.
    """
    absent = "<absent>"
    if isinstance(published, dict) and isinstance(recomputed, dict):
        found: list[tuple[str, Any, Any]] = []
        for key in list(published) + [k for k in recomputed if k not in published]:
            found += json_differences(
                published.get(key, absent), recomputed.get(key, absent), _join(path, key)
            )
        shared_pub = [k for k in published if k in recomputed]
        shared_new = [k for k in recomputed if k in published]
        if not found and shared_pub != shared_new:
            found.append((f"{path} key order" if path else "key order", shared_pub, shared_new))
        return found
    if isinstance(published, list) and isinstance(recomputed, list):
        found = []
        for i in range(max(len(published), len(recomputed))):
            found += json_differences(
                published[i] if i < len(published) else absent,
                recomputed[i] if i < len(recomputed) else absent,
                _join(path, i),
            )
        return found
    same = published == recomputed and type(published) is type(recomputed)
    return [] if same else [(path or "(top level)", published, recomputed)]


def _show(value: Any) -> str:
    text = value if value == "<absent>" else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def figures_report(published: bytes, recomputed: bytes) -> list[str]:
    """Nothing when the bytes agree; else one line per differing key, at most
    :data:`MAX_FIGURE_LINES`."""
    if published == recomputed:
        return []
    try:
        old = json.loads(published.decode("utf-8"))
    except ValueError as exc:
        return [f"figures.json: the published file is not valid JSON ({exc})"]
    differences = json_differences(old, json.loads(recomputed.decode("utf-8")))
    if not differences:
        return ["figures.json: same values, different bytes (layout or number formatting)"]
    lines = [
        f"figures.json: {key}: published {_show(a)}, recomputed {_show(b)}"
        for key, a, b in differences[:MAX_FIGURE_LINES]
    ]
    if len(differences) > MAX_FIGURE_LINES:
        lines.append(f"figures.json: ... and {len(differences) - MAX_FIGURE_LINES} more key(s)")
    return lines


@contextlib.contextmanager
def cache_off() -> Iterator[None]:
    """The snapshot cache off while figures are recomputed in this thread: a cached snapshot
    would prove only that the cache agrees with itself.  (The rerun kernels get an empty cache
    of their own in their own environment, see :mod:`analysis.publishing.proof.rerun`;
    ``os.environ`` is never changed.)"""
    with cache.disabled():
        yield


def recompute_figures(data_dir: Path, quarter: Quarter) -> bytes:
    return to_json(figures_for_quarter(data_dir, quarter)).encode("utf-8")


def check_figures(folder: Path, data_dir: Path, quarter: Quarter) -> Tally:
    path = folder / "figures.json"
    if not path.is_file():
        return Tally(0, 1, ["figures.json: missing from the publication"])
    try:
        recomputed = recompute_figures(data_dir, quarter)
    except Exception as exc:
        return Tally(0, 1, [f"figures.json: could not be recomputed: {type(exc).__name__}: {exc}"])
    problems = figures_report(path.read_bytes(), recomputed)
    return Tally(0 if problems else 1, 1, problems)


# --- one quarter -------------------------------------------------------------------------------
def _copy_publication(folder: Path, target: Path) -> None:
    """What verification reads, copied while the quarter's lock is held, so a run publishing
    meanwhile cannot mix two publications under our feet."""
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(mf.HISTORY_DIR))


def verify_quarter(quarter: Quarter, options: Options) -> Verdict:
    """Verify one published quarter and say its verdict (``options.progress``).

    ``options.notebooks`` narrows the rerun to some archived notebooks (names with or without
    ``.ipynb``); the others then count as not checked.  ``options.rerun_notebooks=False`` skips
    nbval altogether (the quick check: hashes and figures only).
    """
    started = time.perf_counter()
    options = options.resolved()
    reports_dir, data_dir, progress = options.reports_dir, options.data_dir, options.progress
    with tempfile.TemporaryDirectory(prefix="pp-verify-") as tmp:
        work = Path(tmp)
        published = work / "published"
        with quarter_lock(reports_dir, quarter, timeout=options.lock_timeout, progress=progress):
            folder = reports_dir / quarter.id
            if not (folder / mf.MANIFEST_FILE).is_file():
                raise NotPublished(f"{quarter.id} is not published in {reports_dir}")
            _copy_publication(folder, published)
        manifest = mf.read_manifest(published)
        if manifest is None:
            empty = Tally(0, 0)
            verdict = Verdict(
                quarter, empty, empty, None, Tally(0, 1), other=["manifest.json is unreadable"]
            )
        else:
            verdict = _verify_copy(
                manifest,
                published,
                data_dir,
                quarter,
                work,
                notebooks=options.notebooks,
                rerun=options.rerun_notebooks,
                jobs=options.jobs,
                notebooks_dir=options.notebooks_dir,
            )
    verdict.seconds = time.perf_counter() - started
    for line in verdict.lines():
        progress(line)
    return verdict


def _verify_copy(
    manifest: dict,
    published: Path,
    data_dir: Path,
    quarter: Quarter,
    work: Path,
    *,
    notebooks: Sequence[str] | None,
    rerun: bool,
    jobs: int | None,
    notebooks_dir: Path,
) -> Verdict:
    """The four checks of the module docstring on a private copy of the publication: the
    notebooks rerun on warm kernels in the background while this thread recomputes figures.

    Everything is read under the quarter's recorded settings (:func:`quarter_data`): the
    real snapshots, the rule files published with the quarter."""
    other = []
    if manifest.get("schema") != mf.SCHEMA:
        other.append(f"manifest schema {manifest.get('schema')!r}; this version reads {mf.SCHEMA}")
    if manifest.get("quarter") != quarter.id:
        other.append(f"manifest names quarter {manifest.get('quarter')!r}, not {quarter.id}")
    read_from, settings_notes, settings_problem = quarter_data(manifest, published, data_dir, work)
    if settings_problem:
        other.append(settings_problem)
    inputs = check_inputs(manifest, read_from, quarter, notebooks_dir)
    outputs = check_outputs(published, manifest)
    threads = max(1, jobs or default_jobs())
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(concurrent.futures.ThreadPoolExecutor(threads))
        # Asking the renderer its version starts a process (Quarto's Deno: about a second):
        # in a thread of its own, so the kernels' threads start at once.
        aside = stack.enter_context(concurrent.futures.ThreadPoolExecutor(1))
        renderer = aside.submit(renderer_note, manifest)
        pending = None
        if rerun:
            archived = archived_notebooks(manifest, published, notebooks)
            pending = start_reruns(archived, read_from, work, pool, threads, stack)
        with cache_off():
            figures = check_figures(published, read_from, quarter)  # meanwhile, in this thread
        checked = (
            _collect_reruns(pending, len(manifest.get("notebooks", [])))
            if pending is not None
            else None
        )
        notes = settings_notes + [note for note in [renderer.result()] if note]
    return Verdict(quarter, inputs, outputs, checked, figures, other=other, notes=notes)


def quarter_data(
    manifest: dict, published: Path, data_dir: Path, work: Path
) -> tuple[Path, list[str], str | None]:
    """The data folder to verify the quarter from, notes on today's settings, and why the
    quarter cannot be verified under the rules it was made under (None when it can).

    A publication that recorded its rule files is read under them (an overlay of the real
    snapshots and the recorded copies, :func:`analysis.publishing.record.recorded_settings.overlay`);
    today's settings differing from them is a note, never a failure.  An older record is read
    from the data folder as it is, which works only while its settings hash as recorded."""
    if not rs.is_recorded(manifest):
        return data_dir, [], rs.predates_record(manifest, data_dir)
    present = rs.recorded_files(published, manifest)
    read_from = rs.overlay(data_dir, present, work / "settings-overlay" / "data")
    changed = rs.differences(present, rs.rule_files(data_dir))
    notes = []
    if changed:
        notes.append(
            f"today's settings differ from those recorded with {manifest.get('quarter')} in "
            f"{', '.join(changed)}; verified under the recorded ones "
            f"(reports/<quarter>/{rs.RECORD_DIR}/)"
        )
    return read_from, notes, None


def renderer_note(manifest: dict) -> str | None:
    """A line when this machine's renderer is not the one that rendered the record (verify
    never renders, so this never fails it; a rerun with ``--force`` would draw the paper with
    what is here)."""
    recorded = manifest.get("renderer", {})
    name, versions = recorded.get("name"), recorded.get("versions", {})
    if name not in renderers.names() or not versions:
        return None
    try:
        renderer = renderers.get(name)
        here = renderer.versions() if renderer.available() else dict.fromkeys(versions)
    except Exception as exc:  # a broken tool here says so; it never fails the verdict
        return f"the renderer here could not be asked its version ({type(exc).__name__}: {exc})"
    if here == versions:
        return None

    def named(found: dict) -> str:
        return " + ".join(f"{tool} {found.get(tool) or '(not installed)'}" for tool in versions)

    return (
        f"rendered with {named(versions)}; this machine has {named(here)} "
        "(verify does not re-render; a run with --force here would draw the paper with it)"
    )


def archived_notebooks(
    manifest: dict, published: Path, names: Sequence[str] | None = None
) -> list[Path]:
    """The publication's notebooks as its manifest lists them, narrowed to ``names`` (with or
    without ``.ipynb``) when given; a listed notebook may be missing from the folder."""
    listed = list(manifest.get("notebooks", []))
    if names is not None:
        wanted = {f"{n.removesuffix('.ipynb')}.ipynb" for n in names}
        listed = [n for n in listed if n in wanted]
    return [published / "notebooks" / n for n in listed]


def _collect_reruns(pending: Pending, published: int) -> Tally:
    tally = Tally(total=len(pending), of=published if published != len(pending) else None)
    for name, future in pending:
        if future is None:
            tally.problems.append(f"notebook {name}: missing from the publication")
            continue
        ok, problems = future.result()
        tally.matched += ok
        tally.problems += problems
    return tally


def verify(
    quarters: Sequence[Quarter], options: Options, *, summary: bool | None = None
) -> list[Verdict]:
    """Verify several quarters one after another, then a summary line (by default only when
    there is more than one quarter)."""
    started = time.perf_counter()
    verdicts = [verify_quarter(q, options) for q in quarters]
    progress = options.progress
    if summary or (summary is None and len(verdicts) > 1):
        differ = [v.quarter.id for v in verdicts if not v.ok]
        progress(
            f"{len(verdicts)} quarter(s): {len(verdicts) - len(differ)} verified, "
            f"{len(differ)} differ{' (' + ', '.join(differ) + ')' if differ else ''}  "
            f"{time.perf_counter() - started:.1f} s in all"
        )
    return verdicts
