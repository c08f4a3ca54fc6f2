"""The snapshot loader against the data contract: good folders load, bad ones say exactly where.

Every malformed-input test writes the small valid snapshot from ``tests/conftest.py``, spoils
one thing, and checks the finding's file, row (as Excel shows it), column and value.  In the
default actions workbook the header is row 1 and A1..A5 are rows 2..6; in the default
recommendations file R1..R4 are rows 2..5.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis.inputs.findings import Finding, SnapshotError
from analysis.inputs.settings import Settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshots import (
    check_snapshot,
    latest_quarter,
    list_quarters,
    load_snapshot,
)
from analysis.quarters import Quarter
from tests.conftest import ACTION_COLUMNS, REC_COLUMNS, write_csv

Q1 = Quarter(2019, 1)
RECS = "snapshots/2019-20-Q1/recommendations.csv"
XLSX = "snapshots/2019-20-Q1/audit_actions.xlsx"
ACSV = "snapshots/2019-20-Q1/audit_actions.csv"
YML = "snapshots/2019-20-Q1/snapshot.yml"
DEFAULTS = Settings()  # the contract's rules exactly as written

MakeSnapshot = Callable[..., Path]


def findings_for(data_dir: Path, quarter: Quarter = Q1) -> list[Finding]:
    return check_snapshot(data_dir, quarter, DEFAULTS)[1]


def errors_for(data_dir: Path, quarter: Quarter = Q1) -> list[Finding]:
    snapshot, findings = check_snapshot(data_dir, quarter, DEFAULTS)
    errors = [f for f in findings if f.severity == "error"]
    assert (snapshot is None) == bool(errors)
    return errors


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(str(f) for f in findings)
    return findings[0]


def loaded(data_dir: Path, quarter: Quarter = Q1) -> Snapshot:
    return load_snapshot(data_dir, quarter, DEFAULTS)


# --- a valid snapshot --------------------------------------------------------------------------
def test_the_valid_snapshot_loads_with_no_findings(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert findings == []
    assert snapshot is not None
    assert snapshot.quarter == Q1
    assert snapshot.as_of == dt.date(2019, 6, 30)
    assert snapshot.folder == folder
    assert set(snapshot.files) == {
        "snapshot.yml",
        "recommendations.csv",
        "audit_actions.xlsx",
        "narrative.md",
    }
    assert list(snapshot.recommendations.columns) == [*REC_COLUMNS, "source_row"]
    assert list(snapshot.actions.columns) == [*ACTION_COLUMNS, "source_row"]
    assert snapshot.recommendations["rec_id"].tolist() == ["R1", "R2", "R3", "R4"]
    assert snapshot.recommendations["source_row"].tolist() == [2, 3, 4, 5]
    assert snapshot.actions["source_row"].tolist() == [2, 3, 4, 5, 6]
    assert isinstance(snapshot.recommendations.index, pd.RangeIndex)


def test_loaded_values_have_the_documented_types(data_dir: Path, make_snapshot) -> None:
    make_snapshot()
    snapshot = loaded(data_dir)
    recs, actions = snapshot.recommendations, snapshot.actions
    assert recs.loc[0, "published"] == pd.Timestamp(2018, 3, 1)
    assert pd.isna(recs.loc[1, "status_date"])
    assert pd.isna(recs.loc[0, "programme"])
    assert recs.loc[2, "programme"] == "NCPI"
    # A blank marking means OFFICIAL.
    assert recs["marking"].tolist() == ["OFFICIAL"] * 3 + ["OFFICIAL-SENSITIVE"]
    assert actions["marking"].tolist()[1] == "OFFICIAL"
    for column in ("due_date", "revised_due_date", "completed_date"):
        assert pd.api.types.is_datetime64_any_dtype(actions[column])
    assert actions.loc[0, "due_date"] == pd.Timestamp(2019, 3, 31)
    assert pd.isna(actions.loc[1, "revised_due_date"])
    assert actions["audit_year"].tolist() == ["2018/19", "2017/18", "2018/19", "2016/17", "2018/19"]


def test_meta_and_narrative(data_dir: Path, make_snapshot) -> None:
    make_snapshot()
    snapshot = loaded(data_dir)
    assert snapshot.meta["as_of"] == dt.date(2019, 6, 30)
    assert snapshot.meta["panel_date"] == dt.date(2019, 7, 18)
    assert snapshot.meta["panel"] == "Audit Panel"
    assert snapshot.meta["marking"] == "OFFICIAL"
    assert snapshot.meta["authors"] == ["A. Analyst", "B. Analyst"]
    assert snapshot.meta["contact"] == "audit.panel@example.police.uk"
    assert snapshot.narrative == {
        "": "Prepared for the panel.",
        "Inspection activity": "Two inspections reported this quarter.",
        "Commentary": "Progress continued on the open recommendations.",
    }


def test_snapshot_yml_defaults_and_loose_forms(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        meta={
            "authors": "Sole Author",
            "contact": {"team": "Audit liaison", "email": "liaison@example.org"},
            "sponsor": "Deputy Commissioner",
        }
    )
    meta = loaded(data_dir).meta
    assert meta["as_of"] == dt.date(2019, 6, 30)  # the quarter's last day
    assert meta["panel_date"] is None
    assert meta["panel"] == "Audit Panel"
    assert meta["marking"] == "OFFICIAL"
    assert meta["authors"] == ["Sole Author"]
    assert meta["contact"] == "Audit liaison, liaison@example.org"
    assert meta["sponsor"] == "Deputy Commissioner"  # extra keys kept as written


def test_an_empty_snapshot_yml_takes_every_default(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta="")
    snapshot = loaded(data_dir)
    assert snapshot.as_of == dt.date(2019, 6, 30)
    assert snapshot.meta["authors"] == []
    assert snapshot.meta["contact"] == ""


def test_uk_dates_in_snapshot_yml(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta="as_of: 15/06/2019\npanel_date: '2019-07-18'\n")
    snapshot = loaded(data_dir)
    assert snapshot.as_of == dt.date(2019, 6, 15)
    assert snapshot.meta["panel_date"] == dt.date(2019, 7, 18)


def test_actions_may_come_as_csv(data_dir: Path, make_snapshot) -> None:
    make_snapshot(actions_format="csv")
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert findings == []
    assert "audit_actions.csv" in snapshot.files
    assert snapshot.actions.loc[0, "due_date"] == pd.Timestamp(2019, 3, 31)


def test_settings_default_to_the_data_folder_rules(data_dir: Path, make_snapshot) -> None:
    """settings=None reads the packaged rules, which are the contract's."""
    make_snapshot()
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is not None and findings == []


