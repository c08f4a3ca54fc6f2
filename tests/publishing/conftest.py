"""Fixtures for the publishing tests."""

from __future__ import annotations

import pytest

from analysis.engine import execute


@pytest.fixture
def light_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernels without the paper's warm-up, for tests that run the stand-in notebooks of
    tests/fixtures/notebooks: those import nothing of pandas, seaborn or the package, so
    loading them (about a second of CPU per kernel) would only slow tests whose questions are
    about publishing, faults and locks.  The warm-up itself is tested in test_kernels.py and by
    every test that runs the paper's notebooks."""
    monkeypatch.setattr(execute, "WARM_UP", "import os\n")
    monkeypatch.setattr(execute, "PRELOAD", "")  # nor in the factory the kernels are forked from
