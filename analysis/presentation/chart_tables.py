"""The numbers behind the paper's charts, as tables for its chart-data annex.

The Analysis Function asks that a chart's data be available as text too.  Of the three ways
(a disclosure under each chart in the HTML, a CSV file published beside the paper, an annex
table), the annex is the one that works the same in both renderers and in all three formats
with nothing new to render, publish or link: it is an ordinary captioned table, drawn by the
machinery every other table uses, and it stays with the paper when the paper travels alone
(the HTML is often mailed on its own, where a link to a CSV beside it would lead nowhere).
Only the charts whose numbers no other table of the paper gives have one: Figures 1, 2, 3 and
the theme trends.  Each table is built from the very DataFrame its chart is drawn from.
"""

from __future__ import annotations

import pandas as pd

from analysis.presentation.tables import with_total


def groups_data_table(
    counts: pd.DataFrame, *, group: str = "business_group", item: str = "business_area"
) -> pd.DataFrame:
    """Business group, business area, outstanding actions; the total last."""
    rows = pd.DataFrame(
        {
            "Business group": counts[group].astype(str).tolist(),
            "Business area": counts[item].astype(str).tolist(),
            "Outstanding actions": [int(v) for v in counts["count"]],
        }
    )
    return with_total(rows, {"Outstanding actions": int(counts["count"].sum())})


def deadlines_data_table(by_quarter: pd.DataFrame) -> pd.DataFrame:
    """Quarter of the deadline, passed, still to come; the total last."""
    rows = pd.DataFrame(
        {
            "Quarter of the deadline": by_quarter["label"].astype(str).tolist(),
            "Deadline passed": [int(v) for v in by_quarter["overdue"]],
            "Deadline still to come": [int(v) for v in by_quarter["not_yet_due"]],
        }
    )
    return with_total(
        rows,
        {
            "Deadline passed": int(by_quarter["overdue"].sum()),
            "Deadline still to come": int(by_quarter["not_yet_due"].sum()),
        },
    )


def age_bands_data_table(bands: pd.DataFrame) -> pd.DataFrame:
    """Time past the deadline, overdue actions; the total last."""
    rows = pd.DataFrame(
        {
            "Time past the deadline": bands["band"].astype(str).tolist(),
            "Overdue actions": [int(v) for v in bands["count"]],
        }
    )
    return with_total(rows, {"Overdue actions": int(bands["count"].sum())})


def category_trends_data_table(table: pd.DataFrame, *, first: str = "Theme") -> pd.DataFrame:
    """One row per category, one column per quarter (quarters across, so that nine themes
    over five or more quarters fit the page)."""
    columns = [c for c in table.columns if c not in ("quarter", "label")]
    labels = table["label"].astype(str).tolist()
    return pd.DataFrame(
        [
            {first: str(c), **{label: int(v) for label, v in zip(labels, table[c], strict=True)}}
            for c in columns
        ],
        columns=[first, *labels],
    )
