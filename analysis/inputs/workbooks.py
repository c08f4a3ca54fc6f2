"""Reading a tracker workbook (.xlsx): refusing what is not one, and what calamine cannot see.

The workbook is read with python-calamine directly, the reader behind
``pd.read_excel(engine="calamine")``: going straight to the cells skips pandas' text parser,
which roughly halves the time on a 100,000-row tracker and keeps Excel's own row positions.
Its cells become a :class:`analysis.inputs.readers.Table` exactly as a CSV's do.

What cannot be read safely is a :class:`~analysis.inputs.readers.ReadError`: a file that is not
really a workbook (CSV text, an old .xls, a web page, a damaged zip), one above the size limit,
and in the columns the loader reads, a formula with no saved result, a cell showing an Excel
error, or merged cells that hide values from data rows.  calamine sees none of these last three
(it returns a blank), so the sheet's XML is scanned for them (:mod:`analysis.inputs.workbook_xml`)
and judged here against the table; hidden rows are data, with a warning naming them.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
from python_calamine import CalamineWorkbook

from analysis.inputs.readers import (
    OLE_SIGNATURE,
    UTF8_BOM,
    ZIP_SIGNATURE,
    Columns,
    Expected,
    ReadError,
    Table,
    expected_names,
    text_table,
)
from analysis.inputs.snapshot_cache import MAX_XLSX_MB_VARIABLE
from analysis.inputs.vocabulary import SOURCE_ROW
from analysis.inputs.workbook_xml import SheetMarks, column_letters, scan_sheet

DEFAULT_MAX_XLSX_MB = 50.0
"""A workbook above this many megabytes (MiB, as Windows shows sizes) is refused before it is
parsed: calamine holds the whole sheet in memory, about twenty times the file's size."""

_LISTED = 10
"""Cells or rows named in one message before the rest are only counted."""


def sheet_names(path: Path) -> list[str]:
    return list(_workbook(path).sheet_names)


def read_xlsx_table(
    path: Path, sheet: str, spec: Columns | None = None, *, formulas_are_data: bool = False
) -> Table:
    """A workbook sheet.  The sheet name is matched ignoring case and surrounding space;
    a missing sheet is a :class:`ReadError` that lists the sheets found.

    With ``formulas_are_data`` a formula in a read column below the header is not refused but
    listed in ``Table.formulas`` (row, column name, the formula as typed), for a caller that
    reports each one as a finding of its own; its saved result is still what the frame holds,
    and it is never evaluated here."""
    check_workbook_file(path)
    book = _workbook(path)
    names = list(book.sheet_names)
    chosen = sheet if sheet in names else None
    if chosen is None:
        loose = [n for n in names if n.strip().lower() == sheet.lower()]
        chosen = loose[0] if len(loose) == 1 else None
    if chosen is None:
        found = ", ".join(repr(n) for n in names) or "none"
        raise ReadError(f"has no sheet named {sheet!r} (sheets found: {found})")
    try:
        rows = book.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own types for damaged sheets
        raise ReadError(f"sheet {chosen!r} cannot be read: {exc}") from exc
    if not rows:
        raise ReadError(f"sheet {chosen!r} is empty: no header row")
    width = max(map(len, rows))
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    expected = expected_names(spec)
    table = text_table(list(zip(*rows, strict=True)), len(rows), expected)
    marks = scan_sheet(path, chosen)
    if formulas_are_data:
        table.formulas = [
            (row, name, typed)
            for row, col, typed in sorted(marks.formulas)
            if row > table.header_row and (name := _read_name(table, col, expected)) is not None
        ]
        held = {(row, col) for row, col, _ in marks.formulas}
        marks.unsaved = []
        marks.errors = [e for e in marks.errors if (e[0], e[1]) not in held]
    _judge_marks(table, marks, expected)
    return table


def _read_name(table: Table, col: int, expected: Expected) -> str | None:
    """The name of the read column at position ``col`` (0 is column A), if it is read."""
    for name, position in table.positions.items():
        if position == col and name in expected.columns:
            return name
    return None


