"""Build an expensive test input once per test run, whichever worker asks first.

A publication (notebooks run, paper rendered) takes seconds to a minute; several tests ask the
same question of it.  Under pytest-xdist each worker is its own process with its own session
fixtures, so a session fixture alone would build once per worker.  ``built_once`` builds in
the run's shared temporary folder under a file lock and marks the result done; a second
worker, or the same worker after pytest dropped a parametrised fixture, finds it there.  The
scheduler (tests/helpers/scheduling.py) sends every test reading one build to one worker, so
in `make test` nobody waits on the lock; it is what keeps the build single without xdist's
grouping too (``-n 2`` alone, or ``--dist worksteal``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

DONE = "BUILT"


def run_folder(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: under xdist, the parent of the workers' own."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``<run>/<name>/``, made by ``build(folder)`` the first time any worker asks for it.

    A build that raises leaves no mark, so the next test asking for it builds again and fails
    with its own message rather than reading half a publication."""
    shared = run_folder(factory)
    folder = shared / name
    with FileLock(str(shared / f"{name}.lock")):
        if not (folder / DONE).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            build(folder)
            (folder / DONE).write_text(name, encoding="utf-8")
    return folder
