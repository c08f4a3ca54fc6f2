"""Turning a tracker file into a table of trimmed text cells, numbered as Excel numbers them.

Analysts fix problems with the spreadsheet open, so every cell keeps the row number Excel
shows (header is row 1) even when blank rows are skipped.  Everything is read as text and
judged later by :mod:`analysis.inputs.schemas`, so a CSV export and the workbook it came from give
the same findings: an Excel date cell becomes ISO text (``2019-06-30``) and is parsed by the
same date rules as a date typed into a CSV.

The workbook is read with python-calamine directly, the reader behind
``pd.read_excel(engine="calamine")``: going straight to the cells skips pandas' text parser,
which roughly halves the time on a 100,000-row tracker and keeps Excel's own row positions.

Real exports are untidy, and docs/inputs.md lists what is read and what is refused:

* a title block above the header: the header is the first of the first
  :data:`HEADER_SEARCH_ROWS` rows that holds every required column name;
* a plain number in a date column of a workbook (a date cell formatted as General) is an
  Excel serial date;
* a CSV that is not UTF-8 is read as Windows-1252, with a warning;
* hidden (or filtered-out) rows are data like any other, with a warning naming them.

What cannot be read safely is a :class:`ReadError`: a file that is not really a workbook (CSV
text, an old .xls, a web page, a damaged zip), one above the size limit, and in the columns the
loader reads, a formula with no saved result, a cell showing an Excel error, or merged cells
that hide values from data rows.  calamine sees none of these last three (it returns a blank),
so the sheet's XML is scanned for them once, in chunks, with regular expressions that match
only the offending cells: Python only visits what is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import os
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from analysis.inputs import schemas
from analysis.inputs.vocabulary import SOURCE_ROW

HEADER_SEARCH_ROWS = 20
"""How far down a title block may push the header row."""

MAX_XLSX_MB_VARIABLE = "PANELPAPER_MAX_XLSX_MB"
DEFAULT_MAX_XLSX_MB = 50.0
"""A workbook above this many megabytes (MiB, as Windows shows sizes) is refused before it is
parsed: calamine holds the whole sheet in memory, about twenty times the file's size."""

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_LAST_SERIAL = (dt.datetime(schemas.LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days
_FAKE_LEAP_DAY = 60
"""Excel's serial 60 is 29 February 1900, a day that never was (kept for Lotus 1-2-3)."""

_LISTED = 10
"""Cells or rows named in one message before the rest are only counted."""


class ReadError(Exception):
    """A file the loader cannot turn into a table; the message says why in plain words."""


class Columns(Protocol):
    """What a reader needs to know of a table; :class:`analysis.inputs.schemas.TableSpec` fits."""

    @property
    def required(self) -> tuple[str, ...]: ...

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def dates(self) -> tuple[str, ...]: ...


@dataclass
class Table:
    """One input table as text.

    ``frame`` has one column per named header (name trimmed and lower-cased), text cells
    trimmed with blanks as missing, wholly blank rows dropped, a fresh RangeIndex, and
    ``source_row``: the row as Excel shows it.  ``duplicates`` lists header names that
    appear more than once (only the first is kept).  ``header_row`` is the header's row as
    Excel shows it (also in ``frame.attrs["header_row"]``), ``positions`` each kept column's
    position (0 is column A), and ``warnings`` what was read but deserves a look.
    """

    frame: pd.DataFrame
    duplicates: list[str]
    header_row: int = 1
    positions: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    formulas: list[tuple[int, str, str]] = field(default_factory=list)
    """Formula cells in read columns (row as Excel shows it, column name, formula), listed
    only when the reader was asked to (``formulas_are_data``)."""


@dataclass(frozen=True)
class _Expected:
    """The column names a reader looks for: any one ``required`` set makes a header row."""

    required: tuple[frozenset[str], ...]
    columns: frozenset[str]
    dates: frozenset[str]


def _expected(spec: Columns | None) -> _Expected:
    """Without a spec a file may be either tracker, so both contracts' names count."""
    specs: tuple[Columns, ...] = (
        (schemas.RECOMMENDATIONS, schemas.ACTIONS) if spec is None else (spec,)
    )
    return _Expected(
        required=tuple(frozenset(s.required) for s in specs if s.required),
        columns=frozenset(c for s in specs for c in s.columns),
        dates=frozenset(c for s in specs for c in s.dates),
    )


def normalise_name(name: object) -> str:
    return str(name).strip().lower()


def read_text(path: Path) -> str:
    """A text file as UTF-8 (a byte-order mark is allowed, as Excel writes one)."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8 (in Excel: 'CSV UTF-8')"
        ) from exc
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from exc


def decode_csv(data: bytes) -> tuple[str, str | None]:
    """CSV bytes as text, and a warning when they had to be read as Windows-1252.

    UK Excel's plain 'CSV (Comma delimited)' writes Windows-1252, so a file that is not
    UTF-8 is most likely that; it is read so, but said, since a wrong guess garbles names.
    A file that starts as UTF-8 (a byte-order mark) and then is not mixes two encodings and
    no single reading is right, so it is refused, as are files that are not CSV text at all.
    """
    if data.startswith(_ZIP):
        raise ReadError(
            "this file is an Excel workbook, not CSV text: in Excel use Save As and choose "
            "'CSV UTF-8 (Comma delimited)'"
        )
    if data.startswith(_OLE):
        raise ReadError(
            "this file is an old-format Excel workbook (.xls), not CSV text: in Excel use "
            "Save As and choose 'CSV UTF-8 (Comma delimited)'"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReadError(
            "this file is UTF-16 text (Excel's 'Unicode Text'), not CSV: in Excel use Save As "
            "and choose 'CSV UTF-8 (Comma delimited)'"
        )
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if data.startswith(_UTF8_BOM):
            raise ReadError(
                f"the file starts as UTF-8 but line {line} is in another encoding, so it mixes "
                "two and cannot be read reliably: export it again as 'CSV UTF-8 (Comma delimited)'"
            ) from exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad_line = data.count(b"\n", 0, exc.start) + 1
        raise ReadError(
            f"neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02X} on line "
            f"{bad_line}): export it again as 'CSV UTF-8 (Comma delimited)'"
        ) from exc
    return text, (
        f"not UTF-8 (first on line {line}), so read as Windows-1252, the encoding of Excel's "
        "plain 'CSV (Comma delimited)'; check that accented names, pound signs and dashes "
        "look right, and export as 'CSV UTF-8' to be sure"
    )


def read_csv_table(path: Path, spec: Columns | None = None) -> Table:
    """A CSV export.  Row numbers count records, as Excel does when it opens the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot be read: {exc.strerror or exc}") from exc
    text, warning = decode_csv(data)
    if not text.strip():
        raise ReadError("the file is empty: no header row")
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            header=None,
        )
        columns, n_rows = [raw[c].tolist() for c in raw.columns], len(raw)
    except pd.errors.ParserError:
        columns, n_rows = _ragged_csv(text)
    except ValueError as exc:
        raise ReadError(f"not a readable CSV file: {exc}") from exc
    table = _table(columns, n_rows, _expected(spec))
    if warning is not None:
        table.warnings.insert(0, warning)
    return table


def _ragged_csv(text: str) -> tuple[list[Sequence[object]], int]:
    """Records of uneven length, as a title line above the header gives: pandas fixes the
    width from the first line, so such a file is read with the csv module and padded."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ReadError(f"not a readable CSV file: {exc}") from exc
    width = max(map(len, records), default=0)
    padded = [r + [""] * (width - len(r)) for r in records]
    return list(zip(*padded, strict=True)), len(padded)


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
    expected = _expected(spec)
    table = _table(list(zip(*rows, strict=True)), len(rows), expected)
    marks = _scan_sheet(path, chosen)
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


def _read_name(table: Table, col: int, expected: _Expected) -> str | None:
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
    if head.startswith(_OLE):
        raise ReadError(
            "this file is not an Excel workbook in the .xlsx format: it is an old-format "
            ".xls workbook, or one protected by a password; open it in Excel, remove any "
            "password and save it as 'Excel Workbook (.xlsx)'"
        )
    if not head.startswith(_ZIP):
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
    start = head.removeprefix(_UTF8_BOM).lstrip()[:300].lower()
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
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # zip, xml and format errors all mean "not a workbook we can read"
        raise ReadError(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc


# --- cells ------------------------------------------------------------------------------------
def _cell_text(value: object) -> str:
    """A cell as trimmed text, as the analyst would type it into a CSV."""
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _serial_date(value: float) -> str | None:
    """An Excel serial number as ISO text, or None when it is no plausible date.

    Plausible: from 1 (1 January 1900) to the last day of the loader's last year, never the
    fictitious 29 February 1900; below 60 the count is one day off, as in Excel itself.
    """
    if not 1 <= value < _LAST_SERIAL + 1 or _FAKE_LEAP_DAY <= value < _FAKE_LEAP_DAY + 1:
        return None
    moment = _EXCEL_EPOCH + dt.timedelta(days=value + (1 if value < _FAKE_LEAP_DAY else 0))
    moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    return _cell_text(moment)


def _date_cell_text(value: object) -> str:
    """A cell of a date column: a number there is a date cell that was formatted as General."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        shown = _serial_date(float(value))
        if shown is not None:
            return shown
    return _cell_text(value)


def _column_text(cells: Sequence[object], serial_dates: bool = False) -> np.ndarray:
    """One column's cells as trimmed text; a column of text cells is trimmed in C."""
    try:
        texts = list(map(str.strip, cells))
    except TypeError:
        texts = _each_distinct(cells, _date_cell_text if serial_dates else _cell_text)
    return np.array(texts, dtype=object)


_PLAIN_CELLS = frozenset({str, float, int, bool, type(None), dt.date})
"""Cell types whose equal values always read as the same text (``True == 1`` is why the type
is part of the key).  A datetime is plain only without a time zone, since two equal moments in
different zones read differently; a time of day is never worth remembering."""


def _each_distinct(cells: Sequence[object], convert: Callable[[object], str]) -> list[str]:
    """``convert`` applied to every cell, but once per distinct plain value: a date column of
    100,000 rows holds a few thousand days, and converting each cell took a quarter second."""
    seen: dict[tuple[type, object], str] = {}
    texts = []
    for cell in cells:
        kind = type(cell)
        if kind in _PLAIN_CELLS or (type(cell) is dt.datetime and cell.tzinfo is None):
            key = (kind, cell)
            text = seen.get(key)
            if text is None:
                text = seen[key] = convert(cell)
            texts.append(text)
        else:
            texts.append(convert(cell))
    return texts


def _header_position(
    columns: list[Sequence[object]], n_rows: int, expected: _Expected
) -> int | None:
    """The header's position among the first rows: the first that holds every required name
    of a table, else the one naming most known columns; None when no row names any."""
    head = min(n_rows, HEADER_SEARCH_ROWS)
    rows = [{normalise_name(_cell_text(c[i])) for c in columns} - {""} for i in range(head)]
    for i, names in enumerate(rows):
        if any(required <= names for required in expected.required):
            return i
    known = [len(names & expected.columns) for names in rows]
    if known and max(known) > 0:
        return known.index(max(known))
    return None


def _table(columns: list[Sequence[object]], n_rows: int, expected: _Expected) -> Table:
    """Find the header, name the columns, trim every cell.

    ``columns`` holds the file's cells column by column, position ``i`` being Excel row
    ``i + 1``.  Rows above the header (a title block) are not data.  Cells are converted
    column by column, so the only per-cell Python work is for cells that are not already
    text.
    """
    header_pos = _header_position(columns, n_rows, expected)
    texts: list[np.ndarray | None] = [None] * len(columns)
    if header_pos is None:  # no known names: the first row with any text is the header
        texts = [_column_text(c) for c in columns]
        nonblank = np.zeros(n_rows, dtype=bool)
        for text in texts:
            nonblank |= text != ""
        if not nonblank.any():
            raise ReadError("the file is empty: no header row")
        header_pos = int(nonblank.argmax())
    header = [normalise_name(_cell_text(c[header_pos])) for c in columns]
    for pos, name in enumerate(header):
        if texts[pos] is None or name in expected.dates:
            texts[pos] = _column_text(columns[pos], serial_dates=name in expected.dates)

    blanks = [t == "" for t in texts]
    nonblank = np.zeros(n_rows, dtype=bool)
    for blank in blanks:
        nonblank |= ~blank

    names: list[str] = []
    keep: list[int] = []
    duplicates: list[str] = []
    for pos, name in enumerate(header):
        if not name:
            continue
        if name in names:
            if name not in duplicates:
                duplicates.append(name)
            continue
        keep.append(pos)
        names.append(name)

    wanted = np.flatnonzero(nonblank[header_pos + 1 :]) + header_pos + 1
    data = {}
    for name, pos in zip(names, keep, strict=True):
        values = texts[pos][wanted]
        values[blanks[pos][wanted]] = None
        data[name] = pd.Series(values, dtype="str")
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(wanted)))
    frame[SOURCE_ROW] = (wanted + 1).astype("int64")
    frame.attrs["header_row"] = header_pos + 1
    return Table(
        frame=frame,
        duplicates=duplicates,
        header_row=header_pos + 1,
        positions=dict(zip(names, keep, strict=True)),
    )