# --- lenient where the contract is lenient -----------------------------------------------------
def test_coded_values_in_odd_case_are_canonicalised(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        action_cells={
            ("A1", "status"): "in PROGRESS ",
            ("A1", "risk"): " high",
            ("A2", "assurance"): "ADEQUATE",
            ("A3", "business_group"): "  specialist OPERATIONS ",
            ("A4", "business_group"): "Territorial Support",
            ("A5", "marking"): "official-sensitive",
        },
        rec_cells={
            ("R1", "status"): "being PROGRESSED",
            ("R2", "type"): "area FOR improvement",
            ("R3", "theme"): "stop & search",
            ("R4", "theme"): "  Serious and organised crime ",
        },
    )
    snapshot = loaded(data_dir)
    actions, recs = snapshot.actions, snapshot.recommendations
    assert actions.loc[0, "status"] == "In progress"
    assert actions.loc[0, "risk"] == "High"
    assert actions.loc[1, "assurance"] == "Adequate"
    assert actions.loc[2, "business_group"] == "Specialist Operations"
    assert actions.loc[3, "business_group"] == "Territorial Support"  # kept, trimmed
    assert actions.loc[4, "marking"] == "OFFICIAL-SENSITIVE"
    assert recs.loc[0, "status"] == "Being progressed"
    assert recs.loc[1, "type"] == "Area for improvement"
    assert recs.loc[2, "theme"] == "Stop & Search"
    assert recs.loc[3, "theme"] == "Serious and organised crime"


