"""The panel's rule for which actions it monitors and when one is overdue, stated once.

The panel's threshold (``settings.yml``) picks the actions it monitors centrally; of those,
an outstanding one (Open, In progress, On hold) is overdue once its deadline (the audit
report's date, or the latest agreed one, as ``deadline_basis`` says) is on or before the
snapshot's ``as_of``.  Two places apply the rule: :mod:`analysis.figures.actions`, which
counts the overdue actions for the paper, and the loader's warnings
(:mod:`analysis.inputs.row_warnings`), which names each overdue action without a delay
reason.  The loader sits below the figures and may not import them, so the rule lives here,
where both can reach it, rather than in two copies that could drift apart.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analysis.inputs.settings import DeadlineBasis, Settings
from analysis.inputs.vocabulary import OUTSTANDING_STATUSES


def is_monitored(actions: pd.DataFrame, settings: Settings) -> pd.Series:
    """Rows that meet the panel's threshold (risk against the audit's assurance).

    Which pair of risk and assurance is monitored is :meth:`Settings.is_monitored`, the one
    statement of the threshold; here it is asked once per distinct pair (a handful even in a
    national tracker) and the answer spread over the rows.  A row missing either is not
    monitored.
    """
    pairs = pd.MultiIndex.from_frame(actions[["risk", "assurance"]].astype(object))
    chosen = [
        pair
        for pair in pairs.unique()
        if all(isinstance(part, str) for part in pair) and settings.is_monitored(*pair)
    ]
    return pd.Series(pairs.isin(chosen), index=actions.index)  # isin: an array of bools


def deadline(actions: pd.DataFrame, basis: DeadlineBasis) -> pd.Series:
    """The date an action is judged against: the audit report's date, or the latest agreed one."""
    if basis == "original":
        return actions["due_date"].rename("deadline")
    if basis == "revised":
        return actions["revised_due_date"].fillna(actions["due_date"]).rename("deadline")
    raise ValueError(f"deadline basis must be 'original' or 'revised', not {basis!r}")


def is_overdue(actions: pd.DataFrame, as_of: dt.date, settings: Settings) -> pd.Series:
    """Rows the panel counts as overdue at ``as_of``: monitored, outstanding, and with the
    deadline on or before that day."""
    outstanding = actions["status"].isin(OUTSTANDING_STATUSES)
    due = deadline(actions, settings.deadline_basis) <= pd.Timestamp(as_of)
    return (is_monitored(actions, settings) & outstanding & due).rename("is_overdue")
