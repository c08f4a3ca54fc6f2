"""Reading tracker workbooks: cells as text with sheet rows kept, Excel date numbers, and what
cannot be read safely refused (formulas without a saved value, errors, merges, files that are not
workbooks, the size limit).  Workbooks needing hidden rows, merges or formulas without a saved
value are written with openpyxl; formulas with a saved value with xlsxwriter, which can store one.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.inputs.readers import (
    ReadError,
)
from analysis.inputs.schemas import ACTIONS
from analysis.inputs.workbooks import MAX_XLSX_MB_VARIABLE, read_xlsx_table
from tests.inputs.test_readers import write


def workbook(path: Path, sheet: str = "Actions", start_row: int = 0) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    cells = book.add_worksheet(sheet)
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    r = start_row
    cells.write_row(r, 1, ["ID", "Due", "Count", "Flag"])
    cells.write_number(r + 1, 1, 101)
    cells.write_datetime(r + 1, 2, dt.datetime(2019, 6, 30), dates)
    cells.write_number(r + 1, 3, 1.5)
    cells.write_boolean(r + 1, 4, True)
    # r + 2 left blank
    cells.write_string(r + 3, 1, "  A-2 ")
    cells.write_datetime(r + 3, 2, dt.datetime(2019, 6, 30, 14, 30), dates)
    cells.write_string(r + 3, 3, "30/06/2019")
    book.add_worksheet("Notes")
    book.close()
    return path


def test_workbook_cells_become_text(tmp_path: Path) -> None:
    frame = read_xlsx_table(workbook(tmp_path / "w.xlsx"), "Actions").frame
    assert list(frame.columns) == ["id", "due", "count", "flag", "source_row"]
    assert frame["id"].tolist() == ["101", "A-2"]
    assert frame["due"].tolist() == ["2019-06-30", "2019-06-30 14:30:00"]
    assert frame["count"].tolist() == ["1.5", "30/06/2019"]
    assert frame.loc[0, "flag"] == "TRUE" and pd.isna(frame.loc[1, "flag"])
    assert frame["source_row"].tolist() == [2, 4]


def test_a_header_lower_down_keeps_excel_row_numbers(tmp_path: Path) -> None:
    frame = read_xlsx_table(workbook(tmp_path / "w.xlsx", start_row=2), "Actions").frame
    assert frame["source_row"].tolist() == [4, 6]


def test_sheet_is_found_ignoring_case(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", sheet=" ACTIONS")
    assert len(read_xlsx_table(path, "Actions").frame) == 2


def test_missing_sheet_lists_the_sheets_found(tmp_path: Path) -> None:
    path = workbook(tmp_path / "w.xlsx", sheet="Tracker")
    with pytest.raises(ReadError) as caught:
        read_xlsx_table(path, "Actions")
    assert "'Tracker'" in str(caught.value) and "'Notes'" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_unreadable_workbook(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(ReadError, match="Excel workbook"):
        read_xlsx_table(write(tmp_path / "w.xlsx", content), "Actions")


def openpyxl_book(path: Path, rows: list[list[object]], edit=None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Actions"
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(sheet)
    book.save(path)
    return path


ACTION_HEADER = list(ACTIONS.required)  # action_id, ..., due_date (G), status (H)


def action_row(action_id: str, due: object = dt.date(2019, 3, 31)) -> list[object]:
    return [action_id, "Custody audit", "2018/19", "Limited", "High", "Met HQ", due, "Open"]


def test_a_title_block_above_a_workbook_header_keeps_sheet_rows(tmp_path: Path) -> None:
    rows = [
        ["DARA Action Tracker \u2013 exported 01/07/2019"],
        [],
        ["Prepared by the audit team"],
        ACTION_HEADER,
        action_row("A1"),
        [],
        action_row("A2"),
    ]
    table = read_xlsx_table(openpyxl_book(tmp_path / "w.xlsx", rows), "Actions", ACTIONS)
    assert table.header_row == 4
    assert table.frame["action_id"].tolist() == ["A1", "A2"]
    assert table.frame["source_row"].tolist() == [5, 7]
    assert table.positions["due_date"] == 6


# --- date numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (43646, "2019-06-30"),  # 43466 is 1 January 2019; plus 31 + 28 + 31 + 30 + 31 + 29
        (43646.75, "2019-06-30 18:00:00"),
        (1, "1900-01-01"),
        (59, "1900-02-28"),
        (61, "1900-03-01"),  # Excel counts a 29 February 1900 that never was (serial 60)
        (109574, "2199-12-31"),  # 1900-01-01 is 1, plus 300 years of 365 days and 73 leap days
        (60, "60"),
        (0, "0"),
        (-5, "-5"),
        (109575, "109575"),  # 2200-01-01: beyond the loader's years
        (2958465, "2958465"),  # Excel's last date, 9999-12-31, is beyond them too
        ("2019-06-30", "2019-06-30"),
        ("30/06/2019", "30/06/2019"),
        (dt.date(2019, 6, 30), "2019-06-30"),
    ],
)
def test_numbers_in_a_date_column_are_excel_dates(tmp_path: Path, cell: object, text: str) -> None:
    rows = [ACTION_HEADER, action_row("A1", cell)]
    frame = read_xlsx_table(openpyxl_book(tmp_path / "w.xlsx", rows), "Actions", ACTIONS).frame
    assert frame.loc[0, "due_date"] == text


def test_numbers_elsewhere_stay_numbers(tmp_path: Path) -> None:
    rows = [ACTION_HEADER, [43646, *action_row("x")[1:]]]
    frame = read_xlsx_table(openpyxl_book(tmp_path / "w.xlsx", rows), "Actions", ACTIONS).frame
    assert frame.loc[0, "action_id"] == "43646"


def test_mixed_date_forms_in_one_column(tmp_path: Path) -> None:
    cells = [43555, "2019-01-31", "30/09/2019", dt.date(2018, 12, 31), 43466.5]
    rows = [ACTION_HEADER] + [action_row(f"A{i}", c) for i, c in enumerate(cells)]
    frame = read_xlsx_table(openpyxl_book(tmp_path / "w.xlsx", rows), "Actions", ACTIONS).frame
    assert frame["due_date"].tolist() == [
        "2019-03-31",
        "2019-01-31",
        "30/09/2019",
        "2018-12-31",
        "2019-01-01 12:00:00",
    ]


# --- formulas ------------------------------------------------------------------------------------
def test_formulas_give_their_saved_values(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ACTION_HEADER)
    sheet.write_row(1, 0, action_row("A1", None))
    sheet.write_formula(1, 0, '="A"&"1"', None, "A1-from-formula")
    sheet.write_formula(1, 6, "=DATE(2019,6,30)", None, 43646)
    sheet.write_formula(1, 8, "=1/0", None, "#DIV/0!")  # an error, but in an ignored column
    book.close()
    table = read_xlsx_table(path, "Actions", ACTIONS)
    assert table.frame.loc[0, "action_id"] == "A1-from-formula"
    assert table.frame.loc[0, "due_date"] == "2019-06-30"


def test_a_formula_with_no_saved_value_is_refused_naming_the_cell(tmp_path: Path) -> None:
    def formulas(sheet) -> None:
        sheet["G3"] = "=DATE(2019,6,30)"  # openpyxl stores no result
        sheet["I2"] = "=G2+1"  # an extra column: not read, so no matter

    rows = [ACTION_HEADER, action_row("A1"), action_row("A2")]
    path = openpyxl_book(tmp_path / "w.xlsx", rows, formulas)
    with pytest.raises(ReadError) as caught:
        read_xlsx_table(path, "Actions", ACTIONS)
    message = str(caught.value)
    assert "formula with no saved value in cell G3 (row 3, column due_date)" in message
    assert "open the workbook in Excel and save it" in message
    assert "I2" not in message


def test_formulas_can_be_listed_as_data_instead_of_refused(tmp_path: Path) -> None:
    """For returned follow-up lists: every formula in a read column below the header is named
    with its text, saved result or not, and its error result does not refuse the file."""
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ACTION_HEADER)
    sheet.write_row(1, 0, action_row("A1", "2019-03-31"))
    sheet.write_row(2, 0, action_row("A2", "2019-03-31"))
    sheet.write_formula(1, 0, '="A"&"1"', None, "A1")
    sheet.write_formula(2, 7, "=1/0", None, "#DIV/0!")
    sheet.write_formula(2, 20, "=1+1", None, 2)  # not a read column
    book.close()
    table = read_xlsx_table(path, "Actions", ACTIONS, formulas_are_data=True)
    assert table.formulas == [(2, "action_id", '="A"&"1"'), (3, "status", "=1/0")]
    unsaved = openpyxl_book(
        tmp_path / "u.xlsx",
        [ACTION_HEADER, action_row("A1")],
        lambda s: s.__setitem__("G2", "=DATE(2019,6,30)"),
    )
    listed = read_xlsx_table(unsaved, "Actions", ACTIONS, formulas_are_data=True)
    assert listed.formulas == [(2, "due_date", "=DATE(2019,6,30)")]


def test_an_excel_error_in_a_read_column_is_refused(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "w.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Actions")
    sheet.write_row(0, 0, ACTION_HEADER)
    sheet.write_row(1, 0, action_row("A1", "2019-03-31"))
    sheet.write_formula(1, 7, "=VLOOKUP(A2,X:Y,2,0)", None, "#N/A")
    book.close()
    with pytest.raises(ReadError, match=re.escape("H2 (row 2, column status) showing #N/A")):
        read_xlsx_table(path, "Actions", ACTIONS)


# --- hidden rows and merged cells -----------------------------------------------------------------
def test_hidden_and_filtered_rows_are_read_with_a_warning(tmp_path: Path) -> None:
    def hide(sheet) -> None:
        for row in (1, 2, 4, 6, 7, 9):  # title, header, data, data, data, blank
            sheet.row_dimensions[row].hidden = True

    rows = [["Title"], ACTION_HEADER] + [action_row(f"A{i}") for i in range(3, 9)]
    path = openpyxl_book(tmp_path / "w.xlsx", rows, hide)
    table = read_xlsx_table(path, "Actions", ACTIONS)
    assert table.frame["source_row"].tolist() == [3, 4, 5, 6, 7, 8]
    (warning,) = table.warnings
    assert warning.startswith("rows 4, 6-7 are hidden in Excel")


def test_one_hidden_row_is_named(tmp_path: Path) -> None:
    def hide(sheet) -> None:
        sheet.row_dimensions[3].hidden = True

    rows = [ACTION_HEADER, action_row("A1"), action_row("A2")]
    table = read_xlsx_table(openpyxl_book(tmp_path / "w.xlsx", rows, hide), "Actions", ACTIONS)
    assert table.warnings[0].startswith("row 3 is hidden")


def test_merged_cells_across_data_rows_are_refused(tmp_path: Path) -> None:
    def merge(sheet) -> None:
        sheet.merge_cells("A1:H1")  # the title: above the header, harmless
        sheet.merge_cells("B3:B5")  # audit_title shown once for three actions
        sheet.merge_cells("I3:J5")  # extra columns only: not read

    rows = [["Tracker"], ACTION_HEADER] + [action_row(f"A{i}") for i in range(3)]
    path = openpyxl_book(tmp_path / "w.xlsx", rows, merge)
    with pytest.raises(ReadError) as caught:
        read_xlsx_table(path, "Actions", ACTIONS)
    message = str(caught.value)
    assert "merged cells across data rows: range B3:B5 (rows 3-5, audit_title)" in message
    assert "Unmerge" in message
    assert "A1:H1" not in message and "I3:J5" not in message


def test_a_merge_that_hides_nothing_is_allowed(tmp_path: Path) -> None:
    def merge(sheet) -> None:
        sheet.merge_cells("H3:I3")  # status spills into an extra column: value kept
        sheet.merge_cells("A4:A5")  # row 5 is otherwise blank, so no data row loses a value

    rows = [ACTION_HEADER, action_row("A1"), action_row("A2"), action_row("A3")]
    path = openpyxl_book(tmp_path / "w.xlsx", rows, merge)
    frame = read_xlsx_table(path, "Actions", ACTIONS).frame
    assert frame["action_id"].tolist() == ["A1", "A2", "A3"]
    assert frame["status"].tolist() == ["Open"] * 3


# --- files that are not workbooks ------------------------------------------------------------------
def real_workbook(tmp_path: Path) -> bytes:
    rows = [ACTION_HEADER] + [action_row(f"A{i}") for i in range(50)]
    return openpyxl_book(tmp_path / "real.xlsx", rows).read_bytes()


def test_a_truncated_workbook_is_refused(tmp_path: Path) -> None:
    data = real_workbook(tmp_path)
    path = write(tmp_path / "w.xlsx", data[: len(data) // 2])
    with pytest.raises(ReadError, match="incomplete or damaged"):
        read_xlsx_table(path, "Actions")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            b"action_id,audit_title\nA1,Custody\n",
            "this file is not an Excel workbook: it looks like CSV text; save it as .csv or "
            "re-export as .xlsx",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-format .xls workbook"),
        (b"<html><body><table><tr><td>A1</td></tr></table>", "web page (HTML)"),
        (b"<?xml version='1.0'?><Workbook>", "XML"),
        (b"\x00\x01\x02garbage", "not text either"),
    ],
)
def test_files_that_are_not_workbooks_say_what_they_look_like(
    tmp_path: Path, content: bytes, said: str
) -> None:
    with pytest.raises(ReadError, match=re.escape(said)):
        read_xlsx_table(write(tmp_path / "w.xlsx", content), "Actions")


def test_a_workbook_above_the_size_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "w.xlsx", real_workbook(tmp_path))
    monkeypatch.setenv(MAX_XLSX_MB_VARIABLE, "0.001")  # 1,048 bytes; the workbook is larger
    with pytest.raises(ReadError) as caught:
        read_xlsx_table(path, "Actions")
    assert "above the 0.001 MB limit" in str(caught.value)
    assert f"{MAX_XLSX_MB_VARIABLE}=" in str(caught.value)
    monkeypatch.setenv(MAX_XLSX_MB_VARIABLE, "1")
    assert len(read_xlsx_table(path, "Actions").frame) == 50


@pytest.mark.parametrize("value", ["lots", "0", "-3", "nan"])
def test_a_bad_size_limit_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    path = write(tmp_path / "w.xlsx", real_workbook(tmp_path))
    monkeypatch.setenv(MAX_XLSX_MB_VARIABLE, value)
    with pytest.raises(ReadError, match=f"{MAX_XLSX_MB_VARIABLE} is '{value}'"):
        read_xlsx_table(path, "Actions")
