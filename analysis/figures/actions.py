"""DARA audit actions the panel monitors centrally, and where each stands against its deadline.

The panel does not watch every action: its threshold (``settings.yml``) picks High-risk actions
in any audit and Medium-risk actions in audits graded Limited or No (the rule itself, and the
deadline an action is judged against, are in :mod:`analysis.inputs.monitoring`, which the
loader's warnings share).  Of those, the outstanding
ones (Open, In progress, On hold) are classified once by :func:`classify`, against the
snapshot's ``as_of`` date and report quarter, and every breakdown in the paper is a count over
that one classified frame, so totals and breakdowns cannot disagree.

Every frame returned here has restricted free text already masked (see ``analysis.figures.marking``);
``audit_key`` tells audits apart where two restricted audits both read ``Restricted item``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from analysis.figures.marking import in_restricted_audit, mask_restricted, tally
from analysis.inputs.monitoring import deadline, is_monitored
from analysis.inputs.settings import Settings
from analysis.inputs.vocabulary import (
    AGE_BAND_UPPER_DAYS,
    AGE_BANDS,
    DONE_STATUSES,
    OUTSTANDING_STATUSES,
    RISKS,
)
from analysis.quarters import Quarter

NO_BUSINESS_AREA = "No business area given"
"""Shown for an action whose tracker row leaves ``business_area`` blank."""


# --- which actions ---------------------------------------------------------------------------
def _masked_with_keys(actions: pd.DataFrame, *filters: pd.Series) -> pd.DataFrame:
    """The snapshot's rows that pass each boolean filter in turn, masked.

    Keys and restriction are worked out on the whole snapshot, since whether an audit is
    restricted depends on all its rows, including closed ones that a filter drops; only the
    rows kept are then copied and masked (the outstanding actions are a small part of a
    national tracker).  The filters are applied one after the other, as the callers once
    filtered the masked frame, so the result keeps the very same index.
    """
    titles = sorted(actions["audit_title"].dropna().unique())
    keys = actions["audit_title"].map({t: i for i, t in enumerate(titles)})
    restricted = in_restricted_audit(actions)
    frame = actions
    for keep in filters:
        frame = frame[keep.loc[frame.index]]
    frame = frame.copy()
    frame["audit_key"] = keys.loc[frame.index]
    frame["restricted"] = restricted.loc[frame.index]
    return mask_restricted(frame, restricted=frame["restricted"])


def monitored(actions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Actions the panel monitors centrally, whatever their status."""
    return _masked_with_keys(actions, is_monitored(actions, settings))


