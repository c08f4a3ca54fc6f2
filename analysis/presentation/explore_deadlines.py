"""Deadlines that move and work awaiting verification, for the exploration.

An analyst asked "which audits have had their deadlines moved more than twice?" needs the
paper's deadline history (:mod:`analysis.figures.deadlines`) and verification rules
(:mod:`analysis.figures.verification`) for every quarter up to the one in focus, cut by the
exploration's filters.  The functions here work on the exploration's stacked frames: each
quarter's outstanding actions carry their moves over the snapshots up to that quarter
(:func:`with_moves`), and each quarter's Implemented actions their verification flags
(:func:`implemented_actions`).  Nothing is counted differently from the paper: with no filter,
a quarter's counts here are its figures.json ``deadlines`` and ``verification``, and
:func:`analysis.figures.trends.deadline_trends`' row.

Restricted free text is masked per snapshot before stacking (the frames come from
:func:`analysis.figures.actions.classify` and :func:`analysis.figures.actions.monitored`), so
the audit of a restricted action reads ``Restricted item`` here exactly as in the paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from analysis.figures import actions as act
from analysis.figures import deadlines, themes, verification
from analysis.inputs.settings import Settings
from analysis.inputs.snapshot import Snapshot
from analysis.presentation.paper_deadlines import times
from analysis.quarters import Quarter

QUARTER = "quarter"
LABEL = "label"
SERIES = "series"
VALUE = "value"

MOVE_COLUMNS = deadlines.MOVE_COLUMNS
"""What :func:`analysis.figures.deadlines.action_moves` says of each outstanding action."""

COUNT_COLUMNS = (*deadlines.COUNTS, "awaiting_verification")
"""What :func:`deadline_counts` gives per quarter, as :func:`analysis.figures.trends.deadline_trends`
names it."""


def series_names(limit: int) -> dict[str, str]:
    """Each count's series name in the chart, as the paper's trend table heads them."""
    return {
        "moved": "Deadline moved",
        "moved_more_than_limit": f"Moved more than {times(limit)}",
        "moved_after_passing": "Moved after it had passed",
        "awaiting_verification": "Awaiting verification",
    }


# --- stacking -------------------------------------------------------------------------------------
def with_moves(
    classified: pd.DataFrame,
    dated: Sequence[pd.DataFrame],
    as_ofs: Sequence[dt.date],
    limit: int,
) -> pd.DataFrame:
    """One snapshot's outstanding actions (``classified``, the last of ``dated``) with their
    moves over the snapshots up to it (:data:`MOVE_COLUMNS`), computed as
    :func:`analysis.figures.record.moved_deadlines` computes figures.json's ``deadlines``:
    ``dated`` are each snapshot's agreed dates oldest first
    (:func:`analysis.inputs.history.deadline_columns`), ``as_ofs`` their dates."""
    found = deadlines.deadline_history(dated, as_ofs, classified["action_id"])
    return deadlines.with_moves(classified, deadlines.action_moves(found, limit))


def implemented_actions(
    history: Sequence[Snapshot],
    settings: Settings,
    theme_rules: Sequence[themes.ThemeRule],
) -> tuple[pd.DataFrame, list[str]]:
    """Every snapshot's monitored Implemented actions with the verification rules' flags
    (:func:`analysis.figures.verification.implemented`, masked) and their ``subject`` theme,
    stacked oldest first with ``quarter`` and ``label``; and the ids of the quarters whose
    tracker records verification at all (the others say nothing about it)."""
    frames = []
    recorded = []
    for snapshot in history:
        if not verification.records_verification(snapshot.actions):
            continue
        recorded.append(snapshot.quarter.id)
        monitored = act.monitored(snapshot.actions, settings)
        frame = verification.implemented(monitored, snapshot.quarter, snapshot.as_of)
        frame = themes.themed_actions(frame, snapshot.actions, theme_rules)
        frame.insert(0, LABEL, snapshot.quarter.label)
        frame.insert(0, QUARTER, snapshot.quarter.id)
        frames.append(frame)
    if not frames:
        return no_implemented_actions(), recorded
    return pd.concat(frames, ignore_index=True), recorded


def no_implemented_actions() -> pd.DataFrame:
    """:func:`implemented_actions`' frame with no rows (no quarter recorded verification)."""
    columns = [QUARTER, LABEL, "business_group", "risk", "audit_title", themes.SUBJECT]
    empty = pd.DataFrame(columns=[*columns, "awaiting_verification"])
    empty["awaiting_verification"] = empty["awaiting_verification"].astype(bool)
    return empty


