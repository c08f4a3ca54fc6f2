"""Audits to bring to the panel's attention, chosen by written rules rather than by judgement.

The seed paper named a handful of audits "we would like to bring to the Panel's attention".
To make that list reproducible, an audit is selected when any of these rules holds for its
outstanding, centrally monitored actions at ``as_of``:

(a) ``most_overdue``: it has the most overdue actions of any audit (every audit tied at the
    top is selected; none when nothing is overdue);
(b) ``over_a_year_overdue``: at least one of its overdue actions is more than a year (365
    days) past its deadline;
(c) ``all_on_hold``: every one of its outstanding actions is On hold;
(d) ``moved_more_than_limit`` (off unless the settings name it): one of its outstanding actions
    has had its deadline moved more than the settings' ``deadline_move_limit`` times
    (:mod:`analysis.figures.deadlines`);
(e) ``awaiting_verification_over_90_days`` (off unless named): one of its actions was reported
    implemented more than 90 days before ``as_of`` and internal audit has not verified it
    (:mod:`analysis.figures.verification`).  The list describes audits by their outstanding
    actions, so an audit with nothing outstanding is left to the verification table.

Rules (d) and (e) read per-row flags the caller adds to the classified frame (columns
``moved_more_than_limit`` and ``awaiting_verification_over_90_days``: the latter true on every
outstanding row of an audit that has such an action); without the columns they select nothing.

Which rules apply, the days that count as long overdue in (b) (365 by default), a cap on the
list and the order it is ranked in are the panel's settings (``attention:`` in settings.yml,
:class:`analysis.inputs.settings.AttentionSettings`).

An audit is identified by its title.  The list has one row per selected audit, restricted
audits reading ``Restricted item`` (each still its own row) and never showing their reason
text.  Rows run: rule (a) first, then in the settings' order (by default most overdue actions
first), then by title; a cap keeps the first rows.  The list names audits and categories
only, never people.
"""

from __future__ import annotations

import pandas as pd

from analysis.inputs.settings import AttentionSettings
from analysis.inputs.vocabulary import ASSURANCES, ON_HOLD, RISKS

MOST_OVERDUE = "most_overdue"
OVER_A_YEAR = "over_a_year_overdue"
ALL_ON_HOLD = "all_on_hold"
MOVED_OVER_LIMIT = "moved_more_than_limit"
AWAITING_VERIFICATION = "awaiting_verification_over_90_days"
RULES = {
    MOST_OVERDUE: "the audit with the most overdue actions",
    OVER_A_YEAR: "an overdue action more than a year past its deadline",
    ALL_ON_HOLD: "all of its outstanding actions are on hold",
    MOVED_OVER_LIMIT: "an outstanding action whose deadline has been moved more than the limit",
    AWAITING_VERIFICATION: "an action reported implemented over 90 days ago and not yet verified",
}
"""Each rule's code (as figures.json records it) and its wording for the paper."""

YEAR_DAYS = 365
"""The long-overdue days the rule (b) was first written with, worded "a year"."""

ORDERS = {
    "most_overdue_actions": "most overdue actions first",
    "longest_overdue": "longest past its deadline first",
    "most_recently_overdue": "shortest time past its deadline first",
}
"""Each ranking the settings may ask for, in words for the paper's method annex."""


def rule_wording(settings: AttentionSettings, move_limit: int | None = None) -> dict[str, str]:
    """The rules the settings apply, each with its wording (the long-overdue days stated, and
    the limit on moved deadlines when given)."""
    days = settings.long_overdue_days
    over = "a year" if days == YEAR_DAYS else f"{days:,} days"
    wording = {**RULES, OVER_A_YEAR: f"an overdue action more than {over} past its deadline"}
    if move_limit is not None:
        times = {1: "once", 2: "twice"}.get(move_limit, f"{move_limit} times")
        wording[MOVED_OVER_LIMIT] = (
            f"an outstanding action whose deadline has been moved more than {times}"
        )
    return {code: wording[code] for code in RULES if code in settings.rules}


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


