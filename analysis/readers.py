"""Turning a tracker file into a table of trimmed text cells, numbered as Excel numbers them.

Analysts fix problems with the spreadsheet open, so every cell keeps the row number Excel
shows (header is row 1) even when blank rows are skipped.  Everything is read as text and
judged later by :mod:`analysis.schemas`, so a CSV export and the workbook it came from give
the same findings: an Excel date cell becomes ISO text (``2019-06-30``) and is parsed by the
same date rules as a date typed into a CSV.

The workbook is read with python-calamine directly, the reader behind
``pd.read_excel(engine="calamine")``: going straight to the cells skips pandas' text parser,
which roughly halves the time on a 100,000-row tracker and keeps Excel's own row positions.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.vocabulary import SOURCE_ROW


class ReadError(Exception):
    """A file the loader cannot turn into a table; the message says why in plain words."""


@dataclass
class Table:
    """One input table as text.

    ``frame`` has one column per named header (name trimmed and lower-cased), text cells
    trimmed with blanks as missing, wholly blank rows dropped, a fresh RangeIndex, and
    ``source_row``: the row as Excel shows it.  ``duplicates`` lists header names that
    appear more than once (only the first is kept).
    """

    frame: pd.DataFrame
    duplicates: list[str]


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


def read_csv_table(path: Path) -> Table:
    """A CSV export.  Row numbers count records, as Excel does when it opens the file."""
    text = read_text(path)
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
    except (pd.errors.ParserError, ValueError) as exc:
        raise ReadError(f"not a readable CSV file: {exc}") from exc
    return _table([raw[c].tolist() for c in raw.columns], len(raw))


def sheet_names(path: Path) -> list[str]:
    return list(_workbook(path).sheet_names)


def read_xlsx_table(path: Path, sheet: str) -> Table:
    """A workbook sheet.  The sheet name is matched ignoring case and surrounding space;
    a missing sheet is a :class:`ReadError` that lists the sheets found."""
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
    return _table(list(zip(*rows, strict=True)), len(rows))


def _workbook(path: Path):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # zip, xml and format errors all mean "not a workbook we can read"
        raise ReadError(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc})"
        ) from exc


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


def _column_text(cells: Sequence[object]) -> np.ndarray:
    """One column's cells as trimmed text; a column of text cells is trimmed in C."""
    try:
        texts = list(map(str.strip, cells))
    except TypeError:
        texts = list(map(_cell_text, cells))
    return np.array(texts, dtype=object)


def _table(columns: list[Sequence[object]], n_rows: int) -> Table:
    """Find the header (the first row with any text), name the columns, trim every cell.

    ``columns`` holds the file's cells column by column, position ``i`` being Excel row
    ``i + 1``.  Cells are converted column by column, so the only per-cell Python work is for
    cells that are not already text.
    """
    texts = [_column_text(c) for c in columns]
    blanks = [t == "" for t in texts]
    nonblank = np.zeros(n_rows, dtype=bool)
    for blank in blanks:
        nonblank |= ~blank
    if not nonblank.any():
        raise ReadError("the file is empty: no header row")
    header_pos = int(nonblank.argmax())

    names: list[str] = []
    keep: list[int] = []
    duplicates: list[str] = []
    for pos, text in enumerate(texts):
        name = normalise_name(text[header_pos])
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
    return Table(frame=frame, duplicates=duplicates)