# --- what calamine does not show: the sheet's XML ----------------------------------------------
_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix, as some writers use
_HIDDEN_ROW = re.compile(rb"<" + _P + rb'row\b[^>]*?\shidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\sr="([0-9]+)"')
_UNSAVED_FORMULA = re.compile(
    rb"<" + _P + rb"c\b([^>/]*)>\s*<" + _P + rb"f\b[^>]*(?:/>|>[^<]*</" + _P + rb"f>)\s*"
    rb"(<" + _P + rb"v\s*/>|<" + _P + rb"v>\s*</" + _P + rb"v>)?\s*</" + _P + rb"c>"
)
_FORMULA_CELL = re.compile(
    rb"<" + _P + rb"c\b([^>/]*)>\s*<" + _P + rb"f\b[^>]*?(?:/>|>([^<]*)</" + _P + rb"f>)"
)
_ERROR_CELL = re.compile(rb"<" + _P + rb'c\b([^>/]*\st="e"[^>/]*)>(.*?)</' + _P + rb"c>", re.DOTALL)
_ERROR_VALUE = re.compile(rb"<" + _P + rb"v>([^<]*)</")
_STRING_RESULT = re.compile(rb'\st="str"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})([0-9]+)"')
_MERGE = re.compile(
    rb"<" + _P + rb'mergeCell\b[^>]*\sref="([A-Z]{1,3})([0-9]+)(?::([A-Z]{1,3})([0-9]+))?"'
)
_ROW_END = re.compile(rb"</" + _P + rb"row>")
_ROOT = re.compile(rb"<(" + _P + rb")worksheet\b")
_CHUNK = 1 << 22