def test_column_names_ignore_case_and_space_and_extras_are_dropped(
    data_dir: Path, make_snapshot
) -> None:
    headers = {c: f"  {c.upper()} " for c in REC_COLUMNS} | {c: c.title() for c in ACTION_COLUMNS}
    make_snapshot(
        headers=headers,
        rec_columns=[*REC_COLUMNS, "Notes"],
        action_columns=["RAG", *ACTION_COLUMNS, "Comments"],
        rec_cells={("R1", "Notes"): "see file"},
        action_cells={("A1", "RAG"): "Red", ("A2", "Comments"): "chased"},
    )
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert findings == []
    assert list(snapshot.recommendations.columns) == [*REC_COLUMNS, "source_row"]
    assert list(snapshot.actions.columns) == [*ACTION_COLUMNS, "source_row"]
    assert snapshot.actions.loc[0, "due_date"] == pd.Timestamp(2019, 3, 31)
    assert snapshot.recommendations.loc[0, "inspection"] == "Vulnerability inspection 2018"


def test_optional_columns_may_be_absent(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        rec_columns=[c for c in REC_COLUMNS if c not in ("programme", "lead", "marking")],
        action_columns=[c for c in ACTION_COLUMNS if c not in ("owner", "delay_category")],
    )
    snapshot = loaded(data_dir)
    assert snapshot.recommendations["programme"].isna().all()
    assert snapshot.recommendations["marking"].eq("OFFICIAL").all()
    assert snapshot.actions["owner"].isna().all()


