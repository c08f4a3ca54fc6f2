"""Audits to bring to the panel's attention, chosen by written rules rather than by judgement.

The seed paper named a handful of audits "we would like to bring to the Panel's attention".
To make that list reproducible, an audit is selected when any of these rules holds for its
outstanding, centrally monitored actions at ``as_of``:

(a) ``most_overdue``: it has the most overdue actions of any audit (every audit tied at the
    top is selected; none when nothing is overdue);
(b) ``over_a_year_overdue``: at least one of its overdue actions is more than a year (365
    days) past its deadline;
(c) ``all_on_hold``: every one of its outstanding actions is On hold.

An audit is identified by its title.  The list has one row per selected audit, restricted
audits reading ``Restricted item`` (each still its own row) and never showing their reason
text.  Rows run: rule (a) first, then most overdue actions first, then by title.  The list
names audits and categories only, never people.
"""

from __future__ import annotations

import pandas as pd

from analysis.actions import overdue
from analysis.marking import tally
from analysis.vocabulary import ASSURANCES, ON_HOLD, RISKS

MOST_OVERDUE = "most_overdue"
OVER_A_YEAR = "over_a_year_overdue"
ALL_ON_HOLD = "all_on_hold"
RULES = {
    MOST_OVERDUE: "the audit with the most overdue actions",
    OVER_A_YEAR: "an overdue action more than a year past its deadline",
    ALL_ON_HOLD: "all of its outstanding actions are on hold",
}
"""Each rule's code (as figures.json records it) and its wording for the paper."""

YEAR_DAYS = 365
"""``On hold``: the vocabulary names it only within the outstanding statuses."""

COLUMNS = (
    "audit",
    "audit_year",
    "assurance",
    "business_group",
    "outstanding",
    "overdue",
    *RISKS,
    "earliest_deadline",
    "oldest_days_past_deadline",
    "rules",
    "reason_categories",
    "common_reason",
)


def attention_list(classified: pd.DataFrame) -> pd.DataFrame:
    """The audits the rules select, one row each (see the module docstring).

    ``classified`` is :func:`analysis.actions.classify`'s frame with a ``reason`` column
    (:func:`analysis.delays.with_reasons`).  ``reason_categories`` lists the delay categories
    of the audit's overdue actions, most common first (of all its outstanding actions when none
    is overdue, as for an audit on hold); ``common_reason`` is the most common reason text
    among those actions, None for a restricted audit.
    """
    if classified.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    late = overdue(classified)
    # Each rule is worked out for every audit at once; only the audits it selects are then
    # described one by one (a national tracker has thousands of audits).
    keys = classified["audit_key"]
    late_count = late.groupby("audit_key").size().reindex(keys.unique(), fill_value=0)
    top = late_count.max() if len(late_count) else 0
    oldest = late.groupby("audit_key")["days_past_deadline"].max()
    on_hold = classified["status"].eq(ON_HOLD).groupby(keys).all()
    late_by_audit = dict(tuple(late.groupby("audit_key", sort=False)))
    rows = []
    for key, audit in classified.groupby("audit_key", sort=True):
        rules = []
        if top > 0 and late_count[key] == top:
            rules.append(MOST_OVERDUE)
        if oldest.get(key, 0) > YEAR_DAYS:
            rules.append(OVER_A_YEAR)
        if on_hold[key]:
            rules.append(ALL_ON_HOLD)
        if rules:
            rows.append(_describe(audit, late_by_audit.get(key, late.iloc[0:0]), rules))
    table = pd.DataFrame(rows, columns=[*COLUMNS, "audit_key"])
    if table.empty:
        return table[list(COLUMNS)]
    table["oldest_days_past_deadline"] = table["oldest_days_past_deadline"].astype("Int64")
    table["_first"] = ~table["rules"].map(lambda r: MOST_OVERDUE in r)
    table = table.sort_values(
        ["_first", "overdue", "audit", "audit_key"], ascending=[True, False, True, True]
    )
    return table[list(COLUMNS)].reset_index(drop=True)


def _describe(audit: pd.DataFrame, audit_late: pd.DataFrame, rules: list[str]) -> dict[str, object]:
    explained = audit_late if len(audit_late) else audit
    restricted = bool(audit["restricted"].any())
    risks = tally(audit["risk"], RISKS)
    row: dict[str, object] = {
        "audit": audit["audit_title"].iloc[0],
        "audit_key": audit["audit_key"].iloc[0],
        "audit_year": ", ".join(sorted(audit["audit_year"].dropna().unique())),
        "assurance": ", ".join(a for a in ASSURANCES if a in set(audit["assurance"])),
        "business_group": ", ".join(tally(audit["business_group"]).index),
        "outstanding": len(audit),
        "overdue": len(audit_late),
        **{risk: int(risks.get(risk, 0)) for risk in RISKS},
        "earliest_deadline": audit["deadline"].min(),
        "oldest_days_past_deadline": (
            int(audit_late["days_past_deadline"].max()) if len(audit_late) else None
        ),
        "rules": rules,
        "reason_categories": list(tally(explained["reason"]).index),
        "common_reason": None if restricted else _most_common(explained["delay_reason"]),
    }
    return row


def _most_common(texts: pd.Series) -> str | None:
    counts = tally(texts.astype(object).map(lambda t: t.strip() if isinstance(t, str) else t))
    counts = counts[counts.index != ""]
    return None if counts.empty else str(counts.index[0])
