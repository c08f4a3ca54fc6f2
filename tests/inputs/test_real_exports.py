"""Snapshots holding what Excel and the HMICFRS portal really produce, through the loader.

Each test writes the valid snapshot from ``tests/conftest.py`` and replaces one tracker with a
file the way a real export or a hurried analyst leaves it: a title block above the header, dates
as Excel numbers mixed with typed dates, formulas, hidden rows, Windows-1252 text.  Those load
to the same frame as the tidy file.  What cannot be read safely (merged cells over data rows, a
formula with no saved result, a damaged or mislabelled file, an oversized workbook) is one
error on the file that says what to do.  The readers' own tests pin the details; these check
that the loader's findings carry them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from analysis.inputs.findings import Finding
from analysis.inputs.settings import Settings
from analysis.inputs.snapshots import check_snapshot
from analysis.inputs.workbooks import MAX_XLSX_MB_VARIABLE
from analysis.quarters import Quarter
from tests.conftest import ACTION_COLUMNS, ACTIONS, RECOMMENDATIONS

Q1 = Quarter(2019, 1)
RECS = "snapshots/2019-20-Q1/recommendations.csv"
XLSX = "snapshots/2019-20-Q1/audit_actions.xlsx"
DEFAULTS = Settings()


def findings_for(data_dir: Path) -> tuple[Any, list[Finding]]:
    return check_snapshot(data_dir, Q1, DEFAULTS)


def only_error(data_dir: Path) -> Finding:
    snapshot, findings = findings_for(data_dir)
    errors = [f for f in findings if f.severity == "error"]
    assert snapshot is None and len(errors) == 1, "\n".join(map(str, findings))
    return errors[0]


def actions_workbook(
    path: Path,
    *,
    title: list[list[Any]] = (),
    cells: dict[tuple[str, str], Any] | None = None,
    edit: Callable[[Any], None] | None = None,
) -> Path:
    """The conftest actions in an openpyxl workbook, below ``title`` rows; ``cells`` replace
    values by (action id, column); ``edit`` may then hide rows, merge cells or add formulas."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    for line in title:
        sheet.append(line)
    sheet.append(list(ACTION_COLUMNS))
    for action in ACTIONS:
        row = {**action}
        for (action_id, column), value in (cells or {}).items():
            if action["action_id"] == action_id:
                row[column] = value
        sheet.append([row.get(c) for c in ACTION_COLUMNS])
    if edit is not None:
        edit(sheet)
    book.save(path)
    return path


TITLE = [["DARA Action Tracker \u2013 exported 01/07/2019"], [], ["Prepared by the audit team"]]


