"""``panelpaper new``: the next quarter started from the latest, placeholders that check refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.inputs.narrative import PLACEHOLDER
from analysis.inputs.new_quarter import NewQuarterError, headings, start_quarter
from analysis.inputs.snapshots import check_snapshot
from analysis.quarters import Quarter

Q2 = Quarter(2019, 2)
BIN = Path(sys.executable).parent


def test_the_new_folder_carries_the_latest_quarter(data_dir, make_snapshot) -> None:
    make_snapshot()
    started = start_quarter(data_dir, Q2)
    assert started.carried_from == Quarter(2019, 1)
    meta = yaml.safe_load((started.folder / "snapshot.yml").read_text("utf-8"))
    assert str(meta["as_of"]) == "2019-09-30"
    assert meta["authors"] == ["A. Analyst", "B. Analyst"]
    assert meta["contact"] == "audit.panel@example.police.uk"
    narrative = (started.folder / "narrative.md").read_text("utf-8")
    assert headings(narrative) == ["## Inspection activity", "## Commentary"]
    assert narrative.count(PLACEHOLDER) == 2
    assert "Two inspections reported" not in narrative


def test_check_reports_each_placeholder_until_replaced(data_dir, make_snapshot) -> None:
    make_snapshot()
    folder = start_quarter(data_dir, Q2).folder
    make_snapshot("2019-20-Q2", meta=(folder / "snapshot.yml").read_text("utf-8"), narrative=None)
    _, findings = check_snapshot(data_dir, Q2)
    placeholders = [f for f in findings if "placeholder" in f.message]
    assert [(f.severity, f.file, f.row, f.value) for f in placeholders] == [
        ("error", "snapshots/2019-20-Q2/narrative.md", 3, PLACEHOLDER),
        ("error", "snapshots/2019-20-Q2/narrative.md", 7, PLACEHOLDER),
    ]
    text = (folder / "narrative.md").read_text("utf-8").replace(PLACEHOLDER, "Written.")
    (folder / "narrative.md").write_text(text, "utf-8")
    snapshot, findings = check_snapshot(data_dir, Q2)
    assert snapshot is not None, findings
    assert snapshot.narrative["Commentary"] == "Written."


def test_an_existing_quarter_is_refused_and_left_alone(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    before = (folder / "narrative.md").read_text("utf-8")
    with pytest.raises(NewQuarterError, match="already exists"):
        start_quarter(data_dir, Quarter(2019, 1))
    assert (folder / "narrative.md").read_text("utf-8") == before


def test_the_first_quarter_of_all_gets_the_default_headings(data_dir) -> None:
    started = start_quarter(data_dir, Q2)
    assert started.carried_from is None
    assert headings((started.folder / "narrative.md").read_text("utf-8")) == [
        "## Inspection activity",
        "## Commentary",
    ]


def test_the_command_says_what_to_drop_in_and_refuses_a_second_time(
    data_dir, make_snapshot
) -> None:
    make_snapshot()
    command = [str(BIN / "panelpaper"), "new", "Q2 19/20", "--data-dir", str(data_dir)]
    first = subprocess.run(command, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert "2019-20-Q2: started" in first.stdout
    assert "drop in recommendations.csv" in first.stdout
    assert "hmicfrs_tracker.csv" in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, check=False)
    assert second.returncode == 2
    assert "already exists" in second.stderr