# --- is it a workbook at all? ----------------------------------------------------------------
def max_xlsx_mb() -> float:
    """The size limit in MiB: :data:`DEFAULT_MAX_XLSX_MB` unless the environment says."""
    raw = os.environ.get(MAX_XLSX_MB_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_XLSX_MB
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ReadError(
            f"the environment variable {MAX_XLSX_MB_VARIABLE} is {raw!r}: it must be a number "
            f"of megabytes above 0 (unset, the limit is {DEFAULT_MAX_XLSX_MB:g})"
        )
    return value


def check_workbook_file(path: Path) -> None:
    """Refuse, before any parsing, a file that is not an .xlsx or is too big to read safely.

    The first bytes tell the common mistakes apart: an .xlsx is a zip, an old .xls (or a
    password-protected workbook) an OLE container, and CSV or a portal's web-page export is
    text.  A zip without its closing directory was cut short in a copy or download.
    """
    try:
        size = Path(path).stat().st_size
        with Path(path).open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from exc
    if size == 0:
        raise ReadError("the file is empty (0 bytes), so it is not an Excel workbook")
    if head.startswith(OLE_SIGNATURE):
        raise ReadError(
            "this file is not an Excel workbook in the .xlsx format: it is an old-format "
            ".xls workbook, or one protected by a password; open it in Excel, remove any "
            "password and save it as 'Excel Workbook (.xlsx)'"
        )
    if not head.startswith(ZIP_SIGNATURE):
        raise ReadError(_not_a_workbook(head))
    limit = max_xlsx_mb()
    if size > limit * 2**20:
        raise ReadError(
            f"the workbook is {size / 2**20:.1f} MB, above the {limit:g} MB limit for a tracker "
            "(100,000 actions take about 4 MB): check it is the right file, or raise the limit "
            f"with the environment variable {MAX_XLSX_MB_VARIABLE} "
            f"(e.g. {MAX_XLSX_MB_VARIABLE}={max(100, 2 * round(size / 2**20))})"
        )
    if not zipfile.is_zipfile(path):
        raise ReadError(
            "this Excel workbook is incomplete or damaged (it may have been cut short while "
            "being copied or downloaded): copy or export it again"
        )


def _not_a_workbook(head: bytes) -> str:
    start = head.removeprefix(UTF8_BOM).lstrip()[:300].lower()
    if b"\x00" in head:
        return (
            "this file is not an Excel workbook and not text either: export the tracker "
            "from Excel again as 'Excel Workbook (.xlsx)'"
        )
    if start.startswith(b"<") and any(t in start for t in (b"<html", b"<table", b"<!doctype")):
        return (
            "this file is not an Excel workbook: it looks like a web page (HTML), which some "
            "portals save under an Excel name; open it in Excel and save it as "
            "'Excel Workbook (.xlsx)'"
        )
    if start.startswith(b"<?xml"):
        return (
            "this file is not an Excel workbook: it looks like XML (perhaps an "
            "'XML Spreadsheet 2003'); open it in Excel and save it as 'Excel Workbook (.xlsx)'"
        )
    if any(sep in start for sep in (b",", b";", b"\t")):
        return (
            "this file is not an Excel workbook: it looks like CSV text; save it as .csv or "
            "re-export as .xlsx"
        )
    return (
        "this file is not an Excel workbook: it looks like plain text; export the tracker "
        "from Excel again as 'Excel Workbook (.xlsx)'"
    )


def _workbook(path: Path):
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # zip, xml and format errors all mean "not a workbook we can read"
        raise ReadError(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc


def _judge_marks(table: Table, marks: SheetMarks, expected: Expected) -> None:
    """Raise for what would change a figure; warn of hidden data rows.

    Only cells in data rows (below the header) of the columns the loader reads matter:
    a formula in an ignored column or a merged title changes nothing.
    """
    read_at = {p: n for n, p in table.positions.items() if n in expected.columns}
    data_rows = table.frame[SOURCE_ROW].to_numpy()
    below = table.header_row

    problems: list[str] = []
    unsaved = [(row, col) for row, col in sorted(marks.unsaved) if row > below and col in read_at]
    if unsaved:
        cells = [_cell_name(row, col, read_at[col]) for row, col in unsaved]
        problems.append(
            f"formula with no saved value in {_listed(cells, 'cell', 'cells')}: open the "
            "workbook in Excel and save it, so that each formula's result is stored"
        )
    errors = [
        (row, col, shown)
        for row, col, shown in sorted(marks.errors)
        if row > below and col in read_at
    ]
    if errors:
        cells = [
            f"{_cell_name(row, col, read_at[col])} showing {shown}" for row, col, shown in errors
        ]
        problems.append(
            f"Excel error instead of a value in {_listed(cells, 'cell', 'cells')}: correct "
            "the formula or type the value"
        )
    merged = []
    for first_row, last_row, first_col, last_col in sorted(marks.merges):
        rows = data_rows[
            np.searchsorted(data_rows, first_row) : np.searchsorted(data_rows, last_row, "right")
        ]
        cols = [c for c in range(first_col, last_col + 1) if c in read_at]
        hides = len(rows) * len(cols) - (first_row in rows and first_col in cols)
        if hides > 0:
            span = f"{column_letters(first_col)}{first_row}:{column_letters(last_col)}{last_row}"
            names = ", ".join(read_at[c] for c in cols)
            merged.append(f"{span} (rows {first_row}-{last_row}, {names})")
    if merged:
        problems.append(
            f"merged cells across data rows: {_listed(merged, 'range', 'ranges')}; a merged "
            "range keeps its value only in its first cell, so unmerge it (Home > Merge & "
            "Center > Unmerge Cells) and give every row its own value"
        )
    if problems:
        raise ReadError("; ".join(problems))

    hidden = np.intersect1d(np.asarray(marks.hidden_rows, dtype="int64"), data_rows)
    if len(hidden):
        spans = _row_spans(hidden.tolist())
        shown = _listed(spans, "row", "rows") if len(hidden) > 1 else f"row {spans[0]}"
        if len(hidden) > 1 and len(spans) == 1:
            shown = f"rows {spans[0]}"
        table.warnings.append(
            f"{shown} {'is' if len(hidden) == 1 else 'are'} hidden in Excel (hidden or "
            "filtered out); hidden rows are still data, so they are read and counted like "
            "every other row"
        )


def _cell_name(row: int, col: int, name: str) -> str:
    return f"{column_letters(col)}{row} (row {row}, column {name})"


def _row_spans(rows: list[int]) -> list[str]:
    """Sorted row numbers as spans: [5, 7, 8, 9] -> ['5', '7-9']."""
    spans: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        spans.append(str(start) if start == previous else f"{start}-{previous}")
        if row is not None:
            start = previous = row
    return spans


def _listed(items: list[str], one: str, many: str) -> str:
    shown = ", ".join(items[:_LISTED])
    more = f" and {len(items) - _LISTED} more" if len(items) > _LISTED else ""
    return f"{one if len(items) == 1 else many} {shown}{more}"