def attention_list(
    classified: pd.DataFrame, settings: AttentionSettings | None = None
) -> pd.DataFrame:
    """The audits the rules select, one row each (see the module docstring), capped and
    ranked as ``settings`` say (default: every rule, 365 days, no cap).

    ``classified`` is :func:`analysis.figures.actions.classify`'s frame with a ``reason`` column
    (:func:`analysis.figures.delays.with_reasons`).  ``reason_categories`` lists the delay categories
    of the audit's overdue actions, most common first (of all its outstanding actions when none
    is overdue, as for an audit on hold); ``common_reason`` is the most common reason text
    among those actions, None for a restricted audit.

    Every field is a grouped count or extreme over the whole frame at once: a national tracker
    selects thousands of audits, and describing them one sub-frame at a time took seconds.
    """
    table = selected_audits(classified, settings)
    limit = (settings or AttentionSettings()).limit
    return table if limit is None else table.head(limit).reset_index(drop=True)


def selected_audits(
    classified: pd.DataFrame, settings: AttentionSettings | None = None
) -> pd.DataFrame:
    """Every audit the settings' rules select, ranked, before any cap."""
    settings = settings or AttentionSettings()
    if classified.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    # Rows without an audit key (no title) belong to no audit and can meet no rule.  A fresh
    # index, so that the grouped columns below line up row for row whatever the input's.
    frame = classified[classified["audit_key"].notna()].reset_index(drop=True)
    keys = frame["audit_key"]
    late_rows = frame["is_overdue"].astype(bool)
    late_count = late_rows.groupby(keys).sum()
    top = late_count.max()  # NaN when no audit at all: no audit to select then either
    oldest = frame.loc[late_rows, "days_past_deadline"].groupby(keys[late_rows]).max()
    oldest = oldest.reindex(late_count.index)
    rules = pd.DataFrame(
        {
            MOST_OVERDUE: (late_count == top) & (top > 0),
            OVER_A_YEAR: oldest.gt(settings.long_overdue_days),
            ALL_ON_HOLD: frame["status"].eq(ON_HOLD).groupby(keys).all(),
            MOVED_OVER_LIMIT: _flag(frame, MOVED_OVER_LIMIT).groupby(keys).any(),
            AWAITING_VERIFICATION: _flag(frame, AWAITING_VERIFICATION).groupby(keys).any(),
        }
    )
    for code in RULES:
        if code not in settings.rules:
            rules[code] = False
    selected = rules.index[rules.any(axis=1)]
    if selected.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    chosen = frame[keys.isin(selected)]
    table = _described(chosen, late_count[selected], oldest[selected], rules.loc[selected])
    table["oldest_days_past_deadline"] = table["oldest_days_past_deadline"].astype("Int64")
    table["_first"] = ~table["rules"].map(lambda r: MOST_OVERDUE in r)
    if settings.order == "most_overdue_actions":
        rank, ascending = "overdue", False
    else:
        # Audits with nothing overdue (on hold before their deadline) have no days past it:
        # sort_values puts them after the others whichever way the days run.
        rank = "oldest_days_past_deadline"
        ascending = settings.order == "most_recently_overdue"
    table = table.sort_values(
        ["_first", rank, "audit", "audit_key"], ascending=[True, ascending, True, True]
    )
    return table[list(COLUMNS)].reset_index(drop=True)


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A per-row flag the caller added, false everywhere when it did not add it."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna(False).astype(bool)