@dataclass
class _SheetMarks:
    """Cells and rows as Excel numbers them (rows from 1, columns from 0 for column A)."""

    hidden_rows: list[int] = field(default_factory=list)
    unsaved: list[tuple[int, int]] = field(default_factory=list)
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    """first row, last row, first column, last column"""
    formulas: list[tuple[int, int, str]] = field(default_factory=list)
    """Every formula cell, saved result or not: row, column and the formula as typed."""


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def column_letters(index: int) -> str:
    """Excel's letters for a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _relationships(book: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target as a path inside the zip)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    found: dict[str, tuple[str, str]] = {}
    for item in ElementTree.fromstring(book.read(rels)).iter():
        if _local(item.tag) != "Relationship":
            continue
        target = item.get("Target", "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        found[item.get("Id", "")] = (item.get("Type", ""), path)
    return found


def _sheet_part(book: zipfile.ZipFile, sheet: str) -> str:
    """The zip path of the named sheet's XML, by the workbook's own relationships."""
    workbook = next(
        (
            path
            for kind, path in _relationships(book, "").values()
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    targets = _relationships(book, workbook)
    for item in ElementTree.fromstring(book.read(workbook)).iter():
        if _local(item.tag) == "sheet" and item.get("name") == sheet:
            rid = next((v for k, v in item.attrib.items() if _local(k) == "id"), "")
            return targets[rid][1]
    raise KeyError(sheet)


def _scan_sheet(path: Path, sheet: str) -> _SheetMarks:
    """Hidden rows, formulas without a saved value, error cells and merged ranges."""
    try:
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, sheet)
            with book.open(part) as stream:
                return _scan_xml(iter(lambda: stream.read(_CHUNK), b""))
    except (KeyError, OSError, zipfile.BadZipFile, ElementTree.ParseError, EOFError) as exc:
        raise ReadError(
            f"sheet {sheet!r} cannot be checked for hidden rows, formulas and merged cells "
            f"({type(exc).__name__}: {exc}): open the workbook in Excel and save it again"
        ) from exc


def _scan_xml(chunks: Iterable[bytes]) -> _SheetMarks:
    """Each chunk is scanned up to its last row end tag, so no cell or row tag is ever split;
    the rest is carried into the next.  Ranges are scanned in place rather than copied, and
    merged ranges are only looked for after the last row, where Excel writes them."""
    marks = _SheetMarks()
    carry = b""
    formula = None  # the formula tag with the document's prefix, once the root is seen
    for chunk in chunks:
        if formula is None:
            root = _ROOT.search(carry + chunk)
            formula = None if root is None else b"<" + root.group(1) + b"f"
        last = _last_row_end(chunk)
        if last == 0:
            carry += chunk
            continue
        first = _ROW_END.search(chunk)
        assert first is not None
        _scan_part(carry + chunk[: first.end()], 0, None, marks, formula or b"<f")
        _scan_part(chunk, first.end(), last, marks, formula or b"<f")
        carry = chunk[last:]
    _scan_part(carry, 0, None, marks, formula or b"<f")
    for merge in _MERGE.finditer(carry):
        first_col, first_row, last_col, last_row = merge.groups()
        marks.merges.append(
            (
                int(first_row),
                int(last_row or first_row),
                _column_index(first_col),
                _column_index(last_col or first_col),
            )
        )
    return marks


def _last_row_end(buffer: bytes) -> int:
    """The position just after the last ``</row>`` (any prefix), or 0 when there is none."""
    at = buffer.rfind(b"row>")
    while at > 0:
        start = buffer.rfind(b"</", 0, at)
        if start >= 0 and _ROW_END.fullmatch(buffer, start, at + 4):
            return at + 4
        at = buffer.rfind(b"row>", 0, at)
    return 0


def _scan_part(
    part: bytes, start: int, end: int | None, marks: _SheetMarks, formula: bytes
) -> None:
    """Cheap substring tests first: most sheets have no hidden row, formula or error."""
    end = len(part) if end is None else end
    if part.find(b"hidden=", start, end) >= 0:
        for tag in _HIDDEN_ROW.finditer(part, start, end):
            number = _ROW_NUMBER.search(tag.group(0))
            if number:
                marks.hidden_rows.append(int(number.group(1)))
    if part.find(formula, start, end) >= 0:
        for cell in _FORMULA_CELL.finditer(part, start, end):
            ref = _CELL_REF.search(cell.group(1))
            if ref:
                text = html.unescape((cell.group(2) or b"").decode("utf-8", "replace"))
                typed = "=" + text if text else "(a formula shared with the cell above)"
                marks.formulas.append((int(ref.group(2)), _column_index(ref.group(1)), typed))
        for cell in _UNSAVED_FORMULA.finditer(part, start, end):
            attributes, empty_value = cell.group(1), cell.group(2)
            if empty_value is not None and _STRING_RESULT.search(attributes):
                continue  # a formula whose saved result is the empty string
            ref = _CELL_REF.search(attributes)
            if ref:
                marks.unsaved.append((int(ref.group(2)), _column_index(ref.group(1))))
    if part.find(b't="e"', start, end) >= 0:
        for cell in _ERROR_CELL.finditer(part, start, end):
            ref = _CELL_REF.search(cell.group(1))
            value = _ERROR_VALUE.search(cell.group(2))
            if ref:
                shown = value.group(1).decode("utf-8", "replace") if value else "an error"
                marks.errors.append((int(ref.group(2)), _column_index(ref.group(1)), shown))


def _judge_marks(table: Table, marks: _SheetMarks, expected: _Expected) -> None:
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
