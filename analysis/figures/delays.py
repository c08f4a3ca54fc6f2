"""Why overdue actions are late, as categories the panel can count and follow over time.

Owners explain a missed deadline in free text; the panel wants themes ("mostly resourcing").
The tracker's own ``delay_category`` is trusted first, because a person chose it; otherwise
the reason text is matched against the editable rules in ``delay_rules.yml`` (first matching
category wins, ``Other`` when none does, ``No reason given`` when the row says nothing).

Categories are coded values and may be shown; the reason text itself is free text and stays
behind ``analysis.figures.marking`` for OFFICIAL-SENSITIVE rows.  For the same reason an
OFFICIAL-SENSITIVE row whose tracker category is not a known category counts as ``Other``:
an unrecognised category is free text in all but name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from analysis.figures.actions import classify, overdue
from analysis.figures.marking import is_sensitive, tally
from analysis.figures.phrase_rules import PhraseRule, RulesFile, load_phrase_rules, name_key
from analysis.inputs.settings import DELAY_RULES_FILE, Settings, SettingsError
from analysis.inputs.snapshot import Snapshot
from analysis.inputs.vocabulary import NO_REASON, OTHER_REASON
from analysis.paths import RULES

RESERVED = (OTHER_REASON, NO_REASON)


class DelayRulesError(SettingsError):
    """A delay-rules file that cannot be applied; names the file and the entry."""


DelayRule = PhraseRule
"""One category and the phrases that place a reason in it."""

DELAY_RULES = RulesFile(
    schema="delay_rules",
    title="the delay rules",
    reserved=RESERVED,
    reserved_for="reasons no rule matches",
    error=DelayRulesError,
)


def _packaged_rules() -> Path:
    return RULES / DELAY_RULES_FILE


def load_rules(path: Path | str | None = None) -> list[DelayRule]:
    """The ordered rules in ``path`` (default: the packaged file), checked entry by entry."""
    return load_phrase_rules(Path(path) if path is not None else _packaged_rules(), DELAY_RULES)


def rules_for(settings: Settings) -> list[DelayRule]:
    """The rules a run uses: the data folder's own file if it has one, else the packaged one."""
    return load_rules(settings.delay_rules_path)


# --- categorising -----------------------------------------------------------------------------
def category_of_reason(reason: object, rules: Sequence[DelayRule]) -> str:
    """The first category whose pattern the reason text matches; Other, or No reason given."""
    if _blank(reason):
        return NO_REASON
    for rule in rules:
        if rule.matches(str(reason)):
            return rule.name
    return OTHER_REASON


def _blank(value: object) -> bool:
    return value is None or pd.isna(value) or not str(value).strip()


def categorise(actions: pd.DataFrame, rules: Sequence[DelayRule]) -> pd.Series:
    """Each action's delay category (``reason``), on the raw, unmasked frame's index."""
    canonical = {name_key(name): name for name in [*(r.name for r in rules), *RESERVED]}
    sensitive = is_sensitive(actions).tolist()
    tracker = actions.get("delay_category")
    reasons = actions.get("delay_reason")
    nothing = [None] * len(actions)
    coded_values = nothing if tracker is None else tracker.tolist()
    reason_values = nothing if reasons is None else reasons.tolist()
    # Owners copy the same few reasons from quarter to quarter: each distinct text is matched
    # against the rules once, not once per action.
    matched: dict[str, str] = {}
    result = []
    for coded, reason, secret in zip(coded_values, reason_values, sensitive, strict=True):
        if not _blank(coded):
            name = canonical.get(name_key(str(coded)))
            if name is None:
                name = OTHER_REASON if secret else str(coded).strip()
            result.append(name)
        elif not isinstance(reason, str):  # blank (None, NaN, <NA>) or a stray number
            result.append(category_of_reason(reason, rules))
        else:
            if reason not in matched:
                matched[reason] = category_of_reason(reason, rules)
            result.append(matched[reason])
    return pd.Series(result, index=actions.index, dtype=object, name="reason")


def with_reasons(
    classified: pd.DataFrame, actions: pd.DataFrame, rules: Sequence[DelayRule]
) -> pd.DataFrame:
    """The classified frame with a ``reason`` column, taken from the raw rows it came from
    (the classified frame's reason text is masked, the category need not be)."""
    frame = classified.copy()
    frame["reason"] = categorise(actions.loc[classified.index], rules)
    return frame


def overdue_reasons(
    snapshot: Snapshot, settings: Settings, rules: Sequence[DelayRule]
) -> pd.DataFrame:
    """The snapshot's overdue monitored actions, each with its delay category."""
    classified = classify(snapshot.actions, snapshot.as_of, snapshot.quarter, settings)
    return with_reasons(overdue(classified), snapshot.actions, rules)


# --- counts -----------------------------------------------------------------------------------
def by_category(reasons: pd.DataFrame) -> pd.Series:
    """Overdue actions per delay category, largest first."""
    return tally(reasons["reason"])


def by_group_and_category(reasons: pd.DataFrame) -> pd.DataFrame:
    """Business groups (rows, largest first) by delay category (columns, largest first)."""
    rows = list(tally(reasons["business_group"]).index)
    columns = list(by_category(reasons).index)
    table = pd.crosstab(reasons["business_group"], reasons["reason"])
    return table.reindex(index=rows, columns=columns, fill_value=0).astype(int)


def over_time(
    history: Sequence[Snapshot], settings: Settings, rules: Sequence[DelayRule]
) -> pd.DataFrame:
    """Overdue actions per delay category at each snapshot (rows: quarter ids, oldest first;
    columns: categories, largest over the whole period first)."""
    counts = {s.quarter.id: by_category(overdue_reasons(s, settings, rules)) for s in history}
    table = pd.DataFrame(counts).T.fillna(0).astype(int)
    if table.empty:
        return table
    totals = table.sum()
    columns = sorted(table.columns, key=lambda c: (-totals[c], c))
    table = table[columns]
    table.index.name = "quarter"
    return table
