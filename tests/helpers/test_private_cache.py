"""Each test run has a snapshot cache of its own (tests/conftest.py ``private_cache``), with or
without xdist: a verdict one run cached is never read by the next.

pytest is run in a subprocess on a probe module, with tests/conftest.py as a plugin and
pytest's temporary root moved under this test's folder (``PYTEST_DEBUG_TEMPROOT``), so the
runs share a per-user folder exactly as two runs of `make mutation` or `pytest` in a checkout
do.  The probe's tests each write down the cache folder and what is already in it, then add an
entry.  Before issue 26 the second run without xdist found the first run's entry.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # keeps the suite's no-kernel guard (and its imports) out


def _record(name):
    cache = Path(os.environ["PANELPAPER_CACHE_DIR"])
    seen = sorted(p.name for p in cache.iterdir())
    out = Path(os.environ["PROBE_OUT"]) / f"{name}.json"
    out.write_text(json.dumps({"cache": str(cache), "seen": seen}))
    (cache / f"verdict-{name}").write_text(name)


def test_first(private_cache):
    _record("first")


def test_second(private_cache):
    _record("second")
"""


QUIET = ("-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest")
"""Plugins the probe does not need, left out to keep each run to about a second of CPU."""


def _run(tmp_path: Path, label: str, *options: str) -> dict[str, dict]:
    """One pytest run over the probe; what each of its tests recorded."""
    out = tmp_path / "out" / label
    out.mkdir(parents=True)
    env = {
        **os.environ,
        "PYTEST_DEBUG_TEMPROOT": str(tmp_path / "temproot"),
        "PROBE_OUT": str(out),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    for name in ("PANELPAPER_CACHE_DIR", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", *QUIET, *options],
        cwd=tmp_path / "project",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.stem: json.loads(p.read_text()) for p in out.glob("*.json")}


def test_two_runs_never_share_a_cache_and_xdist_workers_of_one_run_do(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pytest.ini").write_text("[pytest]\nmarkers =\n    slow: probe\n")
    (project / "test_probe.py").write_text(PROBE)
    temproot = tmp_path / "temproot"
    temproot.mkdir()
    temproot = temproot.resolve()

    runs = {
        "plain-1": _run(tmp_path, "plain-1", "-p", "no:xdist"),
        "plain-2": _run(tmp_path, "plain-2", "-p", "no:xdist"),
        "xdist": _run(tmp_path, "xdist", "-n", "2"),
    }

    folders = {}
    for label, tests in runs.items():
        assert set(tests) == {"first", "second"}, label
        (folder,) = {Path(t["cache"]).resolve() for t in tests.values()}  # one per run
        assert folder.is_relative_to(temproot), (label, folder)
        # Whatever the cache held when a test started was written by this run's own tests.
        for name, recorded in tests.items():
            assert set(recorded["seen"]) <= {"verdict-first", "verdict-second"} - {
                f"verdict-{name}"
            }, (label, recorded)
        folders[label] = folder
    assert runs["plain-2"]["first"]["seen"] == []  # not plain-1's verdicts
    assert len(set(folders.values())) == 3, folders
    # The per-user folder the runs share holds no cache itself.
    (user_folder,) = temproot.iterdir()
    assert not (user_folder / "panelpaper-cache").exists()
