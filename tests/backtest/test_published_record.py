"""The seed quarter published in the repository is the record of the seed paper: it must still
verify, so that a code change which would alter a past paper is caught in `make test`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "reports" / "2019-20-Q1"


def test_the_record_holds_the_seed_figures() -> None:
    figures = json.loads((RECORD / "figures.json").read_text(encoding="utf-8"))
    assert figures["quarter"] == "2019-20-Q1"
    assert figures["recommendations"]["open"] == 88
    assert figures["actions"]["outstanding"] == 95
    assert (figures["actions"]["overdue"], figures["actions"]["not_yet_due"]) == (59, 36)


def test_the_published_seed_quarter_verifies() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli",
            "verify",
            "2019-20-Q1",
            "--data-dir",
            str(ROOT / "data"),
            "--reports-dir",
            str(ROOT / "reports"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("2019-20-Q1  VERIFIED")
