"""Deadlines that move: each outstanding action's deadline history across the snapshots.

Audit committees press on three things about a deadline: how often it has been moved, whether
it was moved only after it had already passed (a target date is never pushed back quietly), and
how far it has slipped.  The tracker holds only the latest agreed date, so the history comes
from the snapshots: each quarter's folder keeps the tracker as it read then.

The rules (``docs/rules.md``, "Deadlines that move"), over the outstanding monitored actions
of the quarter in focus and the snapshots up to it:

* an action's deadline in a snapshot is its ``revised_due_date``, or its ``due_date`` where that
  is blank; its original due date is the ``due_date`` of the first snapshot it appears in;
* its extensions are the data contract's (distinct non-blank revised dates, counted by
  :func:`analysis.figures.actions.extensions`); ``moved`` is at least one;
* moved more than the limit: more extensions than ``deadline_move_limit`` (settings, default 2);
* moved after passing: between two consecutive snapshots of the history that both show the
  action, its deadline changed and the earlier deadline was on or before the earlier
  snapshot's ``as_of``;
* slip: current deadline minus original due date, in whole days; the median over the moved
  actions is ``statistics.median_low`` (a real action's slip, never a half day).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from analysis.figures.actions import extensions
from analysis.figures.jsonable import as_counts, as_date
from analysis.figures.marking import tally

COUNTS = ("moved", "moved_more_than_limit", "moved_after_passing")
"""The per-group counts of figures.json's ``deadlines.by_business_group``, in that order."""

SLIP_BANDS = ("none or earlier", "up to 3 months", "3-6 months", "6-12 months", "1-2 years")
SLIP_OVER = "over 2 years"
SLIP_BAND_UPPER_DAYS = (0, 91, 182, 365, 730)
"""Inclusive upper bounds in whole days of slip, the ageing bands' months (91, 182, 365, 730
days) so that the two charts read alike; a slip of no days or less (moved earlier, or moved
and moved back) is the first band."""


def deadline_history(
    snapshots: Sequence[pd.DataFrame], as_ofs: Sequence[dt.date], ids: Iterable[str]
) -> pd.DataFrame:
    """The deadlines each of ``ids`` has had, one row per snapshot that shows it.

    ``snapshots`` are the trackers oldest first (at least ``action_id``, ``due_date`` and
    ``revised_due_date``), ``as_ofs`` their dates.  Columns: ``action_id``, ``position`` (the
    snapshot's place in the history, 0 for the oldest), ``as_of``, ``due_date``,
    ``revised_due_date``, ``deadline``; rows by action, then oldest first.
    """
    if len(snapshots) != len(as_ofs):
        raise ValueError("one as_of per snapshot")
    wanted = pd.Index(pd.unique(pd.Series(list(ids), dtype=object)))
    frames = []
    for position, (frame, as_of) in enumerate(zip(snapshots, as_ofs, strict=True)):
        rows = frame.loc[
            frame["action_id"].isin(wanted), ["action_id", "due_date", "revised_due_date"]
        ]
        frames.append(rows.assign(position=position, as_of=pd.Timestamp(as_of)))
    columns = ["action_id", "position", "as_of", "due_date", "revised_due_date", "deadline"]
    if not frames:
        return pd.DataFrame(columns=columns)
    every = pd.concat(frames, ignore_index=True)
    every["deadline"] = every["revised_due_date"].fillna(every["due_date"])
    every = every.sort_values(["action_id", "position"], kind="stable").reset_index(drop=True)
    return every[columns]


MOVE_COLUMNS = (
    "original_due_date",
    "current_deadline",
    "moves",
    "moved",
    "moved_more_than_limit",
    "moved_after_passing",
    "slip_days",
)
"""What :func:`action_moves` says of each action, in order."""


