"""Why overdue actions are late, as categories the panel can count and follow over time.

Owners explain a missed deadline in free text; the panel wants themes ("mostly resourcing").
The tracker's own ``delay_category`` is trusted first, because a person chose it; otherwise
the reason text is matched against the editable rules in ``delay_rules.yml`` (first matching
category wins, ``Other`` when none does, ``No reason given`` when the row says nothing).

Categories are coded values and may be shown; the reason text itself is free text and stays
behind ``analysis.marking`` for OFFICIAL-SENSITIVE rows.  For the same reason an
OFFICIAL-SENSITIVE row whose tracker category is not a known category counts as ``Other``:
an unrecognised category is free text in all but name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.actions import classify, overdue
from analysis.marking import is_sensitive, tally
from analysis.settings import DELAY_RULES_FILE, Settings, SettingsError
from analysis.snapshots import Snapshot
from analysis.vocabulary import NO_REASON, OTHER_REASON

RESERVED = (OTHER_REASON, NO_REASON)


class DelayRulesError(SettingsError):
    """A delay-rules file that cannot be applied; names the file and the entry."""


@dataclass(frozen=True)
class DelayRule:
    """One category and the phrases that place a reason in it."""

    name: str
    description: str
    patterns: tuple[str, ...]

    def matches(self, reason: str) -> bool:
        return any(_compile(p).search(reason) for p in self.patterns)


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    """Turn a plain pattern into a whole-word, case-insensitive regular expression."""
    text = pattern.strip()
    run_on = text.endswith("*")
    words = text.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    if run_on:
        body += r"\w*"
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- the rules file ---------------------------------------------------------------------------
def _packaged_rules() -> Path:
    return Path(__file__).parent / "rules" / DELAY_RULES_FILE


def load_rules(path: Path | str | None = None) -> list[DelayRule]:
    """The ordered rules in ``path`` (default: the packaged file), checked entry by entry."""
    path = Path(path) if path is not None else _packaged_rules()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DelayRulesError(f"{path}: cannot read the delay rules: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DelayRulesError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list):
        raise DelayRulesError(f"{path}: expected a mapping with a list under 'categories'")
    unknown = set(raw) - {"categories"}
    if unknown:
        raise DelayRulesError(f"{path}: unknown top-level key(s) {sorted(unknown)}")
    rules: list[DelayRule] = []
    seen: set[str] = set()
    for number, entry in enumerate(raw["categories"], start=1):
        rule = _parse_rule(entry, f"{path}: category {number}")
        if _key(rule.name) in seen:
            raise DelayRulesError(f"{path}: category {number} ({rule.name}): name used twice")
        seen.add(_key(rule.name))
        rules.append(rule)
    return rules


def _parse_rule(entry: Any, where: str) -> DelayRule:
    if not isinstance(entry, dict):
        raise DelayRulesError(f"{where}: expected name, description and patterns")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DelayRulesError(f"{where}: 'name' must be non-empty text")
    where = f"{where} ({name.strip()})"
    unknown = set(entry) - {"name", "description", "patterns"}
    if unknown:
        raise DelayRulesError(f"{where}: unknown key(s) {sorted(unknown)}")
    if _key(name) in {_key(r) for r in RESERVED}:
        raise DelayRulesError(f"{where}: {name!r} is reserved for reasons no rule matches")
    description = entry.get("description")
    if not isinstance(description, str) or not description.strip():
        raise DelayRulesError(f"{where}: 'description' must be non-empty text")
    patterns = entry.get("patterns")
    if not isinstance(patterns, list) or not patterns:
        raise DelayRulesError(f"{where}: 'patterns' must be a list of at least one pattern")
    for pattern in patterns:
        if not isinstance(pattern, str) or not pattern.strip().rstrip("*").strip():
            raise DelayRulesError(f"{where}: pattern {pattern!r} must be a word or phrase")
        if "*" in pattern.strip()[:-1]:
            raise DelayRulesError(f"{where}: pattern {pattern!r} may have '*' only at its end")
    return DelayRule(
        name=" ".join(name.split()),
        description=description.strip(),
        patterns=tuple(p.strip() for p in patterns),
    )


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
    canonical = {_key(name): name for name in [*(r.name for r in rules), *RESERVED]}
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
            name = canonical.get(_key(str(coded)))
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
