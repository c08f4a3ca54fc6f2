"""``panelpaper verify``: show that a published quarter still reruns to the same paper.

A publication is worth something to the panel only if anyone can later rebuild it from the
archived inputs and get the same numbers.  Verification checks four things, each against the
record the run left in ``manifest.json`` or against the publication itself:

1. **Inputs.**  Every file the manifest lists (snapshots up to the quarter, the data folder's
   settings, the paper notebooks and their ``*.py`` twins, every file of the ``analysis``
   package, the Quarto sources) is hashed again, with :func:`analysis.publishing.manifest.collect_inputs`
   called exactly as the pipeline calls it, and compared by SHA-256.
2. **Outputs.**  Every published file (executed notebooks, ``figures.json``, the paper) is
   hashed against the manifest, so a file edited after publication is named.
3. **Notebooks.**  The archived executed notebooks are run again, in this process, on warm
   kernels and through papermill exactly as the pipeline runs them, and each code cell's fresh
   outputs are compared with the outputs stored in the archive under nbval's rules (see
   :func:`compare_outputs`: streams joined, the sanitising rules of
   ``notebooks/nbval-sanitize.cfg`` applied to blank run times, memory addresses and absolute
   paths, images and metadata left out since their bytes depend on the font and library
   build, nbval's ``nbval-*`` cell tags and ``# NBVAL_*`` comments honoured).
4. **figures.json.**  Recomputed in this process from the raw snapshot files and compared byte
   for byte; a difference is listed key by key.

Why notebooks are rerun from a copy, laid out so their own ``data_dir`` works: the pipeline
injects ``data_dir`` *relative to the notebooks folder* (``../data`` for the repository's data),
and each kernel starts in the folder the notebook copy sits in.  So each copy goes to
``<work>/…/notebooks/`` at the depth the relative path climbs, and the place the path lands on
is a symbolic link to the data folder being verified.  The archived notebook is then run
byte for byte as published, whatever data folder is named on the command line.  Only when that
cannot work (an absolute ``data_dir`` from an older publication, a path that climbs to the
notebooks folder itself, a system without symbolic links) is the injected cell's ``data_dir``
rewritten in the copy; only outputs are compared, never sources, so the check is the same.

The disk cache of validated snapshots is switched off while figures are recomputed (for this
thread only, :func:`analysis.cache.disabled`) and in the rerun kernels (``PANELPAPER_NO_CACHE=1``
in their own environment): a cached snapshot would prove only that the cache agrees with
itself.  ``os.environ`` is left alone, since other threads are running meanwhile.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import difflib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analysis import cache
from analysis.cache import ENV_OFF
from analysis.paths import NOTEBOOKS
from analysis.publishing import manifest as mf
from analysis.publishing import pipeline
from analysis.publishing.kernels import KernelPool
from analysis.publishing.locking import DEFAULT_TIMEOUT, quarter_lock
from analysis.publishing.pipeline import (
    KERNEL,
    WARM_UP,
    default_jobs,
    import_papermill,
    longest_first,
)
from analysis.quarters import Quarter

NOTEBOOKS_DIR = NOTEBOOKS
SANITIZE_FILE = NOTEBOOKS / "nbval-sanitize.cfg"

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
    """The inputs as they are now, hashed by :func:`analysis.publishing.manifest.collect_inputs`.

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
def cache_off() -> Iterator[None]:
    """The snapshot cache off while figures are recomputed in this thread: a cached snapshot
    would prove only that the cache agrees with itself.  (The rerun kernels get the same
    switch in their own environment; ``os.environ`` is never changed.)"""
    with cache.disabled():
        yield


def recompute_figures(data_dir: Path, quarter: Quarter) -> bytes:
    from analysis.figures.record import figures_for_quarter, to_json

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


# --- comparing outputs, by nbval's rules ---------------------------------------------------------
SKIP_COMPARE = frozenset(
    {
        "metadata",
        "traceback",
        "prompt_number",
        "output_type",
        "name",
        "execution_count",
        "application/vnd.jupyter.widget-view+json",  # widget model ids are random
        "image/png",  # image bytes depend on the font and library build
        "image/jpeg",
    }
)
"""What nbval leaves out of a comparison by default (images included, as without ``--nbdime``)."""

_CARRIAGE_RETURN = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)
_OPTION_TAGS = {
    "nbval-check-output": ("check", True),
    "nbval-ignore-output": ("check", False),
    "nbval-skip": ("skip", True),
    "raises-exception": ("check_exception", True),
    "nbval-raises-exception": ("check_exception", True),
}
_OPTION_COMMENTS = {
    "# NBVAL_CHECK_OUTPUT": ("check", True),
    "# NBVAL_IGNORE_OUTPUT": ("check", False),
    "# NBVAL_SKIP": ("skip", True),
    "# NBVAL_RAISES_EXCEPTION": ("check_exception", True),
}