def test_csv_with_a_byte_order_mark(data_dir: Path, make_snapshot) -> None:
    from tests.conftest import RECOMMENDATIONS

    folder = make_snapshot()
    write_csv(folder / "recommendations.csv", REC_COLUMNS, RECOMMENDATIONS, bom=True)
    assert (folder / "recommendations.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    snapshot = loaded(data_dir)
    assert snapshot.recommendations["rec_id"].tolist() == ["R1", "R2", "R3", "R4"]


def test_blank_rows_are_skipped_but_rows_keep_their_excel_numbers(
    data_dir: Path, make_snapshot
) -> None:
    from tests.conftest import ACTIONS, RECOMMENDATIONS

    actions = [ACTIONS[0], None, None, {**ACTIONS[1], "risk": "Severe"}, ACTIONS[2]]
    recs = [RECOMMENDATIONS[0], None, {**RECOMMENDATIONS[1], "type": "Observation"}]
    make_snapshot(actions=actions, recommendations=recs)
    errors = errors_for(data_dir)
    assert [(e.file, e.row, e.column, e.value) for e in errors] == [
        (RECS, 4, "type", "Observation"),
        (XLSX, 5, "risk", "Severe"),
    ]


def test_blank_rows_in_a_csv_tracker_keep_their_numbers(data_dir: Path, make_snapshot) -> None:
    from tests.conftest import ACTIONS

    make_snapshot(actions_format="csv", actions=[ACTIONS[0], None, {**ACTIONS[1], "risk": "x"}])
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (ACSV, 4, "risk", "x")


def test_workbook_text_dates_follow_the_csv_rules(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        action_cells={
            ("A1", "due_date"): "31/3/2019",  # text cell, UK order
            ("A2", "due_date"): "2019-01-31",  # text cell, ISO
            ("A3", "due_date"): dt.datetime(2019, 9, 30, 16, 45),  # date cell with a time
            ("A4", "action_id"): 4004,  # a number typed as an id
        }
    )
    actions = loaded(data_dir).actions
    assert actions["due_date"].tolist()[:3] == [
        pd.Timestamp(2019, 3, 31),
        pd.Timestamp(2019, 1, 31),
        pd.Timestamp(2019, 9, 30),
    ]
    assert actions.loc[3, "action_id"] == "4004"


# --- malformed input: one finding each, with file, row, column and value ----------------------
def test_missing_column_in_recommendations(data_dir: Path, make_snapshot) -> None:
    make_snapshot(rec_columns=[c for c in REC_COLUMNS if c != "theme"])
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (RECS, 1, "theme", None)
    assert "missing" in error.message


def test_missing_column_in_actions(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_columns=[c for c in ACTION_COLUMNS if c != "due_date"])
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (XLSX, 1, "due_date", None)


def test_wrong_sheet_name(data_dir: Path, make_snapshot) -> None:
    make_snapshot(sheet="Tracker")
    error = only(errors_for(data_dir))
    assert error.file == XLSX
    assert "'Actions'" in error.message and "'Tracker'" in error.message


def test_sheet_name_in_another_case_is_accepted(data_dir: Path, make_snapshot) -> None:
    make_snapshot(sheet="actions")
    assert errors_for(data_dir) == []


def test_duplicate_rec_id(data_dir: Path, make_snapshot) -> None:
    make_snapshot(rec_cells={("R3", "rec_id"): "R1"})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (RECS, 4, "rec_id", "R1")
    assert "first seen on row 2" in error.message


def test_every_duplicate_action_id_is_reported(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A3", "action_id"): "A2", ("A5", "action_id"): "A2"})
    errors = errors_for(data_dir)
    assert [(e.file, e.row, e.column, e.value) for e in errors] == [
        (XLSX, 4, "action_id", "A2"),
        (XLSX, 6, "action_id", "A2"),
    ]
    assert all("first seen on row 3" in e.message for e in errors)


@pytest.mark.parametrize(
    ("cells", "where", "message"),
    [
        (
            {"action_cells": {("A4", "risk"): "Critical"}},
            (XLSX, 5, "risk", "Critical"),
            "unknown risk; expected one of High, Medium, Low",
        ),
        ({"action_cells": {("A2", "status"): "Parked"}}, (XLSX, 3, "status", "Parked"), None),
        (
            {"action_cells": {("A1", "assurance"): "Reasonable"}},
            (XLSX, 2, "assurance", "Reasonable"),
            None,
        ),
        ({"rec_cells": {("R2", "type"): "Observation"}}, (RECS, 3, "type", "Observation"), None),
        (
            {"rec_cells": {("R4", "marking"): "SECRET"}},
            (RECS, 5, "marking", "SECRET"),
            "OFFICIAL-SENSITIVE",
        ),
    ],
    ids=["risk", "action-status", "assurance", "recommendation-type", "marking"],
)
def test_an_unknown_code_is_named_by_file_row_column_and_value(
    data_dir: Path, make_snapshot, cells: dict, where: tuple, message: str | None
) -> None:
    make_snapshot(**cells)
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == where
    if message is not None:
        assert message in error.message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2019", "not a real calendar date"),
        ("06/30/2019", "US order"),
        ("2019-6-30", "not a date in the form 2019-06-30 or 30/06/2019"),
        ("30-06-2019", "not a date in the form"),
        ("30/06/19", "not a date in the form"),
        ("June 30 2019", "not a date in the form"),
        ("43646", "not a date in the form"),
    ],
)
def test_bad_dates_in_the_csv(data_dir: Path, make_snapshot, text: str, reason: str) -> None:
    make_snapshot(rec_cells={("R2", "published"): text})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (RECS, 3, "published", text)
    assert reason in error.message


def test_bad_date_typed_into_the_workbook(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A3", "completed_date"): "31/09/2019"})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (
        XLSX,
        4,
        "completed_date",
        "31/09/2019",
    )


def test_an_excel_serial_number_in_a_date_column_is_that_date(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(action_cells={("A2", "due_date"): 43496})  # Excel's day 43496 = 31 Jan 2019
    actions = loaded(data_dir).actions
    assert actions.loc[actions["action_id"] == "A2", "due_date"].item() == pd.Timestamp(
        "2019-01-31"
    )


def test_a_number_beyond_any_plausible_date_is_not_a_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A2", "due_date"): 109575})  # the day after 31 Dec 2199
    error = only(errors_for(data_dir))
    assert (error.row, error.column, error.value) == (3, "due_date", "109575")


def test_blank_required_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A5", "due_date"): None})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (XLSX, 6, "due_date", None)
    assert "blank" in error.message


def test_blank_required_text(data_dir: Path, make_snapshot) -> None:
    make_snapshot(rec_cells={("R1", "inspection"): "   "})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (RECS, 2, "inspection", None)


@pytest.mark.parametrize(
    ("year", "reason"),
    [
        ("2016/18", "expected 2016/17"),
        ("16/17", "not a financial year in the form 2016/17"),
        ("2016-17", "not a financial year"),
        ("2016/2017", "not a financial year"),
    ],
)
def test_bad_audit_year(data_dir: Path, make_snapshot, year: str, reason: str) -> None:
    make_snapshot(action_cells={("A4", "audit_year"): year})
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column, error.value) == (XLSX, 5, "audit_year", year)
    assert reason in error.message