def action_moves(history: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Per action of :func:`deadline_history`, what the rules say of it (index ``action_id``).

    Columns: ``original_due_date``, ``current_deadline`` (its deadline in the latest snapshot
    that shows it, the quarter in focus for an outstanding action), ``moves`` (extensions),
    ``moved``, ``moved_more_than_limit``, ``moved_after_passing`` and ``slip_days``.
    """
    columns = list(MOVE_COLUMNS)
    if history.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="action_id"))
    by_action = history.groupby("action_id", sort=False)
    table = pd.DataFrame(
        {
            "original_due_date": by_action["due_date"].first(),
            "current_deadline": by_action["deadline"].last(),
        }
    )
    per_snapshot = [frame for _, frame in history.groupby("position", sort=True)]
    table["moves"] = extensions(per_snapshot).reindex(table.index, fill_value=0).astype(int)
    table["moved"] = table["moves"] >= 1
    table["moved_more_than_limit"] = table["moves"] > limit
    table["moved_after_passing"] = _after_passing(history).reindex(table.index, fill_value=False)
    table["slip_days"] = (table["current_deadline"] - table["original_due_date"]).dt.days
    table.index.name = "action_id"
    return table[columns]


def _after_passing(history: pd.DataFrame) -> pd.Series:
    """Whether, between two consecutive snapshots both showing the action, its deadline changed
    when the earlier one had already passed (on or before the earlier snapshot's as_of)."""
    following = history.groupby("action_id", sort=False).shift(-1)
    consecutive = following["position"] == history["position"] + 1
    changed = following["deadline"] != history["deadline"]
    passed = history["deadline"] <= history["as_of"]
    late_move = consecutive & changed & passed
    return late_move.groupby(history["action_id"], sort=False).any().astype(bool)


def with_moves(outstanding: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """The outstanding actions (one row each, masked as the paper shows them) with their
    :func:`action_moves` columns; an action missing from ``moves`` has never moved."""
    joined = outstanding.join(moves, on="action_id")
    joined["moves"] = joined["moves"].fillna(0).astype(int)
    for flag in COUNTS:
        joined[flag] = joined[flag].fillna(False).astype(bool)
    return joined


def summary(frame: pd.DataFrame, limit: int) -> dict[str, Any]:
    """figures.json's ``deadlines``, the whole section, over the outstanding actions with their
    moves (:func:`with_moves`): the counts, the median slip of the moved ones (None when none
    moved), the counts per business group (zero counts and empty groups left out), how many were
    moved how often, the slip bands and the actions moved more than the limit.  A new figure
    about moved deadlines is added here and nowhere else in the record."""
    moved = frame[frame["moved"]]
    slips = [int(days) for days in moved["slip_days"]]
    return {
        "limit": int(limit),
        "moved": int(frame["moved"].sum()),
        "moved_more_than_limit": int(frame["moved_more_than_limit"].sum()),
        "moved_after_passing": int(frame["moved_after_passing"].sum()),
        "median_slip_days": statistics.median_low(slips) if slips else None,
        "by_business_group": by_business_group(frame),
        "moved_by_count": as_counts(by_moves(frame)),
        "slip_by_band": as_counts(by_slip_band(frame)),
        "moved_more_than_limit_actions": [
            {
                "audit": str(row["audit_title"]),
                "audit_year": str(row["audit_year"]),
                "business_group": str(row["business_group"]),
                "original_due_date": as_date(row["original_due_date"]),
                "current_deadline": as_date(row["current_deadline"]),
                "moves": int(row["moves"]),
                "moved_after_passing": bool(row["moved_after_passing"]),
                "slip_days": int(row["slip_days"]),
            }
            for row in moved_more_than_limit(frame).to_dict(orient="records")
        ],
    }


def by_business_group(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """The three counts per business group, groups with most moved first (ties by name); a
    group none of whose actions counts is left out."""
    groups: dict[str, dict[str, int]] = {}
    counted = frame[list(COUNTS)].any(axis=1)
    for group in tally(frame.loc[counted, "business_group"]).index:
        rows = frame[frame["business_group"] == group]
        counts = {flag: int(rows[flag].sum()) for flag in COUNTS}
        groups[str(group)] = {flag: n for flag, n in counts.items() if n}
    return groups


def moved_more_than_limit(frame: pd.DataFrame) -> pd.DataFrame:
    """The actions moved more than the limit, most moves first, then by audit and id; text of
    restricted audits already masked by the caller's frame."""
    listed = frame[frame["moved_more_than_limit"]]
    return listed.sort_values(
        ["moves", "audit_title", "action_id"], ascending=[False, True, True], kind="stable"
    )


def slip_band(days: pd.Series) -> pd.Series:
    """The slip band of each number of days (:data:`SLIP_BANDS`, then :data:`SLIP_OVER`)."""
    bands = pd.Series(SLIP_OVER, index=days.index, dtype=object)
    for band, upper in reversed(list(zip(SLIP_BANDS, SLIP_BAND_UPPER_DAYS, strict=True))):
        bands[days <= upper] = band
    return bands.rename("slip_band")


def by_slip_band(frame: pd.DataFrame) -> pd.Series:
    """How many moved actions slipped by how much, in band order."""
    moved = frame[frame["moved"]]
    return tally(slip_band(moved["slip_days"]), (*SLIP_BANDS, SLIP_OVER))


def by_moves(frame: pd.DataFrame) -> pd.Series:
    """How many moved actions have been moved once, twice, ... (keys ``"1"``, ``"2"``, ...)."""
    moved = frame.loc[frame["moved"], "moves"].astype(int)
    order = [str(n) for n in sorted(moved.unique())]
    return tally(moved.astype(str), order)