# --- what the exploration shows -----------------------------------------------------------------
def deadline_counts(
    actions: pd.DataFrame,
    implemented: pd.DataFrame,
    quarters: Sequence[Quarter],
    recorded: Sequence[str],
) -> pd.DataFrame:
    """Per quarter of ``quarters``, of whatever rows survived the filters: outstanding actions
    whose deadline moved, moved more than the limit, moved after it had passed (``actions``:
    the stacked outstanding actions with their moves), and Implemented actions awaiting
    verification (``implemented``: :func:`implemented_actions`' rows), <NA> in a quarter whose
    tracker did not record verification (``recorded`` lists those that did).  Unfiltered, a row
    equals :func:`analysis.figures.trends.deadline_trends`' row for its quarter."""
    ids = [q.id for q in quarters]
    table = pd.DataFrame({LABEL: [q.label for q in quarters]}, index=pd.Index(ids, name=QUARTER))
    for flag in deadlines.COUNTS:
        rows = actions[actions[flag].astype(bool)]
        table[flag] = rows[QUARTER].value_counts().reindex(ids, fill_value=0).astype(int)
    waiting = implemented[implemented["awaiting_verification"].astype(bool)]
    awaiting = waiting[QUARTER].value_counts().reindex(ids, fill_value=0).astype("Int64")
    table["awaiting_verification"] = awaiting.where(
        pd.Series(ids, index=ids).isin(set(recorded)), pd.NA
    )
    return table.reset_index()


def deadline_series(counts: pd.DataFrame, limit: int) -> pd.DataFrame:
    """:func:`deadline_counts` long for a chart: one row per quarter and series (``quarter``,
    ``label``, ``series``, ``value``), named by :func:`series_names`; a quarter that did not
    record verification has no point for it (a gap, not a zero)."""
    names = series_names(limit)
    frame = counts.melt(
        id_vars=[QUARTER, LABEL], value_vars=list(names), var_name=SERIES, value_name=VALUE
    )
    frame = frame[frame[VALUE].notna()].copy()
    frame[SERIES] = frame[SERIES].map(names)
    frame[VALUE] = frame[VALUE].astype(int)
    return frame.reset_index(drop=True)


MOVED_OVER_LIMIT_COLUMNS = (
    "Action",
    "Audit",
    "Business group",
    "Original deadline",
    "Current deadline",
    "Times moved",
    "Moved after it had passed",
)


def moved_over_limit(actions_now: pd.DataFrame) -> pd.DataFrame:
    """The focus quarter's outstanding actions moved more than the limit, as the paper lists
    them (:func:`analysis.figures.deadlines.moved_more_than_limit`: most moves first, then by
    audit and id; a restricted audit reads ``Restricted item``), with the action's id so the
    analyst can find it in the tracker."""
    listed = deadlines.moved_more_than_limit(actions_now)
    if listed.empty:
        return pd.DataFrame(columns=list(MOVED_OVER_LIMIT_COLUMNS))
    return pd.DataFrame(
        {
            "Action": listed["action_id"].astype(str),
            "Audit": listed["audit_title"].astype(str),
            "Business group": listed["business_group"].astype(str),
            "Original deadline": listed["original_due_date"].dt.date,
            "Current deadline": listed["current_deadline"].dt.date,
            "Times moved": listed["moves"].astype(int),
            "Moved after it had passed": listed["moved_after_passing"].map(
                {True: "yes", False: "no"}
            ),
        },
        columns=list(MOVED_OVER_LIMIT_COLUMNS),
    ).reset_index(drop=True)
