"""Turning a tracker file into a table of trimmed text cells, numbered as Excel numbers them.

Analysts fix problems with the spreadsheet open, so every cell keeps the row number Excel
shows (header is row 1) even when blank rows are skipped.  Everything is read as text and
judged later by :mod:`analysis.inputs.schemas`, so a CSV export and the workbook it came from give
the same findings: an Excel date cell becomes ISO text (``2019-06-30``) and is parsed by the
same date rules as a date typed into a CSV.

A workbook's cells come through :mod:`analysis.inputs.workbooks`, which also refuses what is
not safely readable; this module turns cells, from either kind of file, into a :class:`Table`.

Real exports are untidy, and docs/inputs.md lists what is read and what is refused:

* a title block above the header: the header is the first of the first
  :data:`HEADER_SEARCH_ROWS` rows that holds every required column name;
* a plain number in a date column of a workbook (a date cell formatted as General) is an
  Excel serial date;
* a CSV that is not UTF-8 is read as Windows-1252, with a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from analysis.inputs import schemas
from analysis.inputs.vocabulary import SOURCE_ROW

HEADERS = "headers"
"""The frame attribute holding the header row's names as exported (see :class:`Table`)."""

HEADER_SEARCH_ROWS = 20
"""How far down a title block may push the header row."""

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_LAST_SERIAL = (dt.datetime(schemas.LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days
_FAKE_LEAP_DAY = 60
"""Excel's serial 60 is 29 February 1900, a day that never was (kept for Lotus 1-2-3)."""


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
    ``source_row``: the row as Excel shows it.  ``frame.attrs["headers"]`` keeps the header
    row's names exactly as exported (trimmed, case and inner spacing kept), for messages.  ``duplicates`` lists header names that
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
class Expected:
    """The column names a reader looks for: any one ``required`` set makes a header row."""

    required: tuple[frozenset[str], ...]
    columns: frozenset[str]
    dates: frozenset[str]


def expected_names(spec: Columns | None) -> Expected:
    """Without a spec a file may be either tracker, so both contracts' names count."""
    specs: tuple[Columns, ...] = (
        (schemas.RECOMMENDATIONS, schemas.ACTIONS) if spec is None else (spec,)
    )
    return Expected(
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
    if data.startswith(ZIP_SIGNATURE):
        raise ReadError(
            "this file is an Excel workbook, not CSV text: in Excel use Save As and choose "
            "'CSV UTF-8 (Comma delimited)'"
        )
    if data.startswith(OLE_SIGNATURE):
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
        if data.startswith(UTF8_BOM):
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
    table = text_table(columns, n_rows, expected_names(spec))
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
    columns: list[Sequence[object]], n_rows: int, expected: Expected
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


def text_table(columns: list[Sequence[object]], n_rows: int, expected: Expected) -> Table:
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
    typed = [_cell_text(c[header_pos]) for c in columns]
    header = [normalise_name(name) for name in typed]
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
    frame.attrs[HEADERS] = [name for name in typed if name]
    return Table(
        frame=frame,
        duplicates=duplicates,
        header_row=header_pos + 1,
        positions=dict(zip(names, keep, strict=True)),
    )