def test_the_century_turn_in_audit_year(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A4", "audit_year"): "2099/00"})
    assert errors_for(data_dir) == []


def test_empty_recommendations_file(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    (folder / "recommendations.csv").write_bytes(b"")
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column) == (RECS, None, None)
    assert "empty" in error.message


def test_empty_actions_sheet(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_columns=[], actions=[])
    error = only(errors_for(data_dir))
    assert error.file == XLSX and "empty" in error.message


def test_header_only_files_load_with_a_warning(data_dir: Path, make_snapshot) -> None:
    make_snapshot(recommendations=[], actions=[None, None])
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is not None
    assert len(snapshot.recommendations) == 0 and len(snapshot.actions) == 0
    assert list(snapshot.actions.columns) == [*ACTION_COLUMNS, "source_row"]
    assert {(f.severity, f.file, f.row) for f in findings} == {
        ("warning", RECS, None),
        ("warning", XLSX, None),
    }


def test_both_workbook_and_csv_present(data_dir: Path, make_snapshot) -> None:
    make_snapshot(actions_format="both")
    error = only(errors_for(data_dir))
    assert error.file == XLSX
    assert "audit_actions.csv" in error.message and "ambiguous" in error.message


@pytest.mark.parametrize(
    ("omit", "file"),
    [
        ("snapshot.yml", YML),
        ("recommendations.csv", RECS),
        ("audit_actions", XLSX),
    ],
)
def test_missing_files(data_dir: Path, make_snapshot, omit: str, file: str) -> None:
    make_snapshot(omit=[omit])
    error = only(errors_for(data_dir))
    assert error.file == file
    assert "missing" in error.message


def test_a_file_name_in_the_wrong_case_is_named_in_the_error(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    (folder / "recommendations.csv").rename(folder / "Recommendations.CSV")
    error = only(errors_for(data_dir))
    assert error.file == RECS and "Recommendations.CSV" in error.message


def test_missing_narrative_is_a_warning(data_dir: Path, make_snapshot) -> None:
    make_snapshot(narrative=None)
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is not None and snapshot.narrative == {}
    warning = only(findings)
    assert (warning.severity, warning.file) == ("warning", "snapshots/2019-20-Q1/narrative.md")


def test_bad_yaml(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta="as_of: [2019-06-30\nauthors: x\n")
    error = only(errors_for(data_dir))
    assert error.file == YML and "not valid YAML" in error.message


def test_yaml_that_is_not_a_mapping(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta="- 2019-06-30\n- someone\n")
    error = only(errors_for(data_dir))
    assert error.file == YML and "mapping" in error.message


@pytest.mark.parametrize("value", ["30th June 2019", "2019-06-31", "06/30/2019", "2019"])
def test_as_of_not_a_date(data_dir: Path, make_snapshot, value: str) -> None:
    make_snapshot(meta={"as_of": value})
    error = only(errors_for(data_dir))
    assert (error.file, error.column, error.value) == (YML, "as_of", value)


def test_as_of_before_the_quarter_is_an_error(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta={"as_of": "2019-03-31"})
    error = only(errors_for(data_dir))
    assert (error.file, error.column, error.value) == (YML, "as_of", "2019-03-31")
    assert "2019-04-01" in error.message


def test_as_of_after_the_quarter_is_a_warning(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta={"as_of": "2019-07-02"})
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is not None and snapshot.as_of == dt.date(2019, 7, 2)
    warning = only(findings)
    assert (warning.severity, warning.file, warning.column, warning.value) == (
        "warning",
        YML,
        "as_of",
        "2019-07-02",
    )


def test_panel_date_not_a_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta={"as_of": "2019-06-30", "panel_date": "next Tuesday"})
    error = only(errors_for(data_dir))
    assert (error.file, error.column, error.value) == (YML, "panel_date", "next Tuesday")


def test_snapshot_marking_must_be_known(data_dir: Path, make_snapshot) -> None:
    make_snapshot(meta={"marking": "TOP SECRET"})
    error = only(errors_for(data_dir))
    assert (error.file, error.column, error.value) == (YML, "marking", "TOP SECRET")


def test_corrupt_workbook(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    (folder / "audit_actions.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    error = only(errors_for(data_dir))
    assert error.file == XLSX
    assert "Excel workbook" in error.message
    assert "Traceback" not in str(error)


def test_csv_in_windows_1252_is_read_with_a_warning(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    text = (folder / "recommendations.csv").read_text(encoding="utf-8")
    (folder / "recommendations.csv").write_bytes(text.replace("R1", "R£1").encode("cp1252"))
    snapshot, findings = check_snapshot(data_dir, Q1, DEFAULTS)
    assert snapshot is not None
    assert "R£1" in set(snapshot.recommendations["rec_id"])
    warning = only([f for f in findings if f.file == RECS])
    assert warning.severity == "warning" and "1252" in warning.message


def test_csv_in_no_known_encoding_is_refused(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    text = (folder / "recommendations.csv").read_text(encoding="utf-8")
    (folder / "recommendations.csv").write_bytes(text.encode("utf-8").replace(b"R1", b"R\x81"))
    error = only(errors_for(data_dir))
    assert error.file == RECS


def test_a_column_named_twice(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_columns=[*ACTION_COLUMNS, "Status "])
    error = only(errors_for(data_dir))
    assert (error.file, error.row, error.column) == (XLSX, 1, "status")


def test_several_errors_are_all_reported_together(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        meta={"as_of": "2019-13-01"},
        rec_columns=[c for c in REC_COLUMNS if c != "status"],
        rec_cells={("R2", "published"): "yesterday"},
        action_cells={
            ("A1", "risk"): "Severe",
            ("A2", "action_id"): "A1",
            ("A4", "audit_year"): "2016/18",
            ("A5", "due_date"): None,
        },
    )
    with pytest.raises(SnapshotError) as caught:
        load_snapshot(data_dir, Q1, DEFAULTS)
    got = {(f.file, f.row, f.column, f.value) for f in caught.value.findings}
    assert got == {
        (YML, None, "as_of", "2019-13-01"),
        (RECS, 1, "status", None),
        (RECS, 3, "published", "yesterday"),
        (XLSX, 2, "risk", "Severe"),
        (XLSX, 3, "action_id", "A1"),
        (XLSX, 5, "audit_year", "2016/18"),
        (XLSX, 6, "due_date", None),
    }
    assert "7 error(s)" in str(caught.value)


# --- warnings ----------------------------------------------------------------------------------
def warnings_for(data_dir: Path, settings: Settings = DEFAULTS) -> list[Finding]:
    snapshot, findings = check_snapshot(data_dir, Q1, settings)
    assert snapshot is not None, findings
    assert snapshot.warnings == findings
    return findings


def test_completed_after_as_of(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A4", "completed_date"): dt.date(2019, 7, 3)})
    warning = only(warnings_for(data_dir))
    assert (warning.file, warning.row, warning.column, warning.value) == (
        XLSX,
        5,
        "completed_date",
        "2019-07-03",
    )


def test_verified_date_is_kept_only_when_the_tracker_has_it(data_dir: Path, make_snapshot) -> None:
    make_snapshot()
    assert "verified_date" not in loaded(data_dir).actions.columns
    make_snapshot(
        action_columns=[*ACTION_COLUMNS, "verified_date"],
        action_cells={("A4", "verified_date"): dt.date(2019, 6, 1)},
    )
    actions = loaded(data_dir).actions.set_index("action_id")
    assert actions.loc["A4", "verified_date"] == pd.Timestamp(2019, 6, 1)
    assert actions["verified_date"].isna().sum() == len(actions) - 1


def test_verified_before_completed_or_after_as_of(data_dir: Path, make_snapshot) -> None:
    completed = dt.date(2019, 2, 1)  # A4's completed_date in the test tracker
    make_snapshot(
        action_columns=[*ACTION_COLUMNS, "verified_date"],
        action_cells={
            ("A4", "verified_date"): completed - dt.timedelta(days=1),
            ("A5", "verified_date"): dt.date(2019, 7, 1),
        },
    )
    found = [(w.row, w.column, w.value) for w in warnings_for(data_dir)]
    assert found == [
        (5, "verified_date", (completed - dt.timedelta(days=1)).isoformat()),
        (6, "verified_date", "2019-07-01"),
    ]
    messages = [w.message for w in warnings_for(data_dir)]
    assert "earlier than completed_date" in messages[0]
    assert "after as_of (2019-06-30)" in messages[1]


def test_closed_without_completed_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A5", "completed_date"): None})
    warning = only(warnings_for(data_dir))
    assert (warning.file, warning.row, warning.column, warning.value) == (
        XLSX,
        6,
        "completed_date",
        None,
    )
    assert "Closed" in warning.message


def test_overdue_without_delay_reason(data_dir: Path, make_snapshot) -> None:
    # A1 is High risk, Open, due 31 March 2019: overdue at 30 June 2019.
    make_snapshot(action_cells={("A1", "delay_reason"): None})
    warning = only(warnings_for(data_dir))
    assert (warning.file, warning.row, warning.column, warning.value) == (
        XLSX,
        2,
        "delay_reason",
        None,
    )
    assert "2019-03-31" in warning.message


def test_an_action_due_on_as_of_is_overdue(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A3", "due_date"): dt.date(2019, 6, 30)})
    warning = only(warnings_for(data_dir))
    assert (warning.row, warning.column) == (4, "delay_reason")


def test_unmonitored_overdue_actions_need_no_reason(data_dir: Path, make_snapshot) -> None:
    # A2 is Medium risk in an Adequate audit: below the threshold, so not monitored.
    make_snapshot()
    assert warnings_for(data_dir) == []


def test_overdue_on_the_revised_basis(data_dir: Path, make_snapshot) -> None:
    # A1's revised date (30 Sep 2019) is after as_of, so on the revised basis it is not
    # overdue; A3 (due 30 Sep 2019) is moved to a revised date before as_of and becomes so.
    make_snapshot(
        action_cells={
            ("A1", "delay_reason"): None,
            ("A3", "revised_due_date"): dt.date(2019, 6, 1),
        }
    )
    revised = Settings(deadline_basis="revised")
    found = [w.row for w in warnings_for(data_dir, revised) if w.column == "delay_reason"]
    assert found == [4]
    found = [w.row for w in warnings_for(data_dir, DEFAULTS) if w.column == "delay_reason"]
    assert found == [2]


def test_a_threshold_from_settings_changes_which_actions_are_overdue(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot()
    everything = Settings(
        threshold={
            "High": ("Substantial", "Adequate", "Limited", "No"),
            "Medium": ("Substantial", "Adequate", "Limited", "No"),
            "Low": (),
        }
    )
    warning = only(warnings_for(data_dir, everything))
    assert (warning.row, warning.column) == (3, "delay_reason")  # A2 now monitored


def test_revised_date_before_due_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A3", "revised_due_date"): "15/09/2019"})
    warning = only(warnings_for(data_dir))
    assert (warning.file, warning.row, warning.column, warning.value) == (
        XLSX,
        4,
        "revised_due_date",
        "15/09/2019",
    )


def test_recommendation_dates_after_as_of(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        rec_cells={("R2", "published"): "01/07/2019", ("R3", "status_date"): "2019-08-01"}
    )
    found = [(w.file, w.row, w.column, w.value) for w in warnings_for(data_dir)]
    assert found == [
        (RECS, 3, "published", "01/07/2019"),
        (RECS, 4, "status_date", "2019-08-01"),
    ]


# --- folders, history and the cache ------------------------------------------------------------
def test_list_and_latest_quarters(data_dir: Path, make_snapshot) -> None:
    for quarter in ("2019-20-Q1", "2018-19-Q4", "2019-20-Q2"):
        make_snapshot(quarter)
    (data_dir / "snapshots" / ".staging").mkdir()
    (data_dir / "snapshots" / "README.md").write_text("notes", encoding="utf-8")
    assert [q.id for q in list_quarters(data_dir)] == ["2018-19-Q4", "2019-20-Q1", "2019-20-Q2"]
    assert latest_quarter(data_dir) == Quarter(2019, 2)


def test_no_snapshots(data_dir: Path) -> None:
    assert list_quarters(data_dir) == []
    with pytest.raises(SnapshotError) as caught:
        latest_quarter(data_dir)
    assert len(caught.value.findings) == 1


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("2019-Q5", "not a quarter id"),
        ("2019-20-q1", "rename it to 2019-20-Q1"),
        ("Q1 19-20 (draft)", "not a quarter id"),
        ("2019_20_Q1", "not a quarter id"),
    ],
)
def test_a_folder_that_is_not_a_quarter(
    data_dir: Path, make_snapshot, name: str, hint: str
) -> None:
    make_snapshot()
    (data_dir / "snapshots" / name).mkdir()
    with pytest.raises(SnapshotError) as caught:
        list_quarters(data_dir)
    error = only(caught.value.findings)
    assert (error.file, error.value) == (f"snapshots/{name}", name)
    assert hint in error.message


def test_check_snapshot_for_a_quarter_with_no_folder(data_dir: Path) -> None:
    error = only(errors_for(data_dir, Quarter(2019, 3)))
    assert error.file == "snapshots/2019-20-Q3"


def test_a_second_load_is_served_from_the_cache_and_stays_unchanged(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot()
    first = loaded(data_dir)
    first.actions["scratch"] = 1
    first.actions.loc[0, "risk"] = "Low"
    first.warnings.append(Finding("warning", "x", "added by a caller"))
    second = loaded(data_dir)
    assert "scratch" not in second.actions.columns
    assert second.actions.loc[0, "risk"] == "High"
    assert second.warnings == []


def test_a_changed_file_is_read_again(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    assert loaded(data_dir).actions.loc[0, "risk"] == "High"
    make_snapshot(action_cells={("A1", "risk"): "Medium"})
    stat = (folder / "audit_actions.xlsx").stat()
    os.utime(folder / "audit_actions.xlsx", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert loaded(data_dir).actions.loc[0, "risk"] == "Medium"


# --- the command line -----------------------------------------------------------------
def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("panelpaper")
    return subprocess.run(
        [str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_check_passes_a_good_snapshot(data_dir: Path, make_snapshot) -> None:
    make_snapshot()
    result = run_cli("check", "Q1 19/20", "--data-dir", str(data_dir), cwd=data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2019-20-Q1  OK  (4 recommendations, 5 actions, 0 warnings)")


def test_cli_check_fails_bad_input_with_status_2(data_dir: Path, make_snapshot) -> None:
    make_snapshot(action_cells={("A2", "due_date"): "31/02/2019"})
    result = run_cli("check", "--all", "--data-dir", str(data_dir), cwd=data_dir)
    assert result.returncode == 2
    assert "audit_actions.xlsx, row 3, column due_date" in result.stdout


def test_cli_check_rejects_a_bad_quarter_argument(data_dir: Path, make_snapshot) -> None:
    make_snapshot()
    result = run_cli("check", "2019-Q5", "--data-dir", str(data_dir), cwd=data_dir)
    assert result.returncode == 2
    assert "2019-20-Q1" in result.stderr  # the accepted forms are listed


# --- the sample data shipped with the project --------------------------------------------------
def sample_quarters(root: Path) -> list[Quarter]:
    snapshots = root / "data" / "snapshots"
    if not snapshots.is_dir():
        return []
    return list_quarters(root / "data")


def test_every_sample_quarter_loads_without_errors(repo_root: Path) -> None:
    quarters = sample_quarters(repo_root)
    if not quarters:
        pytest.skip("no sample snapshots under data/snapshots")
    for quarter in quarters:
        snapshot, findings = check_snapshot(repo_root / "data", quarter)
        errors = [str(f) for f in findings if f.severity == "error"]
        assert errors == [], f"{quarter.id}:\n" + "\n".join(errors)
        assert snapshot is not None and len(snapshot.actions) > 0
