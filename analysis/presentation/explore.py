"""Every quarter at once, for an analyst exploring in JupyterLab rather than writing the paper.

The paper looks at one quarter; an analyst asked "is Professionalism getting better?" needs
the same classified rows for every snapshot side by side, cut by any group, risk, theme or
audit, and the individual actions behind each number.  This module stacks each snapshot's
frames exactly as the paper computes them (:func:`analysis.figures.actions.classify`, the delay
categories of :mod:`analysis.figures.delays`, the open tests of :mod:`analysis.figures.recommendations`) and
adds a ``quarter`` column, so a count here for one quarter always equals that quarter's paper.

Restricted free text is masked before stacking, per snapshot, because whether an audit is
restricted depends on all of that snapshot's rows: a filter applied first could drop the one
OFFICIAL-SENSITIVE row that hides a title.  Filtering on a restricted title's real wording
therefore finds nothing, and the frames here are safe to show anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.figures import actions as act
from analysis.figures import delays, recommendations, themes
from analysis.figures.marking import mask_restricted, tally
from analysis.inputs.history import load_history
from analysis.inputs.settings import Settings, load_settings
from analysis.inputs.snapshots import Snapshot, latest_quarter
from analysis.inputs.vocabulary import KNOWN_THEMES, RISKS
from analysis.presentation.markup import literal
from analysis.quarters import Quarter

QUARTER = "quarter"
LABEL = "label"
AS_OF = "as_of"

Choice = str | Iterable[str] | None
"""A filter value: one value, several, or None for no filter (case and spacing ignored)."""

ACTION_VIEWS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "outstanding": lambda frame: frame,
    "overdue": act.overdue,
    "not_yet_due": act.not_yet_due,
    "due_in_coming": act.due_in_coming,
}
"""Which outstanding actions a drill-down shows, by the paper's own cuts."""

RECOMMENDATION_VIEWS: dict[str, str | None] = {
    "open": "is_open_recommendation",
    "areas_for_improvement": "is_open_area_for_improvement",
    "all": None,
}

ACTION_DETAIL_COLUMNS = (
    QUARTER,
    "action_id",
    "audit_title",
    "audit_year",
    "assurance",
    "risk",
    "business_group",
    "business_area",
    "status",
    "deadline",
    "days_past_deadline",
    "age_band",
    "reason",
    "delay_reason",
    "subject",
    "action",
    "owner",
    "source_row",
)
RECOMMENDATION_DETAIL_COLUMNS = (
    QUARTER,
    "rec_id",
    "inspection",
    "title",
    "theme",
    "subject",
    "programme",
    "type",
    "status",
    "published",
    "status_date",
    "lead",
    "source_row",
)

THEME_ORDER = tuple(themes.names(themes.load_rules()))
"""The packaged taxonomy's order, for listing the ``subject`` values a filter can take."""

OVERDUE = "Deadline passed"
NOT_YET_DUE = "Deadline still to come"


# --- stacking ---------------------------------------------------------------------------------
def _stamp(frame: pd.DataFrame, snapshot: Snapshot) -> pd.DataFrame:
    frame = frame.copy()
    frame.insert(0, AS_OF, pd.Timestamp(snapshot.as_of))
    frame.insert(0, LABEL, snapshot.quarter.label)
    frame.insert(0, QUARTER, snapshot.quarter.id)
    return frame


def outstanding_actions(
    history: Sequence[Snapshot],
    settings: Settings,
    rules: Sequence[delays.DelayRule] | None = None,
) -> pd.DataFrame:
    """Every snapshot's outstanding monitored actions, classified against that snapshot's own
    as_of and quarter, with their delay category (``reason``) and theme (``subject``, from
    :mod:`analysis.figures.themes`), stacked oldest first.

    The columns are those of :func:`analysis.figures.actions.classify` plus ``quarter`` (id),
    ``label`` (the panel's quarter label), ``as_of``, ``reason`` and ``subject``.
    """
    rules = delays.rules_for(settings) if rules is None else rules
    theme_rules = themes.rules_for(settings)
    frames = []
    for snapshot in history:
        classified = act.classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
        classified = delays.with_reasons(classified, snapshot.actions, rules)
        classified = themes.themed_actions(classified, snapshot.actions, theme_rules)
        frames.append(_stamp(classified, snapshot))
    if not frames:
        return pd.DataFrame(columns=[QUARTER, LABEL, AS_OF, *ACTION_DETAIL_COLUMNS[1:]])
    return pd.concat(frames, ignore_index=True)


