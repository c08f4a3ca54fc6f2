"""The warm kernel pool: one kernel per thread, reset between notebooks, replaced after a
failure, never restarted once the run is closing.

These start real kernels (about a second each), so they are marked slow.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import psutil
import pytest

from analysis.engine.execute import WARM_UP, execute_notebook
from analysis.engine.kernels import KernelPool, KernelStartError

pytestmark = pytest.mark.slow


def notebook(path: Path, *sources: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def execute(pool: KernelPool, source: Path, tmp_path: Path, name: str) -> nbformat.NotebookNode:
    output = tmp_path / f"{name}.out.ipynb"
    execute_notebook(source, output, {"quarter": name}, pool, None)
    return nbformat.read(output, as_version=4)


def printed(nb: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def gone(pid: int) -> bool:
    """The process has ended: no longer there, or a zombie nobody has reaped yet."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def counts(nb: nbformat.NotebookNode) -> list[int | None]:
    return [c.execution_count for c in nb.cells if c.cell_type == "code"]


@pytest.fixture
def pool(tmp_path):
    kernels = tmp_path / "k"
    kernels.mkdir()
    ready: list[tuple[int, float]] = []
    with KernelPool(
        kernels,
        tmp_path,
        warm_up="import json\nwarmed = True\n",
        on_ready=lambda number, seconds: ready.append((number, seconds)),
    ) as started:
        started.ready = ready  # type: ignore[attr-defined]
        yield started
    # Shut down on leaving: no kernel of this pool outlives it.
    assert not [
        p
        for p in psutil.Process().children(recursive=True)
        if str(kernels) in " ".join(p.cmdline())
    ]


def test_notebooks_share_a_warm_kernel_but_start_from_a_clean_namespace(pool, tmp_path):
    first = notebook(
        tmp_path / "first.ipynb",
        "import matplotlib.pyplot as plt\nleft_over = 42\nplt.figure()\nprint('pid', __import__('os').getpid())",
        "print('figures', len(plt.get_fignums()))",
    )
    second = notebook(
        tmp_path / "second.ipynb",
        "import sys, os\nprint('pid', os.getpid())\nprint('json loaded', 'json' in sys.modules)",
        "print('names', sorted(n for n in ('left_over', 'warmed', 'plt', 'quarter') if n in globals()))",
        "import matplotlib.pyplot as plt\nprint('figures', len(plt.get_fignums()))",
        "print('history', len(Out), len(In))",
    )

    one = execute(pool, first, tmp_path, "Q1")
    two = execute(pool, second, tmp_path, "Q2")

    assert pool.started == 1  # both ran in the one kernel
    assert [number for number, _ in pool.ready] == [1]  # reported once, when it was warm
    assert pool.ready[0][1] > 0
    pid_one = printed(one).split("pid ")[1].split()[0]
    assert f"pid {pid_one}" in printed(two)
    assert "json loaded True" in printed(two)  # the warm-up's import is still loaded
    # ... but nothing of the warm-up's or the first notebook's names, figures or history.
    assert "names ['quarter']" in printed(two)
    assert "figures 0" in printed(two)
    # Cells numbered from 1 in each notebook, as in a new kernel (papermill's injected
    # parameters cell is the first).
    assert counts(one) == [1, 2, 3]
    assert counts(two) == [1, 2, 3, 4, 5]
    # In holds '' and the five cells run so far (this one included); Out is empty.
    assert "history 0 6" in printed(two)


def test_a_failed_notebook_takes_its_kernel_with_it(pool, tmp_path):
    pids = notebook(tmp_path / "pid.ipynb", "import os\nprint('pid', os.getpid())\nbroken = True")
    raises = notebook(tmp_path / "raises.ipynb", "broken = True\nraise ValueError('boom')")

    first = printed(execute(pool, pids, tmp_path, "a")).split("pid ")[1].split()[0]
    with pytest.raises(Exception, match="boom"):
        execute(pool, raises, tmp_path, "b")
    after = printed(execute(pool, pids, tmp_path, "c")).split("pid ")[1].split()[0]

    assert pool.started == 2
    assert after != first
    assert gone(int(first))


def test_a_kernel_killed_between_notebooks_is_replaced(pool, tmp_path):
    pids = notebook(tmp_path / "pid.ipynb", "import os\nprint('pid', os.getpid())")
    first = int(printed(execute(pool, pids, tmp_path, "a")).split("pid ")[1].split()[0])
    killed = psutil.Process(first)
    os.kill(first, signal.SIGKILL)
    killed.wait(timeout=10)  # gone (a forked kernel's factory may have reaped it already)

    second = int(printed(execute(pool, pids, tmp_path, "b")).split("pid ")[1].split()[0])

    assert second != first
    assert pool.started == 2


def test_each_thread_has_its_own_kernel(pool, tmp_path):
    pids = notebook(
        tmp_path / "pid.ipynb", "import os, time\ntime.sleep(0.5)\nprint('pid', os.getpid())"
    )
    with ThreadPoolExecutor(2) as threads:
        runs = list(threads.map(lambda n: execute(pool, pids, tmp_path, f"t{n}"), range(4)))
    seen = {printed(nb).split("pid ")[1].split()[0] for nb in runs}
    assert len(seen) == 2
    assert pool.started == 2


def test_a_closed_pool_starts_no_new_kernel(pool, tmp_path):
    pids = notebook(tmp_path / "pid.ipynb", "print('ran')")
    pool.close()
    with pytest.raises(KernelStartError, match="no new kernel"):
        execute(pool, pids, tmp_path, "a")
    assert pool.started == 0


def test_kernels_get_the_environment_the_pool_is_given_and_nothing_leaks(tmp_path):
    """verify turns the snapshot cache off in its rerun kernels this way, without touching
    the process's own environment while other threads run."""
    kernels = tmp_path / "k"
    kernels.mkdir()
    env = {**os.environ, "PANELPAPER_NO_CACHE": "1"}
    source = notebook(
        tmp_path / "env.ipynb",
        "quarter = 'x'",
        "import os\nprint(os.environ.get('PANELPAPER_NO_CACHE'))",
    )
    before = os.environ.get("PANELPAPER_NO_CACHE")
    with KernelPool(kernels, tmp_path, env=env) as pool:
        nb = execute(pool, source, tmp_path, "env")
    assert printed(nb) == "1\n"
    assert os.environ.get("PANELPAPER_NO_CACHE") == before


def test_a_stopped_kernel_has_ended_when_the_pool_is_shut_down(pool, tmp_path):
    """The pool kills its kernels and waits for each to end, without jupyter_client's polling:
    once shut down, no kernel is running (a kernel forked by the factory may be a zombie for the
    moment the factory takes to reap it)."""
    pids = notebook(tmp_path / "pid.ipynb", "import os\nprint('pid', os.getpid())")
    pid = int(printed(execute(pool, pids, tmp_path, "a")).split()[1])
    assert not gone(pid)
    pool.shutdown()
    assert gone(pid)


def test_the_run_s_warm_up_leaves_its_imports_frozen_and_the_collector_on(tmp_path):
    """After the warm-up the collector is on again, and what the imports loaded is frozen
    (later collections, the reset before each notebook among them, skip it)."""
    kernels = tmp_path / "k"
    kernels.mkdir()
    probe = notebook(
        tmp_path / "gc.ipynb",
        "import gc\nprint(gc.isenabled(), gc.get_freeze_count() > 100_000, 'pandas' in dir())",
    )
    with KernelPool(kernels, tmp_path, warm_up=WARM_UP) as warm:
        nb = execute(warm, probe, tmp_path, "gc")
    assert printed(nb) == "True True False\n"
