"""Writing a snapshot's files in the data contract's formats: the portal export and the own
tracker as CSV (dates in UK order in a couple of quarters, as some exports come), the action
tracker as a real Excel workbook with fixed properties (so its bytes never change), the
metadata as YAML and the narrative as Markdown.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import xlsxwriter
import yaml

from analysis.inputs.vocabulary import ACTION_COLUMNS, REC_COLUMNS, TRACKER_COLUMNS

from .actions import VERIFIED_FROM
from .common import Row, _days
from .snapshots import Snapshot

ACTION_DATE_COLUMNS = ("due_date", "revised_due_date", "completed_date", "verified_date")

UK_DATE_QUARTERS = ("2018-19-Q3", "2020-21-Q1")
"""Quarters whose portal export came out with dates in UK order (30/06/2019)."""


def _csv_value(value: object, uk_dates: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if uk_dates else value.isoformat()
    return str(value)


PORTAL_COLUMNS = tuple(c for c in REC_COLUMNS if c != "title")
"""The sample portal export has no recommendation text (the contract's optional ``title``)."""


def write_recommendations(path: Path, rows: list[Row], uk_dates: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PORTAL_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c], uk_dates) for c in PORTAL_COLUMNS])


def write_tracker(path: Path, rows: list[Row], uk_dates: bool) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(TRACKER_COLUMNS)
        for row in rows:
            writer.writerow([_csv_value(row[c], uk_dates) for c in TRACKER_COLUMNS])


def write_actions(path: Path, rows: list[Row], as_of: dt.date) -> None:
    """The tracker workbook, dates as real Excel dates; fixed properties make it byte-stable."""
    workbook = xlsxwriter.Workbook(str(path))
    created = dt.datetime.combine(as_of + _days(9), dt.time(9, 0))
    workbook.set_properties(
        {"title": "DARA action tracker", "author": "Corporate Strategy", "created": created}
    )
    sheet = workbook.add_worksheet("Actions")
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    columns = _action_columns(as_of)
    for col, name in enumerate(columns):
        sheet.write_string(0, col, name, bold)
        width = 12 if name in ACTION_DATE_COLUMNS else 20
        wide = name in ("audit_title", "delay_reason", "action")
        sheet.set_column(col, col, 50 if wide else width)
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            value = row[name]
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write_string(r, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), len(columns) - 1)
    workbook.close()


def _action_columns(as_of: dt.date) -> tuple[str, ...]:
    """The tracker's columns: ``verified_date`` only from :data:`VERIFIED_FROM` on."""
    if as_of >= VERIFIED_FROM.last_day:
        return ACTION_COLUMNS
    return tuple(c for c in ACTION_COLUMNS if c != "verified_date")


def write_snapshot(folder: Path, snap: Snapshot) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    meta = yaml.safe_dump(snap.meta, sort_keys=False, allow_unicode=True, width=200)
    (folder / "snapshot.yml").write_text(meta, encoding="utf-8")
    uk_dates = snap.quarter.id in UK_DATE_QUARTERS
    write_recommendations(folder / "recommendations.csv", snap.recommendations, uk_dates)
    write_actions(folder / "audit_actions.xlsx", snap.actions, snap.quarter.last_day)
    write_tracker(folder / "hmicfrs_tracker.csv", snap.tracker, uk_dates)
    if re.search(r"\d", snap.narrative):
        raise ValueError(f"{snap.quarter.id}: the narrative must carry no figures")
    (folder / "narrative.md").write_text(snap.narrative, encoding="utf-8")
