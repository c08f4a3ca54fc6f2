"""The headline figures quarter by quarter, so the panel sees direction as well as position.

Each quarter is computed from its own snapshot, its own ``as_of`` and the run's settings, with
exactly the functions that compute a single quarter's paper; a row here therefore always equals
that quarter's figures.json.  Flows (opened, closed, newly outstanding) compare each snapshot
with the one before it in the history and are blank for the first.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.engine import cache
from analysis.figures import deadlines, verification
from analysis.figures.actions import classify, median_days_past_deadline, monitored, outstanding
from analysis.figures.recommendations import (
    movement,
    open_areas_for_improvement,
    open_recommendations,
)
from analysis.inputs.history import History, deadline_columns
from analysis.inputs.settings import Settings
from analysis.inputs.snapshot import Snapshot

COLUMNS = (
    "quarter",
    "label",
    "as_of",
    "open_recommendations",
    "open_areas_for_improvement",
    "outstanding",
    "overdue",
    "not_yet_due",
    "median_days_past_deadline",
    "recommendations_opened",
    "recommendations_closed",
    "actions_newly_outstanding",
    "actions_no_longer_outstanding",
)
FLOWS = COLUMNS[-4:]


def action_flows(
    current: pd.DataFrame, previous: pd.DataFrame, settings: Settings
) -> dict[str, int]:
    """Monitored actions that became outstanding since the previous snapshot, and those that
    stopped being outstanding (done, dropped below the threshold or gone from the tracker)."""
    now = set(outstanding(current, settings)["action_id"])
    before = set(outstanding(previous, settings)["action_id"])
    return {
        "actions_newly_outstanding": len(now - before),
        "actions_no_longer_outstanding": len(before - now),
    }


def quarter_row(
    snapshot: Snapshot, previous: Snapshot | None, settings: Settings
) -> dict[str, object]:
    """One quarter's headline figures; flows are None without a previous snapshot."""
    classified = classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    overdue_count = int(classified["is_overdue"].sum())
    row: dict[str, object] = {
        "quarter": snapshot.quarter.id,
        "label": snapshot.quarter.label,
        "as_of": snapshot.as_of,
        "open_recommendations": len(open_recommendations(snapshot.recommendations)),
        "open_areas_for_improvement": len(open_areas_for_improvement(snapshot.recommendations)),
        "outstanding": len(classified),
        "overdue": overdue_count,
        "not_yet_due": len(classified) - overdue_count,
        "median_days_past_deadline": median_days_past_deadline(classified),
        **dict.fromkeys(FLOWS),
    }
    if previous is not None:
        moved = movement(snapshot.recommendations, previous.recommendations)
        row["recommendations_opened"] = int(moved["opened"].sum())
        row["recommendations_closed"] = int(moved["closed"].sum())
        row.update(action_flows(snapshot.actions, previous.actions, settings))
    return row


def trends(history: Sequence[Snapshot], settings: Settings) -> pd.DataFrame:
    """One row per snapshot, oldest first (``history`` must already be in that order).

    A row depends only on its snapshot, the previous one and the settings, so for snapshots
    straight from the loader it is kept in the disk cache (:mod:`analysis.engine.cache`), under their
    source keys: forty past quarters then cost forty small reads, and no snapshot's frames are
    loaded at all.
    """
    history = History.of(history)
    keys = history.source_keys
    rows = []
    for i in range(len(history)):
        sources = keys[i - 1 : i + 1] if i else keys[:1]
        key = cache.derived_key("trend", sources, settings)

        def row(i: int = i) -> dict[str, object]:
            return quarter_row(history[i], history[i - 1] if i else None, settings)

        rows.append(cache.remembered("trend", key, row))
    return pd.DataFrame(rows, columns=list(COLUMNS))


# --- deadlines that move, and verification, quarter by quarter -----------------------------------
DEADLINE_COLUMNS = (
    "quarter",
    "label",
    "moved",
    "moved_more_than_limit",
    "moved_after_passing",
    "awaiting_verification",
)
"""What :func:`deadline_trends` gives per quarter; ``awaiting_verification`` is <NA> for a
quarter whose tracker has no ``verified_date`` column."""


def deadline_row(history: Sequence[Snapshot], settings: Settings) -> dict[str, object]:
    """The last snapshot's moved-deadline and verification counts, over ``history`` (every
    snapshot up to it, oldest first): exactly that quarter's figures.json ``deadlines`` and
    ``verification`` counts."""
    history = History.of(history)
    snapshot = history[-1]
    classified = classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    found = deadlines.deadline_history(
        deadline_columns(history), history.as_ofs, classified["action_id"]
    )
    limit = settings.deadline_move_limit
    moved = deadlines.with_moves(classified, deadlines.action_moves(found, limit))
    counts = deadlines.summary(moved, limit)
    awaiting = None
    if verification.records_verification(snapshot.actions):
        implemented = verification.implemented(
            monitored(snapshot.actions, settings), snapshot.quarter, snapshot.as_of
        )
        awaiting = verification.summary(implemented)["awaiting_verification"]
    return {
        "quarter": snapshot.quarter.id,
        "label": snapshot.quarter.label,
        **{key: counts[key] for key in deadlines.COUNTS},
        "awaiting_verification": awaiting,
    }


def deadline_trends(history: Sequence[Snapshot], settings: Settings) -> pd.DataFrame:
    """One row per snapshot, oldest first: outstanding actions moved, moved more than the
    limit, moved after passing, and implemented actions awaiting verification.

    Each row reads every snapshot up to its quarter (a deadline's history is the whole
    history), so it is cached under all their source keys; the trends notebook draws it and
    figures.json's ``deadline_trends`` is its rows.  The exploration counts the same per quarter
    from its stacked frames, so that its filters apply
    (:mod:`analysis.presentation.explore_deadlines`; tested equal with no filter).
    """
    history = History.of(history)
    keys = history.source_keys
    rows = []
    for i in range(len(history)):
        key = cache.derived_key("deadline-trend", keys[: i + 1], settings)

        def row(i: int = i) -> dict[str, object]:
            return deadline_row(history[: i + 1], settings)

        rows.append(cache.remembered("trend", key, row))
    table = pd.DataFrame(rows, columns=list(DEADLINE_COLUMNS))
    table["awaiting_verification"] = table["awaiting_verification"].astype("Int64")
    return table
