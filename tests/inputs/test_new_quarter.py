"""``panelpaper new``: the next quarter started from the latest, placeholders that check refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.inputs.narrative import PLACEHOLDER
from analysis.inputs.new_quarter import NewQuarterError, headings, start_quarter
from analysis.inputs.snapshot_meta import PANEL_DATE_PLACEHOLDER
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
    # last quarter's meeting (2019-07-18) is never carried: it is before the new as_of
    assert meta["panel_date"] == f"{PANEL_DATE_PLACEHOLDER}, on or after 2019-09-30"
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
    assert [(f.severity, f.file, f.row, f.column, f.value) for f in placeholders] == [
        (
            "error",
            "snapshots/2019-20-Q2/snapshot.yml",
            None,
            "panel_date",
            f"{PANEL_DATE_PLACEHOLDER}, on or after 2019-09-30",
        ),
        ("error", "snapshots/2019-20-Q2/narrative.md", 3, None, PLACEHOLDER),
        ("error", "snapshots/2019-20-Q2/narrative.md", 7, None, PLACEHOLDER),
    ]
    assert "on or after 2019-09-30 (as_of)" in placeholders[0].message
    text = (folder / "narrative.md").read_text("utf-8").replace(PLACEHOLDER, "Written.")
    (folder / "narrative.md").write_text(text, "utf-8")
    meta = (folder / "snapshot.yml").read_text("utf-8")
    # last quarter's meeting typed back in is still refused: it is before as_of
    (folder / "snapshot.yml").write_text(_panel_date(meta, "2019-07-18"), "utf-8")
    _, findings = check_snapshot(data_dir, Q2)
    assert [(f.severity, f.column, f.value) for f in findings if f.severity == "error"] == [
        ("error", "panel_date", "2019-07-18")
    ]
    (folder / "snapshot.yml").write_text(_panel_date(meta, "2019-12-10"), "utf-8")
    snapshot, findings = check_snapshot(data_dir, Q2)
    assert snapshot is not None, findings
    assert snapshot.narrative["Commentary"] == "Written."
    assert str(snapshot.meta["panel_date"]) == "2019-12-10"


def _panel_date(meta: str, date: str) -> str:
    """snapshot.yml with its panel_date line replaced, the rest as new wrote it."""
    lines = [
        f"panel_date: {date}" if ln.startswith("panel_date:") else ln for ln in meta.split("\n")
    ]
    assert sum(ln.startswith("panel_date:") for ln in lines) == 1
    return "\n".join(lines)


def test_a_quarter_that_skips_quarters_is_refused_naming_them(data_dir, make_snapshot) -> None:
    make_snapshot("2020-21-Q1")
    with pytest.raises(NewQuarterError) as refused:
        start_quarter(data_dir, Quarter(2021, 3))
    assert str(refused.value) == (
        "2021-22-Q3 would skip 2020-21-Q2, 2020-21-Q3, 2020-21-Q4, 2021-22-Q1, 2021-22-Q2 "
        "(5 quarters) after the latest snapshot before it, 2020-21-Q1: start them in order "
        "first (panelpaper new 2020-21-Q2, and so on to 2021-22-Q2), or give --allow-gap if "
        "the panel has no paper for them"
    )
    assert not (data_dir / "snapshots" / "2021-22-Q3").exists()
    with pytest.raises(NewQuarterError, match=r"skip 2020-21-Q2 \(1 quarter\).*new 2020-21-Q2\)"):
        start_quarter(data_dir, Quarter(2020, 3))


def test_a_gap_asked_for_is_started_and_named(data_dir, make_snapshot) -> None:
    make_snapshot("2020-21-Q1")
    started = start_quarter(data_dir, Quarter(2021, 1), allow_gap=True)
    assert started.carried_from == Quarter(2020, 1)
    assert [q.id for q in started.skipped] == ["2020-21-Q2", "2020-21-Q3", "2020-21-Q4"]
    # a quarter filling the gap later carries from the nearest earlier one, and skips none
    filled = start_quarter(data_dir, Quarter(2020, 2))
    assert (filled.carried_from, filled.skipped) == (Quarter(2020, 1), ())


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
    assert "panel_date: the meeting's date" in first.stdout
    assert "skipped" not in first.stdout
    second = subprocess.run(command, capture_output=True, text=True, check=False)
    assert second.returncode == 2
    assert "already exists" in second.stderr


def test_the_command_refuses_a_gap_unless_asked_and_names_what_it_skipped(
    data_dir, make_snapshot
) -> None:
    make_snapshot("2020-21-Q1")
    command = [str(BIN / "panelpaper"), "new", "2021-22-Q3", "--data-dir", str(data_dir)]
    refused = subprocess.run(command, capture_output=True, text=True, check=False)
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: 2021-22-Q3 would skip 2020-21-Q2, 2020-21-Q3,")
    assert "panelpaper new 2020-21-Q2" in refused.stderr
    assert "--allow-gap" in refused.stderr
    assert not (data_dir / "snapshots" / "2021-22-Q3").exists()
    started = subprocess.run([*command, "--allow-gap"], capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    assert (
        "  skipped 2020-21-Q2, 2020-21-Q3, 2020-21-Q4, 2021-22-Q1, 2021-22-Q2 (5 quarters): "
        "no snapshot folder; start one with panelpaper new 2020-21-Q2"
    ) in started.stdout
