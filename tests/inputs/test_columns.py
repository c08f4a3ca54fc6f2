"""The column map: a force's export headers read as the contract's columns, and its mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.inputs.check_report import check_report
from analysis.inputs.columns import export_columns, parse_map
from analysis.inputs.settings import SettingsError, load_settings
from analysis.inputs.snapshots import check_snapshot, source_key
from analysis.quarters import Quarter
from tests.conftest import ACTION_COLUMNS, REC_COLUMNS, write_csv

Q1 = Quarter(2019, 1)
RECS = "snapshots/2019-20-Q1/recommendations.csv"
XLSX = "snapshots/2019-20-Q1/audit_actions.xlsx"

PORTAL_HEADERS = {"rec_id": "Reference", "status": "Status ", "published": "Date published"}
TRACKER_HEADERS = {"due_date": "Target date", "owner": "Action owner"}


def settings_file(data_dir: Path, columns: object) -> None:
    (data_dir / "settings.yml").write_text(
        yaml.safe_dump({"columns": columns}, sort_keys=False), "utf-8"
    )


MAP = {
    "recommendations": {"Reference": "rec_id", "Status": "status", "Date published": "published"},
    "audit_actions": {"Target date": "due_date", "Action owner": "owner"},
}


def test_exports_with_their_own_headers_load_through_the_map(data_dir, make_snapshot) -> None:
    make_snapshot(rec_columns=REC_COLUMNS, headers={**PORTAL_HEADERS, **TRACKER_HEADERS})
    settings_file(data_dir, MAP)
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == []
    assert snapshot is not None
    assert snapshot.recommendations["rec_id"].tolist() == ["R1", "R2", "R3", "R4"]
    # The workbook's date cells under the export's own header are still read as dates.
    assert str(snapshot.actions.loc[0, "due_date"].date()) == "2019-03-31"
    assert snapshot.actions["owner"].notna().any()


def test_without_the_map_the_same_exports_are_refused(data_dir, make_snapshot) -> None:
    make_snapshot(headers=PORTAL_HEADERS)
    _, findings = check_snapshot(data_dir, Q1)
    missing = {(f.file, f.column) for f in findings if "is missing" in f.message}
    assert (RECS, "rec_id") in missing and (RECS, "published") in missing


def test_a_mapped_header_absent_from_the_file_names_both_names(data_dir, make_snapshot) -> None:
    make_snapshot(headers={"rec_id": "Reference No."})  # neither 'Ref' nor 'rec_id'
    settings_file(data_dir, {"recommendations": {"Ref": "rec_id"}})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    (error,) = [f for f in findings if f.severity == "error"]
    assert (error.file, error.row, error.column) == (RECS, 1, "rec_id")
    assert error.message == (
        "required column rec_id is missing (headers found: 'Reference No.', 'inspection', "
        "'theme', 'programme', 'type', 'published', 'status', 'title', 'status_date', 'lead', "
        "'marking'): the column map reads the export header 'Ref' as rec_id, and the file has "
        "neither: correct the entry under columns: recommendations: in settings.yml, or in "
        "this quarter's snapshot.yml for this quarter only"
    )


def test_a_file_with_both_the_mapped_header_and_the_contract_name_is_an_error(
    data_dir, make_snapshot
) -> None:
    folder = make_snapshot()
    rows = list(
        __import__("csv").DictReader((folder / "recommendations.csv").open(encoding="utf-8"))
    )
    for row in rows:
        row["Reference"] = row["rec_id"]
    write_csv(folder / "recommendations.csv", [*REC_COLUMNS, "Reference"], rows)
    settings_file(data_dir, {"recommendations": {"Reference": "rec_id"}})
    _, findings = check_snapshot(data_dir, Q1)
    (error,) = [f for f in findings if f.severity == "error"]
    assert (error.file, error.row, error.column) == (RECS, 1, "rec_id")
    assert "more than once" in error.message


def test_two_headers_mapped_to_one_column_is_a_settings_error(data_dir) -> None:
    settings_file(data_dir, {"audit_actions": {"Target date": "due_date", "Due": "due_date"}})
    with pytest.raises(SettingsError, match="maps both 'Target date' and 'Due' to due_date"):
        load_settings(data_dir)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"actions": {"Ref": "action_id"}}, "unknown file 'actions'"),
        ({"recommendations": {"Ref": "reference"}}, "not a column of the contract"),
        ({"recommendations": ["Ref"]}, "must map export headers"),
        ("Ref: rec_id", "must map each file"),
    ],
)
def test_a_map_that_cannot_be_applied_is_refused(data_dir, columns, message) -> None:
    settings_file(data_dir, columns)
    with pytest.raises(SettingsError, match=message):
        load_settings(data_dir)


def test_headers_are_matched_like_the_contract_names() -> None:
    parsed = parse_map(
        {"hmicfrs_tracker": {"  Ref ": "rec_id", "Internal Status": "internal_status"}}, "s"
    )
    # Kept as typed (trimmed), for the method annex; matched case aside.
    assert parsed == {"hmicfrs_tracker": {"Internal Status": "internal_status", "Ref": "rec_id"}}
    spec = export_columns("hmicfrs_tracker", parsed["hmicfrs_tracker"])
    assert spec is not None
    assert spec.required == ("ref", "internal status")
    assert export_columns("hmicfrs_tracker", {}) is None  # unmapped files read as before


def test_a_file_keeping_the_contract_name_still_loads_under_a_map(data_dir, make_snapshot) -> None:
    make_snapshot()
    settings_file(data_dir, {"recommendations": {"Ref": "rec_id"}})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None


def test_a_header_mapped_to_its_own_name_is_no_map() -> None:
    assert parse_map({"recommendations": {"REC_ID": "rec_id"}}, "s") == {}


def test_the_map_is_part_of_the_cache_key(data_dir, make_snapshot) -> None:
    folder = make_snapshot()
    before = source_key(folder, load_settings(data_dir))
    settings_file(data_dir, {"recommendations": {"Reference": "rec_id"}})
    assert source_key(folder, load_settings(data_dir)) != before


def test_check_on_portal_words_and_renamed_headers(data_dir, make_snapshot) -> None:
    """What an analyst sees after dropping in the portal's export as downloaded."""
    rows = [
        {**row, "status": word}
        for row, word in zip(
            __import__("tests.conftest", fromlist=["RECOMMENDATIONS"]).RECOMMENDATIONS,
            ["being-progressed", "awaiting-review", "complete", "no-further-action-needed"],
            strict=True,
        )
    ]
    make_snapshot(recommendations=rows, headers={**PORTAL_HEADERS, **TRACKER_HEADERS})
    settings_file(data_dir, MAP)
    text, failed = check_report(data_dir, [Q1])
    assert not failed, text
    assert text.splitlines()[0] == "2019-20-Q1  OK  (4 recommendations, 5 actions, 0 warnings)"
    snapshot, _ = check_snapshot(data_dir, Q1)
    assert snapshot.recommendations["status"].tolist() == [
        "Being progressed",
        "Awaiting review",
        "Complete",
        "No further action needed",
    ]


def test_action_columns_keep_their_contract_order(data_dir, make_snapshot) -> None:
    make_snapshot(headers=TRACKER_HEADERS)
    settings_file(data_dir, {"audit_actions": {"Target date": "due_date", "Action owner": "owner"}})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == []
    assert list(snapshot.actions.columns) == [*ACTION_COLUMNS, "source_row"]
