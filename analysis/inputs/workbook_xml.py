"""What calamine does not show: hidden rows, unsaved formulas, error cells and merged ranges.

calamine returns a blank for a formula with no saved result, a cell showing an Excel error and
every cell of a merged range but the first, and says nothing of hidden rows.  So the sheet's XML
is scanned for them once, in chunks, with regular expressions that match only the offending
cells: Python only visits what is wrong.  What the marks mean for a table is judged by
:mod:`analysis.inputs.workbooks`.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from analysis.inputs.readers import ReadError

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
class SheetMarks:
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


def scan_sheet(path: Path, sheet: str) -> SheetMarks:
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


def _scan_xml(chunks: Iterable[bytes]) -> SheetMarks:
    """Each chunk is scanned up to its last row end tag, so no cell or row tag is ever split;
    the rest is carried into the next.  Ranges are scanned in place rather than copied, and
    merged ranges are only looked for after the last row, where Excel writes them."""
    marks = SheetMarks()
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


def _scan_part(part: bytes, start: int, end: int | None, marks: SheetMarks, formula: bytes) -> None:
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
