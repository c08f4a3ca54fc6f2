"""Each quarter's ``snapshot.yml``: its as-of date, the date the panel sits, the panel, the
marking, the authors and the contact."""

from __future__ import annotations

import datetime as dt

from analysis.quarters import Quarter

from .common import LAST, OFFICIAL, SEED, _days


def panel_date(quarter: Quarter) -> dt.date:
    """The fourth Tuesday of the last month of the following quarter, when the panel sits;
    in December it meets a fortnight earlier, clear of the holidays."""
    first = quarter.next().last_day.replace(day=1)
    first_tuesday = first + _days((1 - first.weekday()) % 7)
    return first_tuesday + _days(7 if first.month == 12 else 21)


def snapshot_meta(quarter: Quarter) -> dict[str, object]:
    if quarter < SEED:
        authors = ["Harriet Osei", "Martin Ashdown"]
    elif quarter < LAST:
        authors = ["Harriet Osei", "Daniel Whitcombe"]
    else:
        authors = ["Daniel Whitcombe"]
    return {
        "as_of": quarter.last_day,
        "panel_date": panel_date(quarter),
        "panel": "Audit Panel",
        "marking": OFFICIAL,
        "authors": authors,
        "contact": "Inspection and Audit Liaison Team, Corporate Strategy (assurance.liaison@example.org)",
    }
