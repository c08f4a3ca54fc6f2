"""Kernels forked from the pool's factory: started as ipykernel_launcher would start them, with
the preload already imported, and never outliving the factory or the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import nbformat
import psutil
import pytest

from analysis.engine import kernel_factory
from analysis.engine.execute import execute_notebook
from analysis.engine.kernel_factory import ForkedProcess, kernel_argv
from analysis.engine.kernels import KernelPool

PROBE = (
    "import os, sys\n"
    "print(os.getpid(), os.getppid(), 'wave' in sys.modules, os.getcwd(), sys.argv[0])"
)


def test_the_kernel_arguments_are_those_given_to_ipykernel_launcher() -> None:
    cmd = [sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json"]
    assert kernel_argv([*cmd, "--x=1"]) == ["ipykernel_launcher", "-f", "k.json", "--x=1"]


@pytest.mark.parametrize(
    "cmd",
    [
        ["/usr/bin/python3-elsewhere", "-m", "ipykernel_launcher", "-f", "k.json"],
        [sys.executable, "-m", "another_kernel", "-f", "k.json"],
        [sys.executable, "ipykernel_launcher", "-f", "k.json"],
        [],
    ],
)
def test_a_kernel_spec_the_factory_cannot_start_is_started_the_usual_way(cmd) -> None:
    assert kernel_argv(cmd) is None


@pytest.mark.parametrize(
    ("platform", "switch", "forked"),
    [
        ("linux", None, True),
        ("linux", "1", True),
        ("linux", "0", False),
        ("darwin", None, False),
        ("win32", None, False),
    ],
)
def test_kernels_are_forked_on_linux_unless_switched_off(monkeypatch, platform, switch, forked):
    monkeypatch.setattr(kernel_factory.sys, "platform", platform)
    if switch is None:
        monkeypatch.delenv(kernel_factory.ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(kernel_factory.ENV_SWITCH, switch)
    assert kernel_factory.forking_possible() is forked


def test_a_forked_process_is_watched_and_killed_by_its_pid() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        process = ForkedProcess(child.pid)
        assert process.poll() is None
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
        process.kill()
        assert process.wait(timeout=10) == -signal.SIGKILL  # a zombie counts as ended
    finally:
        child.kill()
        child.wait()


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def _probe(pool: KernelPool, tmp_path: Path) -> list[str]:
    output = tmp_path / "probe.out.ipynb"
    execute_notebook(_notebook(tmp_path / "probe.ipynb", PROBE), output, {}, pool, None)
    cells = nbformat.read(output, as_version=4).cells
    return "".join(o.get("text", "") for c in cells for o in c.get("outputs", [])).split()


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")
def test_kernels_are_forked_from_the_factory_with_the_preload_imported(tmp_path, monkeypatch):
    monkeypatch.delenv(kernel_factory.ENV_SWITCH, raising=False)
    (tmp_path / "k").mkdir()
    with KernelPool(tmp_path / "k", tmp_path, preload="import wave\n") as pool:
        pid, parent, preloaded, cwd, argv0 = _probe(pool, tmp_path)
        factory = psutil.Process(int(parent))
        assert str(tmp_path / "k") in " ".join(factory.cmdline())
        assert factory.ppid() == os.getpid()
        assert (preloaded, cwd) == ("True", str(tmp_path))
        assert argv0.endswith("ipykernel_launcher.py")
        # The factory gone, its kernel follows (ipykernel's parent poller, once a second).
        kernel = psutil.Process(int(pid))
        factory.kill()
        kernel.wait(timeout=15)
    assert not psutil.pid_exists(int(parent))


@pytest.mark.slow
def test_without_forking_each_kernel_is_its_own_launcher(tmp_path, monkeypatch):
    monkeypatch.setenv(kernel_factory.ENV_SWITCH, "0")
    (tmp_path / "k").mkdir()
    with KernelPool(tmp_path / "k", tmp_path, preload="import wave\n") as pool:
        _, parent, preloaded, cwd, _ = _probe(pool, tmp_path)
    assert (int(parent), preloaded, cwd) == (os.getpid(), "False", str(tmp_path))


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kernels are forked on Linux only")
def test_a_factory_that_fails_leaves_the_kernels_to_start_the_usual_way(tmp_path, monkeypatch):
    """A preload that cannot be imported ends the factory; each kernel is then started by
    jupyter_client itself, and the notebooks run as they would have."""
    monkeypatch.delenv(kernel_factory.ENV_SWITCH, raising=False)
    (tmp_path / "k").mkdir()
    with KernelPool(tmp_path / "k", tmp_path, preload="import no_such_module_here\n") as pool:
        _, parent, preloaded, cwd, _ = _probe(pool, tmp_path)
    assert (int(parent), preloaded, cwd) == (os.getpid(), "False", str(tmp_path))
