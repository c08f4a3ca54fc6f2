"""Ctrl-C during a run: start nothing new, end exactly this run's kernels, then let go.

A terminal's Ctrl-C reaches the foreground process group, but a run's kernels live in
sessions of their own (jupyter_client starts them so), so they never see it.  Left alone they
would go on writing into a staging folder that is being moved to ``reports/.failed/``.  So the
run closes its kernel pool (no replacement kernels), cancels the notebooks not yet started,
and kills the kernels whose command line names the run's private kernel folder (their
connection files are there), until every thread that drove one has returned.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

import psutil

from analysis.engine.kernels import KernelPool

INTERRUPTED = "interrupted (Ctrl-C) before the run finished; nothing was published"
"""The reason a run gives for every quarter it did not finish because of Ctrl-C."""


def stop(interrupted: threading.Event, futures: Sequence[Future[Any]], kernels: KernelPool) -> None:
    """After Ctrl-C: mark the run ``interrupted`` (notebooks not yet started are skipped), start
    no more kernels, end this run's kernels and wait for the threads that drove them, so
    nothing writes into the staging folder once it is quarantined."""
    interrupted.set()
    kernels.close()
    for future in futures:
        future.cancel()
    pending = [f for f in futures if not f.done()]
    while pending:
        kill_kernels(kernels.kernel_dir)
        pending = [f for f in futures if not f.done()]
        if pending:
            wait(pending, timeout=0.5)


def kill_kernels(kernel_dir: Path) -> None:
    """Kill the kernels this process started for this run: those whose command line names
    ``kernel_dir`` (their connection file is there)."""
    marker = str(kernel_dir)
    for child in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if any(marker in part for part in child.cmdline()):
                child.kill()