def all_recommendations(
    history: Sequence[Snapshot], theme_rules: Sequence[themes.ThemeRule] | None = None
) -> pd.DataFrame:
    """Every snapshot's recommendations (open or not, any type), masked and stacked oldest first.

    ``is_open_recommendation`` and ``is_open_area_for_improvement`` say whether the row counts
    in the paper's open recommendations or its separate count of open Areas for improvement;
    ``subject`` is the row's theme of the taxonomy (:mod:`analysis.figures.themes`, packaged rules
    unless ``theme_rules`` are given).
    """
    theme_rules = themes.load_rules() if theme_rules is None else theme_rules
    frames = []
    for snapshot in history:
        recs = snapshot.recommendations
        frame = mask_restricted(recs)
        frame[themes.SUBJECT] = themes.recommendation_themes(recs, theme_rules)
        frame["is_open_recommendation"] = recs.index.isin(
            recommendations.open_recommendations(recs).index
        )
        frame["is_open_area_for_improvement"] = recs.index.isin(
            recommendations.open_areas_for_improvement(recs).index
        )
        frames.append(_stamp(frame, snapshot))
    if not frames:
        return pd.DataFrame(columns=[QUARTER, LABEL, AS_OF, *RECOMMENDATION_DETAIL_COLUMNS[1:]])
    return pd.concat(frames, ignore_index=True)


@dataclass
class Exploration:
    """What the exploration notebook works from: the quarter in focus and every snapshot up to
    it, stacked."""

    quarter: Quarter
    quarters: list[Quarter]
    settings: Settings
    actions: pd.DataFrame
    """:func:`outstanding_actions` of every snapshot up to ``quarter``."""
    recommendations: pd.DataFrame
    """:func:`all_recommendations` of every snapshot up to ``quarter``."""
    as_of: dt.date


def load(data_dir: Path | str, quarter: Quarter | str | None = None) -> Exploration:
    """Every snapshot up to ``quarter`` (default: the latest), read with the data folder's
    settings.  Trends then end where that quarter's paper ends."""
    data_dir = Path(data_dir)
    settings = load_settings(data_dir)
    focus = latest_quarter(data_dir) if quarter is None else Quarter.parse(quarter)
    history = load_history(data_dir, focus, settings)
    if not history or history[-1].quarter != focus:
        raise ValueError(f"no valid snapshot for {focus.id} in {data_dir / 'snapshots'}")
    return Exploration(
        quarter=focus,
        quarters=[s.quarter for s in history],
        settings=settings,
        actions=outstanding_actions(history, settings),
        recommendations=all_recommendations(history, themes.rules_for(settings)),
        as_of=history[-1].as_of,
    )


