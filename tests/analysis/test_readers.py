"""Files to text tables: cells trimmed, blanks missing, rows numbered as Excel numbers them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from analysis.readers import ReadError, read_csv_table, read_xlsx_table


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def test_csv_cells_are_trimmed_text_and_blanks_are_missing(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", " ID ,Name,Amount\nA1,  Ann  ,007\nA2,,  \n")
    table = read_csv_table(path)
    frame = table.frame
    assert list(frame.columns) == ["id", "name", "amount", "source_row"]
    assert frame["name"].tolist()[0] == "Ann"
    assert frame["amount"].tolist()[0] == "007"  # text, never a number
    assert pd.isna(frame.loc[1, "name"]) and pd.isna(frame.loc[1, "amount"])
    assert frame["source_row"].tolist() == [2, 3]


def test_csv_blank_lines_and_multiline_cells_keep_excel_numbering(tmp_path: Path) -> None:
    # Rows as Excel shows them: 1 header, 2 A1, 3 blank, 4 only commas, 5 A2 (two lines in
    # the file, one row in Excel), 6 A3.
    path = write(tmp_path / "t.csv", 'id,note\nA1,x\n\n,\nA2,"two\nlines"\nA3,y\n')
    frame = read_csv_table(path).frame
    assert frame["id"].tolist() == ["A1", "A2", "A3"]
    assert frame["source_row"].tolist() == [2, 5, 6]
    assert frame.loc[1, "note"] == "two\nlines"


def test_csv_byte_order_mark_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "\ufeffrec_id,theme\nR1,PEEL\n".encode())
    assert list(read_csv_table(path).frame.columns) == ["rec_id", "theme", "source_row"]


def test_duplicate_header_names_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,Status, status ,\nA1,Open,Closed,\n")
    table = read_csv_table(path)
    assert table.duplicates == ["status"]
    assert table.frame["status"].tolist() == ["Open"]


@pytest.mark.parametrize("content", ["", "   \n\n", "\ufeff"])
def test_empty_csv(tmp_path: Path, content: str) -> None:
    with pytest.raises(ReadError, match="empty"):
        read_csv_table(write(tmp_path / "t.csv", content))


def test_header_only_csv_has_no_rows(tmp_path: Path) -> None:
    frame = read_csv_table(write(tmp_path / "t.csv", "id,name\n")).frame
    assert len(frame) == 0 and list(frame.columns) == ["id", "name", "source_row"]


def test_csv_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="UTF-8"):
        read_csv_table(write(tmp_path / "t.csv", "id,name\nA1,Caf\xe9\n".encode("latin-1")))


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
