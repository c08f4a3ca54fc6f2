"""The seed quarter published in the repository is the record of the seed paper: it must still
verify, so that a code change which would alter a past paper is caught in `make test`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "reports" / "2019-20-Q1"


def test_the_record_holds_the_seed_figures() -> None:
    figures = json.loads((RECORD / "figures.json").read_text(encoding="utf-8"))
    assert figures["quarter"] == "2019-20-Q1"
    assert figures["recommendations"]["open"] == 88
    assert figures["actions"]["outstanding"] == 95
    assert (figures["actions"]["overdue"], figures["actions"]["not_yet_due"]) == (59, 36)


@pytest.mark.slow
def test_the_published_seed_quarter_verifies(verified_record) -> None:
    verdict, lines = verified_record
    manifest = json.loads((RECORD / "manifest.json").read_text(encoding="utf-8"))
    notebooks = len(manifest["notebooks"])
    assert verdict.ok, "\n".join(lines)
    assert lines[0].startswith("2019-20-Q1  VERIFIED  ")
    assert f"notebooks {notebooks}/{notebooks}, figures.json identical)" in lines[0]
    assert (verdict.notebooks.matched, verdict.notebooks.total) == (notebooks, notebooks)