def outstanding(actions: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Monitored actions still to be done: Open, In progress or On hold."""
    still_to_do = actions["status"].isin(OUTSTANDING_STATUSES)
    return _masked_with_keys(actions, is_monitored(actions, settings), still_to_do)


def coming_end(quarter: Quarter, settings: Settings) -> dt.date:
    """Last day of "the coming quarters": the end of the N-th quarter after the report's."""
    return quarter.next(settings.coming_quarters).last_day


def age_band(days_past_deadline: pd.Series) -> pd.Series:
    """The ageing band of each overdue action (whole days past its deadline); NA when not overdue."""
    bands = pd.Series(pd.NA, index=days_past_deadline.index)  # object: NA, then band names
    lower = 0
    for band, upper in zip(AGE_BANDS, [*AGE_BAND_UPPER_DAYS, None], strict=True):
        inside = days_past_deadline >= lower
        if upper is not None:
            inside &= days_past_deadline <= upper
            lower = upper + 1
        bands[inside.fillna(False).astype(bool)] = band
    return bands.rename("age_band")


def classify(
    actions: pd.DataFrame, as_of: dt.date, quarter: Quarter, settings: Settings
) -> pd.DataFrame:
    """The outstanding monitored actions, each placed against its deadline.

    Adds ``deadline``, ``deadline_quarter`` (canonical id), ``days_past_deadline`` (as_of minus
    deadline, whole days; negative when still to come), ``is_overdue`` (deadline on or before
    as_of), ``is_due_in_coming`` (deadline after as_of and no later than :func:`coming_end`)
    and ``age_band`` (overdue only), besides ``audit_key`` and ``restricted`` (whether the row's
    audit is restricted).  The input's index is kept so that other per-row results
    (delay reasons) can be joined on it.
    """
    frame = outstanding(actions, settings).copy()
    frame["deadline"] = deadline(frame, settings.deadline_basis)
    frame["deadline_quarter"] = frame["deadline"].map(lambda d: Quarter.of_date(d.date()).id)
    as_of_ts = pd.Timestamp(as_of)
    frame["days_past_deadline"] = (as_of_ts - frame["deadline"]).dt.days.astype(int)
    frame["is_overdue"] = frame["deadline"] <= as_of_ts
    frame["is_due_in_coming"] = (frame["deadline"] > as_of_ts) & (
        frame["deadline"] <= pd.Timestamp(coming_end(quarter, settings))
    )
    frame["age_band"] = age_band(frame["days_past_deadline"].where(frame["is_overdue"]))
    return frame


# --- the classified frame, cut ----------------------------------------------------------------
def overdue(classified: pd.DataFrame) -> pd.DataFrame:
    return classified[classified["is_overdue"]]


def not_yet_due(classified: pd.DataFrame) -> pd.DataFrame:
    return classified[~classified["is_overdue"]]


def due_in_coming(classified: pd.DataFrame) -> pd.DataFrame:
    return classified[classified["is_due_in_coming"]]


def by_risk(frame: pd.DataFrame) -> pd.Series:
    return tally(frame["risk"], RISKS)


def by_business_group(frame: pd.DataFrame) -> pd.Series:
    return tally(frame["business_group"])


def by_business_area(frame: pd.DataFrame) -> pd.Series:
    return tally(business_area(frame))


def by_audit(frame: pd.DataFrame) -> pd.Series:
    """Counts per audit title; restricted audits share the one ``Restricted item`` entry."""
    return tally(frame["audit_title"])


def by_age_band(classified: pd.DataFrame) -> pd.Series:
    return tally(overdue(classified)["age_band"], AGE_BANDS)


def business_area(frame: pd.DataFrame) -> pd.Series:
    return frame["business_area"].astype(object).fillna(NO_BUSINESS_AREA).rename("business_area")


def within(outer: pd.Series, inner: pd.Series) -> dict[str, pd.Series]:
    """Counts of ``inner`` inside each value of ``outer`` (e.g. audits within business groups);
    the outer values come largest first, ties alphabetically."""
    result: dict[str, pd.Series] = {}
    for name in tally(outer).index:
        result[name] = tally(inner[outer == name])
    return result


def by_deadline_quarter(classified: pd.DataFrame) -> pd.DataFrame:
    """Outstanding actions per deadline quarter, split into deadline passed and still to come.

    A quarter can hold both when ``as_of`` falls inside it, so the split is per action rather
    than per quarter.  Rows run chronologically; ``label`` is the panel's quarter label.
    """
    quarters = sorted({Quarter.parse(q) for q in classified["deadline_quarter"].unique()})
    ids = [q.id for q in quarters]
    table = pd.DataFrame(
        {
            "label": [q.label for q in quarters],
            "overdue": overdue(classified)["deadline_quarter"].value_counts(),
            "not_yet_due": not_yet_due(classified)["deadline_quarter"].value_counts(),
        },
        index=pd.Index(ids, name="deadline_quarter"),
    )
    table[["overdue", "not_yet_due"]] = table[["overdue", "not_yet_due"]].fillna(0).astype(int)
    table["outstanding"] = table["overdue"] + table["not_yet_due"]
    return table


def deadline_ranges(classified: pd.DataFrame) -> dict[str, tuple[Quarter, Quarter] | None]:
    """First and last deadline quarter of the overdue actions ("passed") and of those not yet
    due ("future"), as the paper's chart legend states them; None when there are none."""
    table = by_deadline_quarter(classified)
    ranges: dict[str, tuple[Quarter, Quarter] | None] = {}
    for key, column in (("passed", "overdue"), ("future", "not_yet_due")):
        ids = table.index[table[column] > 0]
        ranges[key] = (Quarter.parse(ids[0]), Quarter.parse(ids[-1])) if len(ids) else None
    return ranges


def median_days_past_deadline(classified: pd.DataFrame) -> float | None:
    """Median whole days past deadline of the overdue actions; None when nothing is overdue."""
    days = overdue(classified)["days_past_deadline"]
    return None if days.empty else float(days.median())


# --- completions and extensions ---------------------------------------------------------------
def completed_in_quarter(
    actions: pd.DataFrame, quarter: Quarter, settings: Settings
) -> pd.DataFrame:
    """Monitored actions implemented or closed with a ``completed_date`` inside the quarter.

    An action closed with no completed date cannot be placed in a quarter, so it is not counted
    (the loader warns about it).  ``on_time``: completed on or before its deadline.
    """
    done = actions["status"].isin(DONE_STATUSES) & actions["completed_date"].notna()
    first, last = pd.Timestamp(quarter.first_day), pd.Timestamp(quarter.last_day)
    done &= actions["completed_date"].between(first, last)
    frame = _masked_with_keys(actions, is_monitored(actions, settings), done)
    frame["deadline"] = deadline(frame, settings.deadline_basis)
    frame["on_time"] = frame["completed_date"] <= frame["deadline"]
    return frame


def extensions(history_actions: Sequence[pd.DataFrame]) -> pd.Series:
    """Per action id, how many distinct revised deadlines it has had across the snapshots given
    (blank, then D1, then D2 is two; the same date seen twice is one)."""
    frames = [f[["action_id", "revised_due_date"]] for f in history_actions]
    if not frames:
        return pd.Series(dtype=int, name="extensions")
    every = pd.concat(frames, ignore_index=True)
    counts = every.dropna(subset=["revised_due_date"]).groupby("action_id")["revised_due_date"]
    ids = pd.Index(every["action_id"].unique(), name="action_id")
    return counts.nunique().reindex(ids, fill_value=0).astype(int).rename("extensions")


EXTENSION_KEYS = ("not_extended", "extended_once", "extended_twice", "extended_three_or_more")


def extensions_summary(
    classified: pd.DataFrame, history_actions: Sequence[pd.DataFrame]
) -> dict[str, int]:
    """How many outstanding monitored actions have had their deadline moved 0, 1, 2, 3+ times.

    Only the outstanding actions' revisions are counted: a national history holds over a
    million revised deadlines since records began, nearly all of actions long closed.
    """
    ids = classified["action_id"]
    relevant = [frame[frame["action_id"].isin(ids)] for frame in history_actions]
    counts = extensions(relevant).reindex(ids, fill_value=0)
    capped = counts.clip(upper=3)
    return {key: int((capped == n).sum()) for n, key in enumerate(EXTENSION_KEYS)}
