"""The archived notebooks of a publication, rerun from copies that reach the data.

Why notebooks are rerun from a copy, laid out so their own ``data_dir`` works: a run injects
``data_dir`` *relative to the notebooks folder* (``../data`` for the repository's data), and
each kernel starts in the folder the notebook copy sits in.  So each copy goes to
``<work>/…/notebooks/`` at the depth the relative path climbs, and the place the path lands on
is a symbolic link to the data folder being verified.  The archived notebook is then run
byte for byte as published, whatever data folder is named on the command line.  Only when that
cannot work (an absolute ``data_dir`` from an older publication, a path that climbs to the
notebooks folder itself, a system without symbolic links) is the injected cell's ``data_dir``
rewritten in the copy; only outputs are compared, never sources, so the check is the same.

The copies run on warm kernels through papermill exactly as ``panelpaper run`` runs notebooks
(:func:`analysis.engine.execute.execute_notebook`).  The user's snapshot cache is never
read: an entry written by an earlier run would prove only that the cache agrees with itself.
The kernels get a cache of their own instead, an empty folder made for this verification
(``PANELPAPER_CACHE_DIR`` in the kernels' own environment), so every snapshot is read and
validated from its raw files once per verification rather than once per notebook: the first
notebook that needs it fills the entry, the next ones read what this verification computed.
``os.environ`` is left alone, since other threads are running.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from analysis.engine.cache import ENV_DIR, ENV_OFF
from analysis.engine.execute import (
    KERNEL,
    PRELOAD,
    WARM_UP,
    execute_notebook,
    longest_first,
)
from analysis.engine.kernels import KernelPool
from analysis.engine.lazy import import_papermill
from analysis.publishing.proof.compare import (
    cell_options,
    cell_source,
    compare_notebooks,
    sanitize_rules,
)

NBVAL_TIMEOUT = 1800.0


def recorded_data_dir(notebook: dict) -> str | None:
    """The ``data_dir`` the notebook ran with: papermill's injected cell, else the defaults."""
    value = None
    for tag in ("parameters", "injected-parameters"):
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") != "code" or tag not in cell.get("metadata", {}).get(
                "tags", []
            ):
                continue
            found = _assigned(cell_source(cell), "data_dir")
            value = found if found is not None else value
    return value


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
            cell["source"] = (
                cell_source(cell) + ("" if cell_source(cell).endswith("\n") else "\n") + line
            )
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
    """Run one staged copy on a warm kernel (as a run executes notebooks, nothing injected)
    and compare it with the archive; (outputs all matched, difference lines)."""
    notebook = json.loads(archived.read_text(encoding="utf-8"))
    output = staged.with_suffix(".rerun.ipynb")
    _runnable_copy(staged)
    failure = None
    try:
        execute_notebook(staged, output, {}, kernels, NBVAL_TIMEOUT)
    except Exception as exc:
        if not output.is_file() or not hasattr(exc, "exec_count"):
            return False, [
                f"notebook {archived.name}: could not be rerun: {type(exc).__name__}: {exc}"
            ]
        failure = exc
    rerun = json.loads(output.read_text(encoding="utf-8"))
    checked, problems = compare_notebooks(archived.name, notebook, rerun, rules, failure)
    return checked > 0 and not problems, problems


Pending = list[tuple[str, Future[tuple[bool, list[str]]] | None]]
"""Each archived notebook's name and its rerun (None when it is missing from the publication)."""


def start_reruns(
    archived: Sequence[Path],
    data_dir: Path,
    work: Path,
    pool: ThreadPoolExecutor,
    threads: int,
    stack: contextlib.ExitStack,
) -> Pending:
    """Stage the archived notebooks and start rerunning them on warm kernels, the longest
    first, as a run does: one kernel pool per folder the copies sit in (kernels start in the
    notebook's folder, where its relative ``data_dir`` leads), with a snapshot cache of their
    own that starts empty (see the module docstring)."""
    present = [p for p in archived if p.is_file()]
    staged = dict(zip(present, stage_notebooks(present, data_dir, work / "rerun"), strict=True))
    rules = sanitize_rules()
    env = {key: value for key, value in os.environ.items() if key != ENV_OFF}
    env[ENV_DIR] = str(work / "cache")
    kernels: dict[Path, KernelPool] = {}
    for copy in staged.values():
        if copy.parent not in kernels:
            kernel_dir = work / f"k{len(kernels)}"
            kernel_dir.mkdir()
            kernels[copy.parent] = stack.enter_context(
                KernelPool(
                    kernel_dir,
                    copy.parent,
                    kernel_name=KERNEL,
                    warm_up=WARM_UP,
                    preload=PRELOAD,
                    env=env,
                )
            )
    if len(kernels) == 1:
        next(iter(kernels.values())).start_in(pool, min(threads, len(staged)))
    import_papermill()  # here, once, before any worker thread imports it
    futures = {
        path: pool.submit(rerun_notebook, staged[path], path, rules, kernels[staged[path].parent])
        for path in longest_first(list(staged))
    }
    return [(path.name, futures.get(path)) for path in archived]