def read_sanitize_rules(text: str) -> list[tuple[str, str]]:
    """(regex, replacement) pairs from an nbval sanitize file, in order, as nbval reads them."""
    return re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def sanitize_rules() -> list[tuple[str, str]]:
    """The project's rules (notebooks/nbval-sanitize.cfg), or this module's minimal set."""
    text = SANITIZE_FILE.read_text(encoding="utf-8") if SANITIZE_FILE.is_file() else None
    return read_sanitize_rules(text if text is not None else FALLBACK_SANITIZE)


def cell_options(cell: dict) -> dict[str, bool]:
    """nbval's per-cell switches, from the cell's tags and then its ``# NBVAL_*`` comments."""
    options = {"check": True, "skip": False, "check_exception": False}
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag in _OPTION_TAGS:
            key, value = _OPTION_TAGS[tag]
            options[key] = value
    for line in _source(cell).splitlines():
        if line.strip() in _OPTION_COMMENTS:
            key, value = _OPTION_COMMENTS[line.strip()]
            options[key] = value
    return options


def coalesce_streams(outputs: Sequence[dict]) -> list[dict]:
    """One output per stream name, its pieces joined and text overwritten by ``\\r`` dropped
    (as nbval does), so how the kernel happened to split its printing never counts."""
    merged: list[dict] = []
    streams: dict[str, dict] = {}
    for output in outputs:
        output = dict(output)
        if output.get("output_type") == "stream":
            text = _source({"source": output.get("text", "")})
            if output.get("name") in streams:
                streams[output["name"]]["text"] += text
                continue
            output["text"] = text
            streams[output.get("name", "")] = output
        merged.append(output)
    for output in streams.values():  # (nbval's backspace pass never changes anything)
        output["text"] = _CARRIAGE_RETURN.sub("", output["text"])
    return merged


def _flatten(outputs: Sequence[dict], rules: Sequence[tuple[str, str]]) -> dict[str, list]:
    """nbval's shape for comparing: each key (a stream's name, each MIME type of ``data``, and
    the other fields) with the list of its sanitised values over the cell's outputs, so that
    outputs of different kinds may come in any order but those of one kind may not."""

    def clean(value: Any) -> Any:
        value = "".join(value) if isinstance(value, list) else value
        if not isinstance(value, str):
            return value
        for regex, replace in rules:
            value = re.sub(regex, replace, value)
        return value

    flat: dict[str, list] = {}
    for output in coalesce_streams(outputs):
        if output.get("output_type") == "stream":
            output = {"output_type": "stream", output.get("name", ""): output.get("text", "")}
        for key, value in output.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        flat.setdefault(mime, []).append(clean(data))
            else:
                flat.setdefault(key, []).append(clean(value))
    return flat


def _text_diff(published: Any, rerun: Any) -> list[str]:
    """Line by line, ``published:`` for the archive's lines and ``rerun:`` for the new ones."""
    if not (isinstance(published, str) and isinstance(rerun, str)):
        return [f"published: {published!r}", f"rerun:     {rerun!r}"]
    lines = []
    for line in difflib.ndiff(published.splitlines(), rerun.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "- ":
            lines.append(f"published: {text}")
        elif tag == "+ ":
            lines.append(f"rerun:     {text}")
        elif tag == "? ":
            lines.append(f"           {text.rstrip()}")
    return lines or [f"published: {published!r}", f"rerun:     {rerun!r}"]


def compare_outputs(
    rerun: Sequence[dict], published: Sequence[dict], rules: Sequence[tuple[str, str]]
) -> list[str]:
    """Nothing when a cell's fresh outputs match its archived ones under nbval's rules; else
    why not, first line first (nbval's own reasons)."""
    new, old = _flatten(rerun, rules), _flatten(published, rules)
    if set(old) - set(new):
        return [f"Missing output fields from running code: {set(old) - set(new)}"]
    if set(new) - set(old):
        return [f"Unexpected output fields from running code: {set(new) - set(old)}"]
    for key, values in old.items():
        if len(values) != len(new[key]):
            return [f'dissimilar number of outputs for key "{key}"']
        for before, after in zip(values, new[key], strict=True):
            if before != after:
                return [f"'{key}' output differs", *_text_diff(before, after)]
    return []


def compare_notebooks(
    name: str,
    archived: dict,
    rerun: dict,
    rules: Sequence[tuple[str, str]],
    failure: Any = None,
) -> tuple[int, list[str]]:
    """(code cells checked, difference lines) for one notebook, code cell by code cell.

    ``failure`` is papermill's error when the rerun stopped at a cell: that cell is reported
    with its exception (unless it is tagged to raise) and the cells after it count as not
    rerun."""
    old = [c for c in archived.get("cells", []) if c.get("cell_type") == "code"]
    new = [c for c in rerun.get("cells", []) if c.get("cell_type") == "code"]
    stopped = getattr(failure, "exec_count", None) if failure is not None else None
    checked, problems = 0, []
    for index, cell in enumerate(old):
        options = cell_options(cell)
        if options["skip"]:
            continue
        checked += 1
        where = f"notebook {name}, {_cell_title(archived, index)}"
        fresh = new[index] if index < len(new) else {}
        if failure is not None and fresh.get("execution_count") in (None, stopped):
            if fresh.get("execution_count") == stopped and stopped is not None:
                problems += [
                    f"{where}: Cell execution caused an exception",
                    f"    {failure.ename}: {failure.evalue}",
                ]
            else:
                problems.append(f"{where}: not rerun (an earlier cell failed)")
            if fresh.get("execution_count") is None:
                break
            continue
        if cell.get("execution_count") is None:
            if cell.get("outputs"):
                problems.append(f"{where}: Unrun reference cell has outputs")
            continue
        if not options["check"]:
            continue
        reasons = compare_outputs(fresh.get("outputs", []), cell.get("outputs", []), rules)
        if reasons:
            problems.append(f"{where}: Cell outputs differ")
            problems += [f"    {line}" for line in reasons[: MAX_CELL_LINES + 1]]
    return checked, problems


# --- rerunning the archived notebooks ------------------------------------------------------------
def _runnable_copy(staged: Path) -> None:
    """Cells nbval would skip are emptied in the copy, so the rerun does not run them either."""
    notebook = json.loads(staged.read_text(encoding="utf-8"))
    changed = False
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code" and cell_options(cell)["skip"]:
            cell["source"], changed = "", True
    if changed:
        staged.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), "utf-8")