def _described(
    chosen: pd.DataFrame, late_count: pd.Series, oldest: pd.Series, rules: pd.DataFrame
) -> pd.DataFrame:
    """One row per audit of ``chosen`` (the selected audits' rows), in ``rules``' order of
    audit keys, built as a table of plain values so that each column's dtype is inferred
    exactly as for a table of per-audit records.

    ``rules``, ``late_count`` and ``oldest`` are indexed by the selected keys, sorted, and a
    count grouped by ``chosen``'s keys has the same index (groupby sorts): those line up as
    they are.  The risks of monitored rows are never blank, and ``restricted`` is a flag."""
    keys = chosen["audit_key"]
    order = rules.index
    late = chosen["is_overdue"].astype(bool)
    # The actions that explain an audit's delay: its overdue ones, or all when none is.
    explained = chosen[late | keys.map(late_count).eq(0)]
    restricted = chosen["restricted"].groupby(keys).any()
    first_rows = chosen.drop_duplicates("audit_key").set_index("audit_key")
    risk_counts = {risk: chosen["risk"].eq(risk).astype(int).groupby(keys).sum() for risk in RISKS}
    reasons = explained.loc[~explained["audit_key"].map(restricted), ["audit_key"]].assign(
        text=explained["delay_reason"].astype(object).map(_stripped)
    )
    columns: dict[str, list[object]] = {
        "audit": first_rows["audit_title"].reindex(order).tolist(),
        "audit_year": _joined(_distinct(chosen, "audit_year"), order),
        "assurance": _joined(_in_vocabulary(chosen, "assurance", ASSURANCES), order),
        "business_group": _joined(_ranked(chosen, "business_group"), order),
        "outstanding": keys.groupby(keys).size().tolist(),
        "overdue": late_count.tolist(),
        **{risk: counts.tolist() for risk, counts in risk_counts.items()},
        "earliest_deadline": chosen["deadline"].groupby(keys).min().tolist(),
        "oldest_days_past_deadline": [None if pd.isna(days) else int(days) for days in oldest],
        "rules": [[r for r in RULES if row[r]] for row in rules.to_dict("records")],
        "reason_categories": _lists(_ranked(explained, "reason"), order),
        "common_reason": _first(_ranked(reasons[reasons["text"] != ""], "text"), order),
        "audit_key": order.tolist(),
    }
    return pd.DataFrame(list(zip(*columns.values(), strict=True)), columns=list(columns))


def _stripped(text: object) -> object:
    return text.strip() if isinstance(text, str) else text


def _ranked(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each audit's values of ``column`` with their counts, most common first within the audit,
    ties alphabetically: :func:`analysis.figures.marking.tally`'s order, for every audit at once
    (the audits' rows mingled: :func:`_lists` and :func:`_first` gather them by key)."""
    values = frame[column].dropna()
    counted = (
        pd.DataFrame(
            {"audit_key": frame.loc[values.index, "audit_key"], "value": values.astype(str)}
        )
        .value_counts()
        .rename("count")
        .reset_index()
    )
    return counted.sort_values(["count", "value"], ascending=[False, True])


def _distinct(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Each audit's distinct values of ``column`` (blanks left out), sorted."""
    values = frame[["audit_key", column]].dropna().drop_duplicates()
    return values.rename(columns={column: "value"}).sort_values(["audit_key", "value"])


def _in_vocabulary(frame: pd.DataFrame, column: str, vocabulary: tuple[str, ...]) -> pd.DataFrame:
    """Each audit's values of ``column`` that the vocabulary knows, in the vocabulary's order."""
    rank = {name: position for position, name in enumerate(vocabulary)}
    values = frame[["audit_key", column]].drop_duplicates()
    values = values.assign(rank=values[column].map(rank)).dropna(subset=["rank"])
    return values.rename(columns={column: "value"}).sort_values(["audit_key", "rank"])


def _lists(ordered: pd.DataFrame, order: pd.Index) -> list[list[str]]:
    """``ordered``'s values gathered per audit key (in their row order), one list per key of
    ``order``; an audit with none gets an empty list."""
    gathered: dict[object, list[str]] = {}
    for key, value in zip(ordered["audit_key"].tolist(), ordered["value"].tolist(), strict=True):
        gathered.setdefault(key, []).append(value)
    return [gathered.get(key, []) for key in order]


def _joined(ordered: pd.DataFrame, order: pd.Index) -> list[str]:
    return [", ".join(values) for values in _lists(ordered, order)]


def _first(ordered: pd.DataFrame, order: pd.Index) -> list[str | None]:
    top = ordered.drop_duplicates("audit_key").set_index("audit_key")["value"]
    return [None if pd.isna(value) else value for value in top.reindex(order).tolist()]
