"""The loader's warnings: rows that pass the data contract but deserve a look.

None of these changes a figure, so none stops a run; each is a finding on the row, column and
value to look at, and travels with the snapshot into ``panelpaper check`` and the paper's
data-quality annex.  Each function returns its warnings sorted by row (stable, so one row's
warnings keep the order of the checks below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from analysis.inputs.findings import Finding
from analysis.inputs.monitoring import deadline, is_overdue
from analysis.inputs.settings import Settings
from analysis.inputs.vocabulary import DONE_STATUSES, SOURCE_ROW


def _row_warnings(
    mask: pd.Series,
    canonical: pd.DataFrame,
    text: pd.DataFrame,
    column: str,
    message: Callable[[pd.DataFrame], list[str]] | str,
    file: str,
) -> list[Finding]:
    """One warning per flagged row; only flagged rows are visited in Python."""
    flagged = mask.fillna(False).to_numpy(dtype=bool)
    if not flagged.any():
        return []
    rows = canonical[SOURCE_ROW].to_numpy()[flagged]
    if column in text.columns:
        values = [None if pd.isna(v) else str(v) for v in text[column].to_numpy()[flagged]]
    else:
        values = [None] * len(rows)
    said = [message] * len(rows) if isinstance(message, str) else message(canonical[flagged])
    return [
        Finding("warning", file, m, row=int(r), column=column, value=v)
        for r, v, m in zip(rows, values, said, strict=True)
    ]


def recommendation_warnings(
    recs: pd.DataFrame, text: pd.DataFrame, as_of: dt.date, file: str
) -> list[Finding]:
    """Dates after as_of: the export should be as at as_of, so these suggest the wrong file."""
    cutoff = pd.Timestamp(as_of)
    found = _row_warnings(
        recs["published"] > cutoff,
        recs,
        text,
        "published",
        f"published after as_of ({as_of})",
        file,
    )
    found += _row_warnings(
        recs["status_date"] > cutoff,
        recs,
        text,
        "status_date",
        f"status_date after as_of ({as_of})",
        file,
    )
    return sorted(found, key=lambda f: f.row or 0)


def action_warnings(
    actions: pd.DataFrame, text: pd.DataFrame, as_of: dt.date, settings: Settings, file: str
) -> list[Finding]:
    """The contract's suspicious-but-harmless cases, each on the row and column to look at."""
    cutoff = pd.Timestamp(as_of)
    done = actions["status"].isin(DONE_STATUSES)
    found = _row_warnings(
        actions["completed_date"] > cutoff,
        actions,
        text,
        "completed_date",
        f"completed_date after as_of ({as_of})",
        file,
    )
    found += _row_warnings(
        done & actions["completed_date"].isna(),
        actions,
        text,
        "completed_date",
        lambda rows: [f"action is {s} but has no completed_date" for s in rows["status"]],
        file,
    )
    found += _row_warnings(
        is_overdue(actions, as_of, settings) & actions["delay_reason"].isna(),
        actions,
        text,
        "delay_reason",
        lambda rows: [
            f"overdue action (deadline {d.date()}) has no delay_reason"
            for d in deadline(rows, settings.deadline_basis)
        ],
        file,
    )
    found += _row_warnings(
        actions["revised_due_date"] < actions["due_date"],
        actions,
        text,
        "revised_due_date",
        lambda rows: [
            f"revised_due_date is earlier than due_date ({d.date()})" for d in rows["due_date"]
        ],
        file,
    )
    if "verified_date" in actions.columns:
        found += _verification_warnings(actions, text, as_of, file)
    return sorted(found, key=lambda f: f.row or 0)


def _verification_warnings(
    actions: pd.DataFrame, text: pd.DataFrame, as_of: dt.date, file: str
) -> list[Finding]:
    """Internal audit cannot confirm an action before it was implemented, nor after the date
    the snapshot stands at; either suggests a typing slip (the figures count the action as
    awaiting verification while its verified_date is after as_of)."""
    verified = actions["verified_date"]
    found = _row_warnings(
        verified < actions["completed_date"],
        actions,
        text,
        "verified_date",
        lambda rows: [
            f"verified_date is earlier than completed_date ({d.date()})"
            for d in rows["completed_date"]
        ],
        file,
    )
    found += _row_warnings(
        verified > pd.Timestamp(as_of),
        actions,
        text,
        "verified_date",
        f"verified_date after as_of ({as_of})",
        file,
    )
    return found


def tracker_warnings(
    tracker: pd.DataFrame,
    text: pd.DataFrame,
    recommendations: pd.DataFrame,
    as_of: dt.date,
    file: str,
) -> list[Finding]:
    """The own tracker's rows that do not line up with the portal export: an id the portal
    does not hold (a typing slip, or an item the portal has dropped), and a status date after
    as_of.  Neither changes a figure; the reconciliation lists the first kind too."""
    cutoff = pd.Timestamp(as_of)
    found = _row_warnings(
        ~tracker["rec_id"].isin(recommendations["rec_id"]),
        tracker,
        text,
        "rec_id",
        "rec_id is in the own tracker but not in the portal export (recommendations.csv)",
        file,
    )
    found += _row_warnings(
        tracker["internal_status_date"] > cutoff,
        tracker,
        text,
        "internal_status_date",
        f"internal_status_date after as_of ({as_of})",
        file,
    )
    return sorted(found, key=lambda f: f.row or 0)
