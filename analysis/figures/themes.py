"""What the findings are about: one theme per open recommendation and per outstanding action.

The panel wants to see where HMICFRS and DARA point at the same weakness, which the portal's
inspection themes and the tracker's business groups cannot show.  So every open HMICFRS
recommendation and every outstanding monitored DARA action is placed in exactly one theme of
one editable taxonomy, ``theme_rules.yml`` (same pattern language as ``delay_rules.yml``:
plain phrases, whole words, first matching theme wins, ``Other`` when none does).

The text looked at, in order, until one of them matches a theme:

- an action: the tracker's coded ``theme`` when it names a theme of the taxonomy (case and
  spacing aside; a coded value the taxonomy does not know is passed over, so that every item
  lands in a theme of the taxonomy), then the ``action`` text, then the audit title;
- a recommendation: its text (``title``) where the export has one, then the inspection title,
  then the portal's theme.

Restricted rows are themed from their own text like any other (a theme is a coded value and
may be shown), and count in every figure; their text never leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from analysis.figures.actions import classify
from analysis.figures.phrase_rules import PhraseRule, RulesFile, load_phrase_rules, name_key
from analysis.figures.recommendations import open_recommendations
from analysis.inputs.settings import THEME_RULES_FILE, Settings, SettingsError
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import OTHER_THEME
from analysis.paths import RULES

SUBJECT = "subject"
"""The column that carries each row's theme of the taxonomy (``theme`` is the portal's own)."""

ACTION_SOURCES = ("action", "audit_title")
RECOMMENDATION_SOURCES = ("title", "inspection", "theme")


class ThemeRulesError(SettingsError):
    """A theme-rules file that cannot be applied; names the file and the entry."""


ThemeRule = PhraseRule
"""One theme and the phrases that place a finding in it."""

THEME_RULES = RulesFile(
    schema="theme_rules",
    title="the theme rules",
    reserved=(OTHER_THEME,),
    reserved_for="findings no theme matches",
    error=ThemeRulesError,
)


def _packaged_rules() -> Path:
    return RULES / THEME_RULES_FILE


def load_rules(path: Path | str | None = None) -> list[ThemeRule]:
    """The ordered themes in ``path`` (default: the packaged file), checked entry by entry."""
    return load_phrase_rules(Path(path) if path is not None else _packaged_rules(), THEME_RULES)


def rules_for(settings: Settings) -> list[ThemeRule]:
    """The themes a run uses: the data folder's own file if it has one, else the packaged one."""
    return load_rules(settings.theme_rules_path)


def names(rules: Sequence[ThemeRule]) -> list[str]:
    """Every theme a finding can land in, in the taxonomy's order, ``Other`` last."""
    return [*(r.name for r in rules), OTHER_THEME]


# --- placing findings in themes ---------------------------------------------------------------
def theme_of_text(texts: Iterable[object], rules: Sequence[ThemeRule]) -> str:
    """The first theme matched by the first text (in the order given) that any theme matches;
    ``Other`` when none does."""
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            continue
        for rule in rules:
            if rule.matches(text):
                return rule.name
    return OTHER_THEME


def _placed(frame: pd.DataFrame, sources: Sequence[str], rules: Sequence[ThemeRule]) -> list[str]:
    """Each row's theme from ``sources`` (absent columns skipped); each distinct combination of
    texts is matched once, since trackers repeat the same titles on row after row."""
    present = [c for c in sources if c in frame.columns]
    columns = [frame[c].astype(object).tolist() for c in present]
    memo: dict[tuple[object, ...], str] = {}
    result = []
    for texts in zip(*columns, strict=True) if columns else [()] * len(frame):
        key = tuple(t if isinstance(t, str) else None for t in texts)
        if key not in memo:
            memo[key] = theme_of_text(key, rules)
        result.append(memo[key])
    return result


def action_themes(actions: pd.DataFrame, rules: Sequence[ThemeRule]) -> pd.Series:
    """Each action's theme, on the raw (unmasked) frame's index: the tracker's coded theme when
    it names one of the taxonomy, else from the action text, else from the audit title."""
    canonical = {name_key(r.name): r.name for r in rules}
    derived = _placed(actions, ACTION_SOURCES, rules)
    coded = actions["theme"].tolist() if "theme" in actions.columns else [None] * len(actions)
    result = [
        canonical.get(name_key(c), d) if isinstance(c, str) else d
        for c, d in zip(coded, derived, strict=True)
    ]
    return pd.Series(result, index=actions.index, dtype=object, name=SUBJECT)


