"""A small tracker for the follow-up tests, and the ways a test reads or fills a workbook.

The lists are written with openpyxl, so the tests read them with another library: python-calamine
for the cells and the sheet's own XML (zipfile and ElementTree) for protection, dropdowns, print
set-up and the absence of formulas.  A lead's answers are typed in with openpyxl, as Excel would
save them.

Quarter 2019-20-Q1, as at 30 June 2019.  Under the default threshold the lists are:

* Frontline Policing (OFFICIAL): F2 (deadline 31/12/2018), F1 (31/03/2019), then F3 (not yet
  due, 30/09/2019).  F1's text starts like formulas.
* Specialist Operations (OFFICIAL-SENSITIVE): S1, an OFFICIAL-SENSITIVE row.
* Met HQ (OFFICIAL-SENSITIVE): H1, an OFFICIAL row of the audit S1 restricts.

Met Operations has only a closed action and Professionalism only an unmonitored one: no list.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from analysis.followup.lists import ABOUT_SHEET, HEADER_ROW, SHEET
from tests.conftest import build_snapshot

D = dt.date
QUARTER = "2019-20-Q1"

FORMULA_TEXT = {
    "audit_title": '=HYPERLINK("http://example.invalid","click")',
    "owner": "+44 20 7230 1212",
    "business_area": "-Custody",
    "delay_reason": "@SUM(1,2)",
}


def _action(action_id: str, group: str, **cells: Any) -> dict[str, Any]:
    row = {
        "action_id": action_id,
        "audit_title": f"Audit of {group}",
        "audit_year": "2018/19",
        "assurance": "Limited",
        "risk": "High",
        "business_group": group,
        "business_area": None,
        "owner": None,
        "due_date": D(2019, 3, 31),
        "revised_due_date": None,
        "status": "Open",
        "completed_date": None,
        "delay_reason": "Waiting for funding",
        "delay_category": None,
        "marking": "OFFICIAL",
    }
    row.update(cells)
    return row


ACTIONS = [
    _action("F1", "Frontline Policing", **FORMULA_TEXT),
    _action("F2", "Frontline Policing", due_date=D(2018, 12, 31), revised_due_date=D(2019, 5, 31)),
    _action("F3", "Frontline Policing", due_date=D(2019, 9, 30), status="In progress"),
    _action(
        "S1",
        "Specialist Operations",
        audit_title="Covert source audit",
        owner="DI Hidden",
        delay_reason="Source protection review",
        marking="OFFICIAL-SENSITIVE",
    ),
    _action("H1", "Met HQ", audit_title="Covert source audit", owner="Finance lead"),
    _action("M1", "Met Operations", status="Closed", completed_date=D(2019, 4, 1)),
    _action("P1", "Professionalism", risk="Low"),
]

LISTS = {
    "Frontline Policing": ("2019-20-Q1_frontline-policing_OFFICIAL.xlsx", ["F2", "F1", "F3"]),
    "Met HQ": ("2019-20-Q1_met-hq_OFFICIAL-SENSITIVE.xlsx", ["H1"]),
    "Specialist Operations": ("2019-20-Q1_specialist-operations_OFFICIAL-SENSITIVE.xlsx", ["S1"]),
}


def make_data(data_dir: Path) -> Path:
    """The tracker above as a CSV snapshot (text that starts like a formula stays text)."""
    build_snapshot(data_dir, QUARTER, actions=ACTIONS, actions_format="csv")
    return data_dir


# --- reading with calamine ----------------------------------------------------------------------
def cells(path: Path, sheet: str = SHEET) -> list[list[object]]:
    """Every cell of a sheet as calamine reads it (rows from Excel row 1)."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def table(path: Path) -> list[dict[str, object]]:
    """The data rows by header, as calamine reads them."""
    rows = cells(path)
    header = [str(h) for h in rows[HEADER_ROW - 1]]
    return [dict(zip(header, r, strict=True)) for r in rows[HEADER_ROW:]]


def about(path: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v in cells(path, ABOUT_SHEET)[1:]}


NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def sheet_xml(path: Path, number: int = 1) -> str:
    with zipfile.ZipFile(path) as book:
        return book.read(f"xl/worksheets/sheet{number}.xml").decode("utf-8")


def xml_part(path: Path, part: str) -> ElementTree.Element:
    with zipfile.ZipFile(path) as book:
        return ElementTree.fromstring(book.read(part))


def formula_elements(path: Path) -> list[str]:
    """Every ``<f>`` (formula) element in every sheet of the workbook."""
    found = []
    with zipfile.ZipFile(path) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/sheet"):
                found += re.findall(r"<(?:\w+:)?f[\s>/][^<]*", book.read(name).decode("utf-8"))
    return found


# --- filling in as a lead would ------------------------------------------------------------------
def fill(
    source: Path,
    target: Path,
    answers: dict[str, dict[str, object]],
    *,
    about_changes: dict[str, str] | None = None,
) -> Path:
    """A copy of a list with the lead's answers typed in (by header, per action id).

    A value starting with ``'`` is typed as Excel types it after an apostrophe: as text,
    whatever follows.  Any other string starting with ``=`` is typed as a formula.
    """
    from openpyxl import load_workbook

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    book = load_workbook(target)
    sheet = book[SHEET]
    header = {sheet.cell(HEADER_ROW, c).value: c for c in range(1, sheet.max_column + 1)}
    rows = {sheet.cell(r, 1).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    for action_id, typed in answers.items():
        for column, value in typed.items():
            cell = sheet.cell(rows[action_id], header[column])
            if isinstance(value, str) and value.startswith("'"):
                cell.value = value[1:]
                cell.data_type = "s"
                cell.quotePrefix = True
            else:
                cell.value = value
    for key, value in (about_changes or {}).items():
        info = book[ABOUT_SHEET]
        for r in range(1, info.max_row + 1):
            if info.cell(r, 1).value == key:
                info.cell(r, 2).value = value
    book.save(target)
    return target


def returned_copies(lists: Path, returns: Path) -> Path:
    """Every list copied unchanged into a returns folder (each lead sent it straight back)."""
    returns.mkdir(parents=True, exist_ok=True)
    for path in lists.glob("*.xlsx"):
        shutil.copyfile(path, returns / path.name)
    return returns
