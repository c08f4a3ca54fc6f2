"""CSV files and cells to text tables: cells trimmed, blanks missing, rows numbered as Excel
numbers them, Windows-1252 CSV read with a warning, title blocks above the header skipped.
Workbooks are in test_workbooks.py."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.inputs.readers import (
    ReadError,
    _cell_text,
    _column_text,
    _date_cell_text,
    read_csv_table,
)
from analysis.inputs.schemas import RECOMMENDATIONS


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


# --- CSV encodings ------------------------------------------------------------------------------
CP1252_TEXT = "id,name,amount\r\nA1,Rosiân \u2013 lead,£5\r\nA2,plain,1\r\n"


def test_windows_1252_csv_is_read_with_a_warning(tmp_path: Path) -> None:
    table = read_csv_table(write(tmp_path / "t.csv", CP1252_TEXT.encode("cp1252")))
    assert table.frame["name"].tolist() == ["Rosiân \u2013 lead", "plain"]
    assert table.frame["amount"].tolist() == ["£5", "1"]
    (warning,) = table.warnings
    assert "Windows-1252" in warning and "line 2" in warning


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_csv_with_or_without_bom_has_no_warning(tmp_path: Path, encoding: str) -> None:
    table = read_csv_table(write(tmp_path / "t.csv", CP1252_TEXT.encode(encoding)))
    assert table.frame["name"].tolist() == ["Rosiân \u2013 lead", "plain"]
    assert table.warnings == []


def test_a_bom_followed_by_windows_1252_is_refused(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + CP1252_TEXT.encode("cp1252")
    with pytest.raises(ReadError, match="mixes two") as caught:
        read_csv_table(write(tmp_path / "t.csv", data))
    assert "line 2" in str(caught.value)


def test_bytes_neither_utf8_nor_windows_1252_are_refused(tmp_path: Path) -> None:
    # 0x81 is invalid UTF-8 and one of the five bytes Windows-1252 leaves undefined.
    with pytest.raises(ReadError, match="neither UTF-8 nor Windows-1252") as caught:
        read_csv_table(write(tmp_path / "t.csv", b"id,name\nA1,x\nA2,\x81\n"))
    assert "0x81 on line 3" in str(caught.value)


@pytest.mark.parametrize(
    ("start", "said"),
    [
        (b"PK\x03\x04rest", "Excel workbook, not CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old-format Excel workbook (.xls)"),
        ("id,name\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_a_csv_that_is_something_else_is_refused(tmp_path: Path, start: bytes, said: str) -> None:
    with pytest.raises(ReadError, match=re.escape(said)):
        read_csv_table(write(tmp_path / "t.csv", start))


# --- the header below a title block -------------------------------------------------------------
REC_HEADER = "rec_id,inspection,theme,type,published,status"
REC_ROW = "R1,PEEL 2018/19,PEEL,Recommendation,2019-01-09,Complete"


def test_a_title_block_above_a_csv_header_is_skipped(tmp_path: Path) -> None:
    # Line 1 a title with one field, line 2 blank, line 3 a note naming one column, line 4
    # the header.  The note has "status" but not every required name, so it is not the header.
    text = f"HMICFRS Monitoring Portal export\n\nstatus as at 30/06/2019,status\n{REC_HEADER}\n{REC_ROW}\n"
    table = read_csv_table(write(tmp_path / "t.csv", text), RECOMMENDATIONS)
    assert table.header_row == 4
    assert table.frame.attrs["header_row"] == 4
    assert table.frame["rec_id"].tolist() == ["R1"]
    assert table.frame["source_row"].tolist() == [5]


def test_without_a_spec_either_trackers_header_is_found(tmp_path: Path) -> None:
    text = f"Exported 01/07/2019,,,,,\n{REC_HEADER}\n{REC_ROW}\n"
    table = read_csv_table(write(tmp_path / "t.csv", text))
    assert (table.header_row, table.frame["source_row"].tolist()) == (2, [3])


def test_a_header_missing_a_required_name_is_still_the_row_naming_most_columns(
    tmp_path: Path,
) -> None:
    header = REC_HEADER.replace("theme", "thme")
    text = f"Portal export\n{header}\n{REC_ROW}\n"
    table = read_csv_table(write(tmp_path / "t.csv", text), RECOMMENDATIONS)
    assert table.header_row == 2
    assert "thme" in table.frame.columns


def test_header_search_stops_after_twenty_rows(tmp_path: Path) -> None:
    # With the header on row 22 no row of the first twenty names a column, so the first row
    # with text (the title) is taken as the header, and the loader then reports the missing
    # columns on it.
    text = "Title\n" + "note\n" * 20 + f"{REC_HEADER}\n{REC_ROW}\n"
    table = read_csv_table(write(tmp_path / "t.csv", text), RECOMMENDATIONS)
    assert table.header_row == 1


CELLS = st.one_of(
    st.sampled_from([True, False, 1, 0, 1.0, 0.0, -0.0, 43555, 43555.0, 60, None, float("nan")]),
    st.sampled_from(["", "  x ", "x", "2019-01-31"]),
    st.dates(dt.date(1899, 12, 1), dt.date(2101, 1, 1)),
    st.datetimes(dt.datetime(1899, 12, 1), dt.datetime(2101, 1, 1)),
    st.sampled_from(  # one moment, two zones
        [
            dt.datetime(2019, 6, 30, 12, tzinfo=dt.UTC),
            dt.datetime(2019, 6, 30, 13, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ]
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.times(),
)


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(CELLS, max_size=30), serial_dates=st.booleans())
def test_a_column_reads_as_each_of_its_cells_would(cells: list[object], serial_dates: bool) -> None:
    # distinct values are converted once: equal cells of other types (True and 1, one moment
    # in two time zones) must still read as themselves
    convert = _date_cell_text if serial_dates else _cell_text
    assert _column_text(cells, serial_dates).tolist() == [convert(cell) for cell in cells]


def test_csv_numbers_are_never_dates(tmp_path: Path) -> None:
    text = f"{REC_HEADER}\nR1,PEEL,PEEL,Recommendation,43646,Complete\n"
    frame = read_csv_table(write(tmp_path / "t.csv", text), RECOMMENDATIONS).frame
    assert frame.loc[0, "published"] == "43646"