# --- filters ----------------------------------------------------------------------------------
def _key(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def _wanted(value: Choice) -> list[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return [str(v) for v in values]


def choices(frame: pd.DataFrame, column: str) -> list[str]:
    """The values a filter on ``column`` can take, in the paper's order (vocabulary order for
    risks and themes, else largest first)."""
    order = {"risk": RISKS, "theme": KNOWN_THEMES, themes.SUBJECT: THEME_ORDER}.get(column)
    return [str(v) for v in tally(frame[column], order).index]


def _match(frame: pd.DataFrame, column: str, value: Choice) -> pd.Series:
    """Rows whose ``column`` is one of ``value``; an unknown value is an error that lists the
    known ones, because a misspelt filter would otherwise look like "nothing to report"."""
    wanted = _wanted(value)
    if wanted is None:
        return pd.Series(True, index=frame.index)
    keys = frame[column].map(_key, na_action="ignore")
    known = set(keys.dropna())
    unknown = [v for v in wanted if _key(v) not in known]
    if unknown:
        listed = ", ".join(choices(frame, column)) or "none"
        raise ValueError(f"{column} {', '.join(map(repr, unknown))} not found; known: {listed}")
    return keys.isin({_key(v) for v in wanted}).fillna(False).astype(bool)


def _quarter_match(frame: pd.DataFrame, quarter: Quarter | str | None) -> pd.Series:
    if quarter is None:
        return pd.Series(True, index=frame.index)
    return frame[QUARTER].eq(Quarter.parse(quarter).id)


def filter_actions(
    frame: pd.DataFrame,
    *,
    quarter: Quarter | str | None = None,
    business_group: Choice = None,
    risk: Choice = None,
    audit: Choice = None,
    subject: Choice = None,
) -> pd.DataFrame:
    """The stacked actions cut to one quarter (any accepted form) and to the given business
    groups, risks, audit titles and themes of the taxonomy (``subject``); None leaves a
    dimension uncut."""
    keep = _quarter_match(frame, quarter)
    keep &= _match(frame, "business_group", business_group)
    keep &= _match(frame, "risk", risk)
    keep &= _match(frame, "audit_title", audit)
    keep &= _match(frame, themes.SUBJECT, subject)
    return frame[keep]


def filter_recommendations(
    frame: pd.DataFrame,
    *,
    quarter: Quarter | str | None = None,
    theme: Choice = None,
    subject: Choice = None,
) -> pd.DataFrame:
    """The stacked recommendations cut to one quarter, to the given portal themes and to the
    given themes of the taxonomy (``subject``)."""
    keep = _quarter_match(frame, quarter) & _match(frame, "theme", theme)
    return frame[keep & _match(frame, themes.SUBJECT, subject)]


def filters_text(**filters: Choice) -> str:
    """The filters in force, for the line above the exploration's tables: each value printed as
    the analyst typed it (tracker names are data, never Markdown), ``all`` where none is set."""
    shown = (
        f"{name.replace('_', ' ')} **{literal(str(value)) if value else 'all'}**"
        for name, value in filters.items()
    )
    return f"Filters: {', '.join(shown)}."


# --- counts over quarters ---------------------------------------------------------------------
def quarter_counts(
    actions: pd.DataFrame, recs: pd.DataFrame, quarters: Sequence[Quarter]
) -> pd.DataFrame:
    """Headline counts per quarter of whatever rows survived the filters, one row per quarter
    in ``quarters`` (a quarter the filters emptied shows zeros).  Unfiltered, the counts equal
    :func:`analysis.figures.trends.trends`."""
    ids = [q.id for q in quarters]

    def per_quarter(rows: pd.DataFrame) -> pd.Series:
        return rows[QUARTER].value_counts().reindex(ids, fill_value=0).astype(int)

    table = pd.DataFrame(
        {
            LABEL: [q.label for q in quarters],
            "open_recommendations": per_quarter(recs[recs["is_open_recommendation"]]),
            "open_areas_for_improvement": per_quarter(recs[recs["is_open_area_for_improvement"]]),
            "outstanding": per_quarter(actions),
            "overdue": per_quarter(act.overdue(actions)),
            "not_yet_due": per_quarter(act.not_yet_due(actions)),
            "due_in_coming": per_quarter(act.due_in_coming(actions)),
        },
        index=pd.Index(ids, name=QUARTER),
    )
    return table.reset_index()


def by_quarter(frame: pd.DataFrame, column: str, quarters: Sequence[Quarter]) -> pd.DataFrame:
    """Rows per quarter (one row each, with ``label``) and per value of ``column`` (one column
    each, in :func:`choices` order over the whole period), for lines over time."""
    ids = [q.id for q in quarters]
    values = choices(frame, column)
    table = pd.crosstab(frame[QUARTER], frame[column].astype(object))
    table = table.reindex(index=ids, columns=values, fill_value=0).astype(int)
    table.columns.name = None
    table.insert(0, LABEL, [q.label for q in quarters])
    return table.rename_axis(QUARTER).reset_index()


def position_by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Outstanding actions per value of ``column``, split into deadline passed and still to come,
    as the tidy frame :func:`analysis.presentation.plots.horizontal_counts` stacks (largest total first)."""
    order = choices(frame, column)
    position = frame["is_overdue"].map({True: OVERDUE, False: NOT_YET_DUE})
    counts = (
        pd.DataFrame({column: frame[column].astype(object), "position": position})
        .value_counts()
        .rename("count")
        .reset_index()
    )
    counts[column] = pd.Categorical(counts[column], categories=order, ordered=True)
    counts = counts.sort_values([column, "position"]).reset_index(drop=True)
    counts[column] = counts[column].astype(object)
    return counts


# --- drill-down -------------------------------------------------------------------------------
def action_details(frame: pd.DataFrame, view: str = "outstanding") -> pd.DataFrame:
    """The individual actions behind a count: ``view`` is one of :data:`ACTION_VIEWS`
    (outstanding, overdue, not_yet_due, due_in_coming).  Longest past deadline first, so the
    actions most in need of attention head the table."""
    if view not in ACTION_VIEWS:
        raise ValueError(f"view must be one of {', '.join(ACTION_VIEWS)}, not {view!r}")
    rows = ACTION_VIEWS[view](frame)
    rows = rows.sort_values(
        [QUARTER, "days_past_deadline", "action_id"], ascending=[True, False, True]
    )
    return rows[list(ACTION_DETAIL_COLUMNS)].reset_index(drop=True)


def recommendation_details(frame: pd.DataFrame, view: str = "open") -> pd.DataFrame:
    """The individual recommendations behind a count: ``view`` is ``open`` (open
    Recommendations), ``areas_for_improvement`` or ``all``; oldest publication first."""
    if view not in RECOMMENDATION_VIEWS:
        raise ValueError(f"view must be one of {', '.join(RECOMMENDATION_VIEWS)}, not {view!r}")
    flag = RECOMMENDATION_VIEWS[view]
    rows = frame if flag is None else frame[frame[flag]]
    rows = rows.sort_values([QUARTER, "published", "rec_id"])
    return rows[list(RECOMMENDATION_DETAIL_COLUMNS)].reset_index(drop=True)
