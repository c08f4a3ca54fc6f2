"""Faults in the middle of a run: the published quarter stays as it was, and the next run works.

Covered here: a render that fails (injected, and the real renderer on notebooks it cannot
use), a full disk at each rename of the publish step (simulated by making that one rename
raise ENOSPC, since this machine cannot be filled safely), a full disk that also refuses
REASON.txt, and Ctrl-C (in-process, and a real ``panelpaper run`` interrupted with SIGINT to
its process group as a terminal does).  A notebook that raises and a kernel killed mid-cell
are in test_run.py.  docs/robustness.md lists every case and what it produces.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from analysis.publishing.record import publish
from analysis.publishing.render.paper_sources import RenderError
from tests.publishing.test_run import Q1, REAL_RENDER, passing_check, tree
from tests.publishing.test_run import run as run_with_stand_ins

pytestmark = pytest.mark.usefixtures("light_kernels")

ROOT = Path(__file__).resolve().parents[2]
QUARTER = Q1.id


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Two tiny snapshots: the stand-in notebooks and fake figures only hash the files."""
    root = tmp_path / "data"
    folder = root / "snapshots" / QUARTER
    folder.mkdir(parents=True)
    (folder / "recommendations.csv").write_text("rec_id\nR1\n")
    (folder / "actions.csv").write_text("action_id\nA1\n")
    return root


def run(data_dir: Path, reports: Path, lines: list[str] | None = None, **kw):
    """One run of QUARTER on the stand-in notebook, renderer, figures and check of test_run."""
    return run_with_stand_ins(data_dir, reports, lines=lines, **kw)


def change_input(data_dir: Path, text: str = "rec_id\nR1\nR2\n") -> None:
    (data_dir / "snapshots" / QUARTER / "recommendations.csv").write_text(text)


def failed_folders(reports: Path) -> list[Path]:
    root = reports / publish.FAILED
    return sorted(root.iterdir()) if root.is_dir() else []


KERNEL_COMMANDS = ("ipykernel_launcher", "analysis.engine.kernel_factory")
"""How a kernel's command line reads: started by jupyter_client, or forked by the run's kernel
factory (whose command line its kernels keep), the factory itself counted with them."""


