"""A quarter's own ``columns:`` in its snapshot.yml: a header renamed in one quarter's export is
mapped for that quarter alone, and a missing column's error says where the map goes."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from analysis.inputs.check_report import check_report
from analysis.inputs.columns import ColumnMapError, merge_maps
from analysis.inputs.settings import load_settings
from analysis.inputs.snapshots import check_snapshot, source_key
from analysis.quarters import Quarter
from tests.conftest import META, ROOT

Q1 = Quarter(2019, 1)
RECS = "snapshots/2019-20-Q1/recommendations.csv"
YML = "snapshots/2019-20-Q1/snapshot.yml"
RENAMED = "2019-20-Q2"
"""The sample quarter whose export renamed rec_id (in a temporary copy of the sample data)."""


def settings_file(data_dir: Path, columns: object) -> None:
    (data_dir / "settings.yml").write_text(yaml.safe_dump({"columns": columns}), "utf-8")


def errors(findings):
    return [f for f in findings if f.severity == "error"]


# --- merging ------------------------------------------------------------------------------------
def test_the_quarters_entry_wins_for_the_same_header_and_for_the_same_column() -> None:
    base = {
        "recommendations": {"Ref": "rec_id", "Status": "status"},
        "audit_actions": {"Target date": "due_date"},
    }
    own = {"recommendations": {"Reference": "rec_id", "status": "status_date"}}
    assert merge_maps(base, own) == {
        # rec_id comes from the quarter's 'Reference', not the settings' 'Ref'; the header
        # 'Status' (matched case aside) is the quarter's status_date, not the settings' status.
        "audit_actions": {"Target date": "due_date"},
        "recommendations": {"Reference": "rec_id", "status": "status_date"},
    }


def test_two_headers_for_one_column_in_the_merged_map_is_still_an_error() -> None:
    with pytest.raises(ColumnMapError, match=r"columns\.recommendations maps two headers"):
        merge_maps({}, {"recommendations": {"Ref": "rec_id", "Reference": "rec_id"}})


def test_snapshot_yml_maps_two_headers_to_one_column_is_an_error(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(
        meta={**META, "columns": {"recommendations": {"Ref": "rec_id", "Reference": "rec_id"}}}
    )
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    (error,) = errors(findings)
    assert (error.file, error.column) == (YML, "columns")
    assert error.message == (
        "columns.recommendations maps both 'Ref' and 'Reference' to rec_id; one column can "
        "come from one header only"
    )


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (
            {"recommendations": {"Ref": "reference"}},
            "columns.recommendations maps 'Ref' to 'reference', which is not a column of the "
            "contract's recommendations (rec_id, inspection, theme, programme, type, "
            "published, status, title, status_date, lead, marking)",
        ),
        (
            "Ref",
            "columns must map each file (recommendations, audit_actions, hmicfrs_tracker) to its headers",
        ),
    ],
)
def test_a_bad_map_in_snapshot_yml_names_the_file_and_key(
    data_dir: Path, make_snapshot, columns: object, message: str
) -> None:
    make_snapshot(meta={**META, "columns": columns})
    _, findings = check_snapshot(data_dir, Q1)
    (error,) = errors(findings)
    assert (error.file, error.column, error.message) == (YML, "columns", message)


# --- a quarter's own header ---------------------------------------------------------------------
def test_a_quarters_map_wins_over_the_settings_map(data_dir: Path, make_snapshot) -> None:
    make_snapshot(
        headers={"rec_id": "Reference"},
        meta={**META, "columns": {"recommendations": {"Reference": "rec_id"}}},
    )
    settings_file(data_dir, {"recommendations": {"Ref": "rec_id"}})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert findings == [] and snapshot is not None
    assert snapshot.recommendations["rec_id"].tolist() == ["R1", "R2", "R3", "R4"]
    assert snapshot.meta["columns"] == {"recommendations": {"Reference": "rec_id"}}


def test_a_missing_column_names_the_map_and_shows_the_headers_as_exported(
    data_dir: Path, make_snapshot
) -> None:
    make_snapshot(headers={"rec_id": "Reference", "inspection": "Inspection  Title"})
    snapshot, findings = check_snapshot(data_dir, Q1)
    assert snapshot is None
    found = errors(findings)
    assert [(f.file, f.row, f.column) for f in found] == [
        (RECS, 1, "rec_id"),
        (RECS, 1, "inspection"),
    ]
    assert found[0].message == (
        "required column rec_id is missing (headers found: 'Reference', 'Inspection  Title', "
        "'theme', 'programme', 'type', 'published', 'status', 'title', 'status_date', 'lead', "
        "'marking'): map the export's header to it under columns: recommendations: in "
        "settings.yml, or in this quarter's snapshot.yml for this quarter only"
    )


def test_changing_a_quarters_column_map_changes_its_cache_key(
    data_dir: Path, make_snapshot
) -> None:
    folder = make_snapshot()
    before = source_key(folder, load_settings(data_dir))
    make_snapshot(meta={**META, "columns": {"recommendations": {"Reference": "rec_id"}}})
    assert source_key(folder, load_settings(data_dir)) != before


# --- the sample data, one quarter renamed ---------------------------------------------------------
def rename_rec_id(folder: Path) -> list[str]:
    """The quarter's portal export with ``rec_id`` headed ``Reference``, every cell kept; the
    header row as it was."""
    path = folder / "recommendations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = list(rows[0])
    assert header[0] == "rec_id"
    rows[0][0] = "Reference"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return header


def quarters(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "snapshots").iterdir())


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".cache"))
    return data


def test_a_header_renamed_in_one_quarter_is_mapped_in_that_quarters_snapshot_yml(
    sample_copy: Path, tmp_path: Path
) -> None:
    untouched, _ = check_report(sample_copy, None)
    folder = sample_copy / "snapshots" / RENAMED
    header = rename_rec_id(folder)

    refused, failed = check_report(sample_copy, None)
    assert failed
    lines = refused.splitlines()
    (head,) = [line for line in lines if line.startswith(RENAMED)]
    assert head.startswith(f"{RENAMED}  1 error, ")
    exported = ", ".join(repr(h) for h in ["Reference", *header[1:]])
    assert [line for line in lines if line.startswith("    ERROR")] == [
        f"    ERROR: snapshots/{RENAMED}/recommendations.csv, row 1, column rec_id: required "
        f"column rec_id is missing (headers found: {exported}): map the export's header to it "
        "under columns: recommendations: in settings.yml, or in this quarter's snapshot.yml "
        "for this quarter only"
    ]
    total = len(quarters(sample_copy))
    assert lines[-1] == f"Checked {total} snapshots: {total - 1} OK, 1 with errors."

    with (folder / "snapshot.yml").open("a", encoding="utf-8") as handle:
        handle.write("columns:\n  recommendations:\n    Reference: rec_id\n")
    mapped, failed = check_report(sample_copy, None)
    assert not failed, mapped
    assert mapped == untouched  # every quarter reads as before, the renamed one included

    original, _ = check_snapshot(ROOT / "data", Quarter.parse(RENAMED))
    renamed, _ = check_snapshot(sample_copy, Quarter.parse(RENAMED))
    assert original is not None and renamed is not None
    assert renamed.recommendations.equals(original.recommendations)

    # The command line says the same: check --all OK for every quarter.
    panelpaper = Path(sys.executable).parent / "panelpaper"
    done = subprocess.run(
        [str(panelpaper), "check", "--all", "--data-dir", str(sample_copy)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    heads = [line for line in done.stdout.splitlines() if line[:1].isdigit()]
    assert [(h.split()[0], h.split()[1]) for h in heads] == [
        (q, "OK") for q in quarters(sample_copy)
    ]
