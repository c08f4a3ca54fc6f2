"""The optional own HMICFRS tracker in a snapshot: read like the other trackers, strictly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analysis.inputs.history import load_history
from analysis.inputs.settings import Settings
from analysis.inputs.snapshots import check_snapshot, source_key
from analysis.inputs.vocabulary import TRACKER_COLUMNS
from analysis.quarters import Quarter
from tests.conftest import write_csv, write_xlsx

Q1 = Quarter(2019, 1)
CSV = "snapshots/2019-20-Q1/hmicfrs_tracker.csv"
XLSX = "snapshots/2019-20-Q1/hmicfrs_tracker.xlsx"
DEFAULTS = Settings()

# R1 (Recommendation, open) and R3 (Recommendation, Complete) of the conftest snapshot.
ROWS: list[dict[str, Any]] = [
    {
        "rec_id": "R1",
        "internal_status": "Evidence submitted",
        "internal_status_date": dt.date(2019, 6, 1),
        "lead": "DCS Example",
        "evidence": "Closure pack sent",
        "marking": None,
    },
    {
        "rec_id": "R3",
        "internal_status": "Complete",
        "internal_status_date": dt.date(2019, 4, 1),
        "lead": None,
        "evidence": None,
        "marking": "OFFICIAL-SENSITIVE",
    },
]


def write_tracker(folder: Path, rows: list[dict[str, Any]] = ROWS, **kw: Any) -> None:
    write_csv(folder / "hmicfrs_tracker.csv", kw.pop("columns", TRACKER_COLUMNS), rows, **kw)


def findings(data_dir: Path) -> list:
    return check_snapshot(data_dir, Q1, DEFAULTS)[1]


def test_a_snapshot_without_an_own_tracker_has_none(data_dir, make_snapshot) -> None:
    make_snapshot()
    snapshot, found = check_snapshot(data_dir, Q1, DEFAULTS)
    assert found == [] and snapshot is not None
    assert snapshot.tracker is None
    assert "hmicfrs_tracker.csv" not in snapshot.files


def test_the_own_tracker_loads_in_the_contract_layout(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_tracker(folder)
    snapshot, found = check_snapshot(data_dir, Q1, DEFAULTS)
    assert found == []
    tracker = snapshot.tracker
    assert list(tracker.columns) == [*TRACKER_COLUMNS, "source_row"]
    assert tracker["rec_id"].tolist() == ["R1", "R3"]
    assert tracker["marking"].tolist() == ["OFFICIAL", "OFFICIAL-SENSITIVE"]
    assert tracker.loc[0, "internal_status_date"] == pd.Timestamp(2019, 6, 1)
    assert tracker["source_row"].tolist() == [2, 3]
    assert "hmicfrs_tracker.csv" in snapshot.files


def test_a_workbook_with_a_tracker_sheet_is_read_too(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_xlsx(folder / "hmicfrs_tracker.xlsx", TRACKER_COLUMNS, ROWS, sheet="Tracker")
    snapshot, found = check_snapshot(data_dir, Q1, DEFAULTS)
    assert found == []
    assert snapshot.tracker["internal_status"].tolist() == ["Evidence submitted", "Complete"]
    assert snapshot.tracker.loc[1, "internal_status_date"] == pd.Timestamp(2019, 4, 1)


def test_a_workbook_without_the_tracker_sheet_is_an_error(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_xlsx(folder / "hmicfrs_tracker.xlsx", TRACKER_COLUMNS, ROWS, sheet="Sheet1")
    (error,) = findings(data_dir)
    assert error.file == XLSX and "no sheet named 'Tracker'" in error.message


def test_both_a_csv_and_a_workbook_is_an_error(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_tracker(folder)
    write_xlsx(folder / "hmicfrs_tracker.xlsx", TRACKER_COLUMNS, ROWS, sheet="Tracker")
    (error,) = findings(data_dir)
    assert error.severity == "error" and "ambiguous" in error.message


@pytest.mark.parametrize(
    ("change", "column", "message", "value"),
    [
        ({"internal_status": "Done"}, "internal_status", "unknown internal_status", "Done"),
        ({"internal_status": None}, "internal_status", "required but blank", None),
        ({"rec_id": "R1"}, "rec_id", "duplicate rec_id, first seen on row 2", "R1"),
        ({"internal_status_date": "06/30/2019"}, "internal_status_date", "US order", "06/30/2019"),
        ({"marking": "SECRET"}, "marking", "unknown marking", "SECRET"),
    ],
)
def test_bad_cells_are_errors_on_their_row(
    data_dir, make_snapshot, change, column, message, value
) -> None:
    folder = make_snapshot()
    write_tracker(folder, [ROWS[0], {**ROWS[1], **change}])
    (error,) = findings(data_dir)
    assert (error.severity, error.file, error.row, error.column) == ("error", CSV, 3, column)
    assert message in error.message
    assert error.value == value


def test_a_missing_required_column_is_an_error(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_tracker(folder, columns=[c for c in TRACKER_COLUMNS if c != "internal_status"])
    (error,) = findings(data_dir)
    assert (error.file, error.row, error.column) == (CSV, 1, "internal_status")


def test_internal_status_is_matched_loosely(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    write_tracker(folder, [{**ROWS[0], "internal_status": "evidence-submitted"}, ROWS[1]])
    snapshot, found = check_snapshot(data_dir, Q1, DEFAULTS)
    assert found == []
    assert snapshot.tracker.loc[0, "internal_status"] == "Evidence submitted"


def test_an_id_the_portal_lacks_and_a_late_date_are_warnings(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    late = {**ROWS[1], "rec_id": "R9", "internal_status_date": dt.date(2019, 7, 2)}
    write_tracker(folder, [ROWS[0], late])
    snapshot, found = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is not None
    assert [(f.severity, f.file, f.row, f.column, f.value) for f in found] == [
        ("warning", CSV, 3, "rec_id", "R9"),
        ("warning", CSV, 3, "internal_status_date", "2019-07-02"),
    ]
    assert "not in the portal export" in found[0].message
    assert snapshot.warnings == found


def test_the_own_tracker_is_part_of_the_cache_key(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    before = source_key(folder, DEFAULTS)
    write_tracker(folder)
    assert source_key(folder, DEFAULTS) != before


def test_the_tracker_survives_the_disk_cache(data_dir, make_snapshot, monkeypatch) -> None:
    folder = make_snapshot()
    write_tracker(folder)
    first, _ = check_snapshot(data_dir, Q1, DEFAULTS)
    again, _ = check_snapshot(data_dir, Q1, DEFAULTS)
    pd.testing.assert_frame_equal(again.tracker, first.tracker)


def test_an_earlier_quarter_fetches_its_tracker_when_asked(data_dir, make_snapshot) -> None:
    folder = make_snapshot("2018-19-Q4", meta={"as_of": "2019-03-31"})
    make_snapshot()
    write_tracker(folder, [{**ROWS[1], "internal_status_date": dt.date(2019, 3, 1)}])
    history = load_history(data_dir, Q1, DEFAULTS)
    assert history.source_keys[0] is not None  # held as a key, loaded when asked
    assert history[0].tracker["rec_id"].tolist() == ["R3"]
    assert history[1].tracker is None
