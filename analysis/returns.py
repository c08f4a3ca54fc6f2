"""The leads' answers read back from their returned follow-up workbooks, checked row by row.

A returned workbook is input like a tracker, so it is read by the same safe reader
(:func:`analysis.readers.read_xlsx_table`) and every problem is a :class:`Finding` naming the
file, the row as Excel shows it, the column and the value; all of them are collected, and
nothing is written while any remains.  Each row is matched to the quarter's snapshot by its
action id, and the list the lead was sent is cut again from the snapshot
(:func:`analysis.followup.followup_rows`), so a changed tracker column is seen by comparing
it with what was sent.

Formulas are never evaluated.  A cell of a read column that holds a formula is an error (the
lead is asked to type the value), whatever Excel saved as its result: an answer is what a
person typed, and a formula's result can change when the workbook is opened elsewhere.  Text
that merely starts like a formula (``- waiting for funding``, typed after Excel's apostrophe)
is a text cell and is read as the text it is.

The summary for the tracker owner lists the changes each lead asks for, the actions not yet
confirmed (answered No, left blank, or in a list not returned) and, per group, how many were
confirmed.  It carries the lists' free text, so it is marked like the most sensitive list.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import readers
from analysis.findings import Finding
from analysis.followup import (
    ABOUT_SHEET,
    COMMENT,
    CONFIRMED,
    CONFIRMED_VALUES,
    FORMAT,
    NO,
    PROPOSED_DATE,
    PROPOSED_STATUS,
    READ_ONLY,
    REASON,
    SHEET,
    YES,
    Column,
    by_group,
    columns_for,
    followup_rows,
    group_marking,
)
from analysis.quarters import Quarter
from analysis.schemas import parse_date
from analysis.settings import Settings, load_settings
from analysis.snapshots import load_snapshot
from analysis.vocabulary import ACTION_STATUSES, OFFICIAL, OFFICIAL_SENSITIVE, SOURCE_ROW


@dataclass(frozen=True)
class _Spec:
    """The columns :func:`analysis.readers.read_xlsx_table` looks for (its ``Columns``)."""

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
def _text(value: object) -> str:
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
        table = readers.read_xlsx_table(path, ABOUT_SHEET, ABOUT_SPEC)
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
    return {_text(key): (_text(value), int(row)) for key, value, row in cells}


def read_returns(
    data_dir: Path, quarter: Quarter, folder: Path, settings: Settings | None = None
) -> Returns:
    """Read every ``.xlsx`` in ``folder`` as a returned list for ``quarter``; never raises for
    a problem in the returns (each is a finding), only for an unreadable snapshot."""
    data_dir, folder = Path(data_dir), Path(folder)
    settings = load_settings(data_dir) if settings is None else settings
    snapshot = load_snapshot(data_dir, quarter, settings)
    rows = followup_rows(snapshot, settings)
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
    file = str(path)
    findings = result.findings
    try:
        readers.check_workbook_file(path)
    except readers.ReadError as exc:
        findings.append(Finding("error", file, str(exc)))
        return
    about = _about(path, file, findings)
    if about is None:
        return
    where = f"{ABOUT_SHEET} sheet"
    about_file = f"{file}, sheet {ABOUT_SHEET}"
    fmt, fmt_row = about.get("format", ("", None))
    if fmt != FORMAT:
        findings.append(
            Finding(
                "error",
                about_file,
                f"not a follow-up workbook written by panelpaper ({where} has no format "
                f"{FORMAT!r})",
                fmt_row,
                "value",
                fmt or None,
            )
        )
        return
    quarter_id, quarter_row = about.get("quarter", ("", None))
    if quarter_id != result.quarter.id:
        findings.append(
            Finding(
                "error",
                about_file,
                f"a workbook for another quarter: {where} says {quarter_id or 'nothing'}, "
                f"these returns are for {result.quarter.id}",
                quarter_row,
                "quarter",
                quarter_id,
            )
        )
        return
    group, group_row = about.get("business_group", ("", None))
    if group not in result.sent:
        findings.append(
            Finding(
                "error",
                about_file,
                f"a workbook for another group: {where} names a business group that was sent "
                f"no list for {result.quarter.id} (lists went to {', '.join(result.sent)})",
                group_row,
                "business_group",
                group,
            )
        )
        return
    if group in result.returned:
        findings.append(
            Finding(
                "error",
                about_file,
                f"a second workbook for {group}: {result.returned[group]} is already its return; "
                "keep one",
                group_row,
                "business_group",
                group,
            )
        )
        return
    result.returned[group] = file

    try:
        table = readers.read_xlsx_table(path, SHEET, _spec(columns), formulas_are_data=True)
    except readers.ReadError as exc:
        findings.append(Finding("error", file, f"sheet {SHEET!r}: {exc}"))
        return
    frame = table.frame
    missing = [c.header for c in columns if _name(c) not in frame.columns]
    if missing:
        findings.append(
            Finding(
                "error",
                file,
                f"sheet {SHEET!r} has lost column(s) {', '.join(missing)}: the header (row 3) "
                "must keep every column as sent",
            )
        )
        return
    header_of = {_name(c): c.header for c in columns}
    for row, name, typed in table.formulas:
        findings.append(
            Finding(
                "error",
                file,
                "a formula: type the value itself (formulas in a returned list are never "
                "evaluated)",
                row,
                header_of[name],
                typed,
            )
        )
    formula_cells = {(row, name) for row, name, _ in table.formulas}
    sent = result.sent[group].set_index("action_id", drop=False)
    seen: dict[str, int] = {}
    id_name = _name(READ_ONLY[0])
    for record in frame.to_dict("records"):
        row = int(record[SOURCE_ROW])
        action_id = _text(record[id_name])

        def error(message: str, column: Column, value: object, row: int = row) -> None:
            findings.append(Finding("error", file, message, row, column.header, _text(value)))

        if (row, id_name) in formula_cells:
            continue
        if not action_id:
            error(
                "no action id: every row must keep the action id it was sent with", READ_ONLY[0], ""
            )
            continue
        if action_id in seen:
            error(f"action listed twice (first on row {seen[action_id]})", READ_ONLY[0], action_id)
            continue
        seen[action_id] = row
        if action_id not in groups_of:
            error(
                f"unknown action id: not in the {result.quarter.id} snapshot",
                READ_ONLY[0],
                action_id,
            )
            continue
        if groups_of[action_id] != group:
            error(
                f"action moved to another group: the snapshot has it under "
                f"{groups_of[action_id]}, this workbook is {group}'s",
                READ_ONLY[0],
                action_id,
            )
            continue
        if action_id not in sent.index:
            error(
                f"not on the list sent to {group}: the snapshot does not count it as an "
                "outstanding monitored action",
                READ_ONLY[0],
                action_id,
            )
            continue
        expected = sent.loc[action_id]
        for column in columns:
            if column.key not in READ_ONLY_KEYS or (row, _name(column)) in formula_cells:
                continue
            was = _sent_text(expected[column.key], column)
            now = _text(record[_name(column)])
            if now != was:
                error(
                    f"read-only cell edited: the list sent said {was!r}; put a change in the "
                    "shaded columns instead",
                    column,
                    now,
                )
        answer = _answer(record, row, group, action_id, file, result.as_of, error, formula_cells)
        if answer is not None:
            result.answers.append(answer)


READ_ONLY_KEYS = frozenset(c.key for c in READ_ONLY)


def _answer(record, row, group, action_id, file, as_of, error, formula_cells) -> Answer | None:
    """The to-fill cells of one row, each checked against its vocabulary."""
    ok = True

    def cell(column: Column) -> str | None:
        if (row, _name(column)) in formula_cells:
            return None
        return _text(record[_name(column)]) or None

    confirmed = cell(CONFIRMED)
    if confirmed is not None:
        match = {v.casefold(): v for v in CONFIRMED_VALUES}.get(confirmed.casefold())
        if match is None:
            error(f"not one of {', '.join(CONFIRMED_VALUES)}", CONFIRMED, confirmed)
            ok = False
        confirmed = match
    status = cell(PROPOSED_STATUS)
    if status is not None:
        match = {v.casefold(): v for v in ACTION_STATUSES}.get(status.casefold())
        if match is None:
            error(
                f"a status outside the tracker's vocabulary; use one of {', '.join(ACTION_STATUSES)}",
                PROPOSED_STATUS,
                status,
            )
            ok = False
        status = match
    date_text = cell(PROPOSED_DATE)
    proposed_date = None
    if date_text is not None:
        try:
            proposed_date = parse_date(date_text)
        except ValueError as exc:
            error(str(exc), PROPOSED_DATE, date_text)
            ok = False
        else:
            if proposed_date < as_of:
                error(
                    f"before the as-at date {as_of.strftime('%d/%m/%Y')}: a revised date "
                    "must lie ahead",
                    PROPOSED_DATE,
                    date_text,
                )
                ok = False
    if not ok:
        return None
    return Answer(
        group, action_id, file, row, confirmed, status, proposed_date, cell(REASON), cell(COMMENT)
    )


# --- the summary ------------------------------------------------------------------------------
def _date(value: object) -> str:
    return "none" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def changes(returns: Returns) -> list[tuple[Answer, list[str]]]:
    """The answers that ask for a change to the tracker, each with its changes in words."""
    found = []
    for answer in returns.answers:
        sent = returns.sent[answer.group].set_index("action_id").loc[answer.action_id]
        asked = []
        if answer.proposed_status and answer.proposed_status != sent["status"]:
            asked.append(f"status {sent['status']} -> {answer.proposed_status}")
        revised = sent["revised_due_date"]
        if answer.proposed_date and (pd.isna(revised) or answer.proposed_date != revised.date()):
            asked.append(
                f"revised date {_date(revised)} -> {answer.proposed_date.strftime('%d/%m/%Y')}"
            )
        if answer.reason and answer.reason != _text(sent["delay_reason"]):
            asked.append(f"reason: {answer.reason!r}")
        if asked:
            found.append((answer, asked))
    return found


def summary(returns: Returns) -> str:
    """The tracker owner's summary: confirmed per group, changes asked for, not yet confirmed."""
    answered = {(a.group, a.action_id): a for a in returns.answers}
    lines = [
        returns.marking,
        f"Follow-up returns for {returns.quarter.id} ({returns.quarter.label}), as at "
        f"{returns.as_of.strftime('%d/%m/%Y')}: {len(returns.returned)} of "
        f"{len(returns.sent)} lists returned ({returns.folder})",
        "",
        "Confirmed, per business group",
        f"  {'business group':<26} {'sent':>5} {'returned':>9} {'confirmed':>10} {'No':>4} "
        f"{'blank':>6}",
    ]
    totals = [0, 0, 0, 0, 0]
    not_confirmed: list[str] = []
    waiting = 0
    for group, sent in returns.sent.items():
        counts = [len(sent), 0, 0, 0, 0]
        if group not in returns.returned:
            waiting += len(sent)
            ids = ", ".join(sent["action_id"])
            not_confirmed += textwrap.wrap(
                f"{group}: no return ({len(sent)} action{'' if len(sent) == 1 else 's'}: {ids})",
                width=96,
                initial_indent="  ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
        for action_id in sent["action_id"] if group in returns.returned else ():
            answer = answered.get((group, action_id))
            if answer is None:
                why = "row missing from return"
            else:
                counts[1] += 1
                if answer.confirmed == YES:
                    counts[2] += 1
                    continue
                counts[3 if answer.confirmed == NO else 4] += 1
                why = "answered No" if answer.confirmed == NO else "left blank"
                if answer.comment:
                    why += f"; comment: {answer.comment!r}"
            waiting += 1
            not_confirmed.append(f"  {action_id:<12} {group:<26} {why}")
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        lines.append(
            f"  {group:<26} {counts[0]:>5} {counts[1]:>9} {counts[2]:>10} {counts[3]:>4} "
            f"{counts[4]:>6}"
        )
    lines.append(
        f"  {'Total':<26} {totals[0]:>5} {totals[1]:>9} {totals[2]:>10} {totals[3]:>4} "
        f"{totals[4]:>6}"
    )
    asked = changes(returns)
    lines += ["", f"Changes asked for ({len(asked)})"]
    for answer, what in asked:
        comment = f"; comment: {answer.comment!r}" if answer.comment else ""
        lines.append(f"  {answer.action_id:<12} {answer.group:<26} {'; '.join(what)}{comment}")
    if not asked:
        lines.append("  none")
    lines += ["", f"Not yet confirmed ({waiting})"]
    lines += not_confirmed or ["  none"]
    return "\n".join(lines) + "\n"


def summary_path(returns: Returns) -> Path:
    """Where the summary is written: beside the returns, marked in its name."""
    return returns.folder / f"{returns.quarter.id}_returns-summary_{returns.marking}.txt"


def write_summary(returns: Returns) -> Path:
    """Write the summary in one step (a temporary file renamed into place); refuses when any
    error remains, so nothing is written from returns that did not check clean."""
    if not returns.ok:
        raise ValueError("the returns have errors; nothing is written")
    target = summary_path(returns)
    handle, temporary = tempfile.mkstemp(prefix=".summary-", dir=returns.folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(summary(returns))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


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
