"""HMICFRS recommendations the force still has to act on, and how that list moved this quarter.

Only the portal's Recommendations count as "open recommendations"; Areas for improvement are a
lighter finding the panel tracks apart, so they are counted separately and never added in.
Movement compares this quarter's snapshot with the previous one by ``rec_id``, because the
portal is overwritten in place and the snapshots are the only memory of what was open before.
"""

from __future__ import annotations

import pandas as pd

from analysis.figures.marking import mask_restricted, tally
from analysis.inputs.vocabulary import (
    KNOWN_THEMES,
    REC_OPEN_STATUSES,
    REC_TYPE_AFI,
    REC_TYPE_RECOMMENDATION,
)

MOVEMENT_COLUMNS = ("opened", "closed", "still_open", "new_theme")


def _open_of_type(recommendations: pd.DataFrame, rec_type: str) -> pd.DataFrame:
    keep = recommendations["type"].eq(rec_type) & recommendations["status"].isin(REC_OPEN_STATUSES)
    return mask_restricted(recommendations[keep.fillna(False).astype(bool)])


def open_recommendations(recommendations: pd.DataFrame) -> pd.DataFrame:
    """Recommendations awaiting review or being progressed (restricted text masked)."""
    return _open_of_type(recommendations, REC_TYPE_RECOMMENDATION)


def open_areas_for_improvement(recommendations: pd.DataFrame) -> pd.DataFrame:
    """Open Areas for improvement, kept apart from the recommendation count."""
    return _open_of_type(recommendations, REC_TYPE_AFI)


def open_by_theme(recommendations: pd.DataFrame) -> pd.Series:
    """Open recommendations per theme, in the portal's theme order, then any other themes."""
    return tally(open_recommendations(recommendations)["theme"], KNOWN_THEMES)


def open_by_programme(recommendations: pd.DataFrame) -> pd.Series:
    """Open recommendations that belong to a sub-programme (e.g. NCPI), per programme."""
    return tally(open_recommendations(recommendations)["programme"])


def movement(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Per theme: recommendations opened, closed and still open since the previous snapshot.

    Opened: open now but not open before (a new id, or one reopened).  Closed: open before but
    not open now, including an id that has vanished from the portal.  A closed recommendation
    counts under the theme it had when it was last open; the others under today's theme.
    ``new_theme`` marks a theme with open recommendations now and none at the previous snapshot.
    The index is the theme, ordered like :func:`open_by_theme`.
    """
    now = open_recommendations(current).set_index("rec_id")["theme"]
    before = open_recommendations(previous).set_index("rec_id")["theme"]
    opened = now[~now.index.isin(before.index)]
    still_open = now[now.index.isin(before.index)]
    closed = before[~before.index.isin(now.index)]
    table = pd.DataFrame(
        {
            "opened": opened.value_counts(),
            "closed": closed.value_counts(),
            "still_open": still_open.value_counts(),
        }
    )
    table = table.fillna(0).astype(int)
    table["new_theme"] = table.index.isin(now.values) & ~table.index.isin(before.values)
    order = list(tally(pd.concat([now, closed]), KNOWN_THEMES).index)
    table = table.reindex(order)
    table.index.name = "theme"
    return table[list(MOVEMENT_COLUMNS)]