# --- read correctly ---------------------------------------------------------------------------
def test_a_title_block_keeps_the_rows_excel_shows(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    actions_workbook(folder / "audit_actions.xlsx", title=TITLE, cells={("A3", "risk"): "Severe"})
    error = only_error(data_dir)
    # Header on row 4, so A1..A5 are rows 5..9 and A3 is row 7.
    assert (error.file, error.row, error.column, error.value) == (XLSX, 7, "risk", "Severe")


def test_a_title_block_workbook_loads_like_the_tidy_one(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    actions_workbook(folder / "audit_actions.xlsx", title=TITLE)
    snapshot, findings = findings_for(data_dir)
    assert findings == []
    assert snapshot.actions["action_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]
    assert snapshot.actions["source_row"].tolist() == [5, 6, 7, 8, 9]
    assert snapshot.actions.loc[0, "due_date"] == pd.Timestamp(2019, 3, 31)


def test_a_missing_column_is_reported_on_the_real_header_row(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()

    def rename_two_headers(sheet) -> None:
        sheet["H4"] = "owner name"  # column H is owner (optional); then spoil risk (E)
        sheet["E4"] = "risk rating"

    actions_workbook(folder / "audit_actions.xlsx", title=TITLE, edit=rename_two_headers)
    error = only_error(data_dir)
    assert (error.file, error.row, error.column) == (XLSX, 4, "risk")


def test_excel_date_numbers_and_typed_dates_mix_in_one_column(
    data_dir: Path, make_snapshot
) -> None:
    folder = make_snapshot()
    actions_workbook(
        folder / "audit_actions.xlsx",
        cells={
            ("A1", "due_date"): 43555,  # 43466 is 1 January 2019, + 31 + 28 + 30 days
            ("A2", "due_date"): "2019-01-31",
            ("A3", "due_date"): "30/09/2019",
            ("A4", "due_date"): 43465.25,  # 31 December 2018, 06:00
            ("A4", "completed_date"): 43497,  # 43466 + 31: 1 February 2019
        },
    )
    snapshot, findings = findings_for(data_dir)
    assert findings == []
    assert snapshot.actions["due_date"].tolist() == [
        pd.Timestamp(2019, 3, 31),
        pd.Timestamp(2019, 1, 31),
        pd.Timestamp(2019, 9, 30),
        pd.Timestamp(2018, 12, 31),
        pd.Timestamp(2019, 5, 1),  # A5's own date cell
    ]
    assert snapshot.actions.loc[3, "completed_date"] == pd.Timestamp(2019, 2, 1)


@pytest.mark.parametrize("number", [0, 60, 109575])
def test_a_number_that_is_no_plausible_date_is_an_error(
    data_dir: Path, make_snapshot, number: int
) -> None:
    folder = make_snapshot()
    actions_workbook(folder / "audit_actions.xlsx", cells={("A2", "due_date"): number})
    error = only_error(data_dir)
    assert (error.file, error.row, error.column, error.value) == (XLSX, 3, "due_date", str(number))
    assert "plain number" in error.message


def test_formulas_load_their_saved_values(data_dir: Path, make_snapshot) -> None:
    import xlsxwriter

    folder = make_snapshot()
    book = xlsxwriter.Workbook(str(folder / "audit_actions.xlsx"))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ACTION_COLUMNS)
    for r, action in enumerate(ACTIONS, start=1):
        for c, column in enumerate(ACTION_COLUMNS):
            value = action.get(column)
            if isinstance(value, dt.date):
                value = value.isoformat()
            if value is not None:
                sheet.write(r, c, value)
    due = ACTION_COLUMNS.index("due_date")
    status = ACTION_COLUMNS.index("status")
    sheet.write_formula(1, due, "=DATE(2019,3,31)", None, 43555)
    sheet.write_formula(2, status, '=IF(TRUE,"Open","Closed")', None, "Open")
    book.close()
    snapshot, findings = findings_for(data_dir)
    assert findings == []
    assert snapshot.actions.loc[0, "due_date"] == pd.Timestamp(2019, 3, 31)
    assert snapshot.actions.loc[1, "status"] == "Open"


def test_hidden_rows_are_still_loaded(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()

    def hide(sheet) -> None:
        sheet.row_dimensions[3].hidden = True  # A2
        sheet.row_dimensions[5].hidden = True  # A4

    actions_workbook(folder / "audit_actions.xlsx", edit=hide)
    snapshot, _ = findings_for(data_dir)
    assert snapshot is not None
    assert snapshot.actions["action_id"].tolist() == ["A1", "A2", "A3", "A4", "A5"]


def test_a_windows_1252_portal_export_with_a_title_line(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    names = {"R1": "Rosi\u00e2n \u2013 custody review (\u00a35m)"}
    lines = ["HMICFRS Monitoring Portal \u2013 recommendations as at 30/06/2019", ""]
    lines.append(",".join(RECOMMENDATIONS[0]))
    for rec in RECOMMENDATIONS:
        values = {**rec, "inspection": names.get(rec["rec_id"], rec["inspection"])}
        lines.append(
            ",".join(
                v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else "" if v is None else str(v)
                for v in values.values()
            )
        )
    (folder / "recommendations.csv").write_bytes("\r\n".join(lines).encode("cp1252"))
    snapshot, findings = findings_for(data_dir)
    assert [f for f in findings if f.severity == "error"] == []
    recs = snapshot.recommendations
    assert recs.loc[0, "inspection"] == names["R1"]
    assert recs["source_row"].tolist() == [4, 5, 6, 7]
    assert recs.loc[0, "published"] == pd.Timestamp(2018, 3, 1)


def test_a_number_in_a_csv_date_column_is_never_a_date(data_dir: Path, make_snapshot) -> None:
    make_snapshot(rec_cells={("R2", "published"): "43419"})
    error = only_error(data_dir)
    assert (error.file, error.row, error.column, error.value) == (RECS, 3, "published", "43419")


# --- refused ------------------------------------------------------------------------------------
def test_merged_cells_over_data_rows(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()

    def merge(sheet) -> None:
        sheet.merge_cells("D3:D4")  # assurance of A2 shown across A3's row too

    actions_workbook(folder / "audit_actions.xlsx", edit=merge)
    error = only_error(data_dir)
    assert error.file == XLSX
    assert "D3:D4 (rows 3-4, assurance)" in error.message


def test_a_formula_with_no_saved_value(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()

    marking = get_column_letter(ACTION_COLUMNS.index("marking") + 1)

    def formula(sheet) -> None:
        sheet[f"{marking}4"] = '=IF(E4="High","OFFICIAL-SENSITIVE","OFFICIAL")'  # marking of A3

    actions_workbook(folder / "audit_actions.xlsx", edit=formula)
    error = only_error(data_dir)
    assert error.file == XLSX
    assert f"formula with no saved value in cell {marking}4 (row 4, column marking)" in (
        error.message
    )


def test_an_excel_error_value(data_dir: Path, make_snapshot) -> None:
    import xlsxwriter

    folder = make_snapshot()
    book = xlsxwriter.Workbook(str(folder / "audit_actions.xlsx"))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ACTION_COLUMNS)
    for r, action in enumerate(ACTIONS, start=1):
        sheet.write_row(r, 0, [_text(action.get(c)) for c in ACTION_COLUMNS])
    sheet.write_formula(5, ACTION_COLUMNS.index("risk"), "=#REF!", None, "#REF!")
    book.close()
    error = only_error(data_dir)
    assert "E6 (row 6, column risk) showing #REF!" in error.message


def _text(value: Any) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, dt.date) else str(value)


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (lambda data: data[: len(data) // 2], "incomplete or damaged"),
        (lambda data: b"action_id,audit_title\r\nA1,Custody audit\r\n", "looks like CSV text"),
        (lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + data, "old-format .xls"),
    ],
)
def test_files_that_cannot_be_workbooks(
    data_dir: Path, make_snapshot, spoil: Callable[[bytes], bytes], said: str
) -> None:
    folder = make_snapshot()
    path = folder / "audit_actions.xlsx"
    path.write_bytes(spoil(path.read_bytes()))
    error = only_error(data_dir)
    assert error.file == XLSX and said in error.message
    assert "Traceback" not in str(error)


def test_a_workbook_above_the_size_limit(
    data_dir: Path, make_snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_snapshot()
    monkeypatch.setenv(MAX_XLSX_MB_VARIABLE, "0.002")
    error = only_error(data_dir)
    assert error.file == XLSX
    assert "0.002 MB limit" in error.message and MAX_XLSX_MB_VARIABLE in error.message


def test_a_csv_saved_as_an_excel_workbook_under_the_csv_name(data_dir: Path, make_snapshot) -> None:
    folder = make_snapshot()
    (folder / "recommendations.csv").write_bytes((folder / "audit_actions.xlsx").read_bytes())
    error = only_error(data_dir)
    assert error.file == RECS and "Excel workbook, not CSV text" in error.message
