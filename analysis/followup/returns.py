"""The leads' answers read back from their returned follow-up workbooks, checked row by row.

A returned workbook is input like a tracker, so it is read by the same safe reader
(:func:`analysis.inputs.workbooks.read_xlsx_table`) and every problem is a :class:`Finding` naming the
file, the row as Excel shows it, the column and the value; all of them are collected, and
nothing is written while any remains.  Each row is matched to the quarter's snapshot by its
action id, and the list the lead was sent is cut again from the snapshot
(:func:`analysis.followup.lists.followup_rows`), so a changed tracker column is seen by comparing
it with what was sent.

Formulas are never evaluated.  A cell of a read column that holds a formula is an error (the
lead is asked to type the value), whatever Excel saved as its result: an answer is what a
person typed, and a formula's result can change when the workbook is opened elsewhere.  Text
that merely starts like a formula (``- waiting for funding``, typed after Excel's apostrophe)
is a text cell and is read as the text it is.

What the tracker owner is then given is written by :mod:`analysis.followup.summary`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.followup.lists import (
    ABOUT_SHEET,
    COMMENT,
    CONFIRMED,
    CONFIRMED_VALUES,
    FORMAT,
    HEADER_ROW,
    PROPOSED_DATE,
    PROPOSED_STATUS,
    READ_ONLY,
    REASON,
    SHEET,
    Column,
    by_group,
    columns_for,
    followup_rows,
    group_marking,
)
from analysis.inputs import readers, workbooks
from analysis.inputs.findings import Finding
from analysis.inputs.history import load_history
from analysis.inputs.schemas import parse_date
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.vocabulary import ACTION_STATUSES, OFFICIAL, OFFICIAL_SENSITIVE, SOURCE_ROW
from analysis.quarters import Quarter


@dataclass(frozen=True)
class _Spec:
    """The columns :func:`analysis.inputs.workbooks.read_xlsx_table` looks for (its ``Columns``)."""

    required: tuple[str, ...]
    columns: tuple[str, ...]
    dates: tuple[str, ...]


ABOUT_SPEC = _Spec(required=("key", "value"), columns=("key", "value"), dates=())


def _name(column: Column) -> str:
    return readers.normalise_name(column.header)


def _spec(columns: tuple[Column, ...]) -> _Spec:
    names = tuple(_name(c) for c in columns)
    dates = tuple(_name(c) for c in columns if c.kind == "date")
    return _Spec(required=names, columns=names, dates=dates)


@dataclass
class Answer:
    """One returned row, checked: the lead's answer about one action."""

    group: str
    action_id: str
    file: str
    row: int
    confirmed: str | None
    proposed_status: str | None
    proposed_date: dt.date | None
    reason: str | None
    comment: str | None


