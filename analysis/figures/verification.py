"""Work reported done but not yet verified: implemented actions awaiting internal audit.

An owner marks an action ``Implemented``; it is not done until internal audit has confirmed it
(the tracker's optional ``verified_date``).  The rules (``docs/rules.md``, "Implemented, awaiting verification"),
over the centrally monitored actions with status ``Implemented`` at the snapshot's ``as_of``:

* implemented this quarter: ``completed_date`` within the report's quarter;
* awaiting verification: no ``verified_date`` on or before ``as_of`` (a date after ``as_of`` is
  a warning from the loader, and the action still awaits verification at ``as_of``);
* awaiting for over 90 days: of those, ``completed_date`` more than 90 days before ``as_of``
  (an action with no ``completed_date`` cannot be dated, so it is not counted here).

The figures exist only for a tracker that has a ``verified_date`` column at all: a tracker that
does not record verification says nothing about it (:func:`records_verification`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from analysis.figures.actions import by_business_group
from analysis.figures.jsonable import as_counts
from analysis.figures.marking import tally
from analysis.inputs.vocabulary import IMPLEMENTED
from analysis.quarters import Quarter

OVER_DAYS = 90
"""Days since implementation after which an unverified action is awaiting "over 90 days"."""


def records_verification(actions: pd.DataFrame) -> bool:
    """Whether the tracker has a ``verified_date`` column (the loader keeps it only then)."""
    return "verified_date" in actions.columns


def implemented(monitored: pd.DataFrame, quarter: Quarter, as_of: dt.date) -> pd.DataFrame:
    """The monitored actions with status Implemented, each with the rules' flags.

    ``monitored`` is :func:`analysis.figures.actions.monitored`'s frame (restricted text masked)
    and must have ``verified_date``.  Adds ``implemented_this_quarter``,
    ``awaiting_verification``, ``days_since_completed`` (whole days, NA without a completed
    date) and ``awaiting_over_90_days``.
    """
    frame = monitored[monitored["status"] == IMPLEMENTED].copy()
    as_of_ts = pd.Timestamp(as_of)
    completed = frame["completed_date"]
    first, last = pd.Timestamp(quarter.first_day), pd.Timestamp(quarter.last_day)
    frame["implemented_this_quarter"] = completed.between(first, last).fillna(False).astype(bool)
    verified = frame["verified_date"].le(as_of_ts).fillna(False).astype(bool)
    frame["awaiting_verification"] = ~verified
    frame["days_since_completed"] = (as_of_ts - completed).dt.days.astype("Int64")
    over = frame["days_since_completed"].gt(OVER_DAYS).fillna(False).astype(bool)
    frame["awaiting_over_90_days"] = frame["awaiting_verification"] & over
    return frame


def awaiting(frame: pd.DataFrame) -> pd.DataFrame:
    """The implemented actions awaiting verification, longest waiting first (then by audit
    and id; those with no completed date last)."""
    waiting = frame[frame["awaiting_verification"]]
    return waiting.sort_values(
        ["days_since_completed", "audit_title", "action_id"],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )


def summary(frame: pd.DataFrame) -> dict[str, Any]:
    """figures.json's ``verification``, the whole section, over :func:`implemented`'s frame: a
    new figure about verification is added here and nowhere else in the record."""
    waiting = frame[frame["awaiting_verification"]]
    over = frame[frame["awaiting_over_90_days"]]
    days = waiting["days_since_completed"].dropna()
    return {
        "implemented_this_quarter": int(frame["implemented_this_quarter"].sum()),
        "awaiting_verification": len(waiting),
        "awaiting_verification_over_90_days": int(frame["awaiting_over_90_days"].sum()),
        "by_business_group": as_counts(tally(waiting["business_group"])),
        "over_90_days_by_business_group": as_counts(by_business_group(over)),
        "oldest_days_awaiting": None if days.empty else int(days.max()),
    }