def recommendation_themes(recommendations: pd.DataFrame, rules: Sequence[ThemeRule]) -> pd.Series:
    """Each recommendation's theme, on the raw frame's index: from its text where the export
    has it, else from the inspection title, else from the portal's theme."""
    placed = _placed(recommendations, RECOMMENDATION_SOURCES, rules)
    return pd.Series(placed, index=recommendations.index, dtype=object, name=SUBJECT)


def with_subjects(frame: pd.DataFrame, themes_of: pd.Series) -> pd.DataFrame:
    """``frame`` (masked rows, on the raw frame's index) with the ``subject`` column, taken
    from themes worked out on the raw, unmasked text."""
    out = frame.copy()
    out[SUBJECT] = themes_of.loc[frame.index]
    return out


def themed_actions(
    classified: pd.DataFrame, actions: pd.DataFrame, rules: Sequence[ThemeRule]
) -> pd.DataFrame:
    """The classified (masked) outstanding actions with their ``subject`` theme."""
    return with_subjects(classified, action_themes(actions.loc[classified.index], rules))


def themed_recommendations(
    recommendations: pd.DataFrame, rules: Sequence[ThemeRule]
) -> pd.DataFrame:
    """The open recommendations (masked, as :mod:`analysis.figures.recommendations` gives them) with
    their ``subject`` theme."""
    open_recs = open_recommendations(recommendations)
    raw = recommendations.loc[open_recs.index]
    return with_subjects(open_recs, recommendation_themes(raw, rules))


# --- counts -----------------------------------------------------------------------------------
def theme_table(
    recommendations: pd.DataFrame, actions: pd.DataFrame, rules: Sequence[ThemeRule]
) -> pd.DataFrame:
    """Per theme (taxonomy order, ``Other`` last, themes with nothing left out): open
    recommendations, outstanding actions and overdue actions.  ``recommendations`` and
    ``actions`` are the themed frames of :func:`themed_recommendations` and
    :func:`themed_actions`."""
    order = names(rules)
    table = pd.DataFrame(
        {
            "open_recommendations": recommendations[SUBJECT].value_counts(),
            "outstanding_actions": actions[SUBJECT].value_counts(),
            "overdue_actions": actions.loc[actions["is_overdue"].astype(bool), SUBJECT]
            .value_counts()
            .rename("overdue"),
        }
    )
    table = table.reindex([n for n in order if n in table.index]).fillna(0).astype(int)
    table.index.name = "theme"
    return table


def cross_cutting(table: pd.DataFrame) -> list[str]:
    """Themes where both inspectors and auditors have open findings, largest first (open
    recommendations plus outstanding actions; ties in the taxonomy's order).  ``Other`` is
    never cross-cutting: it is where findings no theme describes end up, not a weakness."""
    both = table[(table["open_recommendations"] > 0) & (table["outstanding_actions"] > 0)]
    both = both[both.index != OTHER_THEME]
    size = both["open_recommendations"] + both["outstanding_actions"]
    position = {name: i for i, name in enumerate(table.index)}
    return sorted(both.index, key=lambda name: (-int(size[name]), position[name]))


def snapshot_theme_table(
    snapshot: Snapshot, settings: Settings, rules: Sequence[ThemeRule]
) -> pd.DataFrame:
    """:func:`theme_table` for one snapshot, from its own files."""
    classified = classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    return theme_table(
        themed_recommendations(snapshot.recommendations, rules),
        themed_actions(classified, snapshot.actions, rules),
        rules,
    )


def over_time(
    history: Sequence[Snapshot], settings: Settings, rules: Sequence[ThemeRule], measure: str
) -> pd.DataFrame:
    """One measure (``open_recommendations``, ``outstanding_actions`` or ``overdue_actions``)
    per theme at each snapshot: rows are quarter ids, oldest first; columns the themes in the
    taxonomy's order, ``Other`` last, themes never seen left out."""
    counts = {s.quarter.id: snapshot_theme_table(s, settings, rules)[measure] for s in history}
    table = pd.DataFrame(counts).T.fillna(0).astype(int)
    table = table[[n for n in names(rules) if n in table.columns]]
    table.index.name = "quarter"
    return table