@dataclass
class Returns:
    """Every returned workbook of a quarter, read and checked."""

    quarter: Quarter
    as_of: dt.date
    folder: Path
    sent: dict[str, pd.DataFrame]
    """Each group's list as it was sent (cut again from the snapshot)."""
    answers: list[Answer] = field(default_factory=list)
    returned: dict[str, str] = field(default_factory=dict)
    """Group -> the file it came back in."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def marking(self) -> str:
        return (
            OFFICIAL_SENSITIVE
            if any(group_marking(rows) == OFFICIAL_SENSITIVE for rows in self.sent.values())
            else OFFICIAL
        )


# --- reading ----------------------------------------------------------------------------------
def cell_text(value: object) -> str:
    """A read cell as text, blank for missing: how expected and returned cells are compared."""
    return "" if value is None or pd.isna(value) else str(value).strip()


def _sent_text(value: object, column: Column) -> str:
    """A cell of the list as sent, as the reader reads it back."""
    if value is None or pd.isna(value):
        return ""
    if column.kind == "date":
        return pd.Timestamp(value).date().isoformat()
    if column.kind == "number":
        return str(int(value))
    return str(value).strip()


def _about(path: Path, file: str, findings: list[Finding]) -> dict[str, tuple[str, int]] | None:
    """The About sheet as key -> (value, row); None (with an error) when it cannot be read."""
    try:
        table = workbooks.read_xlsx_table(path, ABOUT_SHEET, ABOUT_SPEC)
    except readers.ReadError as exc:
        findings.append(
            Finding(
                "error",
                file,
                f"not a follow-up workbook written by panelpaper ({exc}); return the workbook "
                "you were sent",
            )
        )
        return None
    frame = table.frame
    if not {"key", "value"} <= set(frame.columns):
        findings.append(Finding("error", file, f"sheet {ABOUT_SHEET!r} has no key/value table"))
        return None
    cells = frame[["key", "value", SOURCE_ROW]].itertuples(index=False)
    return {cell_text(key): (cell_text(value), int(row)) for key, value, row in cells}


def read_returns(
    data_dir: Path, quarter: Quarter, folder: Path, settings: Settings | None = None
) -> Returns:
    """Read every ``.xlsx`` in ``folder`` as a returned list for ``quarter``; never raises for
    a problem in the returns (each is a finding), only for an unreadable snapshot."""
    data_dir, folder = Path(data_dir), Path(folder)
    settings = load_settings(data_dir) if settings is None else settings
    history = load_history(data_dir, quarter, settings)
    snapshot = history[-1]
    rows = followup_rows(snapshot, settings, history)
    result = Returns(quarter, snapshot.as_of, folder, by_group(rows))
    columns = columns_for(snapshot.actions)
    groups_of = dict(
        zip(snapshot.actions["action_id"], snapshot.actions["business_group"], strict=True)
    )

    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
    )
    if not files:
        result.findings.append(
            Finding("error", str(folder), "no returned workbooks (.xlsx) in this folder")
        )
    for path in files:
        _read_one(path, result, columns, groups_of)
    return result


def _read_one(
    path: Path, result: Returns, columns: tuple[Column, ...], groups_of: dict[str, str]
) -> None:
    """Check one returned workbook: that it is a list, whose it is, then every row."""
    file = str(path)
    try:
        workbooks.check_workbook_file(path)
    except readers.ReadError as exc:
        result.findings.append(Finding("error", file, str(exc)))
        return
    about = _about(path, file, result.findings)
    group = None if about is None else _identity(about, file, result)
    if group is None:
        return
    result.returned[group] = file
    try:
        table = workbooks.read_xlsx_table(path, SHEET, _spec(columns), formulas_are_data=True)
    except readers.ReadError as exc:
        result.findings.append(Finding("error", file, f"sheet {SHEET!r}: {exc}"))
        return
    missing = [c.header for c in columns if _name(c) not in table.frame.columns]
    if missing:
        result.findings.append(
            Finding(
                "error",
                file,
                f"sheet {SHEET!r} has lost column(s) {', '.join(missing)}: the header (row "
                f"{HEADER_ROW}) must keep every column as sent",
            )
        )
        return
    _Rows(file, group, result, columns, groups_of, table).check()


def _identity(about: dict[str, tuple[str, int]], file: str, result: Returns) -> str | None:
    """The business group a workbook is for, or None (with an error naming the About sheet's
    row) when it is not a list for this quarter and one of the groups sent a list."""
    where = f"{ABOUT_SHEET} sheet"

    def refuse(key: str, message: str) -> None:
        value, row = about.get(key, ("", None))
        result.findings.append(
            Finding("error", f"{file}, sheet {ABOUT_SHEET}", message, row, key, value)
        )

    if about.get("format", ("",))[0] != FORMAT:
        refuse("format", f"not a follow-up workbook written by panelpaper ({where} format)")
        return None
    quarter_id = about.get("quarter", ("",))[0]
    if quarter_id != result.quarter.id:
        refuse(
            "quarter",
            f"a workbook for another quarter: {where} says {quarter_id or 'nothing'}, these "
            f"returns are for {result.quarter.id}",
        )
        return None
    group = about.get("business_group", ("",))[0]
    if group not in result.sent:
        refuse(
            "business_group",
            f"a workbook for another group: {where} names a business group that was sent no "
            f"list for {result.quarter.id} (lists went to {', '.join(result.sent)})",
        )
        return None
    if group in result.returned:
        refuse(
            "business_group",
            f"a second workbook for {group}: {result.returned[group]} is already its return; "
            "keep one",
        )
        return None
    return group


READ_ONLY_KEYS = frozenset(c.key for c in READ_ONLY)
ACTION_ID = READ_ONLY[0]


@dataclass
class _Rows:
    """The rows of one returned list, checked one by one against the list sent."""

    file: str
    group: str
    result: Returns
    columns: tuple[Column, ...]
    groups_of: dict[str, str]
    table: readers.Table
    formulas: set[tuple[int, str]] = field(init=False, default_factory=set)
    sent: pd.DataFrame = field(init=False)

    def check(self) -> None:
        header_of = {_name(c): c.header for c in self.columns}
        for row, name, typed in self.table.formulas:
            self.error(
                "a formula: type the value itself (formulas in a returned list are never "
                "evaluated)",
                row,
                header_of[name],
                typed,
            )
        self.formulas = {(row, name) for row, name, _ in self.table.formulas}
        self.sent = self.result.sent[self.group].set_index("action_id", drop=False)
        seen: dict[str, int] = {}
        for record in self.table.frame.to_dict("records"):
            row = int(record[SOURCE_ROW])
            if self.formula(row, ACTION_ID):
                continue
            action_id = cell_text(record[_name(ACTION_ID)])
            problem = self.unmatched(action_id, seen)
            if problem:
                self.error(problem, row, ACTION_ID.header, action_id)
                continue
            seen[action_id] = row
            self.compare(record, row, self.sent.loc[action_id])
            answer = self.answer(record, row, action_id)
            if answer is not None:
                self.result.answers.append(answer)

    def error(self, message: str, row: int | None, column: str, value: object) -> None:
        self.result.findings.append(
            Finding("error", self.file, message, row, column, cell_text(value))
        )

    def formula(self, row: int, column: Column) -> bool:
        return (row, _name(column)) in self.formulas

    def unmatched(self, action_id: str, seen: dict[str, int]) -> str | None:
        """Why a row's action id does not match an action on this list, or None."""
        if not action_id:
            return "no action id: every row must keep the action id it was sent with"
        if action_id in seen:
            return f"action listed twice (first on row {seen[action_id]})"
        if action_id not in self.groups_of:
            return f"unknown action id: not in the {self.result.quarter.id} snapshot"
        if self.groups_of[action_id] != self.group:
            return (
                f"action moved to another group: the snapshot has it under "
                f"{self.groups_of[action_id]}, this workbook is {self.group}'s"
            )
        if action_id not in self.sent.index:
            return (
                f"not on the list sent to {self.group}: the snapshot does not count it as an "
                "outstanding monitored action"
            )
        return None

    def compare(self, record: dict[str, object], row: int, sent: pd.Series) -> None:
        """Every locked cell must read as it was sent."""
        for column in self.columns:
            if column.key not in READ_ONLY_KEYS or self.formula(row, column):
                continue
            was = _sent_text(sent[column.key], column)
            now = cell_text(record[_name(column)])
            if now != was:
                self.error(
                    f"read-only cell edited: the list sent said {was!r}; put a change in the "
                    "shaded columns instead",
                    row,
                    column.header,
                    now,
                )

    def cell(self, record: dict[str, object], row: int, column: Column) -> str | None:
        if self.formula(row, column):
            return None
        return cell_text(record[_name(column)]) or None

    def coded(
        self, record: dict[str, object], row: int, column: Column, values: tuple[str, ...], why: str
    ) -> tuple[str | None, bool]:
        """A coded answer in its canonical spelling (matched ignoring case), and whether it
        is acceptable (blank is)."""
        typed = self.cell(record, row, column)
        if typed is None:
            return None, True
        match = {v.casefold(): v for v in values}.get(typed.casefold())
        if match is None:
            self.error(f"{why}; use one of {', '.join(values)}", row, column.header, typed)
        return match, match is not None

    def date(self, record: dict[str, object], row: int) -> tuple[dt.date | None, bool]:
        """The proposed revised date, read by the loader's date rules, not before as_of."""
        typed = self.cell(record, row, PROPOSED_DATE)
        if typed is None:
            return None, True
        try:
            proposed = parse_date(typed)
        except ValueError as exc:
            self.error(str(exc), row, PROPOSED_DATE.header, typed)
            return None, False
        as_of = self.result.as_of
        if proposed < as_of:
            self.error(
                f"before the as-at date {as_of.strftime('%d/%m/%Y')}: a revised date must lie "
                "ahead",
                row,
                PROPOSED_DATE.header,
                typed,
            )
            return None, False
        return proposed, True

    def answer(self, record: dict[str, object], row: int, action_id: str) -> Answer | None:
        """The lead's answer in the to-fill cells, each checked; None when any is refused."""
        confirmed, ok_confirmed = self.coded(
            record, row, CONFIRMED, CONFIRMED_VALUES, "neither Yes nor No"
        )
        status, ok_status = self.coded(
            record,
            row,
            PROPOSED_STATUS,
            ACTION_STATUSES,
            "a status outside the tracker's vocabulary",
        )
        proposed, ok_date = self.date(record, row)
        if not (ok_confirmed and ok_status and ok_date):
            return None
        return Answer(
            self.group,
            action_id,
            self.file,
            row,
            confirmed,
            status,
            proposed,
            self.cell(record, row, REASON),
            self.cell(record, row, COMMENT),
        )


def report(returns: Returns) -> str:
    """What ``panelpaper returns`` prints when there are errors, in ``check``'s layout."""
    errors = sorted(
        (f for f in returns.findings if f.severity == "error"),
        key=lambda f: (f.file, f.row or 0),
    )
    lines = [f"{returns.quarter.id} returns  {len(errors)} error(s)"]
    lines += [f"    {f}" for f in errors]
    lines.append("Nothing written: correct the workbooks (or ask the lead to) and read them again.")
    return "\n".join(lines)