def kernels_of(pid: int) -> list[psutil.Process]:
    """Kernel processes started by ``pid`` that are still alive (zombies count as gone)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            command = " ".join(proc.info["cmdline"] or [])
            if not any(name in command for name in KERNEL_COMMANDS):
                continue
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if proc.environ().get("JPY_PARENT_PID") == str(pid):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def history_manifests(reports: Path) -> list[str]:
    history = reports / QUARTER / "history"
    return [(h / "manifest.json").read_text() for h in sorted(history.iterdir())]


# --- a render that fails ------------------------------------------------------------------
def failing_render(staging: Path, renderer: str):
    (staging / "paper.docx").write_text("half a paper")  # as a renderer that died would leave
    raise RenderError("typst compile failed: unknown font 'Arial'")


@pytest.mark.slow
def test_a_failed_render_leaves_the_publication_byte_identical(data_dir, reports):
    assert run(data_dir, reports).status == "published"
    first = (reports / QUARTER / "manifest.json").read_text()
    before = tree(reports)
    change_input(data_dir)
    lines: list[str] = []

    result = run(data_dir, reports, lines, render=failing_render, force=True)

    assert result.status == "failed"
    assert tree(reports) == before  # no .staging left either
    assert failed_folders(reports) == [result.failed_folder]
    assert result.failed_folder.name.startswith(f"{QUARTER}-")
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert "render: RenderError: typst compile failed: unknown font 'Arial'" in reason
    assert (result.failed_folder / "paper.docx").read_text() == "half a paper"
    assert (result.failed_folder / "notebooks" / "alpha.ipynb").is_file()
    assert "FAILED: render: RenderError" in "\n".join(lines)

    # The next run needs no clean-up; the failed staging stays for a person to read.
    again = run(data_dir, reports, force=True)
    assert again.status == "published"
    assert history_manifests(reports) == [first]
    assert failed_folders(reports) == [result.failed_folder]


@pytest.mark.slow
def test_the_real_renderer_failing_is_quarantined_with_what_it_saw(data_dir, reports):
    """render_paper itself, on stand-in notebooks and figures without a "paper" object."""
    result = run(data_dir, reports, render=REAL_RENDER, renderer="pandoc")

    assert result.status == "failed"
    assert tree(reports) == {}
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert "render: RenderError:" in reason
    assert "figures.json" in reason and "'paper'" in reason


# --- a full disk while publishing --------------------------------------------------------
def fail_rename(monkeypatch, when) -> list[tuple[str, str]]:
    """Make ``os.rename(src, dst)`` raise ENOSPC where ``when(src, dst)`` holds, once."""
    real = os.rename
    tripped: list[tuple[str, str]] = []

    def rename(src, dst, *args, **kwargs):
        if not tripped and when(Path(src), Path(dst)):
            tripped.append((str(src), str(dst)))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(publish.os, "rename", rename)
    return tripped


def is_staging(path: Path) -> bool:
    return path.parent.name == publish.STAGING and f"{QUARTER}-run-" in path.name


@pytest.mark.slow
def test_a_full_disk_while_publishing_a_first_time_publishes_nothing(
    data_dir, reports, monkeypatch
):
    tripped = fail_rename(monkeypatch, lambda src, dst: is_staging(src) and dst.name == QUARTER)

    result = run(data_dir, reports)

    assert tripped, "the fault was never reached"
    assert result.status == "failed"
    assert tree(reports) == {}
    reason = (result.failed_folder / "REASON.txt").read_text()
    assert f"publish: OSError: [Errno {errno.ENOSPC}]" in reason
    assert (result.failed_folder / "manifest.json").is_file()  # the whole staged quarter

    monkeypatch.undo()
    assert run(data_dir, reports).status == "published"


@pytest.mark.slow
@pytest.mark.parametrize(
    "step",
    ["moving the old publication aside", "moving the new one into place"],
)
def test_a_full_disk_during_a_forced_publish_keeps_the_old_publication(
    data_dir, reports, monkeypatch, step
):
    run(data_dir, reports)
    first = (reports / QUARTER / "manifest.json").read_text()
    before = tree(reports)
    change_input(data_dir)
    if step == "moving the old publication aside":
        when = lambda src, dst: src == reports / QUARTER  # noqa: E731
    else:
        when = lambda src, dst: is_staging(src) and dst == reports / QUARTER  # noqa: E731
    tripped = fail_rename(monkeypatch, when)

    result = run(data_dir, reports, force=True)

    assert tripped, "the fault was never reached"
    assert result.status == "failed"
    assert tree(reports) == before  # the old publication, whole, in place; nothing parked
    assert "No space left on device" in (result.failed_folder / "REASON.txt").read_text()

    monkeypatch.undo()
    assert run(data_dir, reports, force=True).status == "published"
    assert history_manifests(reports) == [first]
    assert not (reports / publish.STAGING).exists()


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["mkdir history/", "rename into history/"])
def test_a_full_disk_while_filing_the_old_publication_loses_nothing(
    data_dir, reports, monkeypatch, fault
):
    """The new publication is in place when the old one cannot be filed: the run counts as
    published, the old one waits whole in .staging, and the next run, even one that reuses
    the publication, files it under history/."""
    run(data_dir, reports)
    old = {k: v for k, v in tree(reports).items()}
    change_input(data_dir)
    if fault == "mkdir history/":
        real_mkdir = Path.mkdir

        def mkdir(self, *args, **kwargs):
            if self.name == "history" and self.parent == reports / QUARTER:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
            return real_mkdir(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", mkdir)
    else:
        fail_rename(monkeypatch, lambda src, dst: dst.parent == reports / QUARTER / "history")
    lines: list[str] = []

    result = run(data_dir, reports, lines, force=True)

    assert result.status == "published"
    new_manifest = json.loads((reports / QUARTER / "manifest.json").read_text())
    assert "snapshots/2019-20-Q1/recommendations.csv" in new_manifest["inputs"]["files"]
    parked = list((reports / publish.STAGING).glob(f"{QUARTER}-previous-*"))
    assert len(parked) == 1
    assert {f"{QUARTER}/{k}": v for k, v in tree(parked[0]).items()} == {
        k: v for k, v in old.items() if k != QUARTER
    }
    assert "could not be filed under history/" in "\n".join(lines)

    monkeypatch.undo()
    again = run(data_dir, reports)
    assert again.status == "reused"
    history = sorted((reports / QUARTER / "history").iterdir())
    assert len(history) == 1
    assert {f"{QUARTER}/{k}": v for k, v in tree(history[0]).items()} == {
        k: v for k, v in old.items() if k != QUARTER
    }
    assert not (reports / publish.STAGING).exists()


@pytest.mark.slow
def test_a_disk_too_full_for_reason_txt_still_clears_staging(data_dir, reports, monkeypatch):
    fail_rename(monkeypatch, lambda src, dst: is_staging(src) and dst.name == QUARTER)
    real_write = Path.write_text

    def write_text(self, *args, **kwargs):
        if self.name == "REASON.txt":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", write_text)
    lines: list[str] = []

    result = run(data_dir, reports, lines)

    assert result.status == "failed"
    assert tree(reports) == {}
    assert not (result.failed_folder / "REASON.txt").exists()
    assert "No space left on device" in "\n".join(lines)  # said on the terminal instead
    monkeypatch.undo()
    assert run(data_dir, reports).status == "published"


# --- Ctrl-C -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_ctrl_c_in_process_quarantines_staging_and_ends_the_kernels(data_dir, reports):
    """KeyboardInterrupt raised in the main thread while a kernel runs (figures.json is
    written there while the notebooks run in the pool)."""
    run(data_dir, reports)
    before = tree(reports)
    change_input(data_dir)
    seen: list[list[psutil.Process]] = []

    def interrupted_figures(data: Path, quarter) -> str:
        deadline = time.monotonic() + 60
        while not (kernels := kernels_of(os.getpid())) and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append(kernels)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(data_dir, reports, figures=interrupted_figures, notebooks=["alpha", "beta"], force=True)

    assert seen and seen[0], "no kernel was running when Ctrl-C came"
    _, alive = psutil.wait_procs(seen[0], timeout=10)
    assert alive == []
    assert kernels_of(os.getpid()) == []
    assert tree(reports) == before
    (failed,) = failed_folders(reports)
    assert "interrupted (Ctrl-C)" in (failed / "REASON.txt").read_text()
    assert run(data_dir, reports, force=True).status == "published"


@pytest.mark.slow
def test_ctrl_c_during_a_real_run_leaves_the_publication_and_no_kernel(tmp_path):
    """``panelpaper run`` on the sample data, interrupted while its kernels run."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".cache"))
    reports = tmp_path / "reports"
    # Publish first, cheaply, with the stand-ins (the real run takes about 20 s here).
    assert run(data, reports, check=passing_check).status == "published"
    before = tree(reports)
    env = {**os.environ, "MPLBACKEND": "Agg"}
    command = [sys.executable, "-m", "analysis.cli", "run", QUARTER, "--force"]
    command += ["--data-dir", str(data), "--reports-dir", str(reports)]

    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a job
    )
    try:
        deadline = time.monotonic() + 120
        kernels: list[psutil.Process] = []
        while time.monotonic() < deadline and proc.poll() is None:
            staged = list((reports / publish.STAGING).glob(f"{QUARTER}-run-*"))
            kernels = kernels_of(proc.pid)
            if staged and kernels:
                break
            time.sleep(0.1)
        assert kernels, (
            f"no kernel started: {proc.poll()} {proc.stderr.read() if proc.poll() is not None else ''}"
        )
        time.sleep(1.0)  # well into a cell
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=90)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    assert proc.returncode in (1, 130), (proc.returncode, out, err)
    assert took < 30, took
    _, alive = psutil.wait_procs(kernels, timeout=10)
    assert alive == []
    assert kernels_of(proc.pid) == []
    assert tree(reports) == before
    (failed,) = failed_folders(reports)
    assert "interrupted (Ctrl-C)" in (failed / "REASON.txt").read_text()
    print(f"Ctrl-C: exit {proc.returncode} {took:.1f} s after SIGINT")

    # The next run works without clean-up (the stand-ins again, with a changed input).
    change_input(data, "rec_id,inspection\nR9,x\n")
    assert run(data, reports, force=True).status == "published"
