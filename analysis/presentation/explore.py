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
import itertools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.figures import actions as act
from analysis.figures import delays, recommendations, themes
from analysis.figures.marking import mask_restricted, tally
from analysis.inputs.history import History, deadline_columns, load_history
from analysis.inputs.settings import Settings, load_settings, settings_of_quarter
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.snapshots import latest_quarter
from analysis.inputs.vocabulary import ACTION_COLUMNS, KNOWN_THEMES, RISKS
from analysis.presentation import explore_deadlines as moved
from analysis.presentation.markup import literal
from analysis.quarters import Quarter, QuarterError

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
    # what the action is and whose: the contract's columns from its id to the business area
    *ACTION_COLUMNS[: ACTION_COLUMNS.index("business_area") + 1],
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

PACKAGED_THEME_RULES = tuple(themes.load_rules())
THEME_ORDER = tuple(themes.names(PACKAGED_THEME_RULES))
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
    own_settings: Mapping[str, Settings] | None = None,
) -> pd.DataFrame:
    """Every snapshot's outstanding monitored actions, classified against that snapshot's own
    as_of and quarter, with their delay category (``reason``) and theme (``subject``, from
    :mod:`analysis.figures.themes`), stacked oldest first.

    The columns are those of :func:`analysis.figures.actions.classify` plus ``quarter`` (id),
    ``label`` (the panel's quarter label), ``as_of``, ``reason``, ``subject`` and the deadline
    history's verdicts over the snapshots up to that quarter
    (:data:`analysis.presentation.explore_deadlines.MOVE_COLUMNS`: ``moves``, ``moved``,
    ``moved_more_than_limit``, ...).

    ``own_settings`` (quarter id -> settings) reads each snapshot under its own quarter's rules
    (:func:`analysis.inputs.settings.settings_of_quarter`: those a published quarter was made
    under); a quarter it does not name, or every quarter when it is None, is read under
    ``settings``.
    """
    own_settings = own_settings or {}
    history = History.of(history)
    dated = deadline_columns(history)
    as_ofs = list(history.as_ofs)
    frames = []
    for position, snapshot in enumerate(history):
        quarter_settings = own_settings.get(snapshot.quarter.id, settings)
        if rules is not None and quarter_settings is settings:
            reason_rules = rules
        else:
            reason_rules = delays.rules_for(quarter_settings)
        theme_rules = themes.rules_for(quarter_settings)
        classified = act.classify(
            snapshot.actions, snapshot.as_of, snapshot.quarter, quarter_settings
        )
        classified = moved.with_moves(
            classified,
            dated[: position + 1],
            as_ofs[: position + 1],
            quarter_settings.deadline_move_limit,
        )
        classified = delays.with_reasons(classified, snapshot.actions, reason_rules)
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
    as_of_by_quarter: dict[str, dt.date] = field(default_factory=dict)
    """Each snapshot's as-at date, by quarter id."""
    theme_rules: Sequence[themes.ThemeRule] = PACKAGED_THEME_RULES
    """The taxonomy the ``subject`` column was worked out with (the settings' own)."""
    known: dict[tuple[str, tuple[str, ...]], list[str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """:func:`filter_choices` already worked out, shared with :meth:`up_to`'s explorations."""
    implemented: pd.DataFrame = field(default_factory=moved.no_implemented_actions)
    """Every snapshot's monitored Implemented actions with the verification rules' flags
    (:func:`analysis.presentation.explore_deadlines.implemented_actions`)."""
    recorded_verification: tuple[str, ...] = ()
    """The quarters (ids) whose tracker records verification at all."""
    settings_by_quarter: dict[str, Settings] = field(default_factory=dict, repr=False)
    """Each quarter's own rules (:func:`analysis.inputs.settings.settings_of_quarter`);
    ``settings`` is the focus quarter's."""

    def up_to(self, quarter: Quarter | str | None) -> Exploration:
        """The same exploration with ``quarter`` in focus (None: the latest loaded): every
        snapshot up to it, none after, so its trends end where that quarter's paper ends.  Each
        snapshot was classified against its own as-at date, so nothing is computed again."""
        focus = self.quarters[-1] if quarter is None else Quarter.parse(quarter)
        if focus not in self.quarters:
            listed = ", ".join(q.id for q in self.quarters)
            raise ValueError(f"quarter {focus.id} has no snapshot here; known: {listed}")
        quarters = [q for q in self.quarters if q <= focus]
        ids = [q.id for q in quarters]
        return Exploration(
            quarter=focus,
            quarters=quarters,
            settings=self.settings_by_quarter.get(focus.id, self.settings),
            actions=self.actions[self.actions[QUARTER].isin(ids)],
            recommendations=self.recommendations[self.recommendations[QUARTER].isin(ids)],
            as_of=self.as_of_by_quarter.get(focus.id, self.as_of),
            as_of_by_quarter={q: d for q, d in self.as_of_by_quarter.items() if q in ids},
            theme_rules=self.theme_rules,
            known=self.known,
            implemented=self.implemented[self.implemented[QUARTER].isin(ids)],
            recorded_verification=tuple(q for q in self.recorded_verification if q in ids),
            settings_by_quarter=self.settings_by_quarter,
        )


DATA_DIR_VARIABLE = "PANELPAPER_EXPLORE_DATA_DIR"
"""Set by ``panelpaper explore --data-dir``: the served notebook reads that folder instead of
its parameters cell's ``data_dir`` (Voilà runs a notebook without parameters)."""


def data_dir(default: Path | str) -> Path:
    """The data folder to explore: :data:`DATA_DIR_VARIABLE` when set, else ``default``."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or default)


def load(
    data_dir: Path | str,
    quarter: Quarter | str | None = None,
    reports_dir: Path | str | None = None,
) -> Exploration:
    """Every snapshot up to ``quarter`` (default: the latest).  Trends then end where that
    quarter's paper ends.

    Each quarter's actions are classified under that quarter's own rules: those recorded with
    its publication in ``reports_dir``, or the data folder's settings in force for a quarter not
    published (or when no ``reports_dir`` is given), so every point of a trend is what that
    quarter's own paper said even after the panel changed a rule.  The snapshots are read with
    the settings in force (a quarter's renamed headers and words are its own ``snapshot.yml``'s),
    and the focus quarter's rules are :attr:`Exploration.settings`."""
    data_dir = Path(data_dir)
    in_force = load_settings(data_dir)
    focus = latest_quarter(data_dir) if quarter is None else Quarter.parse(quarter)
    history = load_history(data_dir, focus, in_force)
    if not history or history[-1].quarter != focus:
        raise ValueError(f"no valid snapshot for {focus.id} in {data_dir / 'snapshots'}")
    own = {s.quarter.id: settings_of_quarter(data_dir, reports_dir, s.quarter.id) for s in history}
    settings = own[focus.id]
    theme_rules = themes.rules_for(settings)
    implemented, recorded = moved.implemented_actions(history, settings, theme_rules)
    return Exploration(
        quarter=focus,
        quarters=[s.quarter for s in history],
        settings=settings,
        actions=outstanding_actions(history, settings, own_settings=own),
        recommendations=all_recommendations(history, theme_rules),
        as_of=history[-1].as_of,
        as_of_by_quarter={s.quarter.id: s.as_of for s in history},
        theme_rules=theme_rules,
        implemented=implemented,
        recorded_verification=tuple(recorded),
        settings_by_quarter=own,
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


def _match(frame: pd.DataFrame, column: str, value: Choice, strict: bool = True) -> pd.Series:
    """Rows whose ``column`` is one of ``value``; an unknown value is an error that lists the
    known ones, because a misspelt filter would otherwise look like "nothing to report".  Not
    ``strict``, a value this frame lacks simply matches nothing here (a theme may be raised by
    one tracker only; :func:`filter_problems` has checked the names against both)."""
    wanted = _wanted(value)
    if wanted is None:
        return pd.Series(True, index=frame.index)
    keys = frame[column].map(_key, na_action="ignore")
    known = set(keys.dropna())
    unknown = [v for v in wanted if _key(v) not in known]
    if unknown and strict:
        listed = ", ".join(choices(frame, column)) or "none"
        raise ValueError(f"{column} {', '.join(map(repr, unknown))} not found; known: {listed}")
    return keys.isin({_key(v) for v in wanted}).fillna(False).astype(bool)


def _quarter_match(frame: pd.DataFrame, quarter: Quarter | str | None) -> pd.Series:
    if quarter is None:
        return pd.Series(True, index=frame.index)
    return frame[QUARTER].eq(Quarter.parse(quarter).id)


def _theme(theme: Choice, subject: Choice) -> Choice:
    """``subject`` is the old name of ``theme`` (the project's taxonomy); both may not be set."""
    if subject is not None and theme is not None:
        raise ValueError("give theme or its old name subject, not both")
    return theme if subject is None else subject


def filter_actions(
    frame: pd.DataFrame,
    *,
    quarter: Quarter | str | None = None,
    business_group: Choice = None,
    risk: Choice = None,
    audit: Choice = None,
    theme: Choice = None,
    subject: Choice = None,
    strict: bool = True,
) -> pd.DataFrame:
    """The stacked actions cut to one quarter (any accepted form) and to the given business
    groups, risks, audit titles and themes of the project's taxonomy (``theme``; ``subject`` is
    its old name); None leaves a dimension uncut."""
    keep = _quarter_match(frame, quarter)
    keep &= _match(frame, "business_group", business_group, strict)
    keep &= _match(frame, "risk", risk, strict)
    keep &= _match(frame, "audit_title", audit, strict)
    keep &= _match(frame, themes.SUBJECT, _theme(theme, subject), strict)
    return frame[keep]


def filter_recommendations(
    frame: pd.DataFrame,
    *,
    quarter: Quarter | str | None = None,
    inspection_theme: Choice = None,
    theme: Choice = None,
    subject: Choice = None,
    strict: bool = True,
) -> pd.DataFrame:
    """The stacked recommendations cut to one quarter, to the given inspection themes (the
    portal's ``theme`` column) and to the given themes of the project's taxonomy (``theme``;
    ``subject`` is its old name)."""
    keep = _quarter_match(frame, quarter) & _match(frame, "theme", inspection_theme, strict)
    return frame[keep & _match(frame, themes.SUBJECT, _theme(theme, subject), strict)]


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


# --- the exploration's controls -----------------------------------------------------------------
@dataclass(frozen=True)
class Filter:
    """One control of the exploration: the parameter's name, what it narrows and how it reads."""

    name: str
    label: str
    column: str
    narrows: tuple[str, ...]
    """``actions``, ``recommendations`` or both: the stacked frames the filter cuts."""


FILTERS: dict[str, Filter] = {
    f.name: f
    for f in (
        Filter("business_group", "Business group", "business_group", ("actions",)),
        Filter("risk", "Risk", "risk", ("actions",)),
        Filter("audit", "Audit", "audit_title", ("actions",)),
        Filter("theme", "Theme", themes.SUBJECT, ("actions", "recommendations")),
        Filter("inspection_theme", "Inspection theme", "theme", ("recommendations",)),
    )
}
"""The filters by parameter name.  ``theme`` is a theme of the project's taxonomy
(``analysis/rules/theme_rules.yml``) and cuts both trackers; ``inspection_theme`` is the
portal's own theme and cuts the recommendations only."""

OLD_NAMES = {"subject": "theme"}
"""Parameter names of earlier versions still accepted, and the name each now goes by."""

DRILL_DOWNS = tuple(ACTION_VIEWS)
CHOICES_LISTED = 12
"""At most this many choices are named in a message; the control lists them all."""


def filter_choices(exploration: Exploration, name: str) -> list[str]:
    """What the filter ``name`` can take over every loaded quarter, in the paper's order (one
    list for a filter that cuts both trackers, the actions' values first)."""
    key = (name, tuple(q.id for q in exploration.quarters))
    if key not in exploration.known:
        exploration.known[key] = _filter_choices(exploration, name)
    return list(exploration.known[key])


def _filter_choices(exploration: Exploration, name: str) -> list[str]:
    spec = FILTERS[name]
    found: list[str] = []
    for frame_name in spec.narrows:
        frame = getattr(exploration, frame_name)
        found += [c for c in choices(frame, spec.column) if c not in found]
    if spec.column == themes.SUBJECT:
        position = {n: i for i, n in enumerate(THEME_ORDER)}
        found.sort(key=lambda n: position.get(n, len(position)))
    return found


def _listed(values: Sequence[str]) -> str:
    shown = ", ".join(values[:CHOICES_LISTED]) or "none"
    more = len(values) - CHOICES_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def filter_problems(exploration: Exploration, filters: dict[str, Choice]) -> dict[str, str]:
    """One short message per filter whose value names nothing in the loaded quarters, listing
    what it can be (and, for a theme that is the portal's, the filter that takes it), so the
    exploration can say so instead of stopping; filters not in :data:`FILTERS` are named too."""
    problems: dict[str, str] = {}
    for name, value in filters.items():
        wanted = _wanted(value)
        if wanted is None:
            continue
        if name not in FILTERS:
            problems[name] = (
                f"There is no filter called {name}; the filters are {', '.join(FILTERS)}."
            )
            continue
        known = filter_choices(exploration, name)
        keys = {_key(k) for k in known}
        unknown = [v for v in wanted if _key(v) not in keys]
        if not unknown:
            continue
        label = FILTERS[name].label.lower()
        message = f"No {label} {', '.join(map(repr, unknown))}: choose from {_listed(known)}."
        if name == "theme":
            portal = {_key(k) for k in filter_choices(exploration, "inspection_theme")}
            if all(_key(v) in portal for v in unknown):
                message += " (The portal's own themes are filtered by inspection_theme.)"
        problems[name] = message
    return problems


def canonical(exploration: Exploration, name: str, value: Choice) -> list[str] | None:
    """The filter's values spelt as the data spells them (case and spacing as the analyst
    typed them are ignored), those that name nothing left out; None when no filter is set."""
    wanted = _wanted(value)
    if wanted is None:
        return None
    by_key = {_key(k): k for k in filter_choices(exploration, name)}
    return [by_key[_key(v)] for v in wanted if _key(v) in by_key]


def settled_filters(
    exploration: Exploration, **filters: Choice
) -> tuple[dict[str, list[str] | None], dict[str, str]]:
    """The filters as the exploration applies them, and a message for each one set to a name
    that matches nothing (that filter is then left off rather than emptying every chart).  Old
    parameter names (:data:`OLD_NAMES`) are read as their new ones."""
    given = dict(filters)
    for old, new in OLD_NAMES.items():
        if given.get(old) is not None:
            if given.get(new) is None:
                given[new] = given[old]
            given.pop(old)
        else:
            given.pop(old, None)
    problems = filter_problems(exploration, given)
    settled = {
        name: (None if name in problems else canonical(exploration, name, given.get(name)))
        for name in FILTERS
    }
    for name in given:
        if name not in FILTERS and name in problems:
            settled.pop(name, None)
    return settled, problems


def apply_filters(
    exploration: Exploration, filters: dict[str, Choice]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stacked actions and recommendations that pass ``filters`` (names of :data:`FILTERS`)."""
    actions = _filter_action_frame(exploration.actions, filters)
    recs = filter_recommendations(
        exploration.recommendations,
        inspection_theme=filters.get("inspection_theme"),
        theme=filters.get("theme"),
        strict=False,
    )
    return actions, recs


def _filter_action_frame(frame: pd.DataFrame, filters: dict[str, Choice]) -> pd.DataFrame:
    """Stacked action rows (outstanding or implemented) that pass the actions' filters."""
    return filter_actions(
        frame,
        business_group=filters.get("business_group"),
        risk=filters.get("risk"),
        audit=filters.get("audit"),
        theme=filters.get("theme"),
        strict=False,
    )


# --- what the exploration draws ---------------------------------------------------------------
SERIES = "series"
VALUE = "value"

ACTION_SERIES = {
    "outstanding": "Outstanding",
    "overdue": "Overdue",
    "not_yet_due": "Not yet due",
    "due_in_coming": "Due in the coming quarters",
}
RECOMMENDATION_SERIES = {
    "open_recommendations": "Open recommendations",
    "open_areas_for_improvement": "Open Areas for improvement",
}
INSPECTORATE = "Inspectorate (HMICFRS)"
INTERNAL_AUDIT = "Internal audit (DARA)"


def long_counts(counts: pd.DataFrame, series: dict[str, str]) -> pd.DataFrame:
    """:func:`quarter_counts` (or :func:`by_quarter`) turned long for a chart: one row per
    quarter and series, with ``quarter``, ``label``, ``series`` (named by ``series``, whose order
    is kept) and ``value``."""
    frame = counts.melt(
        id_vars=[QUARTER, LABEL], value_vars=list(series), var_name=SERIES, value_name=VALUE
    )
    frame[SERIES] = frame[SERIES].map(series)
    frame[VALUE] = frame[VALUE].astype(int)
    return frame.reset_index(drop=True)


def per_category_long(
    frame: pd.DataFrame, column: str, quarters: Sequence[Quarter]
) -> pd.DataFrame:
    """:func:`by_quarter` long: one row per quarter and value of ``column`` (the ``series``)."""
    table = by_quarter(frame, column, quarters)
    names = [c for c in table.columns if c not in (QUARTER, LABEL)]
    return long_counts(table, {n: n for n in names})


def themes_by_source(
    actions_now: pd.DataFrame,
    recs_now: pd.DataFrame,
    rules: Sequence[themes.ThemeRule] = PACKAGED_THEME_RULES,
) -> pd.DataFrame:
    """Per theme of the taxonomy in one quarter: its open recommendations (the inspectorate)
    and its outstanding actions (internal audit), long (``theme``, ``source``, ``count``), with
    ``both`` true for a theme both raise (:func:`analysis.figures.themes.cross_cutting`, so
    ``Other`` never is).  Themes largest first, those raised by both ahead of the rest."""
    open_recs = recs_now[recs_now["is_open_recommendation"]]
    table = themes.theme_table(open_recs, actions_now, rules)
    both = themes.cross_cutting(table)
    rest = sorted(
        (n for n in table.index if n not in both),
        key=lambda n: (
            -int(table.loc[n, "open_recommendations"] + table.loc[n, "outstanding_actions"])
        ),
    )
    rows = [
        {
            "theme": name,
            "source": source,
            "count": int(table.loc[name, column]),
            "both": name in both,
        }
        for name in [*both, *rest]
        for source, column in (
            (INSPECTORATE, "open_recommendations"),
            (INTERNAL_AUDIT, "outstanding_actions"),
        )
    ]
    return pd.DataFrame(rows, columns=["theme", "source", "count", "both"])


@dataclass
class View:
    """Everything the exploration shows for one choice of quarter, filters and drill-down."""

    quarter: Quarter
    as_of: dt.date
    filters: dict[str, list[str] | None]
    problems: dict[str, str]
    counts: pd.DataFrame
    """:func:`quarter_counts` of the filtered rows, every quarter up to the focus."""
    actions_trend: pd.DataFrame
    recommendations_trend: pd.DataFrame
    overdue_by_group: pd.DataFrame
    """Overdue actions per business group and quarter (:func:`per_category_long`)."""
    position: pd.DataFrame
    """The focus quarter's outstanding actions per business group (:func:`position_by`)."""
    themes: pd.DataFrame
    """:func:`themes_by_source` for the focus quarter."""
    drill_down: str
    picked_group: str | None
    actions: pd.DataFrame
    """:func:`action_details` of the focus quarter (and the picked business group)."""
    recommendations: pd.DataFrame
    """:func:`recommendation_details` of the focus quarter's open recommendations."""
    deadline_limit: int = 2
    """How many moves are allowed before an action counts as moved more than the limit."""
    deadline_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    """:func:`~analysis.presentation.explore_deadlines.deadline_counts` of the filtered rows,
    every quarter up to the focus."""
    deadlines_trend: pd.DataFrame = field(default_factory=pd.DataFrame)
    """The same, long for the chart (:func:`~analysis.presentation.explore_deadlines.deadline_series`)."""
    moved_over_limit: pd.DataFrame = field(default_factory=pd.DataFrame)
    """:func:`~analysis.presentation.explore_deadlines.moved_over_limit` of the focus quarter
    (and the picked business group)."""

    @property
    def focus(self) -> dict[str, int]:
        """The focus quarter's headline counts, by :func:`quarter_counts`' column names."""
        row = self.counts.set_index(QUARTER).loc[self.quarter.id]
        return {k: int(v) for k, v in row.drop(LABEL).items()}

    @property
    def deadlines_focus(self) -> dict[str, int | None]:
        """The focus quarter's moved-deadline and verification counts (None: not recorded)."""
        row = self.deadline_counts.set_index(QUARTER).loc[self.quarter.id]
        return {k: None if pd.isna(v) else int(v) for k, v in row.drop(LABEL).items()}


def view(
    exploration: Exploration,
    quarter: Quarter | str | None = None,
    drill_down: str = "overdue",
    picked_group: str | None = None,
    **filters: Choice,
) -> View:
    """What the exploration shows with ``quarter`` in focus (None: the latest loaded), the given
    filters (names of :data:`FILTERS`, or the old ``subject``) and drill-down.  A filter naming
    nothing is left off and its message kept in :attr:`View.problems`; so is an unknown
    drill-down (then ``overdue``).  ``picked_group`` (a bar followed down) narrows the tables
    only.  With no filters every count equals that quarter's figures.json."""
    problems: dict[str, str] = {}
    try:
        focused = exploration.up_to(quarter)
    except (ValueError, QuarterError):
        listed = _listed([q.label for q in exploration.quarters])
        problems["quarter"] = f"No snapshot for quarter {quarter!r}: choose from {listed}."
        focused = exploration.up_to(None)
    settled, filter_problems_ = settled_filters(focused, **filters)
    problems.update(filter_problems_)
    if drill_down not in ACTION_VIEWS:
        problems["drill_down"] = (
            f"No drill-down {drill_down!r}: choose from {', '.join(DRILL_DOWNS)}."
        )
        drill_down = "overdue"
    actions, recs = apply_filters(focused, settled)
    counts = quarter_counts(actions, recs, focused.quarters)
    now = filter_actions(actions, quarter=focused.quarter)
    recs_now = filter_recommendations(recs, quarter=focused.quarter)
    listed = now
    if picked_group is not None:
        listed = now[now["business_group"].map(_key) == _key(picked_group)]
    limit = focused.settings.deadline_move_limit
    deadline_counts = moved.deadline_counts(
        actions,
        _filter_action_frame(focused.implemented, settled),
        focused.quarters,
        focused.recorded_verification,
    )
    return View(
        quarter=focused.quarter,
        as_of=focused.as_of,
        filters=settled,
        problems=problems,
        counts=counts,
        actions_trend=long_counts(counts, ACTION_SERIES),
        recommendations_trend=long_counts(counts, RECOMMENDATION_SERIES),
        overdue_by_group=per_category_long(
            act.overdue(actions), "business_group", focused.quarters
        ),
        position=position_by(now, "business_group"),
        themes=themes_by_source(now, recs_now, focused.theme_rules),
        drill_down=drill_down,
        picked_group=picked_group,
        actions=action_details(listed, drill_down),
        recommendations=recommendation_details(recs_now, "open"),
        deadline_limit=limit,
        deadline_counts=deadline_counts,
        deadlines_trend=moved.deadline_series(deadline_counts, limit),
        moved_over_limit=moved.moved_over_limit(listed),
    )


def rising(trend: pd.DataFrame, last: int = 3) -> list[str]:
    """The series of a long trend (:func:`per_category_long`) whose value went up in each of
    the ``last`` quarter-on-quarter steps, i.e. rose steadily to the focus quarter."""
    out = []
    for name, rows in trend.groupby(SERIES, sort=False):
        values = rows.sort_values(QUARTER)[VALUE].tolist()[-(last + 1) :]
        if len(values) > 1 and all(b > a for a, b in itertools.pairwise(values)):
            out.append(str(name))
    return out


REPORTS_DIR_VARIABLE = "PANELPAPER_EXPLORE_REPORTS_DIR"
"""Set by ``panelpaper explore --reports-dir``: where the published quarters are."""

PUBLISHED_KEYS = {
    "open_recommendations": ("recommendations", "open"),
    "open_areas_for_improvement": ("recommendations", "open_areas_for_improvement"),
    "outstanding": ("actions", "outstanding"),
    "overdue": ("actions", "overdue"),
    "not_yet_due": ("actions", "not_yet_due"),
    "due_in_coming": ("actions", "due_next_three_quarters"),
}
"""Each headline count of :func:`quarter_counts` and where figures.json states it."""


def reports_dir(default: Path | str) -> Path:
    """The published quarters' folder: :data:`REPORTS_DIR_VARIABLE` when set, else ``default``."""
    return Path(os.environ.get(REPORTS_DIR_VARIABLE) or default)


def against_published(current: View, reports: Path | str) -> str | None:
    """With no filter set, whether the headline counts equal those of the quarter's published
    figures.json under ``reports`` (None when it is not published or a filter is set): the
    exploration and the paper count with the same rules, so a difference means the snapshot or
    the settings changed after publication."""
    path = Path(reports) / current.quarter.id / "figures.json"
    if any(current.filters.values()) or not path.is_file():
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    differ = [
        name
        for name, (section, key) in PUBLISHED_KEYS.items()
        if record.get(section, {}).get(key) != current.focus[name]
    ]
    if not differ:
        return f"These counts equal the published paper's ({path})."
    return (
        f"These counts differ from the published paper's ({path}) in "
        f"{', '.join(n.replace('_', ' ') for n in differ)}: the snapshot or the settings have "
        "changed since it was published."
    )
