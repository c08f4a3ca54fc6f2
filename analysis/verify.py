"""``panelpaper verify``: show that a published quarter still reruns to the same paper.

A publication is worth something to the panel only if anyone can later rebuild it from the
archived inputs and get the same numbers.  Verification checks four things, each against the
record the run left in ``manifest.json`` or against the publication itself:

1. **Inputs.**  Every file the manifest lists (snapshots up to the quarter, the data folder's
   settings, the paper notebooks and their ``*.py`` twins, every file of the ``analysis``
   package, the Quarto sources) is hashed again, with :func:`analysis.manifest.collect_inputs`
   called exactly as the pipeline calls it, and compared by SHA-256.
2. **Outputs.**  Every published file (executed notebooks, ``figures.json``, the paper) is
   hashed against the manifest, so a file edited after publication is named.
3. **Notebooks.**  The archived executed notebooks are run again with nbval, which compares
   each cell's fresh outputs with the outputs stored in the notebook (after the sanitising
   rules have blanked run times, memory addresses and absolute paths; images are not compared,
   their bytes depend on the font and library build).
4. **figures.json.**  Recomputed in this process from the raw snapshot files and compared byte
   for byte; a difference is listed key by key.

Why notebooks are rerun from a copy, laid out so their own ``data_dir`` works: the pipeline
injects ``data_dir`` *relative to the notebooks folder* (``../data`` for the repository's data),
and nbval starts each kernel in the folder the notebook file sits in.  So each copy goes to
``<work>/…/notebooks/`` at the depth the relative path climbs, and the place the path lands on
is a symbolic link to the data folder being verified.  The archived notebook is then run
byte for byte as published, whatever data folder is named on the command line.  Only when that
cannot work (an absolute ``data_dir`` from an older publication, a path that climbs to the
notebooks folder itself, a system without symbolic links) is the injected cell's ``data_dir``
rewritten in the copy; nbval compares outputs, never sources, so the check is the same.

The disk cache of validated snapshots is switched off (``PANELPAPER_NO_CACHE=1``) while
figures are recomputed and for the nbval runs: a cached snapshot would prove only that the
cache agrees with itself.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from analysis import manifest as mf
from analysis.cache import ENV_OFF
from analysis.locking import DEFAULT_TIMEOUT, quarter_lock
from analysis.quarters import Quarter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SANITIZE_FILE = PROJECT_ROOT / "notebooks" / "nbval-sanitize.cfg"

FALLBACK_SANITIZE = r"""
# Used only when notebooks/nbval-sanitize.cfg is missing: the run-dependent parts of outputs.
[iso-times]
regex: \d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?
replace: <TIME>

[memory-addresses]
regex: 0x[0-9a-fA-F]{6,}
replace: 0xADDRESS

[posix-absolute-paths]
regex: (?<![\w.])/(?:[\w.@+-]+/)+[\w.@+-]*
replace: <PATH>

