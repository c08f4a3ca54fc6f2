"""Hand-made frames in exactly the loader's layout (see analysis/inputs/snapshots.py).

Each builder fills every contract column with an unremarkable default so a test spells out
only the values its rule depends on.  Dates may be written as ISO text or ``datetime.date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from analysis.inputs.settings import Settings
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import ACTION_DATES, OFFICIAL, REC_DATES
from analysis.quarters import Quarter

ACTION_DEFAULTS: dict[str, Any] = {
    "audit_title": "Audit A",
    "audit_year": "2018/19",
    "assurance": "Limited",
    "risk": "High",
    "business_group": "Met Operations",
    "business_area": None,
    "owner": None,
    "due_date": "2019-01-31",
    "revised_due_date": None,
    "status": "Open",
    "completed_date": None,
    "delay_reason": None,
    "delay_category": None,
    "action": None,
    "theme": None,
    "marking": OFFICIAL,
}

REC_DEFAULTS: dict[str, Any] = {
    "inspection": "PEEL 2018",
    "theme": "PEEL",
    "programme": None,
    "title": None,
    "type": "Recommendation",
    "published": "2018-05-01",
    "status": "Being progressed",
    "status_date": None,
    "lead": None,
    "marking": OFFICIAL,
}

Q1_1920 = Quarter(2019, 1)
AS_OF = dt.date(2019, 6, 30)
SETTINGS = Settings()


def _frame(
    rows: Iterable[Mapping[str, Any]],
    defaults: dict[str, Any],
    id_column: str,
    prefix: str,
    dates: tuple[str, ...],
) -> pd.DataFrame:
    records = []
    for number, row in enumerate(rows, start=1):
        record = {id_column: f"{prefix}{number}", **defaults, **row}
        record["source_row"] = number + 1
        records.append(record)
    # A date column the defaults leave out (verified_date, which the loader keeps only when
    # the tracker has it) is in the frame only when a row gives it.
    extra = [c for c in dates if c not in defaults and any(c in r for r in records)]
    columns = [id_column, *defaults, *extra, "source_row"]
    frame = pd.DataFrame(records, columns=columns)
    for column in dates:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    return frame


def actions_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Actions A1, A2, ... unless a row names its own ``action_id``."""
    return _frame(rows, ACTION_DEFAULTS, "action_id", "A", ACTION_DATES)


def recs_frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Recommendations R1, R2, ... unless a row names its own ``rec_id``."""
    return _frame(rows, REC_DEFAULTS, "rec_id", "R", REC_DATES)


def snapshot(
    quarter: Quarter | str = Q1_1920,
    *,
    actions: Iterable[Mapping[str, Any]] = (),
    recommendations: Iterable[Mapping[str, Any]] = (),
    as_of: dt.date | None = None,
    meta: dict[str, object] | None = None,
) -> Snapshot:
    quarter = Quarter.parse(quarter)
    return Snapshot(
        quarter=quarter,
        as_of=as_of or quarter.last_day,
        recommendations=recs_frame(recommendations),
        actions=actions_frame(actions),
        meta=meta or {},
    )


def days_before(day: dt.date, days: int) -> str:
    """The ISO date ``days`` whole days before ``day``."""
    return (day - dt.timedelta(days=days)).isoformat()