def rerun_notebook(
    staged: Path, archived: Path, rules: Sequence[tuple[str, str]], kernels: KernelPool
) -> tuple[bool, list[str]]:
    """Run one staged copy on a warm kernel (as the pipeline runs notebooks, nothing injected)
    and compare it with the archive; (outputs all matched, difference lines)."""
    notebook = json.loads(archived.read_text(encoding="utf-8"))
    output = staged.with_suffix(".rerun.ipynb")
    _runnable_copy(staged)
    failure = None
    try:
        pipeline.execute_notebook(staged, output, {}, kernels, NBVAL_TIMEOUT)
    except Exception as exc:
        if not output.is_file() or not hasattr(exc, "exec_count"):
            return False, [
                f"notebook {archived.name}: could not be rerun: {type(exc).__name__}: {exc}"
            ]
        failure = exc
    rerun = json.loads(output.read_text(encoding="utf-8"))
    checked, problems = compare_notebooks(archived.name, notebook, rerun, rules, failure)
    return checked > 0 and not problems, problems


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
    threads = max(1, jobs or default_jobs())
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(concurrent.futures.ThreadPoolExecutor(threads))
        pending = (
            _start_notebooks(manifest, published, data_dir, work, notebooks, pool, threads, stack)
            if rerun
            else None
        )
        with cache_off():
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
    pool: concurrent.futures.ThreadPoolExecutor,
    threads: int,
    stack: contextlib.ExitStack,
) -> list[tuple[str, concurrent.futures.Future[tuple[bool, list[str]]] | None]]:
    """Stage the archived notebooks and start rerunning them on warm kernels, the longest
    first, as a run does: one kernel pool per folder the copies sit in (kernels start in the
    notebook's folder, where its relative ``data_dir`` leads), the snapshot cache off in the
    kernels' own environment only."""
    listed = list(manifest.get("notebooks", []))
    if names is not None:
        wanted = {f"{n.removesuffix('.ipynb')}.ipynb" for n in names}
        listed = [n for n in listed if n in wanted]
    archived = [published / "notebooks" / n for n in listed]
    present = [p for p in archived if p.is_file()]
    staged = dict(zip(present, stage_notebooks(present, data_dir, work / "rerun"), strict=True))
    rules = sanitize_rules()
    env = {**os.environ, ENV_OFF: "1"}
    kernels: dict[Path, KernelPool] = {}
    for copy in staged.values():
        if copy.parent not in kernels:
            kernel_dir = work / f"k{len(kernels)}"
            kernel_dir.mkdir()
            kernels[copy.parent] = stack.enter_context(
                KernelPool(kernel_dir, copy.parent, kernel_name=KERNEL, warm_up=WARM_UP, env=env)
            )
    if len(kernels) == 1:
        next(iter(kernels.values())).start_in(pool, min(threads, len(staged)))
    import_papermill()  # here, once, before any worker thread imports it
    futures = {
        path: pool.submit(rerun_notebook, staged[path], path, rules, kernels[staged[path].parent])
        for path in longest_first(list(staged))
    }
    return [(path.name, futures.get(path)) for path in archived]


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