[windows-absolute-paths]
regex: [A-Za-z]:\\(?:[^\\\s'"]+\\)*[^\\\s'"]*
replace: <PATH>
"""

HASH_PREFIX = 12
"""Characters of a SHA-256 shown in a report: plenty to tell two files apart by eye."""
MAX_FIGURE_LINES = 20
MAX_CELL_LINES = 12
NBVAL_TIMEOUT = 1800.0

Progress = Callable[[str], None]


class VerifyError(RuntimeError):
    """Verification cannot start (nothing published, nbval missing): not a verdict."""


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
        notes = [f"note: {line}" for line in self.inputs.notes]
        return [head, *(f"    {line}" for line in [*self.problems, *notes])]


# --- which quarters ----------------------------------------------------------------------------
def published_quarters(reports_dir: Path) -> list[Quarter]:
    """Quarters published in ``reports_dir``: folders named by a canonical quarter id that hold
    a manifest.  Staging, failed runs and stray folders are not publications."""
    root = Path(reports_dir)
    found = []
    for child in root.iterdir() if root.is_dir() else ():
        if not (child.is_dir() and (child / mf.MANIFEST_FILE).is_file()):
            continue
        try:
            quarter = Quarter.parse(child.name)
        except ValueError:
            continue
        if quarter.id == child.name:
            found.append(quarter)
    return sorted(found)


def quarters_to_verify(
    reports_dir: Path, quarter: Quarter | str | None = None, *, all_quarters: bool = False
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
    quarter = Quarter.parse(quarter)
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
    """The inputs as they are now, hashed by :func:`analysis.manifest.collect_inputs`.

    Snapshots, settings, the package and the Quarto sources are discovered afresh, so a file
    added to any of them shows.  Files from ``notebooks/`` are the ones the manifest recorded
    (the paper notebooks, and any ``*.py`` an earlier pipeline version hashed beside them):
    which files of that folder count is the pipeline's policy at publication time, and the
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
def cache_off() -> Iterator[dict[str, str]]:
    """This process's environment with the snapshot cache off, restored afterwards; yields the
    environment to hand to subprocesses."""
    before = os.environ.get(ENV_OFF)
    os.environ[ENV_OFF] = "1"
    try:
        yield dict(os.environ)
    finally:
        if before is None:
            os.environ.pop(ENV_OFF, None)
        else:
            os.environ[ENV_OFF] = before


def recompute_figures(data_dir: Path, quarter: Quarter) -> bytes:
    from analysis.figures import figures_for_quarter, to_json

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


# --- notebooks ---------------------------------------------------------------------------------
def recorded_data_dir(notebook: dict) -> str | None:
    """The ``data_dir`` the notebook ran with: papermill's injected cell, else the defaults."""
    value = None
    for tag in ("parameters", "injected-parameters"):
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code" or tag not in cell.get("metadata", {}).get(
                "tags", []
            ):
                continue
            found = _assigned(_source(cell), "data_dir")
            value = found if found is not None else value
    return value


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _assigned(source: str, name: str) -> str | None:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    value = None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            value = node.value.value
    return value


def _rewrite_data_dir(notebook: dict, data_dir: Path) -> None:
    """Point the injected parameters at ``data_dir`` (the fallback; see the module docstring)."""
    line = f"data_dir = {json.dumps(str(data_dir))}\n"
    for cell in notebook.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = _source(cell) + ("" if _source(cell).endswith("\n") else "\n") + line
            return
    cells = notebook.setdefault("cells", [])
    defaults = [
        i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    cells.insert(
        defaults[0] + 1 if defaults else 0,  # after the defaults, as papermill would put it
        {
            "cell_type": "code",
            "metadata": {"tags": ["injected-parameters"]},
            "source": line,
            "outputs": [],
            "execution_count": None,
        },
    )


def _linked_folder(work: Path, relative: str, data_dir: Path) -> Path | None:
    """A folder under ``work`` from which ``relative`` leads to ``data_dir`` (through a symbolic
    link made here), or None when no such layout exists."""
    parts = Path(os.path.normpath(relative)).parts
    ups = 0
    while ups < len(parts) and parts[ups] == "..":
        ups += 1
    tail = parts[ups:]
    if not tail or ".." in tail:
        return None
    folder = work.joinpath(*(["up"] * max(ups - 1, 0)), "notebooks")
    link = Path(os.path.normpath(folder.joinpath(*parts)))
    if folder.is_relative_to(link):
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(data_dir, target_is_directory=True)
    except OSError:
        return None
    return folder


def stage_notebooks(notebooks: Sequence[Path], data_dir: Path, work: Path) -> list[Path]:
    """Copies of ``notebooks`` placed so that each one's recorded ``data_dir`` opens
    ``data_dir`` when the kernel starts in the copy's folder (see the module docstring)."""
    data_dir = Path(data_dir).resolve()
    layouts: dict[str, Path | None] = {}
    staged = []
    for source in notebooks:
        notebook = json.loads(Path(source).read_text(encoding="utf-8"))
        recorded = recorded_data_dir(notebook)
        if recorded is not None and recorded not in layouts and not Path(recorded).is_absolute():
            layouts[recorded] = _linked_folder(work / f"layout{len(layouts)}", recorded, data_dir)
        folder = layouts.get(recorded) if recorded is not None else None
        target = (folder or work / "rewritten" / "notebooks") / Path(source).name
        target.parent.mkdir(parents=True, exist_ok=True)
        if folder is not None:
            shutil.copyfile(source, target)
        else:
            _rewrite_data_dir(notebook, data_dir)
            target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), "utf-8")
        staged.append(target)
    return staged


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell_title(notebook: dict, code_index: int) -> str:
    """nbval counts code cells from 0; a reader counts every cell from 1 and knows the label."""
    code = -1
    for position, cell in enumerate(notebook.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        code += 1
        if code == code_index:
            lines = [ln.strip() for ln in _source(cell).splitlines() if ln.strip()]
            label = next(
                (ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("#| label:")), None
            )
            name = label or (lines[0] if lines else "empty cell")
            return f"cell {position} ({name})"
    return f"code cell {code_index}"


def _failure_details(text: str) -> list[str]:
    """The useful lines of an nbval failure: what differed and pytest's diff, relabelled.  In
    that diff ``-`` marks the right-hand side of ``reference == test`` (the rerun) and ``+`` the
    left (the stored output)."""
    text = _ANSI.sub("", text)
    lines = text.splitlines()
    reason = next((ln.split(":", 1)[1].strip() for ln in lines if re.match(r"Cell \d+:", ln)), "")
    after = lines[next((i for i, ln in enumerate(lines) if ln.startswith("Traceback:")), -1) + 1 :]
    details = []
    for line in after:
        stripped = line.strip()
        if not stripped or stripped.startswith(("assert reference_output", "Skipping ")):
            continue
        if stripped.startswith("mismatch "):
            details.append(f"{stripped.removeprefix('mismatch ')} output differs")
        elif line.startswith("  + "):
            details.append(f"published: {line[4:]}")
        elif line.startswith("  - "):
            details.append(f"rerun:     {line[4:]}")
        elif line.startswith("  ? "):
            details.append(f"           {line[4:]}")
        elif reason != "Cell outputs differ" or stripped.startswith(
            ("Missing output", "Unexpected output", "dissimilar number")
        ):
            details.append(stripped)
    if reason == "Cell execution caused an exception" and details:
        details = [details[-1]]  # the exception line itself
    return [reason or "failed", *details[:MAX_CELL_LINES]]


def parse_junit(xml_file: Path, notebook: dict, name: str) -> tuple[int, list[str]]:
    """(cells checked, difference lines) from the JUnit report of one nbval run."""
    root = ET.parse(xml_file).getroot()
    cases = root.iter("testcase")
    checked, problems = 0, []
    for case in cases:
        checked += 1
        bad = case.find("failure")
        bad = bad if bad is not None else case.find("error")
        if bad is None:
            continue
        match = re.search(r"Cell (\d+)", case.get("name", ""))
        where = _cell_title(notebook, int(match.group(1))) if match else case.get("name", "?")
        reason, *details = _failure_details(bad.text or bad.get("message", ""))
        problems.append(f"notebook {name}, {where}: {reason}")
        problems += [f"    {line}" for line in details]
    return checked, problems


def nbval_command(notebook: Path, sanitize: Path, junit: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        str(notebook),
        "--nbval-sanitize-with",
        str(sanitize),
        "-p",
        "no:cacheprovider",
        "-q",
        "--color=no",
        f"--junitxml={junit}",
    ]


def rerun_notebook(
    staged: Path, archived: Path, sanitize: Path, env: dict[str, str]
) -> tuple[bool, list[str]]:
    """Run one staged notebook under nbval; (outputs all matched, difference lines)."""
    junit = staged.with_suffix(".junit.xml")
    done = subprocess.run(
        nbval_command(staged, sanitize, junit),
        cwd=staged.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=NBVAL_TIMEOUT,
        check=False,
    )
    notebook = json.loads(archived.read_text(encoding="utf-8"))
    if done.returncode in (0, 1) and junit.is_file():
        checked, problems = parse_junit(junit, notebook, archived.name)
        if done.returncode == 0 and checked and not problems:
            return True, []
        if problems:
            return False, problems
    tail = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip()][-6:]
    return False, [
        f"notebook {archived.name}: nbval did not run it (exit {done.returncode})",
        *(f"    {_ANSI.sub('', ln)}" for ln in tail),
    ]


