"""The portal lined up against the force's own HMICFRS tracker.

The Monitoring Portal records what the inspectorate considers open; the force's own tracker
records what the force has done.  Each quarter the two are reviewed together so that items the
force has finished can be put to the inspectorate for closing.  Every portal recommendation
(type *Recommendation*, as for the open count; areas for improvement are left out) falls in at
most one group:

``ready_to_close``
    open on the portal, ``Evidence submitted`` or ``Complete`` internally: chase the
    inspectorate to close it;
``open_in_progress_internally``
    open on the portal, ``Not started`` or ``In progress`` internally: the two agree;
``not_tracked_internally``
    open on the portal and absent from the own tracker: nobody owns it yet;
``closed_on_portal_open_internally``
    closed on the portal (``Complete`` or ``No further action needed``) but not ``Complete``
    internally: check which record is right.

The first three add up to the open total.  ``not_on_portal`` lists the own tracker's ids that the
portal export does not hold at all (the loader also warns of each).  Rec ids and counts are not
free text, so restricted rows count and are listed like any other.
"""

from __future__ import annotations

import pandas as pd

from analysis.inputs.vocabulary import (
    INTERNAL_COMPLETE,
    INTERNAL_READY_STATUSES,
    REC_OPEN_STATUSES,
    REC_TYPE_RECOMMENDATION,
    TRACKER_COLUMNS,
)

READY_TO_CLOSE = "ready_to_close"
IN_PROGRESS = "open_in_progress_internally"
NOT_TRACKED = "not_tracked_internally"
CLOSED_ON_PORTAL = "closed_on_portal_open_internally"
NOT_ON_PORTAL = "not_on_portal"

OPEN_GROUPS = (READY_TO_CLOSE, IN_PROGRESS, NOT_TRACKED)
"""The groups of the portal's open recommendations: together, the open total."""
GROUPS = (*OPEN_GROUPS, CLOSED_ON_PORTAL, NOT_ON_PORTAL)


def reconcile(recommendations: pd.DataFrame, tracker: pd.DataFrame) -> pd.DataFrame:
    """One row per rec id in a group: ``rec_id``, ``group``, the portal's ``status`` and
    ``marking``, the tracker's ``internal_status``, ``internal_status_date``, ``evidence`` and
    ``tracker_marking`` (blank where the id is absent from that side), in the portal's order
    then the tracker's."""
    portal = recommendations[recommendations["type"].eq(REC_TYPE_RECOMMENDATION)]
    portal = portal[["rec_id", "inspection", "status", "marking"]]
    own = tracker[[c for c in TRACKER_COLUMNS if c != "lead"]]  # the lead is not reconciled
    own = own.rename(columns={"marking": "tracker_marking"})
    both = portal.merge(own, on="rec_id", how="left", validate="one_to_one")

    is_open = both["status"].isin(REC_OPEN_STATUSES)
    tracked = both["internal_status"].notna()
    ready = both["internal_status"].isin(INTERNAL_READY_STATUSES)
    group = pd.Series(pd.NA, index=both.index, dtype="object")
    group[is_open & ready] = READY_TO_CLOSE
    group[is_open & tracked & ~ready] = IN_PROGRESS
    group[is_open & ~tracked] = NOT_TRACKED
    group[~is_open & tracked & both["internal_status"].ne(INTERNAL_COMPLETE)] = CLOSED_ON_PORTAL
    both["group"] = group

    absent = own[~own["rec_id"].isin(recommendations["rec_id"])].copy()
    absent["group"] = NOT_ON_PORTAL
    rows = pd.concat([both[both["group"].notna()], absent], ignore_index=True)
    columns = [
        "rec_id",
        "group",
        "inspection",
        "status",
        "marking",
        "internal_status",
        "internal_status_date",
        "evidence",
        "tracker_marking",
    ]
    return rows.reindex(columns=columns)


def summary(reconciled: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Each group's count and rec ids (in the order of :func:`reconcile`), every group present
    even when empty, for figures.json."""
    return {
        name: {
            "count": int(reconciled["group"].eq(name).sum()),
            "rec_ids": [str(r) for r in reconciled.loc[reconciled["group"].eq(name), "rec_id"]],
        }
        for name in GROUPS
    }
