"""A snapshot: the world as it stood at one quarter's ``as_of``, as the analysts receive it,
with the slips and hand-typed spellings a real tracker has in some quarters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from analysis.quarters import Quarter

from .action_texts import _with_action_texts
from .audits import Action
from .common import MET_OPS, OFFICIAL, SEED, Row, _month_end
from .narratives import NARRATIVES
from .own_tracker import own_tracker
from .recommendations import REC, Recommendation
from .snapshot_meta import snapshot_meta


@dataclass(frozen=True)
class Snapshot:
    quarter: Quarter
    recommendations: list[Row]
    actions: list[Row]
    meta: dict[str, object]
    narrative: str
    tracker: list[Row] = field(default_factory=list)


def snapshot(quarter: Quarter, recs: list[Recommendation], actions: list[Action]) -> Snapshot:
    """The world as it stood at the quarter's last day, with the tracker's typing slips."""
    as_of = quarter.last_day
    rec_rows = [r for r in (rec.row(as_of) for rec in recs) if r]
    action_rows = [r for r in (action.row(as_of) for action in actions) if r]
    if quarter < SEED:
        # The tracker's marking column was only filled in from the seed quarter on.
        for row in action_rows:
            if row["marking"] == OFFICIAL:
                row["marking"] = None
    action_rows = _slips(quarter, action_rows, actions)
    rec_rows, action_rows = _vary_spelling(quarter, rec_rows, action_rows)
    action_rows = _with_action_texts(quarter, action_rows)
    return Snapshot(
        quarter,
        rec_rows,
        action_rows,
        snapshot_meta(quarter),
        NARRATIVES[quarter.id],
        own_tracker(quarter, recs),
    )


# --- the tracker's slips: suspicious lines that change no figure, one kind or two a quarter ---

SLIPS = {
    "2018-19-Q2": ("closed without completed date",),
    "2018-19-Q4": ("revised before original",),
    "2019-20-Q2": ("revised before original",),
    "2019-20-Q3": ("completed after as_of",),
    "2020-21-Q1": ("closed without completed date", "completed after as_of"),
}
"""Besides these, overdue actions with no delay reason occur wherever the world has them."""


def _slips(quarter: Quarter, rows: list[Row], actions: list[Action]) -> list[Row]:
    by_id = {a.action_id: a for a in actions}
    for slip in SLIPS.get(quarter.id, ()):
        if slip == "closed without completed date":
            # Closed this quarter, but the date was left for the next update.
            row = next(
                r for r in rows if r["status"] == "Closed" and quarter.contains(r["completed_date"])
            )
            row["completed_date"] = None
        elif slip == "revised before original":
            # The year typed wrongly when the deadline was moved: a year before the original.
            candidates = [
                r for r in rows if r["revised_due_date"] and r["status"] in ("Open", "In progress")
            ]
            row = candidates[quarter.number * 7 % len(candidates)]
            due = row["due_date"]
            row["revised_due_date"] = _month_end(dt.date(due.year - 1, due.month, 1))
        elif slip == "completed after as_of":
            # An owner marked the action done ahead of the sign-off date still to come.
            row = next(
                r
                for r in rows
                if r["status"] in ("Open", "In progress")
                and by_id[r["action_id"]].completed_date
                and quarter.next().contains(by_id[r["action_id"]].completed_date)
            )
            row["status"] = "Implemented"
            row["completed_date"] = by_id[row["action_id"]].completed_date
        if quarter == SEED:
            raise AssertionError("the seed quarter must stay free of slips")
    return rows


def _vary_spelling(
    quarter: Quarter, recs: list[Row], actions: list[Row]
) -> tuple[list[Row], list[Row]]:
    """Hand-typed case and spacing in a couple of quarters; the contract matches through it."""
    if quarter.id == "2019-20-Q3":
        recs = [dict(r) for r in recs]
        for n, row in enumerate(recs):
            if row["theme"] == "PEEL" and n % 2 == 0:
                row["theme"] = "peel"
            if row["status"] == "Being progressed" and n % 3 == 0:
                row["status"] = "being progressed "
            if row["type"] == REC and n % 5 == 0:
                row["type"] = "recommendation"
    if quarter.id == "2019-20-Q4":
        actions = [dict(r) for r in actions]
        for n, row in enumerate(actions):
            if row["status"] == "In progress" and n % 6 == 0:
                row["status"] = "in progress"
            if row["business_group"] == MET_OPS and n % 8 == 0:
                row["business_group"] = "MET OPERATIONS"
            if row["assurance"] == "Limited" and n % 5 == 0:
                row["assurance"] = "limited "
            if row["risk"] == "High" and n % 11 == 0:
                row["risk"] = " High"
    return recs, actions