def sanitize_file(work: Path) -> Path:
    """The project's nbval sanitising rules, or this module's minimal set when they are absent."""
    if SANITIZE_FILE.is_file():
        return SANITIZE_FILE
    path = work / "nbval-sanitize.cfg"
    path.write_text(FALLBACK_SANITIZE.lstrip(), encoding="utf-8")
    return path


# --- one quarter -------------------------------------------------------------------------------
def _copy_publication(folder: Path, target: Path) -> None:
    """What verification reads, copied while the quarter's lock is held, so a run publishing
    meanwhile cannot mix two publications under our feet."""
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns(mf.HISTORY_DIR))


def verify_quarter(
    reports_dir: Path,
    data_dir: Path,
    quarter: Quarter | str,
    *,
    notebooks: Sequence[str] | None = None,
    rerun_notebooks: bool = True,
    jobs: int | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    lock_timeout: float = DEFAULT_TIMEOUT,
    progress: Progress = print,
) -> Verdict:
    """Verify one published quarter and print its verdict.

    ``notebooks`` narrows the rerun to some archived notebooks (names with or without
    ``.ipynb``); the others then count as not checked.  ``rerun_notebooks=False`` skips nbval
    altogether (the quick check: hashes and figures only).
    """
    started = time.perf_counter()
    quarter = Quarter.parse(quarter)
    reports_dir, data_dir = Path(reports_dir).resolve(), Path(data_dir).resolve()
    if rerun_notebooks and find_spec("nbval") is None:
        raise VerifyError("nbval is not installed: `pip install -e .[dev]` (or pip install nbval)")
    with tempfile.TemporaryDirectory(prefix="pp-verify-") as tmp:
        work = Path(tmp)
        published = work / "published"
        with quarter_lock(reports_dir, quarter, timeout=lock_timeout, progress=progress):
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
                notebooks=notebooks,
                rerun=rerun_notebooks,
                jobs=jobs,
                notebooks_dir=notebooks_dir,
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
    other = []
    if manifest.get("schema") != mf.SCHEMA:
        other.append(f"manifest schema {manifest.get('schema')!r}; this version reads {mf.SCHEMA}")
    if manifest.get("quarter") != quarter.id:
        other.append(f"manifest names quarter {manifest.get('quarter')!r}, not {quarter.id}")
    inputs = check_inputs(manifest, data_dir, quarter, notebooks_dir)
    outputs = check_outputs(published, manifest)
    with cache_off() as env:
        pool = concurrent.futures.ThreadPoolExecutor(max(1, jobs or os.cpu_count() or 1))
        with pool:
            pending = (
                _start_notebooks(manifest, published, data_dir, work, notebooks, env, pool)
                if rerun
                else None
            )
            figures = check_figures(published, data_dir, quarter)  # meanwhile, in this thread
            checked = (
                _collect_notebooks(pending, len(manifest.get("notebooks", [])))
                if pending is not None
                else None
            )
    return Verdict(quarter, inputs, outputs, checked, figures, other=other)


