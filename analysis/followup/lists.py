"""Each business group lead's list of outstanding actions to confirm, as a workbook to fill in.

Every quarter the panel asks each business group lead whether the tracker shows their overdue
actions as they stand.  The list is cut here from the quarter's snapshot with the rules that
cut the paper's figures (:func:`analysis.figures.actions.classify` decides which actions are monitored,
outstanding and overdue), so a lead is asked about exactly the actions the paper counts.

The list goes to the lead who owns the actions, so it carries the tracker's own text, not the
paper's masked text: the rows are the classified frame's rows, with their free text taken from
the snapshot before :mod:`analysis.figures.marking` hid it.  A workbook that holds an
OFFICIAL-SENSITIVE row, or a row of an audit whose title is restricted (one sensitive row hides
a title everywhere, see :mod:`analysis.figures.marking`), is marked OFFICIAL-SENSITIVE; any other is
OFFICIAL.  The lists are written under the follow-up folder (git-ignored), never into a
published quarter.

Layout (docs/followup.md), to the spreadsheet checklist the Analysis Function and ONS's gptables
follow: the title with the marking in A1, a line of instructions in A2, one header row (row 3),
one row per action, no merged cells, all of it a named table (:data:`TABLE_NAME`).  The
columns from the tracker are locked; the five columns for the lead (:data:`TO_FILL`) are
unlocked, shaded, named in the instructions (so the shading is not the only sign) and have
dropdowns where their values are coded.  Rows are as tall as their wrapped text, and the list
prints landscape on A4 at 90 % (11 pt text at 9.9 pt) over as many pages as it needs, its
header row and first column repeated on every page.  A hidden ``About`` sheet records the quarter, the group and the as-at date, so that
:mod:`analysis.followup.returns` can refuse a workbook returned for another quarter or group.

Text from the tracker is data: a cell whose text starts like a formula (``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is stored as a text cell with Excel's quote prefix, so no
spreadsheet runs it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.figures import deadlines
from analysis.figures.actions import classify
from analysis.figures.marking import is_sensitive
from analysis.inputs.history import History, deadline_columns, load_history
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import ACTION_STATUSES, OFFICIAL, OFFICIAL_SENSITIVE
from analysis.quarters import Quarter

if TYPE_CHECKING:  # openpyxl is imported when a workbook is built, not with the CLI
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMAT = "panelpaper follow-up"
FORMAT_VERSION = "1"

SHEET = "Follow-up"
ABOUT_SHEET = "About"
BANNER_ROW = 1
HEADER_ROW = 3
"""Rows as Excel shows them: the marking banner, then instructions, then the header."""

YES, NO = "Yes", "No"
CONFIRMED_VALUES = (YES, NO)

ACTION_TEXT = "action"
"""The tracker's optional action-text column: shown when the snapshot's frame has it."""


@dataclass(frozen=True)
class Column:
    """One column of the list: the frame's name for it and the header a person reads.

    A program finds a column by its header, compared ignoring case and surrounding space
    (as the loader compares a tracker's headers).
    """

    key: str
    header: str
    width: float
    kind: str = "text"  # text, date, number, coded


READ_ONLY = (
    Column("action_id", "Action ID", 12),
    Column("audit_title", "Audit", 32),
    Column("audit_year", "Audit year", 10),
    Column("assurance", "Assurance", 12),
    Column("risk", "Risk", 9),
    Column("business_area", "Business area", 20),
    Column("owner", "Owner", 24),
    Column(ACTION_TEXT, "Action", 40),
    Column("due_date", "Original deadline", 12, "date"),
    Column("revised_due_date", "Revised deadline", 12, "date"),
    Column("first_deadline", "Deadline first agreed", 12, "date"),
    Column("times_moved", "Times moved", 8, "number"),
    Column("status", "Status", 12),
    Column("overdue", "Overdue", 9),
    Column("days_past_deadline", "Days past deadline", 10, "number"),
    Column("delay_reason", "Recorded reason", 40),
)
"""The tracker's view of each action, locked: a change here is refused on return."""

CONFIRMED = Column("confirmed", "Confirmed", 11, "coded")
PROPOSED_STATUS = Column("proposed_status", "Proposed status", 14, "coded")
PROPOSED_DATE = Column("proposed_revised_date", "Proposed revised date", 13, "date")
REASON = Column("reason_for_delay", "Reason for the delay", 40)
COMMENT = Column("comment", "Comment", 40)
TO_FILL = (CONFIRMED, PROPOSED_STATUS, PROPOSED_DATE, REASON, COMMENT)
"""What the lead fills in: unlocked, shaded, with dropdowns on the coded columns."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read typed text as a formula."""

DATE_FORMAT = "DD/MM/YYYY"

TABLE_NAME = "FollowUp"
"""The named table (an Excel table) over the header row and the action rows."""

FONT_NAME = "Arial"
"""Arial, which LibreOffice draws with the metric-identical Liberation Sans: a line of text
takes the same width in Excel and in Calc, so the row heights below fit in both."""
FONT_SIZE = 11
LINE_HEIGHT_PT = 14.3
"""Height of one line of 11 pt Arial in a cell, with its leading, in points (Excel's row
height for one line of it)."""
CHARS_PER_WIDTH = 1.1
"""Characters of running text that fit in one unit of column width.  A unit is the width of
a digit of the default font (Calibri 11); running text in 11 pt Arial averages a little
narrower in Excel and much narrower in Calc, so rows err on tall in both."""

PRINT_SCALE = 90
"""The print scale, in per cent: 11 pt text prints at 9.9 pt, above the 9 pt floor.

A fixed scale, not "fit to N pages wide": fitting lets each application choose the scale from
its own column-width metrics, and Calc, fitting the seed quarter's lists to three pages across
(which by Excel's widths needed 86 %), shrank them to 76 % (8.4 pt).  At a fixed scale both
print the same size of text, on as many pages across and down as the list needs."""


def instructions_text(columns: tuple[Column, ...] = TO_FILL) -> str:
    """Row 2: what to do, naming the columns to fill in, so that their shading is not the only
    sign of them; short enough to read on one line of the first printed page."""
    names = ", ".join(c.header for c in columns[1:-1]) + f" and {columns[-1].header}"
    return (
        f"Please fill in {columns[0].header} (Yes or No) and, where the position has changed, "
        f"{names}."
    )


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapped cell ``width`` units wide.

    Neither Excel nor LibreOffice sizes the rows of a workbook written by openpyxl to their
    wrapped text (Excel only when a row is edited, Calc not reliably), so the rows are sized
    here: the text wrapped at word boundaries as a spreadsheet wraps it, erring on more lines.
    """
    chars = max(1, int(width * CHARS_PER_WIDTH) - 1)
    lines = 0
    for paragraph in str(text).splitlines() or [""]:
        lines += max(1, len(textwrap.wrap(paragraph, chars, break_long_words=True)))
    return lines


def set_row_heights(
    sheet: Worksheet, columns: tuple[Column, ...], header_row: int, last_row: int
) -> None:
    """Every row from the header down tall enough for its tallest wrapped cell."""
    for row in range(header_row, last_row + 1):
        lines = 1
        for position, column in enumerate(columns, start=1):
            value = sheet.cell(row, position).value
            wraps = row == header_row or column.width >= 20
            if value is not None and wraps:
                lines = max(lines, wrapped_lines(str(value), column.width))
        sheet.row_dimensions[row].height = round(lines * LINE_HEIGHT_PT + 3, 1)


def set_print_layout(sheet: Worksheet) -> None:
    """Landscape A4 at :data:`PRINT_SCALE` (never shrunk to fit a page), over as many pages
    across and down as the list needs, with the header row and the Action ID column on every
    page, so that each page can be read on its own."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.scale = PRINT_SCALE
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    # Room for the marking in the header and footer (at 0.3 inch) above and below the list.
    sheet.page_margins.top = sheet.page_margins.bottom = 0.85
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"


def columns_for(actions: pd.DataFrame) -> tuple[Column, ...]:
    """The list's columns for a snapshot's actions: the action text only when the tracker
    holds some (the column is optional, and an empty one would only widen the sheet)."""
    has_text = ACTION_TEXT in actions and bool(actions[ACTION_TEXT].notna().any())
    read_only = tuple(c for c in READ_ONLY if c.key != ACTION_TEXT or has_text)
    return read_only + TO_FILL


# --- which rows -------------------------------------------------------------------------------
def followup_rows(
    snapshot: Snapshot, settings: Settings, history: Sequence[Snapshot] | None = None
) -> pd.DataFrame:
    """Every business group's outstanding monitored actions, with the tracker's own text.

    One row per action of :func:`analysis.figures.actions.classify` (the paper's outstanding actions),
    overdue first and, within each, the oldest deadline first.  Free text comes from the
    snapshot, unmasked: the list goes to the lead who owns the actions.  Adds ``overdue``
    (Yes/No), ``days_past_deadline`` (blank unless overdue), ``sensitive`` (the row's text is
    OFFICIAL-SENSITIVE: its own marking, or its audit's title is restricted), the deadline
    history's ``first_deadline`` (the due date of the first snapshot showing the action) and
    ``times_moved`` (extensions, :mod:`analysis.figures.deadlines`) over ``history`` (every
    snapshot up to this one, oldest first; this snapshot alone when not given), so that a
    lead asking for another extension sees how often it has been moved, and the to-fill
    columns, blank.
    """
    classified = classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    raw = snapshot.actions.loc[classified.index]
    rows = raw.copy()
    rows["deadline"] = classified["deadline"]
    rows["is_overdue"] = classified["is_overdue"].astype(bool)
    rows["overdue"] = rows["is_overdue"].map({True: YES, False: NO})
    rows["days_past_deadline"] = (
        classified["days_past_deadline"].where(rows["is_overdue"]).astype("Int64")
    )
    rows["sensitive"] = is_sensitive(raw) | classified["restricted"].astype(bool)
    moves = _moves(snapshot, settings, history, classified["action_id"])
    rows["first_deadline"] = rows["action_id"].map(moves["original_due_date"])
    rows["times_moved"] = rows["action_id"].map(moves["moves"]).fillna(0).astype("Int64")
    for column in TO_FILL:
        rows[column.key] = pd.NA
    rows = rows.sort_values(
        ["is_overdue", "deadline", "action_id"], ascending=[False, True, True], kind="stable"
    )
    return rows.reset_index(drop=True)


def _moves(
    snapshot: Snapshot,
    settings: Settings,
    history: Sequence[Snapshot] | None,
    ids: pd.Series,
) -> pd.DataFrame:
    """Each action's deadline history verdicts, over ``history`` (ending with ``snapshot``)."""
    found = History.of(history if history is not None else [snapshot])
    table = deadlines.deadline_history(deadline_columns(found), found.as_ofs, ids)
    return deadlines.action_moves(table, settings.deadline_move_limit)


def group_marking(rows: pd.DataFrame) -> str:
    """OFFICIAL-SENSITIVE when any row's text is (see :func:`followup_rows`), else OFFICIAL."""
    return OFFICIAL_SENSITIVE if bool(rows["sensitive"].any()) else OFFICIAL


def by_group(rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows of each business group that has outstanding actions, groups in name order."""
    return {
        str(group): frame.reset_index(drop=True)
        for group, frame in rows.groupby("business_group", sort=True)
    }


def file_name(quarter: Quarter, group: str, marking: str) -> str:
    """``2019-20-Q1_met-operations_OFFICIAL.xlsx``: the marking is in the name, so it shows
    wherever the file is listed or attached."""
    slug = re.sub(r"[^a-z0-9]+", "-", group.casefold()).strip("-") or "group"
    return f"{quarter.id}_{slug}_{marking}.xlsx"


# --- cells ------------------------------------------------------------------------------------
def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take text starting this way as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def set_text(cell: Cell, text: str) -> None:
    """Put ``text`` in ``cell`` as text, never as a formula.

    openpyxl takes a string starting with ``=`` as a formula; the cell's type is set back to
    text, and the quote prefix (Excel's leading apostrophe) keeps it text when edited.
    """
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def _put(cell: Cell, value: object, kind: str) -> None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        cell.value = None
    elif kind == "date":
        cell.value = pd.Timestamp(value).date()
        cell.number_format = DATE_FORMAT
    elif kind == "number":
        cell.value = int(value)
    else:
        set_text(cell, str(value))


# --- one workbook -----------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowupList:
    """One group's list as written."""

    group: str
    path: Path
    rows: int
    overdue: int
    marking: str


def _escape_header(text: str) -> str:
    """Excel header/footer text: ``&`` starts a code, so a literal one is doubled."""
    return text.replace("&", "&&")


def build_workbook(
    rows: pd.DataFrame, snapshot: Snapshot, group: str, columns: tuple[Column, ...]
) -> Workbook:
    """The group's workbook (an openpyxl Workbook, not yet saved)."""
    # measured: openpyxl 0.6 s, which `panelpaper returns` (it imports names from here) never uses
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    marking = group_marking(rows)
    quarter = snapshot.quarter
    as_of = snapshot.as_of.strftime("%d/%m/%Y")
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    last_col = get_column_letter(len(columns))
    last_row = HEADER_ROW + len(rows)

    font = Font(name=FONT_NAME, size=FONT_SIZE)
    banner = sheet.cell(BANNER_ROW, 1)
    set_text(
        banner,
        f"{marking}: {group}: outstanding DARA actions for {quarter.label} ({quarter.id}), "
        f"as at {as_of}",
    )
    # Dark text on the page, no fill: the title runs on over the empty cells beside it, where
    # white text on a filled A1 would vanish.
    banner.font = Font(name=FONT_NAME, bold=True, size=FONT_SIZE + 2)
    instructions = sheet.cell(BANNER_ROW + 1, 1)
    set_text(instructions, instructions_text())
    instructions.font = font

    shade = PatternFill("solid", fgColor="FFF2CC")
    to_fill = {c.key for c in TO_FILL}
    for position, column in enumerate(columns, start=1):
        head = sheet.cell(HEADER_ROW, position)
        set_text(head, column.header)
        head.font = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
        head.alignment = Alignment(wrap_text=True, vertical="top")
        if column.key in to_fill:
            head.fill = shade
        sheet.column_dimensions[get_column_letter(position)].width = column.width
        for offset, value in enumerate(rows[column.key]):
            cell = sheet.cell(HEADER_ROW + 1 + offset, position)
            _put(cell, value, column.kind)
            cell.font = font
            cell.alignment = Alignment(wrap_text=column.width >= 20, vertical="top")
            if column.key in to_fill:
                cell.protection = Protection(locked=False)
                cell.fill = shade
                if column.kind == "date":
                    cell.number_format = DATE_FORMAT
    set_row_heights(sheet, columns, HEADER_ROW, last_row)

    _validations(sheet, columns, last_row, snapshot.as_of)

    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    if last_row > HEADER_ROW:
        # A named table over the header and the rows: screen readers announce its headers,
        # and its own filter buttons replace the sheet's autofilter.
        table = Table(displayName=TABLE_NAME, ref=f"A{HEADER_ROW}:{last_col}{last_row}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        sheet.add_table(table)
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # False: filtering stays allowed on the protected sheet
    sheet.protection.sort = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    set_print_layout(sheet)
    for part in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        part.center.text = marking
        part.center.font = "Arial,Bold"
        part.center.size = FONT_SIZE
    for part in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        part.center.text = marking
        part.center.font = "Arial,Bold"
        part.left.text = _escape_header(f"{quarter.id} follow-up: {group}")
        part.right.text = "Page &P of &N"
        for item in (part.left, part.center, part.right):
            item.size = FONT_SIZE

    about = book.create_sheet(ABOUT_SHEET)
    for row, (key, value) in enumerate(
        (
            ("key", "value"),
            ("format", FORMAT),
            ("format_version", FORMAT_VERSION),
            ("quarter", quarter.id),
            ("business_group", group),
            ("as_of", snapshot.as_of.isoformat()),
            ("marking", marking),
            ("actions", str(len(rows))),
        ),
        start=1,
    ):
        set_text(about.cell(row, 1), key)
        set_text(about.cell(row, 2), value)
    about.protection.sheet = True
    about.sheet_state = "hidden"
    book.properties.title = f"{quarter.id} follow-up: {group}"
    book.properties.subject = marking
    book.properties.keywords = f"{FORMAT}; quarter={quarter.id}; marking={marking}"
    book.properties.creator = "panelpaper"
    return book


def _validations(
    sheet: Worksheet, columns: tuple[Column, ...], last_row: int, as_of: dt.date
) -> None:
    """Dropdowns on the coded columns and a date check on the proposed date."""
    # measured: openpyxl 0.6 s (see build_workbook)
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if last_row <= HEADER_ROW:
        return
    position = {c.key: i for i, c in enumerate(columns, start=1)}

    def cells(column: Column) -> str:
        letter = get_column_letter(position[column.key])
        return f"{letter}{HEADER_ROW + 1}:{letter}{last_row}"

    rules = (
        (CONFIRMED, dict(type="list", formula1='"' + ",".join(CONFIRMED_VALUES) + '"')),
        (PROPOSED_STATUS, dict(type="list", formula1='"' + ",".join(ACTION_STATUSES) + '"')),
        (
            PROPOSED_DATE,
            dict(
                type="date",
                operator="greaterThanOrEqual",
                formula1=f"DATE({as_of.year},{as_of.month},{as_of.day})",
            ),
        ),
    )
    for column, rule in rules:
        check = DataValidation(allow_blank=True, showErrorMessage=True, **rule)
        check.errorTitle = column.header
        check.error = (
            f"Choose one of: {', '.join(CONFIRMED_VALUES if column is CONFIRMED else ACTION_STATUSES)}"
            if rule["type"] == "list"
            else f"A date on or after {as_of.strftime('%d/%m/%Y')}"
        )
        sheet.add_data_validation(check)
        check.add(cells(column))


# --- every group ------------------------------------------------------------------------------
class FollowupExists(Exception):
    """The quarter's lists were written before; they are replaced only when asked."""


def write_followup(
    data_dir: Path,
    quarter: Quarter,
    followup_dir: Path,
    *,
    replace: bool = False,
    settings: Settings | None = None,
) -> list[FollowupList]:
    """Write one workbook per group into ``<followup_dir>/<quarter>/``, all or nothing.

    The workbooks are built in a temporary folder beside the target and moved into place in
    one step, so a failure leaves no half-written set.  An existing folder (which may hold
    returns) is refused unless ``replace``.
    """
    data_dir, followup_dir = Path(data_dir), Path(followup_dir)
    settings = load_settings(data_dir) if settings is None else settings
    history = load_history(data_dir, quarter, settings)
    snapshot = history[-1]
    target = followup_dir / quarter.id
    if target.exists() and not replace:
        raise FollowupExists(
            f"{target} already exists (it may hold returned workbooks); move it away, or pass "
            "--replace to write the lists again"
        )
    rows = followup_rows(snapshot, settings, history)
    columns = columns_for(snapshot.actions)
    followup_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{quarter.id}-", dir=followup_dir))
    written: list[FollowupList] = []
    try:
        for group, frame in by_group(rows).items():
            marking = group_marking(frame)
            name = file_name(quarter, group, marking)
            if (staging / name).exists():
                raise ValueError(f"two business groups give the same file name {name}")
            build_workbook(frame, snapshot, group, columns).save(staging / name)
            written.append(
                FollowupList(
                    group, target / name, len(frame), int(frame["is_overdue"].sum()), marking
                )
            )
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return written


def describe(quarter: Quarter, lists: list[FollowupList]) -> str:
    """What ``panelpaper followup`` prints: one line per group."""
    lines = [f"{quarter.id}: {len(lists)} follow-up list(s)"]
    for item in lists:
        lines.append(
            f"  {item.group:<26} {item.rows:>4} actions ({item.overdue} overdue)  "
            f"{item.marking:<18}  {item.path}"
        )
    return "\n".join(lines)