def _start_notebooks(
    manifest: dict,
    published: Path,
    data_dir: Path,
    work: Path,
    names: Sequence[str] | None,
    env: dict[str, str],
    pool: concurrent.futures.Executor,
) -> list[tuple[str, concurrent.futures.Future[tuple[bool, list[str]]] | None]]:
    listed = list(manifest.get("notebooks", []))
    if names is not None:
        wanted = {f"{n.removesuffix('.ipynb')}.ipynb" for n in names}
        listed = [n for n in listed if n in wanted]
    archived = [published / "notebooks" / n for n in listed]
    present = [p for p in archived if p.is_file()]
    staged = dict(zip(present, stage_notebooks(present, data_dir, work / "rerun"), strict=True))
    sanitize = sanitize_file(work)
    return [
        (path.name, pool.submit(rerun_notebook, staged[path], path, sanitize, env))
        if path in staged
        else (path.name, None)
        for path in archived
    ]


def _collect_notebooks(
    pending: list[tuple[str, concurrent.futures.Future[tuple[bool, list[str]]] | None]],
    published: int,
) -> Tally:
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
    reports_dir: Path,
    data_dir: Path,
    quarters: Sequence[Quarter],
    *,
    progress: Progress = print,
    summary: bool | None = None,
    **options: Any,
) -> list[Verdict]:
    """Verify several quarters one after another, then a summary line (by default only when
    there is more than one quarter)."""
    started = time.perf_counter()
    verdicts = [
        verify_quarter(reports_dir, data_dir, q, progress=progress, **options) for q in quarters
    ]
    if summary or (summary is None and len(verdicts) > 1):
        differ = [v.quarter.id for v in verdicts if not v.ok]
        progress(
            f"{len(verdicts)} quarter(s): {len(verdicts) - len(differ)} verified, "
            f"{len(differ)} differ{' (' + ', '.join(differ) + ')' if differ else ''}  "
            f"{time.perf_counter() - started:.1f} s in all"
        )
    return verdicts
